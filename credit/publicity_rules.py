"""一公开 rule numbers (a section of ``credit.rules.Rules``): publication deadlines, and the
publicity periods of penalties as versions, each in force from a date.

A penalty takes the periods of the version in force on its decision date (SAMR Order 45 before
2025-12-25, SAMR Order 107 from then on: DOMAIN §5, §8); the version applied and the end date
are recorded in the `Published` event, so a later change of the rules rewrites no history.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from kernel.rulebook import RuleSection, Workdays

PublicationDeadline = Literal["penalty_publication_workdays", "double_publicity_workdays"]


class PenaltyPublicityVersion(RuleSection):
    """The publicity periods one rule sets, for penalties decided on or after `effective_from`
    (months run from publication to the corresponding day, 民法典 Art 201–203)."""

    name: str = Field(min_length=1, description="The rule as recorded with each publication "
                      "(e.g. 'SAMR Order 107').")
    source: str = Field(min_length=1, description="Title and article the periods come from.")
    effective_from: date = Field(description="Applies to penalties decided on or after this "
                                 "date; the earliest version also covers older decisions.")
    minor_months: int = Field(ge=0, description="通报批评 or a low fine (仅受到通报批评或者较低数额"
                              "罚款): publicity in months.")
    general_months: int = Field(ge=0, description="Other penalties: publicity in months.")
    serious_months: int = Field(ge=0, description="A heavier penalty (较重行政处罚, SAMR Order 44 "
                                "Art 2): publicity in months.")
    restriction_lengthens: bool = Field(description="A restriction (限制开展生产经营活动, 暂扣许可) "
                                        "lasting longer than the period lengthens publicity to "
                                        "its own length.")


ORDER_45 = PenaltyPublicityVersion(
    name="SAMR Order 45",
    source="市场监督管理行政处罚信息公示规定 (SAMR Order 45, in force 2021-09-01) Art 14: 通报批评 "
    "or a low fine 3 months, other penalties 3 years, a longer restriction its own length",
    effective_from=date(2021, 9, 1), minor_months=3, general_months=36, serious_months=36,
    restriction_lengthens=True)
ORDER_107 = PenaltyPublicityVersion(
    name="SAMR Order 107",
    source="SAMR Order 107 (in force 2025-12-25) §8: minor records 3 months, general penalties at "
    "most 1 year (repairable after 3 months), serious records 1–3 years (repairable after 1 "
    "year); the periods are maxima, so a restriction does not lengthen them (assumed)",
    effective_from=date(2025, 12, 25), minor_months=3, general_months=12, serious_months=36,
    restriction_lengthens=False)


class PublicityRules(RuleSection):
    """Deadlines and periods for publishing inspection results and penalties (一公开)."""

    inspection_result_deadline_workdays: Workdays = Field(
        20,
        description="Publish inspection results within N working days of the inspection's end "
        "(local, Fujian practice; national wording unconfirmed).",
    )
    penalty_publication_workdays: Workdays = Field(
        20,
        description="Publish an ordinary-procedure penalty within N working days of the decision "
        "(SAMR Order 45, 市场监督管理行政处罚信息公示规定).",
    )
    double_publicity_workdays: Workdays = Field(
        7,
        description="Licensing and penalty decisions online within N working days "
        "(NDRC double publicity, 双公示).",
    )
    penalty_publication_deadlines: tuple[PublicationDeadline, ...] = Field(
        ("penalty_publication_workdays", "double_publicity_workdays"),
        min_length=1,
        description="The deadlines a penalty's publication must meet; the earliest applies "
        "(SAMR Order 45's 20 and NDRC 双公示's 7 working days both bind a market regulator, so "
        "the stricter one does).",
    )
    penalty_withdrawal_workdays: Workdays = Field(
        3,
        description="Withdraw a published penalty within N working days of it being changed, "
        "revoked or found invalid (SAMR Order 45).",
    )
    low_fine_threshold_yuan: Decimal = Field(
        Decimal(10_000),
        ge=0,
        description="A fine at or below this amount (CNY) is a low fine (较低数额罚款) with the "
        "short publicity period (local, assumed: SAMR Order 45 leaves the amount to provincial "
        "market regulators).",
    )
    penalty_periods: tuple[PenaltyPublicityVersion, ...] = Field(
        (ORDER_45, ORDER_107),
        min_length=1,
        description="Publicity periods of penalties by rule version, oldest first; a penalty "
        "takes the version in force on its decision date (SAMR Order 45, then SAMR Order 107 "
        "from 2025-12-25 for decisions on or after that date: DOMAIN §5).",
    )

    @model_validator(mode="after")
    def _check_versions(self) -> PublicityRules:
        starts = [v.effective_from for v in self.penalty_periods]
        if any(a >= b for a, b in zip(starts, starts[1:])):
            raise ValueError("penalty_periods must be sorted by effective_from, without two "
                             f"versions on the same date: {', '.join(map(str, starts))}")
        return self

    def penalty_periods_on(self, decided_on: date) -> PenaltyPublicityVersion:
        """The publicity periods in force on a penalty's decision date."""
        chosen = self.penalty_periods[0]
        for version in self.penalty_periods:
            if version.effective_from <= decided_on:
                chosen = version
        return chosen

    def penalty_publication_deadline(self) -> tuple[int, str]:
        """(working days, the rule that sets them): the earliest of the applicable deadlines."""
        cited = {"penalty_publication_workdays": "SAMR Order 45",
                 "double_publicity_workdays": "NDRC 双公示"}
        days, name = min((getattr(self, n), n) for n in self.penalty_publication_deadlines)
        return days, f"{cited[name]}: {days} working days"

"""Every rule number OpenCheck applies, in one configurable tree, each citing its source: the
credit context's sections (publicity, lists, repair, commitments, risk scoring) on top of the
supervision context's (``supervision.rules``).

Defaults follow the domain rulebook (shared/DOMAIN.md). Provincial practice is marked
"(local, <place>)" and numbers no regulation fixes are marked "(assumed)": both are meant to
be overridden per deployment with ``load_rules(path)`` from a JSON or TOML file.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from pydantic import Field, model_validator

from credit.persons.rules import JointPunishmentRules
from credit.publicity_rules import PublicityRules
from credit.rules_incentives import RedListIncentiveRules
from credit.authority import AuthorityRules
from kernel.rulebook import RuleSection, Workdays, load_rulebook
from supervision.rules import SupervisionRules

# Indicators of the risk score (RiskScoringRules), in the order reasons are listed.
RISK_INDICATORS = ("serious_list", "abnormal_list", "heavy_penalty", "penalty_recent",
                   "penalty_older", "minor_penalty", "false_commitment", "negative_result",
                   "clean_result", "annual_report_missing", "annual_reports_on_time",
                   "new_entity", "established")


class AbnormalListRules(RuleSection):
    """经营异常名录, abnormal operation list (企业信息公示暂行条例; SAMR rules)."""

    annual_report_due_month: int = Field(
        6, ge=1, le=12, description="Annual report for the previous year due by this month "
        "(企业信息公示暂行条例: 1 January – 30 June).",
    )
    annual_report_due_day: int = Field(
        30, ge=1, le=31, description="Annual report due by this day of the month "
        "(企业信息公示暂行条例: 30 June).",
    )
    listing_deadline_workdays: Workdays = Field(
        10,
        description="Decide the listing within N working days of the ground arising "
        "(企业信息公示暂行条例; SAMR abnormal list rules).",
    )
    removal_deadline_workdays: Workdays = Field(
        5,
        description="Remove within N working days of the ground being cured "
        "(SAMR abnormal list rules).",
    )
    escalation_years: int = Field(
        3,
        ge=1,
        description="Still listed after N years: moved to the serious dishonest list "
        "(企业信息公示暂行条例; SAMR Order 44).",
    )

    @model_validator(mode="after")
    def _check_due_date(self) -> AbnormalListRules:
        # A non-leap year, so a due date of 29 February is rejected rather than skipped.
        try:
            date(2001, self.annual_report_due_month, self.annual_report_due_day)
        except ValueError as exc:
            raise ValueError(
                f"annual_report_due_month={self.annual_report_due_month}, "
                f"annual_report_due_day={self.annual_report_due_day} is not a valid date: {exc}"
            ) from None
        return self

    def annual_report_due(self, year: int) -> date:
        """The deadline in ``year`` for publicising the annual report of ``year - 1``."""
        return date(year, self.annual_report_due_month, self.annual_report_due_day)


class SeriousListRules(RuleSection):
    """严重违法失信名单, serious illegal and dishonest list (SAMR Order 44)."""

    duration_years: int = Field(
        3, ge=1, description="Listed for N years, then removed automatically (SAMR Order 44)."
    )
    early_repair_after_years: int = Field(
        1,
        ge=0,
        description="Early removal by credit repair after at least N years on the list "
        "(SAMR Order 44).",
    )
    statement_period_workdays: Workdays = Field(
        5,
        description="After the prior notice the entity may state its case or ask for a hearing "
        "within N working days; the decision comes after the period, or earlier once a "
        "statement is recorded and answered (SAMR Order 44 Art 13-14: 陈述、申辩、听证; assumed "
        "default, check the local rule).",
    )


class RedListRules(RuleSection):
    """Red list (守信激励) eligibility (local practice; see DOMAIN §6)."""

    min_active_years: int = Field(
        2, ge=0, description="Registered and active for at least N years (local, assumed)."
    )
    penalty_lookback_years: int = Field(
        2,
        ge=0,
        description="No unrepaired penalty of a fine or above in the previous N years "
        "(local practice).",
    )
    repaired_penalties_disqualify: bool = Field(
        False,
        description="Whether a penalty already repaired (信用修复) still disqualifies "
        "(local practice: only unrepaired ones do).",
    )
    exclude_negative_lists: bool = Field(
        True,
        description="Entities on the abnormal or serious dishonest list are not eligible "
        "(local practice).",
    )
    exclude_false_commitments: bool = Field(
        True,
        description="An unrepaired false commitment (虚假承诺) disqualifies "
        "(国办发〔2020〕42号: a false commitment enters the credit record; local practice).",
    )
    require_commendation: bool = Field(
        True,
        description="Only an entity with a commendation in force (诚信典型: 守合同重信用企业, "
        "A级纳税人 … recorded by a department) is eligible; off, a clean record alone is enough "
        "(国发〔2016〕33号 names both 诚信典型 and 连续三年无不良信用记录; local practice. Real "
        "red lists are selective: Hezhou 2020, 1,088 of ≈ 363 k records, DOMAIN §12).",
    )
    commendation_valid_years: int = Field(
        2, ge=1, description="A commendation recorded without an end date is valid for N "
        "years (守合同重信用 publicity is valid 2 years; assumed default).",
    )


class RepairRules(RuleSection):
    """信用修复, credit repair (SAMR Order 107, in force 2025-12-25; NDRC rules 2026-04-01)."""

    general_min_wait_months: int = Field(
        3, ge=0, description="A general penalty may be repaired after N months of publicity "
        "(SAMR Order 107).",
    )
    serious_min_wait_months: int = Field(
        12, ge=0, description="A serious record (serious list, heavy penalty) may be repaired "
        "after N months (SAMR Order 107).",
    )
    negative_result_min_wait_months: int = Field(
        0, ge=0, description="A negative spot-check result (抽查检查结果) may be repaired N "
        "months after publication (SAMR Order 107 makes it repairable and sets no waiting "
        "period; DOMAIN.md §8).",
    )
    false_commitment_min_wait_months: int = Field(
        3, ge=0, description="A false commitment (虚假承诺) may be repaired N months after it "
        "was found (assumed: treated as a general record under SAMR Order 107; "
        "国办发〔2020〕42号 fixes no period).",
    )


class CommitmentRules(RuleSection):
    """告知承诺制, notification–commitment (国办发〔2020〕42号)."""

    verification_window_workdays: Workdays = Field(
        30,
        description="Verify a commitment within N working days of the decision "
        "(local, default practice under 国办发〔2020〕42号).",
    )



class RiskWeight(RuleSection):
    """One indicator of the risk score: points per occurrence (negative lowers the risk), counted
    at most ``max_count`` times, and an optional ``floor`` the score cannot fall below while the
    indicator holds (a one-vote veto, 一票否决)."""

    points: float = Field(ge=-100, le=100, description="Points per occurrence; the basis is "
                          "cited on the indicator (risk_scoring.<indicator>).")
    max_count: int = Field(1, ge=1, le=100, description="Occurrences counted at most "
                           "(assumed, see the indicator).")
    floor: float | None = Field(None, ge=0, le=100, description="Lowest score while the "
                                "indicator holds, a veto (assumed, see the indicator).")


def _weight(points: float, max_count: int = 1, floor: float | None = None) -> Any:
    return RiskWeight(points=points, max_count=max_count, floor=floor)


class RiskScoringRules(RuleSection):
    """The A–D credit risk score (企业信用风险分类管理, 国市监信发〔2022〕6号): weights and cut points.

    Convention: a score in [0, 100], higher means riskier: ``base`` plus every indicator's
    points (capped per indicator), raised to the floor of any veto indicator, clipped to
    [0, 100]. A score below ``b_from`` is class A, below ``c_from`` B, below ``d_from`` C,
    anything else D; ``cut_points`` feeds ``numpy.digitize`` directly. The classes are internal
    and never shown to the public (DOMAIN §7). Every weight is an assumption to be calibrated
    per province; the indicator families follow the national practice (entity attributes,
    annual-report compliance, inspection results, penalties, list status, commitments).
    """

    b_from: float = Field(30.0, ge=0, le=100, description="Lowest class-B score (assumed).")
    c_from: float = Field(60.0, ge=0, le=100, description="Lowest class-C score (assumed).")
    d_from: float = Field(80.0, ge=0, le=100, description="Lowest class-D score (assumed).")
    base: float = Field(
        45.0, ge=0, le=100, description="Starting score of every entity: general risk (class B) "
        "unless its facts say otherwise (assumed; entities without information are classed B in "
        "企业信用风险分类管理 practice).")
    serious_list: RiskWeight = Field(
        _weight(40, floor=80), description="On the serious illegal and dishonest list: a key "
        "supervision target, class D (SAMR Order 44; 国市监信发〔2022〕6号; points assumed).")
    abnormal_list: RiskWeight = Field(
        _weight(20, floor=60), description="Listed in (or, individual businesses, marked with) "
        "the abnormal operation list: at least class C (企业信息公示暂行条例; DOMAIN §3 higher "
        "ratio for listed entities; points assumed).")
    heavy_penalty: RiskWeight = Field(
        _weight(35, floor=80), description="A heavier penalty (较重行政处罚, SAMR Order 44 Art 2) "
        "in force and unrepaired, decided within `recent_years`: class D (assumed).")
    penalty_recent: RiskWeight = Field(
        _weight(12, max_count=3), description="Each other non-minor penalty in force and "
        "unrepaired, decided within `recent_years` (SAMR Order 45 severity; points assumed).")
    penalty_older: RiskWeight = Field(
        _weight(6, max_count=3), description="Each non-minor penalty (heavier ones included) in "
        "force and unrepaired, decided `recent_years`–`penalty_window_years` ago: older records "
        "weigh half (assumed; the 3-year window follows the publicity period, SAMR Order 45).")
    minor_penalty: RiskWeight = Field(
        _weight(3, max_count=3), description="Each minor penalty (warning, 通报批评, low fine) "
        "decided within `recent_years` (SAMR Order 45; points assumed).")
    false_commitment: RiskWeight = Field(
        _weight(15), description="An unrepaired false commitment (虚假承诺, 国办发〔2020〕42号; "
        "points assumed).")
    negative_result: RiskWeight = Field(
        _weight(10, max_count=3), description="Each inspection result within `inspection_years` "
        "that found a problem needing follow-up (codes B, C, 6, 8, A; DOMAIN §4) and was not "
        "repaired (SAMR Order 107; points assumed).")
    clean_result: RiskWeight = Field(
        _weight(-5), description="The latest inspection within `inspection_years` found no "
        "problem (assumed).")
    annual_report_missing: RiskWeight = Field(
        _weight(10), description="The last annual report due was not publicised by its due date "
        "(企业信息公示暂行条例; points assumed).")
    annual_reports_on_time: RiskWeight = Field(
        _weight(-10), description="The last `on_time_years` annual reports due were all "
        "publicised on time (assumed).")
    new_entity: RiskWeight = Field(
        _weight(5), description="Registered less than `new_entity_years` ago: little history "
        "(assumed).")
    established: RiskWeight = Field(
        _weight(-10), description="Registered at least `established_years` ago (assumed).")
    recent_years: int = Field(1, ge=1, description="Recent penalties: decided within N years "
                              "(assumed).")
    penalty_window_years: int = Field(3, ge=1, description="Penalties older than N years no "
                                      "longer count (SAMR Order 45: 3-year publicity).")
    inspection_years: int = Field(2, ge=1, description="Inspection results within N years count "
                                  "(assumed).")
    on_time_years: int = Field(2, ge=1, le=5, description="Annual reports looked at for "
                               "`annual_reports_on_time` (assumed).")
    new_entity_years: int = Field(1, ge=1, description="`new_entity` below N years (assumed).")
    established_years: int = Field(5, ge=1, description="`established` from N years (assumed).")

    @property
    def indicators(self) -> dict[str, RiskWeight]:
        """The weights by indicator name, in the order reasons are listed."""
        return {name: getattr(self, name) for name in RISK_INDICATORS}

    @model_validator(mode="after")
    def _check_increasing(self) -> RiskScoringRules:
        if not self.b_from < self.c_from < self.d_from:
            raise ValueError("cut points must increase: b_from < c_from < d_from")
        return self

    @property
    def cut_points(self) -> tuple[float, float, float]:
        """(b_from, c_from, d_from), ascending."""
        return (self.b_from, self.c_from, self.d_from)




class Rules(SupervisionRules):
    """All rule numbers, grouped by the regulation area they come from."""

    publicity: PublicityRules = Field(default_factory=PublicityRules)
    abnormal_list: AbnormalListRules = Field(default_factory=AbnormalListRules)
    serious_list: SeriousListRules = Field(default_factory=SeriousListRules)
    red_list: RedListRules = Field(default_factory=RedListRules)
    red_list_incentives: RedListIncentiveRules = Field(default_factory=RedListIncentiveRules)
    repair: RepairRules = Field(default_factory=RepairRules)
    commitment: CommitmentRules = Field(default_factory=CommitmentRules)
    risk_scoring: RiskScoringRules = Field(default_factory=RiskScoringRules)
    joint_punishment: JointPunishmentRules = Field(default_factory=JointPunishmentRules)
    authority: AuthorityRules = Field(default_factory=AuthorityRules)

    @model_validator(mode="after")
    def _check_authority(self) -> Rules:
        self.authority.check(self.directory.departments)
        return self

    @property
    def list_department(self) -> str:
        """The department deciding the abnormal and serious lists (rules.authority)."""
        return self.authority.resolved_list_department(self.directory.departments)


DEFAULT_RULES = Rules()


def load_rules(path: str | os.PathLike[str] | None = None) -> Rules:
    """The default rules, deep-merged with the overrides in a JSON or TOML file if given."""
    return load_rulebook(DEFAULT_RULES, path)

"""一公开 of penalties: what is shown, and how long, by the rule version in force on the decision
date (SAMR Order 45, 市场监督管理行政处罚信息公示规定; SAMR Order 107 from 2025-12-25).

Periods run from publication in calendar months/years to the corresponding day (民法典 Art 201–203);
the returned `publicity_ends_on` is the first day the penalty is no longer shown.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from credit.publicity_rules import PenaltyPublicityVersion, PublicityRules
from kernel.workdays import add_months


def why_not_publicised(kinds: list[str], procedure: str) -> str | None:
    """SAMR Order 45: only ordinary-procedure penalties other than a bare warning are publicised."""
    if procedure != "ordinary":
        return "simple-procedure (简易程序) penalties are not publicised (SAMR Order 45)"
    if set(kinds) == {"warning"}:
        return "warning-only (警告) penalties are not publicised (SAMR Order 45)"
    return None


def is_minor(kinds: list[str], fine_amount: Decimal | None, rules: PublicityRules) -> bool:
    """仅受到通报批评或者较低数额罚款: only criticism and/or a low fine (a warning adds nothing)."""
    rest = set(kinds) - {"warning"}
    if not rest or not rest <= {"circulated_criticism", "fine"}:
        return False
    return "fine" not in rest or (fine_amount or 0) <= rules.low_fine_threshold_yuan


def publicity_months(kinds: list[str], fine_amount: Decimal | None, heavier_penalty: bool,
                     restriction_months: int | None, version: PenaltyPublicityVersion,
                     rules: PublicityRules) -> int:
    """The version's period for this penalty: minor, serious (heavier) or general, in months."""
    if is_minor(kinds, fine_amount, rules):
        return version.minor_months
    months = version.serious_months if heavier_penalty else version.general_months
    if version.restriction_lengthens and restriction_months:
        months = max(months, restriction_months)
    return months


def publicity_ends(published_on: date, decided_on: date, kinds: list[str],
                   fine_amount: Decimal | None, heavier_penalty: bool,
                   restriction_months: int | None,
                   rules: PublicityRules) -> tuple[date, PenaltyPublicityVersion]:
    """The first day off the public record, and the rule version (by decision date) that set it."""
    version = rules.penalty_periods_on(decided_on)
    months = publicity_months(kinds, fine_amount, heavier_penalty, restriction_months, version,
                              rules)
    return add_months(published_on, months), version

"""一公开 of penalties (SAMR Order 45, 市场监督管理行政处罚信息公示规定): what is shown, how long.

Periods run from publication in calendar months/years to the corresponding day (民法典 Art 201–203);
the returned `publicity_ends_on` is the first day the penalty is no longer shown.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from credit.rules import PublicityRules
from kernel.workdays import add_months, add_years


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


def publicity_ends(published_on: date, kinds: list[str], fine_amount: Decimal | None,
                   restriction_months: int | None, rules: PublicityRules) -> date:
    """3 months for minor penalties, 3 years otherwise, the restriction's length if longer."""
    if is_minor(kinds, fine_amount, rules):
        return add_months(published_on, rules.penalty_publicity_minor_months)
    ends = add_years(published_on, rules.penalty_publicity_years)
    if restriction_months:
        ends = max(ends, add_months(published_on, restriction_months))
    return ends

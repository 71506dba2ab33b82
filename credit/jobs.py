"""Time-driven credit rules (listed in opencheck.scheduler.JOBS): they only call use cases and views.

Both jobs are idempotent: every step records events under deterministic ids and ground keys or
writes a read model as of the run's date, so running twice, or late for each missed day
(`opencheck run-jobs --date D` over the range), ends where on-time runs would have.
"""

from __future__ import annotations

from datetime import date, timedelta

from credit.lists.queries import abnormal_work, record_marks
from credit.lists.red_list import candidates, eligible, materialise
from credit.lists.use_cases import RETRY_LATER
from credit.rating.facts import load_facts
from credit.rating.scoring import reclassify

RUNNERS = ("supervision", "credit_on_supervision", "credit")


def settle_all(platform) -> None:  # noqa: ANN001
    """Read models first: the jobs decide on them, and skip what they already show."""
    for name in RUNNERS:
        if name in platform.runners:
            platform.settle(name, timeout=60)


def refresh_red_list(platform, today: date) -> tuple[int, int]:  # noqa: ANN001
    """守信激励 Evaluate the red-list rule and materialise it; (joined, left) today. Yesterday
    is evaluated again first: facts of a day are recorded during it, after that day's run, so
    a run that catches up late (seeing them) and one on time end with the same periods."""
    from kernel.clock import today_in_china

    rules, yesterday = platform.rules.red_list, today - timedelta(days=1)
    with platform.engine.begin() as conn:
        facts = load_facts(conn, platform.rules, among=candidates(rules, yesterday, today))
        for day in (yesterday, today):
            moved = materialise(conn, facts, eligible(facts, rules, day), day, today_in_china())
        return moved


def credit_daily(platform, today: date) -> str:  # noqa: ANN001
    """Deadlines and expiries: overdue commitments, serious-list expiry, the abnormal list
    (grounds, listing, cures, 3-year escalation) and the red list, as of `today`."""
    settle_all(platform)
    overdue = platform.credit.mark_overdue_commitments(today)
    expired = platform.credit.expire_serious_listings(today)
    with platform.engine.connect() as conn:
        work, marks = abnormal_work(conn, platform.rules, today)
    counts = platform.credit.run_abnormal_list(work, today)
    if not counts[RETRY_LATER]:   # everything found is recorded: later runs need not look again
        with platform.engine.begin() as conn:
            record_marks(conn, marks, today)
    settle_all(platform)
    joined, left = refresh_red_list(platform, today)
    abnormal = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "nothing new"
    return (f"{overdue} commitment(s) overdue, {expired} serious listing(s) expired; "
            f"abnormal list: {abnormal}; red list: {joined} joined, {left} left")


def risk_reclassification(platform, today: date) -> str:  # noqa: ANN001
    """企业信用风险分类 Re-classify every entity A–D as of `today` (internal read model)."""
    settle_all(platform)
    per_class = reclassify(platform.engine, platform.rules, today)
    return (f"{int(per_class.sum())} entities classified: "
            + ", ".join(f"{c} {int(n)}" for c, n in zip("ABCD", per_class)))

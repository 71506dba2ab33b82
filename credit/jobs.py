"""Time-driven credit rules (listed in opencheck.scheduler.JOBS): they only call use cases and views.

Both jobs are idempotent: every step records events under deterministic ids and ground keys (the
red list of a day, the classification of a day: credit.rating.evaluations), so running twice, or late
for each missed day (`opencheck run-jobs --date D` over the range), ends where on-time runs
would have. They write no read model: projections do.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import sqlalchemy as sa

from credit.licensing.views import unflagged_overdue_licences
from credit.lists.queries import abnormal_work, record_marks
from credit.lists.red_list import candidates, changes, eligible
from credit.lists.use_cases import RETRY_LATER
from credit.objections.views import unflagged_overdue_objections
from credit.penalties.views import unflagged_overdue_publications
from credit.rating.evaluations import ClassChanges
from credit.rating.facts import load_facts
from credit.rating.scoring import changed_classes, classify, report_years
from credit.rating.tables import LATEST_RUN, risk_class_history, risk_classes
from credit.risk.hazard import stored_hazard
from credit.rules import RISK_INDICATORS
from kernel.rulebook import RISK_CLASSES

RUNNERS = ("supervision", "credit_on_supervision", "credit")


class ReadModelsBehind(RuntimeError):
    """A job decides on read models that could not catch up; it runs again next time."""


def settle_all(platform, *names: str) -> None:  # noqa: ANN001
    """Read models first: the jobs decide on them, and skip what they already show."""
    for name in names or RUNNERS:
        if name in platform.runners and not platform.settle(name, timeout=60):
            raise ReadModelsBehind(f"the read models of {name} are behind (see /api/v1/health)")


def refresh_red_list(platform, today: date) -> tuple[int, int]:  # noqa: ANN001
    """守信激励 Evaluate the red-list rule and record who joined and left; (joined, left) today.
    Yesterday is evaluated again first: facts of a day are recorded during it, after that day's
    run, so a run that catches up late (seeing them) and one on time end with the same periods."""
    from kernel.clock import today_in_china

    rules, yesterday = platform.rules.red_list, today - timedelta(days=1)
    with platform.engine.connect() as conn:
        facts = load_facts(conn, platform.rules, among=candidates(rules, yesterday, today))
    moved = (0, 0)
    for day in (yesterday, today):
        with platform.engine.connect() as conn:
            found = changes(conn, facts, eligible(facts, rules, day), day, today_in_china())
        moved = (0, 0)
        if found is not None and platform.credit.record_red_list_day(found):
            moved = (len(found.joined), len(found.left))
            settle_all(platform, "credit")   # the next day is evaluated against this one
    return moved


def reclassify(platform, today: date) -> np.ndarray | None:  # noqa: ANN001
    """企业信用风险分类 Classify every entity as of `today` and record the changes; the count
    per class A..D, or None if nothing was recorded (this day is done, or a later one is)."""
    rules = platform.rules
    if platform.credit.is_classified(today):
        return None
    years = report_years(today, rules.abnormal_list, rules.risk_scoring.on_time_years)
    with platform.engine.connect() as conn:
        latest = max([d for d in (conn.scalar(LATEST_RUN.element),   # runs, and rows a
                                  conn.scalar(sa.select(sa.func.max(   # reactive change wrote
                                      risk_classes.c.classified_on)))) if d is not None],
                     default=None)
        if latest is not None and today < latest:
            return None   # a late run for an earlier day never overwrites a later classification
        f = load_facts(conn, rules, years)
        hazard = (stored_hazard(conn, rules.hazard, f.entity_no) if rules.hazard.in_score
                  else None)
        c = classify(f, rules.risk_scoring, rules.abnormal_list, today, hazard)
        # until a run is recorded (rows a job wrote before runs were events), everyone changed
        # (reactive changes before the first run do not count: cause set)
        recorded_before = conn.scalar(sa.select(risk_class_history.c.entity_no)
                                      .where(risk_class_history.c.cause.is_(None)).limit(1))
        changed = changed_classes(conn, c) if recorded_before is not None \
            else np.ones(c.entity_no.size, bool)
        nos = c.entity_no[changed]   # the classification's entities are the facts'
        region, section = f.region[changed], f.section[changed]
    per_class = np.bincount(c.risk_class, minlength=len(RISK_CLASSES))
    recorded = platform.credit.record_classification(ClassChanges(
        on=today, classified=int(c.entity_no.size), per_class=per_class.tolist(),
        indicators=list(RISK_INDICATORS), entity_no=nos.tolist(),
        risk_class=c.risk_class[changed].tolist(), score=c.score[changed].tolist(),
        reasons=c.reasons[changed].tolist(), region=region.tolist(), section=section.tolist()))
    if recorded:   # the drawer reads the classes: let the job end with them projected if it can
        platform.settle("credit", timeout=60)
    return per_class if recorded else None


def flag_overdue_penalty_publications(platform, today: date) -> int:  # noqa: ANN001
    """双公示 Record each penalty decision still unpublished after its deadline (a
    PublicationOverdue event, once per decision); how many were newly flagged."""
    with platform.engine.connect() as conn:
        due = unflagged_overdue_publications(conn, today)
    return sum(platform.credit.flag_penalty_publication_overdue(case_id, today) for case_id in due)


def flag_overdue_licences_and_objections(platform, today: date) -> tuple[int, int]:  # noqa: ANN001
    """双公示 licensing decisions unpublished past their deadline, 异议 open past theirs: each
    recorded once (PublicationOverdue, HandlingOverdue); (licences, objections) newly flagged."""
    with platform.engine.connect() as conn:
        licences = unflagged_overdue_licences(conn, today)
        objections = unflagged_overdue_objections(conn, today)
    return (sum(platform.credit.flag_licence_publication_overdue(i, today) for i in licences),
            sum(platform.credit.flag_objection_overdue(i, today) for i in objections))


def credit_daily(platform, today: date) -> str:  # noqa: ANN001
    """Deadlines and expiries: overdue commitments and penalty publications, serious-list expiry,
    the abnormal list (grounds, listing, cures, 3-year escalation) and the red list, as of
    `today`."""
    settle_all(platform)
    overdue = platform.credit.mark_overdue_commitments(today)
    unpublished = flag_overdue_penalty_publications(platform, today)
    licences, objections = flag_overdue_licences_and_objections(platform, today)
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
    return (f"{overdue} commitment(s) overdue, {unpublished} penalty publication(s) overdue, "
            f"{licences} licence publication(s) overdue, {objections} objection(s) overdue, "
            f"{expired} serious listing(s) expired; "
            f"abnormal list: {abnormal}; red list: {joined} joined, {left} left")


def risk_reclassification(platform, today: date) -> str:  # noqa: ANN001
    """企业信用风险分类 Re-classify every entity A–D as of `today` (internal read model)."""
    settle_all(platform)
    per_class = reclassify(platform, today)
    if per_class is None:
        return f"classification as of {today} already recorded (or a later one): nothing new"
    return (f"{int(per_class.sum())} entities classified: "
            + ", ".join(f"{c} {int(n)}" for c, n in zip("ABCD", per_class)))

"""What the daily job finds in the read models for the abnormal list (read side only).

Grounds and cures come with the day they happened, not the day they were found, so a late run
hands over exactly what an on-time run would have; the queries skip what credit's own read
models already show as recorded, so a repeated run finds nothing to do.

- 年报 annual report for year R not publicised by 30 June of R+1 (supervision `entities`,
  `annual_reports`): the ground arises on 1 July, is cured on the filing day;
- inspection grounds (credit's `abnormal_ground_sources`, projected from the supervision log);
- deadlines: listings due, 3-year escalations due, automatic serious-list decisions due.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa

from credit.lists.tables import (
    abnormal_ground_sources,
    abnormal_grounds,
    abnormal_listings,
    job_marks,
    serious_listings,
)
from credit.lists.use_cases import (
    ESCALATION,
    EntityWork,
    GroundChange,
    escalation_decision_day,
)
from credit.rules import Rules
from supervision.directory.views import annual_reports, entities
from supervision.tasks.views import tasks

INDIVIDUAL = "individual"


def last_report_year(on: date, rules: Rules) -> int:
    """The newest report year whose deadline (30 June of the next year) has passed on `on`."""
    due = rules.abnormal_list.annual_report_due
    return on.year - 1 if on > due(on.year) else on.year - 2


def _annual_report(conn: sa.Connection, rules: Rules, on: date, found: dict,
                   marks: dict[str, int]) -> None:
    year = last_report_year(on, rules)
    due = rules.abnormal_list.annual_report_due(year + 1)
    key = f"annual_report:{year}"
    e, r, g = entities.c, annual_reports.c, abnormal_grounds.c
    # Entities up to the mark were swept by an earlier run whose grounds are recorded: only
    # those registered since (a back-dated registration, an import) can still owe the report.
    swept = conn.scalar(sa.select(job_marks.c.value).where(job_marks.c.name == key)) or 0
    marks[key] = conn.scalar(sa.select(sa.func.max(e.entity_no))) or 0
    rows = conn.execute(
        sa.select(e.uscc, e.entity_type, r.filed_on)
        .select_from(entities.outerjoin(annual_reports, sa.and_(r.entity_no == e.entity_no,
                                                                r.year == year)))
        .where(e.entity_no > swept, e.registered_on <= date(year, 12, 31),
               sa.or_(e.status == "active", e.status_since > due),
               sa.or_(r.filed_on.is_(None), r.filed_on > due),
               ~sa.exists().where(g.uscc == e.uscc, g.ground_key == key)))
    for uscc, entity_type, filed_on in rows:
        changes = [GroundChange(due + timedelta(days=1), "raise", key, "annual_report")]
        if filed_on is not None and filed_on <= on:
            changes.append(GroundChange(filed_on, "cure", key, cure=f"{year}年度报告已公示 "
                                                                    f"annual report filed"))
        found[uscc][0] = entity_type == INDIVIDUAL
        found[uscc][1].extend(changes)
    # reports filed for grounds already recorded and still open; a filing dated on time but
    # recorded after the ground was raised (a paper filing keyed in late) cures it the day it
    # arose, so the listing that was never due is removed, and the job never stops on it
    rows = conn.execute(
        sa.select(g.uscc, g.ground_key, r.year, r.filed_on, g.arose_on)
        .join(entities, e.uscc == g.uscc)
        .join(annual_reports, sa.and_(r.entity_no == e.entity_no,
                                      g.ground_key == sa.literal("annual_report:")
                                      + sa.cast(r.year, sa.String)))
        .where(g.status == "open", g.ground == "annual_report", r.filed_on <= on))
    for uscc, ground_key, year_, filed_on, arose_on in rows:
        found[uscc][1].append(GroundChange(max(filed_on, arose_on), "cure", ground_key,
                                           cure=f"{year_}年度报告已公示 annual report filed"))


def _inspections(conn: sa.Connection, on: date, found: dict) -> None:
    s, g, e = abnormal_ground_sources.c, abnormal_grounds.c, entities.c
    uscc = sa.func.coalesce(s.uscc, tasks.c.uscc)
    rows = conn.execute(
        sa.select(uscc, e.entity_type, s.ground_key, s.ground, s.arose_on, s.cured_on, s.cure)
        .select_from(abnormal_ground_sources
                     .outerjoin(tasks, tasks.c.task_id == s.task_id)
                     .join(entities, e.uscc == uscc))
        .where(s.arose_on <= on, ~sa.exists().where(g.ground_key == s.ground_key)))
    for code, entity_type, key, ground, arose_on, cured_on, cure in rows:
        found[code][0] = entity_type == INDIVIDUAL
        found[code][1].append(GroundChange(arose_on, "raise", key, ground))
        if cured_on is not None and cured_on <= on:
            found[code][1].append(GroundChange(cured_on, "cure", key, cure=cure or ""))
    rows = conn.execute(
        sa.select(g.uscc, g.ground_key, s.cured_on, s.cure)
        .join(abnormal_ground_sources, s.ground_key == g.ground_key)
        .where(g.status == "open", s.cured_on.is_not(None), s.cured_on <= on))
    for code, key, cured_on, cure in rows:
        found[code][1].append(GroundChange(cured_on, "cure", key, cure=cure or ""))


def _deadlines(conn: sa.Connection, rules: Rules, on: date, found: dict) -> None:
    g, a, s = abnormal_grounds.c, abnormal_listings.c, serious_listings.c
    due = (sa.select(g.uscc).join(abnormal_listings, sa.and_(a.listing_id == g.listing_id,
                                                             a.cycle == g.cycle))
           .where(a.status == "pending", g.status == "open", g.decide_by <= on))
    escalate = sa.select(a.uscc).where(a.status == "listed", a.marked.is_(False),
                                       a.escalation_on <= on, a.escalation_noticed_on.is_(None))
    for code in conn.scalars(due.union(escalate)):
        found.setdefault(code, [False, []])
    period = rules.serious_list.statement_period_workdays
    for code, noticed_on in conn.execute(
            sa.select(s.uscc, s.noticed_on).where(s.status == "noticed", s.ground == ESCALATION,
                                                  s.statement_on.is_(None))):
        if escalation_decision_day(noticed_on, period) <= on:
            found.setdefault(code, [False, []])


def abnormal_work(conn: sa.Connection, rules: Rules,
                  on: date) -> tuple[dict[str, EntityWork], dict[str, int]]:
    """Every entity with something to do on the abnormal list on `on`, and what; and the sweep
    marks to record (`record_marks`) once all of it is recorded."""
    found: dict[str, list] = defaultdict(lambda: [False, []])
    marks: dict[str, int] = {}
    _annual_report(conn, rules, on, found, marks)
    _inspections(conn, on, found)
    _deadlines(conn, rules, on, found)
    work = {code: EntityWork(marked, tuple(changes)) for code, (marked, changes) in found.items()}
    return work, marks


def record_marks(conn: sa.Connection, marks: dict[str, int], on: date) -> None:
    """Advance the sweep marks (never back: a late run for an earlier day keeps the higher)."""
    for name, value in marks.items():
        held = conn.scalar(sa.select(job_marks.c.value).where(job_marks.c.name == name))
        if held is None:
            conn.execute(job_marks.insert().values(name=name, value=value, updated_on=on))
        elif value > held:
            conn.execute(job_marks.update().where(job_marks.c.name == name)
                         .values(value=value, updated_on=on))

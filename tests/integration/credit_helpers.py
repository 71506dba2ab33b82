"""Shared steps of the credit-list scenarios: a world of entities, inspections, the daily job."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

import sqlalchemy as sa

from credit.lists.public import entries_of
from credit.lists.tables import (
    abnormal_ground_sources,
    abnormal_grounds,
    abnormal_listings,
    serious_listings,
)
from credit.rating.tables import red_list
from credit.record import views as file_views
from opencheck.scheduler import run_jobs
from supervision.directory.tables import entities
from supervision.tasks.task import InspectionTask
from tests.factories import entity

DAILY = "credit-daily"
MONTHLY = "risk-reclassification"
PLEDGE = "守信承诺书：本单位承诺依法诚信经营 we pledge to operate honestly"


def days(first: date, last: date):
    while first <= last:
        yield first
        first += timedelta(days=1)


def daily(platform, first: date, last: date | None = None) -> None:
    """The scheduler's daily credit job for every day from `first` to `last` (injected dates)."""
    for day in days(first, last or first):
        run_jobs(platform, day, {DAILY})
    platform.catch_up()


def register(platform, numbers, reports_until: int | None = 2024,
             over: dict[int, dict] | None = None) -> None:
    """Entities registered in 2015 that filed every annual report up to `reports_until` on time."""
    app, over = platform.supervision, over or {}
    app.register_entities([entity(i, **over.get(i, {})) for i in numbers])
    for i in numbers:
        for year in range(2015, (reports_until or 2014) + 1):
            app.file_annual_report(entity(i, **over.get(i, {})).uscc, year,
                                   date(year + 1, 4, 1))
    platform.settle()


def commend(platform, uscc: str, granted_on: date, valid_until: date | None = None,
            document_no: str | None = None) -> None:
    """诚信典型: the red list's positive record (rules.red_list.require_commendation)."""
    from credit.lists.commendations import CommendationData

    platform.credit.grant_commendation(CommendationData(
        uscc, "守合同重信用企业 contract-abiding enterprise", "market_regulation",
        document_no or f"市监信用〔{granted_on.year}〕{uscc[-6:]}号", granted_on, valid_until),
        granted_on)
    platform.settle("credit")


def entity_no(platform, uscc: str) -> int:
    with platform.engine.connect() as conn:
        return conn.scalar(sa.select(entities.c.entity_no).where(entities.c.uscc == uscc))


def inspect(platform, uscc: str, code: str, inspected_on: date, task: str = "t1") -> UUID:
    """An inspection task of two officers with the result `code`, recorded the same day."""
    app = platform.supervision
    t = InspectionTask(plan_id=uuid5(NAMESPACE_URL, f"plan:{task}"), draw_no=1,
                       entity_no=entity_no(platform, uscc), uscc=uscc,
                       departments=["market_regulation"], check_items=["T-001"],
                       team=[{"inspector_no": 1, "department": "market_regulation"},
                             {"inspector_no": 2, "department": "market_regulation"}],
                       unassigned_reason="", due_on=inspected_on + timedelta(days=60),
                       assigned_on=inspected_on)
    app.save(t)
    for no in (1, 2):
        app.acknowledge_task(t.id, no, inspected_on)
    app.start_task(t.id, 1, inspected_on)
    app.record_result(t.id, 1, code, "检查发现 findings", inspected_on, [1, 2], inspected_on,
                      platform.rules)
    platform.settle()
    return t.id


def listing_rows(platform, uscc: str) -> list[dict]:
    with platform.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            sa.select(abnormal_listings).where(abnormal_listings.c.uscc == uscc)
            .order_by(abnormal_listings.c.cycle))]


def red_periods(platform, uscc: str) -> list[tuple]:
    with platform.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            sa.select(red_list.c.since, red_list.c.until).where(red_list.c.uscc == uscc)
            .order_by(red_list.c.since))]


def public_lists(platform, uscc: str, on: date) -> list[dict]:
    with platform.engine.connect() as conn:
        return entries_of(conn, uscc, on, ("abnormal", "serious", "red"))


def lists_on(platform, uscc: str, on: date) -> dict[str, bool]:
    with platform.engine.connect() as conn:
        return file_views.lists_on(conn, uscc, on)


def state(platform) -> list:
    """The list read models without recording dates and log positions (they differ by run)."""
    skip = {"recorded_on", "listed_recorded_on", "removed_recorded_on", "updated_position"}
    with platform.engine.connect() as conn:
        out = []
        for t in (abnormal_listings, abnormal_grounds, abnormal_ground_sources,
                  serious_listings, red_list):
            cols = [c for c in t.c if c.name not in skip]
            out.append(sorted(tuple(map(str, r)) for r in conn.execute(sa.select(*cols))))
        return out

"""Counts of the job-written credit tables by region and industry section, kept fresh cheaply.

``risk_classes`` (rewritten monthly) and ``red_list`` (materialised daily) may each hold most of
the directory; grouping them per page view costs seconds at a million entities. ``refresh``
groups them once, in SQL, into ``risk_class_counts`` (one set per classification day: the
trend) and ``red_list_counts`` (one snapshot per day, thinned to month starts). The dashboard's
daily job runs it after the credit jobs, and ``ensure_fresh`` (a few cheap reads) repeats it on
the next read when a new classification has no counts yet, or the red list's snapshot is not from
today or no longer matches its member count.
"""

from __future__ import annotations

import threading
from datetime import date

import sqlalchemy as sa

from credit.tables import red_list, risk_classes
from dashboard.tables import red_list_counts, risk_class_counts
from kernel.platform import Platform
from supervision.directory.tables import entity_pool

_lock = threading.Lock()


def _classified_on(conn: sa.Connection) -> date | None:
    # The monthly job rewrites every row with the same day: any row tells which classification.
    return conn.execute(sa.select(risk_classes.c.classified_on).limit(1)).scalar()


def _red_members(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(red_list)
                        .where(red_list.c.until.is_(None))).scalar_one()


def _snapshot(conn: sa.Connection) -> tuple[date | None, int]:
    latest = conn.execute(sa.select(sa.func.max(red_list_counts.c.counted_on))).scalar()
    total = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(red_list_counts.c.members), 0))
                         .where(red_list_counts.c.counted_on == latest)).scalar_one()
    return latest, int(total)


def refresh_classes(conn: sa.Connection) -> bool:
    """(Re)count the current classification unless its counts are complete; True if it wrote."""
    on = _classified_on(conn)
    if on is None:
        return False
    c = risk_class_counts.c
    counted = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(c.entities), 0))
                           .where(c.classified_on == on)).scalar_one()
    total = conn.execute(sa.select(sa.func.count()).select_from(risk_classes)).scalar_one()
    if counted and counted == total:
        return False
    p, rc = entity_pool.c, risk_classes.c
    conn.execute(risk_class_counts.delete().where(c.classified_on == on))
    conn.execute(risk_class_counts.insert().from_select(
        ["classified_on", "region_int", "industry_section", "risk_class", "entities"],
        sa.select(sa.literal(on, sa.Date), p.region_int, p.industry_section, rc["class"],
                  sa.func.count())
        .join(entity_pool, p.entity_no == rc.entity_no)
        .group_by(p.region_int, p.industry_section, rc["class"])))
    return True


def refresh_red_list(conn: sa.Connection, today: date) -> None:
    """Today's snapshot of the red list; older snapshots are kept for month starts only."""
    c, p = red_list_counts.c, entity_pool.c
    conn.execute(red_list_counts.delete().where(c.counted_on == today))
    conn.execute(red_list_counts.insert().from_select(
        ["counted_on", "region_int", "industry_section", "members"],
        sa.select(sa.literal(today, sa.Date), p.region_int, p.industry_section, sa.func.count())
        .join(entity_pool, p.entity_no == red_list.c.entity_no)
        .where(red_list.c.until.is_(None)).group_by(p.region_int, p.industry_section)))
    older = [d for d in conn.scalars(sa.select(c.counted_on).distinct().where(c.counted_on < today))
             if d.day != 1]
    if older:
        conn.execute(red_list_counts.delete().where(c.counted_on.in_(older)))


def _stale(conn: sa.Connection, today: date) -> tuple[bool, bool]:
    on = _classified_on(conn)
    classes = on is not None and not conn.execute(
        sa.select(risk_class_counts.c.classified_on)
        .where(risk_class_counts.c.classified_on == on).limit(1)).first()
    members = _red_members(conn)
    latest, counted = _snapshot(conn)
    # The red list moves only when the daily credit job materialises it: a snapshot taken
    # today with the same number of members is current.
    red = bool(members or latest) and (latest != today or members != counted)
    return classes, red


def ensure_fresh(engine: sa.Engine, today: date) -> None:
    """Recount what the credit jobs changed since the last count (a few index reads if nothing)."""
    with engine.connect() as conn:
        classes, red = _stale(conn, today)
    if not (classes or red):
        return
    with _lock:
        try:
            with engine.begin() as conn:
                classes, red = _stale(conn, today)
                if classes:
                    refresh_classes(conn)
                if red:
                    refresh_red_list(conn, today)
        except sa.exc.IntegrityError:   # another process counted the same day meanwhile
            pass


def count_credit_tables(platform: Platform, today: date) -> str:
    """After credit-daily (00:30) and the monthly reclassification (02:00): recount both."""
    with platform.engine.begin() as conn:
        wrote = refresh_classes(conn)
        refresh_red_list(conn, today)
    return f"risk classes {'recounted' if wrote else 'unchanged'}; red list counted for {today}"

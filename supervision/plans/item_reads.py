"""What a plan reads of the check-item list and of past tasks, in SQL: the catalogue port
(supervision.plans.catalogue), each item's object scope for the pool, the yearly frequency an
entity has used up, and the yearly coverage of each department."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import numpy as np
import sqlalchemy as sa

from kernel.db import fetch_ints
from supervision.directory.tables import check_items, entity_pool
from supervision.plans.catalogue import CatalogueEntry
from supervision.plans.pool import ItemScope, items_filter, region_filter
from supervision.plans.tables import plans
from supervision.tasks.tables import tasks

# A task no longer counts as a check once cancelled (the task life cycle may cancel the tasks of
# a superseded draw); only each plan's latest draw counts in any case.
CANCELLED = "cancelled"


def _split(text: str) -> tuple[str, ...]:
    return tuple(p for p in text.split(";") if p)


def catalogue_entries(conn: sa.Connection, codes: Sequence[str]) -> dict[str, CatalogueEntry]:
    """The list's entries of `codes` (withdrawn ones included, marked); unknown codes absent."""
    if not codes:
        return {}
    rows = conn.execute(sa.select(check_items).where(check_items.c.code.in_(list(set(codes)))))
    return {r.code: CatalogueEntry(
        code=r.code, department=r.department, category=r.category,
        default_ratio=r.default_ratio, frequency_per_year=r.frequency_per_year,
        object_scope_types=_split(r.object_scope_types),
        object_scope_industries=_split(r.object_scope_industries), withdrawn=r.withdrawn)
        for r in rows}


class SqlCheckItemCatalogue:
    """`CheckItemCatalogue` over the check_items read model."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def __call__(self, codes: Sequence[str]) -> dict[str, CatalogueEntry]:
        with self.engine.connect() as conn:
            return catalogue_entries(conn, codes)


@dataclass(frozen=True)
class PlanItem:
    """One of a plan's items as the pool reads it: its scope, and its yearly frequency limit."""

    code: str
    scope: ItemScope | None        # None: not on the list, so it covers no one
    yearly_limit: int | None       # general items: checks per entity and year; key: None


def plan_items(conn: sa.Connection, codes: Sequence[str]) -> list[PlanItem]:
    """The plan's items in the plan's order. A published plan's terms are fixed: an item
    withdrawn since still scopes the draw; an item never on the list covers no one."""
    entries = catalogue_entries(conn, codes)
    out = []
    for code in codes:
        e = entries.get(code)
        out.append(PlanItem(code, None, None) if e is None else PlanItem(
            code, ItemScope(e.object_scope_types, e.object_scope_industries),
            e.frequency_per_year if e.category == "general" else None))
    return out


def frequency_used_up(conn: sa.Connection, items: Sequence[PlanItem], entity_no: np.ndarray,
                      year: int, but_plan: UUID | None = None) -> np.ndarray:
    """bool (n, len(items)): entity i was already drawn for general item j as often as the item's
    yearly frequency allows, in the calendar year `year` (the latest draw of every other plan).
    Key items are never used up (DOMAIN §2: no upper limit)."""
    used = np.zeros((entity_no.size, len(items)), dtype=bool)
    limited = [(j, item) for j, item in enumerate(items) if item.yearly_limit is not None]
    if not limited or not entity_no.size:
        return used
    where = [tasks.c.assigned_on.between(date(year, 1, 1), date(year, 12, 31)),
             tasks.c.status != CANCELLED]
    if but_plan is not None:   # a redraw replaces the plan's own earlier draw
        where.append(tasks.c.plan_id != but_plan.hex)
    latest = plans.join(tasks, sa.and_(tasks.c.plan_id == plans.c.plan_id,
                                       tasks.c.draw_no == plans.c.draws))
    carried = sa.literal(";") + tasks.c.check_items + sa.literal(";")
    for j, item in limited:
        counted = fetch_ints(conn, sa.select(tasks.c.entity_no).select_from(latest)
                             .where(*where, carried.contains(f";{item.code};", autoescape=True))
                             .group_by(tasks.c.entity_no)
                             .having(sa.func.count(sa.distinct(tasks.c.plan_id))
                                     >= item.yearly_limit), 1)
        used[:, j] = np.isin(entity_no, counted[:, 0])
    return used


def department_scope(conn: sa.Connection, department: str) -> list[ItemScope]:
    """The object scopes of a department's items on the list (not withdrawn)."""
    rows = conn.execute(sa.select(check_items.c.object_scope_types,
                                  check_items.c.object_scope_industries)
                        .where(check_items.c.department == department,
                               check_items.c.withdrawn.is_(False)))
    return [ItemScope(_split(r.object_scope_types), _split(r.object_scope_industries))
            for r in rows]


def active_in_scope(conn: sa.Connection, scopes: Sequence[ItemScope], region_prefix: str) -> int:
    """Active entities under the region prefix in the object scope of any of `scopes`."""
    if not scopes:
        return 0
    return conn.execute(sa.select(sa.func.count()).select_from(entity_pool).where(
        entity_pool.c.status_code == 0, *region_filter(region_prefix),
        *items_filter(scopes))).scalar_one()


def drawn_by_department(conn: sa.Connection, department: str, scopes: Sequence[ItemScope],
                        year: int, region_prefix: str) -> int:
    """Distinct entities in `scopes` under the region prefix that plans led by `department`
    drew in `year` (each plan's latest draw, cancelled tasks aside; whatever their status now:
    an entity checked, then deregistered, was checked)."""
    if not scopes:
        return 0
    drawn = plans.join(tasks, sa.and_(tasks.c.plan_id == plans.c.plan_id,
                                      tasks.c.draw_no == plans.c.draws)) \
        .join(entity_pool, entity_pool.c.entity_no == tasks.c.entity_no)
    return conn.execute(
        sa.select(sa.func.count(sa.distinct(tasks.c.entity_no))).select_from(drawn)
        .where(plans.c.lead_department == department, tasks.c.status != CANCELLED,
               tasks.c.assigned_on.between(date(year, 1, 1), date(year, 12, 31)),
               *region_filter(region_prefix), *items_filter(scopes))).scalar_one()


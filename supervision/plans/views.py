"""Read side of plans, draws and tasks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from kernel.eventlog import proved
from supervision.directory.tables import entities
from supervision.plans.item_reads import (
    active_in_scope,
    department_scope,
    drawn_by_department,
)
from supervision.plans.tables import plan_commitments, plan_draws, plans
from supervision.tasks.tables import tasks

# The read contract: plans and their draw records. Other contexts join these relations in their
# own queries and import them from here, never from the tables module (an import-linter contract).
READ_RELATIONS = (plan_commitments, plan_draws, plans)

def _plan_row(row: sa.Row) -> dict[str, Any]:
    d = dict(row._mapping)
    d["departments"] = d["departments"].split(";") if d["departments"] else []
    d["check_items"] = d["check_items"].split(";") if d["check_items"] else []
    return d


def _proved(plan: dict[str, Any], public: bool) -> dict[str, Any]:
    """A public plan names the supervision log's position of its last event and its proof."""
    return proved(plan, "supervision") if public else plan


def public_strata(strata: dict[str, dict[str, int]], minimum: int | None) -> dict | None:
    """Per-stratum counts, only where no stratum is small enough to single an entity out: with
    ``minimum`` None (the default rule) never; a count of 1 in class D names that entity's class."""
    if minimum is None or any(0 < s["population"] < minimum for s in strata.values()):
        return None
    return strata


def draw_records(conn: sa.Connection, plan_id: str, public: bool = False,
                 class_counts_min: int | None = None,
                 position: int | None = None) -> list[dict[str, Any]]:
    """The plan's draws; public ones carry the proof of the plan's last event in the
    supervision log (the draws are events of the plan: `position` is plans.updated_position)."""
    rows = conn.execute(sa.select(plan_draws).where(plan_draws.c.plan_id == plan_id)
                        .order_by(plan_draws.c.draw_no)).all()
    out = []
    for r in rows:
        if public:  # no classes, params digests, salts or inspector constraints
            rec = dict(r.public)
            strata = public_strata(r.record.get("strata", {}), class_counts_min)
            if strata is not None:
                rec["strata"] = strata
        else:
            rec = {**r.record, "public": r.public}
        out.append({"draw_no": r.draw_no, "drawn_on": r.drawn_on, "reason": r.reason,
                    "drawn": r.drawn, "unassigned": r.unassigned,
                    "commitment_no": r.commitment_no, "superseded": r.superseded_at is not None,
                    "record": rec,
                    **(proved({"p": position}, "supervision", "p") if public else {})})
    return out


def commitments(conn: sa.Connection, plan_id: str) -> list[dict[str, Any]]:
    """Each commitment of the plan: public from publication (digests, source, round)."""
    rows = conn.execute(sa.select(plan_commitments).where(plan_commitments.c.plan_id == plan_id)
                        .order_by(plan_commitments.c.commitment_no)).all()
    return [{**r.commitment, "value_entered": r.value_entered_at is not None,
             "value_confirmed": r.value_confirmed_at is not None} for r in rows]


def plan(conn: sa.Connection, plan_id: str, public: bool = False,
         class_counts_min: int | None = None) -> dict[str, Any] | None:
    where = [plans.c.plan_id == plan_id]
    if public:
        where.append(plans.c.status != "drafted")
    row = conn.execute(sa.select(plans).where(*where)).first()
    if row is None:
        return None
    return _proved({**_plan_row(row), "commitments": commitments(conn, plan_id),
                    "draw_records": draw_records(conn, plan_id, public, class_counts_min,
                                                 row.updated_position)}, public)


def list_plans(conn: sa.Connection, *, status: str | None = None, department: str | None = None,
               public: bool = False, offset: int = 0, limit: int = 50) -> tuple[int, list[dict]]:
    where = []
    if public:
        where.append(plans.c.status != "drafted")
    if status:
        where.append(plans.c.status == status)
    if department:
        where.append(plans.c.departments.contains(department, autoescape=True))
    total = conn.execute(sa.select(sa.func.count()).select_from(plans).where(*where)).scalar_one()
    rows = conn.execute(sa.select(plans).where(*where)
                        .order_by(plans.c.drafted_on.desc(), plans.c.plan_id)
                        .offset(offset).limit(limit)).all()
    return total, [_proved({**_plan_row(r), "commitments": commitments(conn, r.plan_id),
                            "draw_records": draw_records(conn, r.plan_id, public,
                                                         position=r.updated_position)}, public)
                   for r in rows]


def public_drawn_entities(conn: sa.Connection, plan_id: str, draw_no: int) -> list[dict]:
    """Entities drawn by a published draw (public: code and name, no inspectors)."""
    rows = conn.execute(sa.select(tasks.c.uscc, entities.c.name)
                        .join(entities, entities.c.entity_no == tasks.c.entity_no)
                        .where(tasks.c.plan_id == plan_id, tasks.c.draw_no == draw_no)
                        .order_by(tasks.c.uscc)).all()
    return [{"uscc": r.uscc, "name": r.name} for r in rows]


def coverage(conn: sa.Connection, year: int, departments: Sequence[str], floor: float,
             region_prefix: str = "") -> list[dict[str, Any]]:
    """Yearly coverage per department against the national floor (企业公示信息抽查办法 Art 4):
    active entities in the object scope of the department's items on the list (under
    `region_prefix`) against the distinct entities of that scope its plans drew in `year`;
    `ratio` None when its scope holds no active entity."""
    rows = []
    for department in departments:
        scopes = department_scope(conn, department)
        population = active_in_scope(conn, scopes, region_prefix)
        drawn = drawn_by_department(conn, department, scopes, year, region_prefix)
        ratio = drawn / population if population else None
        rows.append({"department": department, "entities": population, "drawn": drawn,
                     "ratio": ratio, "floor": floor,
                     "below_floor": ratio is not None and ratio < floor})
    return rows

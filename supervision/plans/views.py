"""Read side of plans, draws and tasks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from supervision.directory.tables import entities
from supervision.plans.item_reads import active_in_scope, department_scope, drawn_by_department
from supervision.plans.tables import plan_draws, plans
from supervision.tasks.tables import tasks

# The read contract: plans and their draw records. Other contexts join these relations in their
# own queries and import them from here, never from the tables module (an import-linter contract).
READ_RELATIONS = (plan_draws, plans)

PUBLIC_RECORD_KEYS = ("algorithm_version", "seed", "public_random", "pool_digest", "params",
                      "params_digest", "strata", "fingerprint", "pool_size", "roster_size", "drawn")


def _plan_row(row: sa.Row) -> dict[str, Any]:
    d = dict(row._mapping)
    d["departments"] = d["departments"].split(";") if d["departments"] else []
    d["check_items"] = d["check_items"].split(";") if d["check_items"] else []
    return d


def draw_records(conn: sa.Connection, plan_id: str, public: bool = False) -> list[dict[str, Any]]:
    rows = conn.execute(sa.select(plan_draws).where(plan_draws.c.plan_id == plan_id)
                        .order_by(plan_draws.c.draw_no)).all()
    out = []
    for r in rows:
        rec = dict(r.record)
        if public:  # unassigned reasons may name inspector constraints: counts only
            rec = {k: rec[k] for k in PUBLIC_RECORD_KEYS if k in rec}
        out.append({"draw_no": r.draw_no, "drawn_on": r.drawn_on, "reason": r.reason,
                    "drawn": r.drawn, "unassigned": r.unassigned, "record": rec})
    return out


def plan(conn: sa.Connection, plan_id: str, public: bool = False) -> dict[str, Any] | None:
    where = [plans.c.plan_id == plan_id]
    if public:
        where.append(plans.c.status != "drafted")
    row = conn.execute(sa.select(plans).where(*where)).first()
    if row is None:
        return None
    return {**_plan_row(row), "draw_records": draw_records(conn, plan_id, public)}


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
    return total, [{**_plan_row(r), "draw_records": draw_records(conn, r.plan_id, public)}
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

"""Running and verifying a plan's draw: frozen inputs from the read models, the pure drawer, the
archive of those inputs, and the recorded outcome. Risk classes come in as plain data."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any
from uuid import UUID

import numpy as np
import sqlalchemy as sa

from kernel.errors import Conflict, InvalidInput, NotFound
from supervision.directory.tables import entities
from supervision.plans import drawing
from supervision.plans.plan import SpotCheckPlan, terms_from_event
from supervision.plans.pool import PoolScope, load_pool, load_roster
from supervision.plans.tables import draw_archives
from supervision.tasks.tables import task_inspectors, tasks

RiskClasses = Callable[[np.ndarray], np.ndarray]   # entity_no int64 -> class int8 (0..3 = A..D)


def all_class_b(entity_no: np.ndarray) -> np.ndarray:
    """Until the credit context classifies entities, every entity counts as class B."""
    return np.ones(entity_no.size, dtype=np.int8)


def _params(plan: SpotCheckPlan) -> drawing.DrawParams:
    t = terms_from_event(plan.terms)
    ratios = tuple(t.ratios[c] for c in drawing.RISK_CLASSES)
    cool = tuple(t.cool_off_days.get(c, 0) for c in drawing.RISK_CLASSES)
    joint = tuple(range(len(t.departments))) if len(t.departments) > 1 else ()
    return drawing.DrawParams(ratios, t.targeted_ratio, cool, t.inspectors_per_task, joint,
                              t.cross_station, t.jurisdiction_digits)


def freeze_inputs(conn: sa.Connection, plan: SpotCheckPlan, today: date,
                  risk_classes: RiskClasses) -> tuple[drawing.EntityPool, drawing.Roster, tuple[str, ...]]:
    """The pool and roster as they stand now: what the draw runs on and the archive keeps."""
    t = terms_from_event(plan.terms)
    pool = load_pool(conn, PoolScope(t.scope.region_prefix, t.scope.industries,
                                     t.scope.entity_types, department=t.lead_department))
    roster = load_roster(conn, t.departments, check_items=t.check_items, on=today)
    targeted_nos = np.array(sorted(conn.scalars(sa.select(entities.c.entity_no)
                                                .where(entities.c.uscc.in_(t.targeted)))),
                            dtype=np.int64) if t.targeted else np.empty(0, np.int64)
    last = np.array(conn.execute(
        sa.select(tasks.c.entity_no, task_inspectors.c.inspector_no)
        .join(task_inspectors, task_inspectors.c.task_id == tasks.c.task_id)
        .where(tasks.c.assigned_on == sa.select(sa.func.max(tasks.c.assigned_on))
               .where(tasks.c.entity_no == sa.literal_column("tasks.entity_no"))
               .correlate_except(tasks).scalar_subquery())).all(),
        dtype=np.int64).reshape(-1, 2)
    entity_pool = drawing.EntityPool(**pool.drawer_fields(today),
                                     risk_class=risk_classes(pool.entity_no),
                                     targeted=np.isin(pool.entity_no, targeted_nos))
    return (entity_pool, drawing.Roster(**roster.drawer_fields(), last_inspector=last),
            roster.departments)


def _archive(conn: sa.Connection, pool: drawing.EntityPool, roster: drawing.Roster,
             departments: tuple[str, ...], digest: str) -> None:
    if conn.execute(sa.select(draw_archives.c.pool_digest)
                    .where(draw_archives.c.pool_digest == digest)).first():
        return
    buf = io.BytesIO()
    np.savez_compressed(buf, **{f"pool_{k}": getattr(pool, k) for k in
                                ("entity_no", "region", "risk_class", "last_checked_days", "targeted")},
                        **{f"roster_{k}": getattr(roster, k) for k in
                           ("inspector_no", "department", "region", "conflicts", "last_inspector")},
                        departments=np.array(departments, dtype=str))
    conn.execute(draw_archives.insert().values(
        pool_digest=digest, created_at=datetime.now(timezone.utc), entities=pool.entity_no.size,
        inspectors=roster.inspector_no.size, payload=buf.getvalue()))


def load_archive(conn: sa.Connection, digest: str) -> tuple[drawing.EntityPool, drawing.Roster]:
    row = conn.execute(sa.select(draw_archives.c.payload)
                       .where(draw_archives.c.pool_digest == digest)).first()
    if row is None:
        raise NotFound(f"no archived pool with digest {digest}", field="pool_digest")
    z = np.load(io.BytesIO(row.payload))
    pool = drawing.EntityPool(**{k[5:]: z[k] for k in z.files if k.startswith("pool_")})
    roster = drawing.Roster(**{k[7:]: z[k] for k in z.files if k.startswith("roster_")})
    return pool, roster


def run_draw(engine: sa.Engine, app: Any, plan_id: UUID, public_random: str, today: date, by: str,
             risk_classes: RiskClasses = all_class_b, reason: str | None = None) -> dict[str, Any]:
    """Draw a published plan (or redraw a drawn one, with a reason) and record the outcome."""
    public_random = public_random.strip()
    if not 4 <= len(public_random) <= 200:
        raise InvalidInput("public_random must be the published random value (4–200 characters)",
                           field="public_random")
    plan = app.get_plan(plan_id)
    if reason is None:
        plan.check_can_draw()
    elif plan.status != "drawn":
        raise Conflict("only a drawn plan can be redrawn", field="status")
    with engine.begin() as conn:
        pool, roster, departments = freeze_inputs(conn, plan, today, risk_classes)
        params = _params(plan)
        result = drawing.draw(pool, roster, params, drawing.derive_seed(str(plan_id), public_random))
        _archive(conn, pool, roster, departments, result.pool_digest)
        uscc = dict(conn.execute(sa.select(entities.c.entity_no, entities.c.uscc)
                                 .where(entities.c.entity_no.in_(result.entity_no.tolist()))).all())
    t = terms_from_event(plan.terms)
    why = dict(result.unassigned)
    task_rows = [{"entity_no": int(no), "uscc": uscc[int(no)], "departments": list(t.departments),
                  "check_items": list(t.check_items), "due_on": t.due_on,
                  "unassigned_reason": why.get(int(no), ""),
                  "team": [{"inspector_no": int(i), "department": departments[int(d)]}
                           for i, d in _members(team, roster)]}
                 for no, team in zip(result.entity_no, result.teams)]
    record = {**result.summary(), "seed": str(result.seed), "public_random": public_random,
              "draw_no": len(plan.draws) + 1, "pool_size": int(pool.entity_no.size),
              "roster_size": int(roster.inspector_no.size), "drawn": int(result.entity_no.size)}
    app.record_draw(plan_id, record, task_rows, today, by, reason)
    return record


def _members(team: np.ndarray, roster: drawing.Roster):
    at = np.searchsorted(roster.inspector_no, team[team >= 0])
    return zip(roster.inspector_no[at], roster.department[at])


def verify_draw(engine: sa.Engine, app: Any, plan_id: UUID, draw_no: int | None = None) -> dict[str, Any]:
    """Recompute a recorded draw from its archived inputs: verified, or exactly what differs."""
    plan = app.get_plan(plan_id)
    if not plan.draws:
        raise Conflict("plan has not been drawn yet", field="status")
    rec = plan.draws[(draw_no or len(plan.draws)) - 1]
    seed = drawing.derive_seed(str(plan_id), rec["public_random"])
    with engine.connect() as conn:
        pool, roster = load_archive(conn, rec["pool_digest"])
        recorded_tasks = set(conn.scalars(sa.select(tasks.c.entity_no).where(
            tasks.c.plan_id == plan_id.hex, tasks.c.draw_no == rec["draw_no"])))
    params = drawing.DrawParams(**{k: tuple(v) if isinstance(v, list) else v
                                   for k, v in rec["params"].items()})
    differences = drawing.verify(pool, roster, params, seed, {**rec, "seed": int(rec["seed"])})
    again = drawing.draw(pool, roster, params, seed)
    if recorded_tasks and recorded_tasks != set(again.entity_no.tolist()):
        differences.append("tasks: the recorded tasks are not the drawn entities")
    return {"plan_id": str(plan_id), "draw_no": rec["draw_no"], "verified": not differences,
            "differences": differences, "algorithm_version": rec["algorithm_version"],
            "seed": rec["seed"], "public_random": rec["public_random"],
            "pool_digest": rec["pool_digest"], "fingerprint": rec["fingerprint"]}

"""The draw's ports in SQL (supervision.plans.ports): the frozen pool and roster from the read
models, the archive of those inputs, and the tasks a recorded draw created."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, timezone
from uuid import UUID

import numpy as np
import sqlalchemy as sa

from kernel.errors import NotFound
from supervision.directory.tables import entities
from supervision.plans import drawing
from supervision.plans.item_reads import frequency_used_up, plan_items
from supervision.plans.plan import PlanTerms
from supervision.plans.pool import PoolArrays, PoolScope, load_pool, load_roster
from supervision.plans.ports import FrozenInputs
from supervision.plans.tables import draw_archives
from supervision.tasks.tables import task_inspectors, tasks


def freeze_inputs(conn: sa.Connection, t: PlanTerms, today: date,
                  plan_id: UUID | None = None) -> FrozenInputs:
    """The pool and roster as they stand now: what the draw runs on and the archive keeps."""
    pool, item_mask = _scoped_pool(conn, t, today, plan_id)
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
    return FrozenInputs(**pool.drawer_fields(today),
                        targeted=np.isin(pool.entity_no, targeted_nos),
                        roster=drawing.Roster(**roster.drawer_fields(), last_inspector=last),
                        departments=roster.departments, item_mask=item_mask)


def _scoped_pool(conn: sa.Connection, t: PlanTerms, today: date,
                 plan_id: UUID | None) -> tuple[PoolArrays, np.ndarray]:
    """Scope is law: the plan's scope AND the object scope of at least one of its items whose
    yearly frequency the entity has not used up; with which items apply to each row."""
    items = plan_items(conn, t.check_items)
    covering = tuple(i.scope for i in items if i.scope is not None)
    pool = load_pool(conn, PoolScope(t.scope.region_prefix, t.scope.industries,
                                     t.scope.entity_types, department=t.lead_department,
                                     items=covering))
    mask = np.zeros((len(pool), len(items)), dtype=bool)
    if covering:   # an item never on the list (a plan drafted before the check) covers no one
        mask[:, [j for j, i in enumerate(items) if i.scope is not None]] = pool.in_items
    mask &= ~frequency_used_up(conn, items, pool.entity_no, today.year, plan_id)
    keep = mask.any(axis=1)
    return pool.only(keep), mask[keep]


def archive(conn: sa.Connection, pool: drawing.EntityPool, roster: drawing.Roster,
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


class SqlDrawInputs:
    """`DrawInputs` and `DrawArchive` over the read-model database."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def freeze(self, terms: PlanTerms, today: date, *,
               plan_id: UUID | None = None) -> FrozenInputs:
        with self.engine.begin() as conn:   # pool, roster and last inspectors in one transaction
            return freeze_inputs(conn, terms, today, plan_id)

    def uscc_of(self, entity_nos: Sequence[int]) -> dict[int, str]:
        with self.engine.connect() as conn:
            return dict(conn.execute(sa.select(entities.c.entity_no, entities.c.uscc)
                                     .where(entities.c.entity_no.in_(list(entity_nos)))).all())

    def tasks_of_draw(self, plan_id: UUID, draw_no: int) -> set[int]:
        with self.engine.connect() as conn:
            return set(conn.scalars(sa.select(tasks.c.entity_no).where(
                tasks.c.plan_id == plan_id.hex, tasks.c.draw_no == draw_no)))

    def keep(self, pool: drawing.EntityPool, roster: drawing.Roster,
             departments: tuple[str, ...], digest: str) -> None:
        with self.engine.begin() as conn:
            archive(conn, pool, roster, departments, digest)

    def load(self, digest: str) -> tuple[drawing.EntityPool, drawing.Roster]:
        with self.engine.connect() as conn:
            return load_archive(conn, digest)

"""The draw's ports in SQL (supervision.plans.ports): the frozen pool and roster from the read
models, the archive of those inputs, and the tasks a recorded draw created."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timezone
from uuid import UUID

import numpy as np
import sqlalchemy as sa

from kernel.db import projection_tracking
from kernel.errors import NotFound
from supervision.directory.tables import entities, entity_pool
from supervision.plans import drawing
from supervision.plans.item_reads import frequency_used_up, plan_items
from supervision.plans.plan import PlanTerms
from supervision.plans.pool import (
    PoolScope,
    load_pool,
    load_roster,
    region_filter,
)
from supervision.plans.pool_snapshot import PoolSnapshot, load_pool_from
from supervision.plans.ports import Archived, FrozenInputs
from supervision.plans.tables import draw_archives
from supervision.tasks.tables import task_inspectors, tasks


def freeze_inputs(conn: sa.Connection, t: PlanTerms, today: date,
                  plan_id: UUID | None = None,
                  snapshot: PoolSnapshot | None = None) -> FrozenInputs:
    """The pool and roster as they stand now: what the draw runs on and the archive keeps
    (``snapshot``: the pool's rows from the memory-mapped snapshot, refreshed first)."""
    pool, item_mask, used_up, uscc_of = _scoped_pool(conn, t, today, plan_id, snapshot)
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
    uscc, used_up_uscc = uscc_of(pool.entity_no), np.sort(uscc_of(used_up))
    position = conn.scalar(sa.select(projection_tracking.c.position)
                           .where(projection_tracking.c.projection == "entity_pool")) or 0
    return FrozenInputs(**pool.drawer_fields(today), uscc=uscc,
                        targeted=np.isin(pool.entity_no, targeted_nos),
                        roster=drawing.Roster(**roster.drawer_fields(), last_inspector=last),
                        departments=roster.departments, position=int(position),
                        item_mask=item_mask, frequency_used_up=used_up_uscc)


def _scoped_pool(conn: sa.Connection, t: PlanTerms, today: date, plan_id: UUID | None,
                 snapshot: PoolSnapshot | None = None):
    """Scope is law: the plan's scope AND the object scope of at least one of its items whose
    yearly frequency the entity has not used up; with which items apply to each row, and the
    USCCs of entity numbers of the scope (a function)."""
    items = plan_items(conn, t.check_items)
    covering = tuple(i.scope for i in items if i.scope is not None)
    scope = PoolScope(t.scope.region_prefix, t.scope.industries, t.scope.entity_types,
                      department=t.lead_department, items=covering)
    if snapshot is None:
        pool = load_pool(conn, scope)
        known, codes = _active_codes(conn, t.scope.region_prefix)

        def uscc_of(numbers: np.ndarray) -> np.ndarray:
            at = np.searchsorted(known, numbers)
            found = at < known.size
            found[found] = known[at[found]] == numbers[found]
            if not found.all():   # the pool's entities are active ones of the same region
                raise KeyError(int(numbers[~found][0]))
            return codes[at].reshape(-1)
    else:
        snapshot.refresh(conn)
        cols = snapshot.columns()
        pool, _ = load_pool_from(conn, cols, scope)

        def uscc_of(numbers: np.ndarray) -> np.ndarray:
            if numbers.size == cols["entity_no"].size:    # every row: the map itself
                return cols["uscc"]
            return np.asarray(cols["uscc"][np.searchsorted(cols["entity_no"], numbers)])
    mask = np.zeros((len(pool), len(items)), dtype=bool)
    if covering:   # an item never on the list (a plan drafted before the check) covers no one
        mask[:, [j for j, i in enumerate(items) if i.scope is not None]] = pool.in_items
    mask &= ~frequency_used_up(conn, items, pool.entity_no, today.year, plan_id)
    keep = mask.any(axis=1)
    if keep.all():      # no copy of a national pool's columns
        return pool, mask, pool.entity_no[:0], uscc_of
    return pool.only(keep), mask[keep], pool.entity_no[~keep], uscc_of


def _active_codes(conn: sa.Connection, region_prefix: str) -> tuple[np.ndarray, np.ndarray]:
    """The entity numbers (ascending) and USCCs of the active entities of a region, read off
    the DB-API cursor: a city's million codes without a row object or a dict entry each."""
    result = conn.execute(sa.select(entity_pool.c.entity_no, entities.c.uscc)
                          .join(entities, entities.c.entity_no == entity_pool.c.entity_no)
                          .where(entity_pool.c.status_code == 0, *region_filter(region_prefix)))
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    known = np.fromiter((r[0] for r in rows), np.int64, len(rows))
    codes = np.array([r[1] for r in rows], dtype="S18")
    order = np.argsort(known, kind="stable")
    return known[order], codes[order]


def archive(conn: sa.Connection, digest: str, a: Archived) -> None:
    buf = io.BytesIO()
    np.savez_compressed(buf, **{f"pool_{k}": getattr(a.pool, k) for k in
                                ("entity_no", "uscc", "region", "risk_class", "last_checked_days",
                                 "targeted")},
                        **{f"roster_{k}": getattr(a.roster, k) for k in
                           ("inspector_no", "department", "region", "conflicts", "last_inspector")},
                        departments=np.array(a.departments, dtype=str),
                        salt=np.frombuffer(a.salt, dtype=np.uint8),
                        params=np.array(json.dumps(a.params.to_dict(), sort_keys=True)),
                        frequency_used_up=a.frequency_used_up,
                        **({} if a.item_mask is None else {"item_mask": a.item_mask}),
                        **({} if a.red_listed is None else {"red_listed": a.red_listed}))
    conn.execute(draw_archives.insert().values(
        pool_digest=digest, created_at=datetime.now(timezone.utc), entities=a.pool.entity_no.size,
        inspectors=a.roster.inspector_no.size, payload=buf.getvalue()))


def archive_payload(conn: sa.Connection, digest: str) -> bytes:
    row = conn.execute(sa.select(draw_archives.c.payload)
                       .where(draw_archives.c.pool_digest == digest)).first()
    if row is None:
        raise NotFound(f"no archived pool with digest {digest}", field="pool_digest")
    return row.payload


def read_archive(payload: bytes) -> Archived:
    """A commitment's archive from its bytes (the CLI reads a downloaded file)."""
    z = np.load(io.BytesIO(payload))
    return Archived(drawing.EntityPool(**{k[5:]: z[k] for k in z.files if k.startswith("pool_")}),
                    drawing.Roster(**{k[7:]: z[k] for k in z.files if k.startswith("roster_")}),
                    tuple(str(d) for d in z["departments"]), z["salt"].tobytes(),
                    params_of(json.loads(str(z["params"]))),
                    z["item_mask"] if "item_mask" in z.files else None,
                    z["frequency_used_up"],
                    z["red_listed"] if "red_listed" in z.files else None)


def params_of(data: dict) -> drawing.DrawParams:
    return drawing.DrawParams(**{k: tuple(v) if isinstance(v, list) else v
                                 for k, v in data.items()})


class SqlDrawInputs:
    """`DrawInputs` and `DrawArchive` over the read-model database."""

    def __init__(self, engine: sa.Engine, snapshot: PoolSnapshot | None = None) -> None:
        self.engine, self.snapshot = engine, snapshot

    def freeze(self, terms: PlanTerms, today: date, *,
               plan_id: UUID | None = None) -> FrozenInputs:
        with self.engine.begin() as conn:   # pool, roster and last inspectors in one transaction
            return freeze_inputs(conn, terms, today, plan_id, self.snapshot)

    def tasks_of_draw(self, plan_id: UUID, draw_no: int) -> set[int]:
        with self.engine.connect() as conn:
            return set(conn.scalars(sa.select(tasks.c.entity_no).where(
                tasks.c.plan_id == plan_id.hex, tasks.c.draw_no == draw_no)))

    def keep(self, digest: str, archived: Archived) -> None:
        with self.engine.begin() as conn:
            archive(conn, digest, archived)

    def load(self, digest: str) -> Archived:
        return read_archive(self.payload(digest))

    def payload(self, digest: str) -> bytes:
        with self.engine.connect() as conn:
            return archive_payload(conn, digest)

"""Projections behind the dashboard: directory counts per group and entity status history."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from dashboard.tables import entity_counts, entity_facets, entity_status_history
from kernel.projections import Projection, Unit, handles
from supervision.directory.entities import ENTITY_TYPES, STATUSES, MarketEntity

KEY = ("region_int", "industry_section", "type_code", "status_code")


def _upsert(dialect: Any) -> Any:
    stmt = dialect.insert(entity_counts)
    return stmt.on_conflict_do_update(
        index_elements=list(KEY),
        set_={"entities": entity_counts.c.entities + stmt.excluded.entities})


_ADD = {"sqlite": _upsert(sqlite), "postgresql": _upsert(postgresql)}
_INSERT_FACETS = entity_facets.insert()
_INSERT_HISTORY = entity_status_history.insert()
_FACETS = sa.select(entity_facets.c.entity_id, *(entity_facets.c[k] for k in KEY))
_UPDATE_FACETS = entity_facets.update().where(
    entity_facets.c.entity_id == sa.bindparam("b_entity_id")).values(
    **{k: sa.bindparam(f"v_{k}") for k in KEY})
RESOLVE_CHUNK = 5_000


def _section(industry_code: str) -> int:
    return ord(industry_code[0].upper()) - ord("A")


class EntityCounts(Projection):
    """Active, deregistered … entities per region, industry section and type (pre-aggregated)."""

    name = "entity_counts"
    tables = (entity_facets, entity_counts)

    def begin_batch(self) -> None:
        # Count deltas of the batch, summed per key and written once in end_batch: alternating
        # facet inserts and count upserts per event would defeat the runner's executemany.
        self._deltas: dict[tuple[int, ...], int] = {}
        # facets of the batch's registrations, still queued (entity_id -> the row and the
        # unit's flush count then): a later change of the entity changes the queued row
        self._queued: dict[str, tuple[dict[str, Any], int]] = {}
        # changes to entities of earlier batches, in log order: their facets are read once,
        # for all of them, at the end of the batch (no read per event)
        self._moves: list[tuple[str, dict[str, int]]] = []

    def end_batch(self, unit: Unit) -> None:
        if self._moves:
            self._apply_moves(unit)
        stmt = _ADD[unit.conn.dialect.name]
        for key, delta in sorted(self._deltas.items()):
            if delta:
                unit.execute(stmt, {**dict(zip(KEY, key)), "entities": delta})
        self.begin_batch()

    def _apply_moves(self, unit: Unit) -> None:
        ids = sorted({entity_id for entity_id, _ in self._moves})
        current: dict[str, dict[str, int]] = {}
        for k in range(0, len(ids), RESOLVE_CHUNK):
            rows = unit.query(_FACETS.where(entity_facets.c.entity_id.in_(ids[k:k + RESOLVE_CHUNK])))
            current.update((r[0], dict(zip(KEY, r[1:]))) for r in rows)
        changed: dict[str, dict[str, int]] = {}
        for entity_id, new in self._moves:
            old = current[entity_id]
            key = {**old, **new}
            if key != old:
                self._add(old, -1)
                self._add(key, 1)
                current[entity_id] = changed[entity_id] = key
        unit.execute_many(_UPDATE_FACETS, [
            {"b_entity_id": entity_id, **{f"v_{k}": v for k, v in key.items()}}
            for entity_id, key in changed.items()])

    def _add(self, key: dict[str, int], delta: int) -> None:
        k = tuple(key[c] for c in KEY)
        self._deltas[k] = self._deltas.get(k, 0) + delta

    @handles(MarketEntity.Registered)
    def registered(self, e: MarketEntity.Registered, position: int, unit: Unit) -> None:
        key = {"region_int": int(e.region_code), "industry_section": _section(e.industry_code),
               "type_code": ENTITY_TYPES.index(e.entity_type), "status_code": 0}
        row = {"entity_id": e.originator_id.hex, **key}
        unit.execute(_INSERT_FACETS, row)
        self._queued[row["entity_id"]] = (row, unit.flushes)
        self._add(key, 1)

    def _move(self, entity_id: str, unit: Unit, **new: int) -> None:
        queued = self._queued.get(entity_id)
        if queued is None or queued[1] != unit.flushes:
            self._moves.append((entity_id, new))
            return
        row = queued[0]
        old = {k: row[k] for k in KEY}
        key = {**old, **new}
        if key != old:
            row.update(new)
            self._add(old, -1)
            self._add(key, 1)

    @handles(MarketEntity.StatusChanged)
    def status_changed(self, e: MarketEntity.StatusChanged, position: int, unit: Unit) -> None:
        self._move(e.originator_id.hex, unit, status_code=STATUSES.index(e.status))

    @handles(MarketEntity.DetailsChanged)
    def details_changed(self, e: MarketEntity.DetailsChanged, position: int, unit: Unit) -> None:
        new = {}
        if "region_code" in e.changes:
            new["region_int"] = int(e.changes["region_code"])
        if "industry_code" in e.changes:
            new["industry_section"] = _section(e.changes["industry_code"])
        if new:
            self._move(e.originator_id.hex, unit, **new)


class EntityStatusHistory(Projection):
    """状态变更 Each entity's registration-status changes, for the entity file's "as of" view."""

    name = "entity_status_history"
    tables = (entity_status_history,)

    @handles(MarketEntity.StatusChanged)
    def status_changed(self, e: MarketEntity.StatusChanged, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_HISTORY, {
            "entity_id": e.originator_id.hex, "position": position, "status": e.status,
            "effective_on": e.effective_on, "reason": (e.reason or "")[:500]})


def dashboard_projections() -> list[Projection]:
    return [EntityCounts(), EntityStatusHistory()]

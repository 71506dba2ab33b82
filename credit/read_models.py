"""What the credit sub-domains' projections and views share: keyed updates, version stamps,
rows folded per key within a batch, and pages of a read-model table."""

from __future__ import annotations

import operator
from typing import Any, ClassVar

import sqlalchemy as sa

from kernel.projections import Projection, Unit


def keyed_update(table: sa.Table, keys: tuple[str, ...], *columns: str,
                 versioned: bool = True) -> Any:
    """A prebuilt UPDATE keyed by `b_<key>` parameters, setting `columns` (and the version)."""
    names = columns + (("version", "updated_position") if versioned else ())
    return (table.update().where(*[table.c[k] == sa.bindparam(f"b_{k}") for k in keys])
            .values({n: sa.bindparam(n) for n in names}))


def stamp(e: Any, position: int) -> dict[str, Any]:
    """The version and log position a projected row was last changed by."""
    return {"version": e.originator_version, "updated_position": position}


def paged(conn: sa.Connection, table: sa.Table, where: list, order: list, offset: int,
          limit: int) -> tuple[int, list[sa.Row]]:
    """(rows matching `where` in all, one page of them in `order`)."""
    total = conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()
    rows = conn.execute(sa.select(table).where(*where).order_by(*order).offset(offset).limit(limit))
    return total, list(rows)


class KeyedRows:
    """The rows of one table a batch inserts and updates by key, folded per key and written at
    the end of the batch as one run per statement (kernel.units).

    A credit case's events come one after the other (opened, decided, published…), so written
    as they come each statement alternates with the next and PostgreSQL waits one round trip
    per event. Folded, an update of a row the batch inserted changes the queued row (a first
    load or a rebuild writes each row once, an INSERT run that may go out as COPY), and updates
    of older rows merge per key into one UPDATE each, grouped by the columns they set. Writes
    to different keys commute and the writes to one key keep their order, so the committed
    batch is the one the events written one by one would leave."""

    def __init__(self, table: sa.Table, keys: tuple[str, ...]) -> None:
        self.table, self.keys = table, keys
        # the same prebuilt INSERT every batch: the unit caches its compiled form per object
        # (a new one per batch was compiled again each batch, most of a short batch's time)
        self._insert, self._nulls = _insert_of(table)
        self._key = operator.itemgetter(*keys)
        # key -> [inserted row or updated values, inserted?], in the order keys first came
        self._pending: dict[tuple, list] = {}

    def insert(self, unit: Unit, row: dict[str, Any]) -> None:
        key = self._key(row) if len(self.keys) > 1 else (row[self.keys[0]],)
        earlier = self._pending.pop(key, None)
        if earlier is not None:   # no event does this: whatever the database made of it
            self._send(unit, key, *earlier)
        self._pending[key] = [row, True]

    def update(self, key: tuple, values: dict[str, Any]) -> None:
        """Set `values` on the row of `key` (the row the batch inserted, or a stored one)."""
        entry = self._pending.get(key)
        if entry is None:
            self._pending[key] = [dict(values), False]
        else:
            entry[0].update(values)

    def flush(self, unit: Unit) -> None:
        """Queue the batch's rows: the inserts, then the updates grouped by the columns set."""
        pending, self._pending = self._pending, {}
        inserts: dict[frozenset, list[dict]] = {}   # one run per key set
        nulls = self._nulls
        for row, inserted in pending.values():
            if inserted:
                row = {**nulls, **row}
                inserts.setdefault(frozenset(row), []).append(row)
        for rows in inserts.values():
            for row in rows:
                unit.execute(self._insert, row)
        updates: dict[frozenset, list[tuple[tuple, dict]]] = {}
        for key, (values, inserted) in pending.items():
            if not inserted:
                updates.setdefault(frozenset(values), []).append((key, values))
        for columns, rows in updates.items():
            stmt = _update_of(self.table, self.keys, columns)
            for key, values in rows:
                unit.execute(stmt, {**values, **{f"b_{k}": v for k, v in zip(self.keys, key)}})

    def _send(self, unit: Unit, key: tuple, values: dict[str, Any], inserted: bool) -> None:
        if inserted:
            unit.execute(self._insert, values)
        else:
            unit.execute(_update_of(self.table, self.keys, frozenset(values)),
                         {**values, **{f"b_{k}": v for k, v in zip(self.keys, key)}})


_INSERTS: dict[str, tuple[Any, dict[str, None]]] = {}


def _insert_of(table: sa.Table) -> tuple[Any, dict[str, None]]:
    """A table's prebuilt INSERT, and the columns an inserted row may leave out as NULL (no
    default of either side): filled in, so every queued row has the same keys and the inserts
    form one run."""
    if table.name not in _INSERTS:
        _INSERTS[table.name] = (table.insert(), {
            c.key: None for c in table.columns
            if c.default is None and c.server_default is None and c.nullable})
    return _INSERTS[table.name]


_UPDATES: dict[tuple[str, tuple[str, ...], frozenset], Any] = {}


def _update_of(table: sa.Table, keys: tuple[str, ...], columns: frozenset) -> Any:
    """One prebuilt UPDATE per table, key and set of columns (the same object each time, so the
    unit groups its rows and caches its compiled form)."""
    cache = (table.name, keys, columns)
    if cache not in _UPDATES:
        _UPDATES[cache] = keyed_update(table, keys, *sorted(columns), versioned=False)
    return _UPDATES[cache]


class FoldingProjection(Projection):
    """A projection writing its tables through `KeyedRows` (`rows[table name]`), flushed at the
    end of each batch."""

    keyed: ClassVar[tuple[tuple[sa.Table, tuple[str, ...]], ...]] = ()

    def __init__(self) -> None:
        self.begin_batch()

    def begin_batch(self) -> None:
        # new ones each batch: a rebuild's copy of the projection (kernel.generations) must
        # not share the live one's queued rows
        self.rows = {t.name: KeyedRows(t, keys) for t, keys in self.keyed}

    def end_batch(self, unit: Unit) -> None:
        for rows in self.rows.values():
            rows.flush(unit)

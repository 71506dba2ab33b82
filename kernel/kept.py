"""Whole-table integer loads of read models kept in the process while the projections writing
those tables stand still (the monthly classification reads the province's supervision facts
every month; the rules' runs write credit's tables, not these)."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence

import numpy as np
import sqlalchemy as sa

from kernel.db import fetch_ints, projection_segments, projection_tracking

# Whole-table integer loads kept between calls in this process (fetch_ints_kept): at most this
# many values in all (8 bytes each: 512 MB), the oldest dropped first
KEPT_MAX_VALUES = 64_000_000
_KEPT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_KEPT_LOCK = threading.Lock()


def _stamp(conn: sa.Connection, tables: Sequence[sa.Table]) -> tuple:
    """Where the projections owning `tables` stand: their tracking rows and segment rows
    (position and the time it moved: a rebuild's switch moves it too)."""
    names = sorted({t.info["projection"] for t in tables})
    t, s = projection_tracking.c, projection_segments.c
    tracked = conn.execute(sa.select(t.projection, t.position, t.updated_at)
                           .where(t.projection.in_(names)).order_by(t.projection)).all()
    parts = conn.execute(sa.select(s.projection, s.segment, s.segments, s.position, s.updated_at)
                         .where(s.projection.in_(names))
                         .order_by(s.projection, s.segment)).all()
    return tuple(map(tuple, tracked)), tuple(map(tuple, parts))


def fetch_ints_kept(conn: sa.Connection, stmt: sa.Select, ncols: int,
                    tables: Sequence[sa.Table]) -> np.ndarray:
    """`fetch_ints` of a statement reading only `tables` (read models), kept in this process
    and answered again, read-only, while the projections that write those tables have not
    moved (the monthly classification reloads the province's unchanged supervision facts every
    month otherwise). Where they stand is read before the rows: a batch committed in between
    makes the next call read again, never keeps rows older than their stamp."""
    if any("projection" not in t.info for t in tables):
        raise ValueError("fetch_ints_kept reads read-model tables only")
    stamp = _stamp(conn, tables)
    key = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    with _KEPT_LOCK:
        kept = _KEPT.setdefault(conn.engine, {})
        hit = kept.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    rows = fetch_ints(conn, stmt, ncols)
    rows.flags.writeable = False
    with _KEPT_LOCK:
        kept.pop(key, None)
        if rows.size <= KEPT_MAX_VALUES:
            kept[key] = (stamp, rows)
        while sum(v[1].size for v in kept.values()) > KEPT_MAX_VALUES:
            kept.pop(next(iter(kept)))   # the oldest load first (dicts keep insertion order)
    return rows

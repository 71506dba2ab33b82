"""The drawer's pool as a columnar, memory-mapped snapshot of the ``entity_pool`` read model.

A national pool (190 M entities) takes minutes to SELECT; the snapshot keeps the same rows as one
``.npy`` file per column, opened with ``np.load(mmap_mode="r")``, so the draw's freeze pages in
only what it reads. Optional (``Settings.pool_snapshot_dir``): without it the freeze reads the
database as before.

Refreshed by position from the read models, never from a second copy of the rules: rows of
``entity_pool`` whose ``entity_no`` (the registration's log position) is above the snapshot's
last are appended; rows whose entity changed since the snapshot's position (``entities
.updated_position``: status, details) are read again. The position kept is the lower of the
``entity_pool`` and ``entity_directory`` projections' positions, so a change one has applied and
the other not yet is read again next time. A refresh writes a new generation directory and
switches ``CURRENT`` atomically (``os.replace``): a reader keeps the generation it opened.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from kernel.db import projection_tracking
from supervision.directory.entities import ENTITY_TYPES
from supervision.directory.tables import entities, entity_pool

COLUMNS = (("entity_no", "<i8"), ("uscc", "S18"), ("region_int", "<i4"), ("type_code", "i1"),
           ("industry_section", "i1"), ("industry_code", "S5"), ("registered_day", "<i4"),
           ("status_code", "i1"))
PAGE = 500_000          # rows per keyset page of a full read
COPY = 8_000_000        # rows per chunk when a generation is copied
_TRACKED = ("entity_pool", "entity_directory")


def _select():
    return (sa.select(*(entity_pool.c[name] if name != "uscc" else entities.c.uscc
                        for name, _ in COLUMNS))
            .join(entities, entities.c.entity_no == entity_pool.c.entity_no))


def _arrays(rows: Sequence) -> dict[str, np.ndarray]:
    """Result rows (in COLUMNS order) as one array per column."""
    out = {}
    for j, (name, dtype) in enumerate(COLUMNS):
        values = [r[j] for r in rows]
        out[name] = np.array(values, dtype=dtype) if values else np.zeros(0, dtype)
    return out


class PoolSnapshot:
    """One directory of generations; ``columns()`` maps the current one read-only."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.dir = Path(directory)

    def _current(self) -> dict | None:
        try:
            return json.loads((self.dir / "CURRENT").read_text())
        except FileNotFoundError:
            return None

    @property
    def position(self) -> int | None:
        """The read-model position the snapshot reflects (None: never written)."""
        current = self._current()
        return None if current is None else int(current["position"])

    def columns(self) -> dict[str, np.ndarray]:
        """Every column of the current generation, memory-mapped read-only."""
        current = self._current()
        if current is None:
            return {name: np.zeros(0, dtype) for name, dtype in COLUMNS}
        gen = self.dir / current["generation"]
        return {name: np.load(gen / f"{name}.npy", mmap_mode="r") for name, _ in COLUMNS}

    def refresh(self, conn: sa.Connection) -> int:
        """Bring the snapshot up to the read models' position; rows read from the database."""
        positions = dict(conn.execute(sa.select(projection_tracking.c.projection,
                                                projection_tracking.c.position)
                                      .where(projection_tracking.c.projection.in_(_TRACKED))).all())
        position = min(int(positions.get(name) or 0) for name in _TRACKED)
        current = self._current()
        if current is not None and int(current["position"]) == position:
            return 0
        if current is None or int(current["position"]) > position:   # new or rebuilt: all
            return self._write(position, None, self._pages_after(conn, None))
        old = self.columns()
        last = int(old["entity_no"][-1]) if old["entity_no"].size else None
        changed = _arrays(conn.execute(_select().where(
            entities.c.updated_position > int(current["position"]),
            *([entity_pool.c.entity_no <= last] if last is not None else [sa.false()]))).all())
        return self._write(position, (old, changed), self._pages_after(conn, last)) + \
            int(changed["entity_no"].size)

    def _pages_after(self, conn: sa.Connection, last: int | None) -> Iterator[dict]:
        """The rows above ``last`` (all if None), by keyset pages, one page in memory at a time."""
        while True:
            where = [] if last is None else [entity_pool.c.entity_no > last]
            page = _arrays(conn.execute(_select().where(*where)
                                        .order_by(entity_pool.c.entity_no).limit(PAGE)).all())
            if page["entity_no"].size == 0:
                return
            yield page
            last = int(page["entity_no"][-1])

    def _write(self, position: int, base, pages: Iterable[dict]) -> int:
        """A new generation: the base columns (patched with the changed rows), then the pages;
        how many rows the pages added."""
        self.dir.mkdir(parents=True, exist_ok=True)
        current = self._current()
        number = 1 if current is None else int(current["generation"].split("-")[1]) + 1
        gen = self.dir / f"gen-{number}"
        shutil.rmtree(gen, ignore_errors=True)
        gen.mkdir()
        old, changed = base if base is not None else (None, None)
        kept = 0 if old is None else int(old["entity_no"].size)
        at = np.zeros(0, np.int64)
        if changed is not None and changed["entity_no"].size:
            at = np.searchsorted(old["entity_no"], changed["entity_no"])
            order = np.argsort(at, kind="stable")        # patched chunk by chunk, in order
            at, changed = at[order], {k: v[order] for k, v in changed.items()}
        with ColumnFiles(gen, COLUMNS) as out:
            for s in range(0, kept, COPY):
                e = min(s + COPY, kept)
                chunk = {name: np.array(old[name][s:e]) for name, _ in COLUMNS}
                i, j = np.searchsorted(at, (s, e))
                for name, _ in COLUMNS:
                    chunk[name][at[i:j] - s] = changed[name][i:j]
                out.append(chunk)
            for page in pages:
                out.append(page)
        tmp = self.dir / "CURRENT.tmp"
        tmp.write_text(json.dumps({"generation": gen.name, "position": position,
                                   "rows": out.rows}))
        os.replace(tmp, self.dir / "CURRENT")
        for stale in self.dir.glob("gen-*"):      # open maps keep their inode until closed
            if stale.name != gen.name:
                shutil.rmtree(stale, ignore_errors=True)
        return out.rows - kept


class ColumnFiles:
    """``.npy`` columns written front to back with plain file writes, the header fixed when the
    length is known: bounded memory, and no page faults (writing into a fresh memory map faults
    in every page, 5-20x slower). ``np.load(..., mmap_mode="r")`` reads them."""

    def __init__(self, directory: Path, columns: Sequence[tuple[str, str]]) -> None:
        self.columns, self.rows = tuple(columns), 0
        self.files = {name: open(Path(directory) / f"{name}.npy", "wb") for name, _ in columns}
        for name, dtype in self.columns:
            self.files[name].write(_npy_header(dtype, 0))

    def append(self, arrays: Mapping[str, np.ndarray]) -> None:
        """Rows appended to every column (each array the same length)."""
        sizes = {np.shape(arrays[name])[0] for name, _ in self.columns}
        if len(sizes) != 1:
            raise ValueError(f"columns of one append differ in length: {sorted(sizes)}")
        for name, dtype in self.columns:
            np.ascontiguousarray(arrays[name], dtype=dtype).tofile(self.files[name])
        self.rows += sizes.pop()

    def __enter__(self) -> ColumnFiles:
        return self

    def __exit__(self, kind, *_) -> None:
        for name, dtype in self.columns:
            f = self.files[name]
            if kind is None:
                header = _npy_header(dtype, self.rows)
                if len(header) != len(_npy_header(dtype, 0)):    # 128 bytes up to 10**20 rows
                    raise ValueError(f"{name}: the .npy header outgrew its room")
                f.seek(0)
                f.write(header)
            f.close()


def _npy_header(dtype: str, rows: int) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": np.lib.format.dtype_to_descr(
        np.dtype(dtype)), "fortran_order": False, "shape": (rows,)})
    return buf.getvalue()


def scope_mask(cols: dict[str, np.ndarray], region_prefix: str, industry_prefixes: Sequence[str],
               entity_types: Sequence[str], active_only: bool = True) -> np.ndarray:
    """``supervision.plans.pool``'s SQL scope filter, on the snapshot's columns."""
    keep = cols["status_code"] == 0 if active_only else np.ones(cols["entity_no"].size, bool)
    if region_prefix:
        span = 10 ** (6 - len(region_prefix))
        low = int(region_prefix) * span
        keep &= (cols["region_int"] >= low) & (cols["region_int"] <= low + span - 1)
    if entity_types and set(entity_types) != set(ENTITY_TYPES):
        keep &= np.isin(cols["type_code"], [ENTITY_TYPES.index(t) for t in entity_types])
    if industry_prefixes:
        sections = [ord(p[0]) - ord("A") for p in industry_prefixes if len(p) == 1]
        kind = np.isin(cols["industry_section"], sections)
        for p in (p for p in industry_prefixes if len(p) > 1):
            kind |= np.char.startswith(cols["industry_code"], p.encode("ascii"))
        keep &= kind
    return keep


def _covers_all(item) -> bool:
    types = item.entity_types
    return not item.industry_prefixes and (not types or set(types) == set(ENTITY_TYPES))


def load_pool_from(conn: sa.Connection, cols: dict[str, np.ndarray], scope):
    """``supervision.plans.pool.load_pool`` over the snapshot's columns (a ``PoolScope``), and
    each row's USCC: the same rows; a scope covering every row keeps the memory maps uncopied."""
    from supervision.plans.pool import PoolArrays, last_inspected

    keep = scope_mask(cols, scope.region_prefix, scope.industry_prefixes, scope.entity_types)
    distinct = list(dict.fromkeys(scope.items))
    item_masks = {i: None if _covers_all(i) else
                  scope_mask(cols, "", i.industry_prefixes, i.entity_types, active_only=False)
                  for i in distinct}
    if distinct and all(m is not None for m in item_masks.values()):
        keep &= np.logical_or.reduce([item_masks[i] for i in distinct])
    every = bool(keep.all())
    rows = slice(None) if every else np.flatnonzero(keep)
    take = (lambda a: a) if every else (lambda a: a[rows])
    entity_no = take(cols["entity_no"])
    in_items = np.ones((entity_no.size, len(scope.items)), dtype=bool)
    for j, item in enumerate(scope.items):
        if item_masks[item] is not None:
            in_items[:, j] = take(item_masks[item])
    pool = PoolArrays(entity_no=entity_no, region=take(cols["region_int"]),
                      industry=take(cols["industry_section"]),
                      entity_type=take(cols["type_code"]),
                      registered_on=take(cols["registered_day"]),
                      last_inspected_on=last_inspected(conn, scope.department, entity_no),
                      in_items=in_items)
    return pool, take(cols["uscc"])

"""The draw benchmark's synthetic province, in memory or written column by column to disk.

The pool is made in blocks of ``BLOCK`` rows, each from its own random stream (``seed``, block
number), so the rows do not depend on how many blocks are made at once: ``synthetic`` (in memory)
and ``write_pool`` (block by block into ``.npy`` columns with the pool snapshot's writer, then
mapped read-only by ``load_pool`` as the snapshot is) give the same pool and roster.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from supervision.plans.drawing import EntityPool, Roster
from supervision.plans.pool_snapshot import ColumnFiles

ALPHABET = b"0123456789ABCDEFGHJKLMNPQRTUWXY"
MIX = (0.50, 0.35, 0.12, 0.03)          # share of risk classes A..D
PREFECTURES, COUNTIES = 10, 10          # 100 county stations in one province
BLOCK = 1 << 20                         # rows per random stream
POOL = (("entity_no", "<i8"), ("uscc", "S18"), ("region", "<i4"), ("risk_class", "i1"),
        ("last_checked_days", "<i4"), ("targeted", "?"))
ROSTER = ("inspector_no", "department", "region", "conflicts", "last_inspector")
COUNTY_CODES = np.array([330000 + p * 100 + c for p in range(1, PREFECTURES + 1)
                         for c in range(2, COUNTIES + 2)], np.int32)


def synthetic_uscc(region: np.ndarray, index: np.ndarray) -> np.ndarray:
    """'S18' codes: 91, the county, a unique base-31 organisation number from the row index, and
    the GB 32100 check character (the organisation code's own check is not modelled)."""
    n = region.size
    alphabet = np.frombuffer(ALPHABET, np.uint8)
    chars = np.empty((n, 18), np.uint8)
    chars[:, 0], chars[:, 1] = ord("9"), ord("1")
    for i in range(6):
        chars[:, 2 + i] = ord("0") + region // 10 ** (5 - i) % 10
    number = index.astype(np.int64) * 7919 % 31**9                # 7919 prime: stays unique
    for i in range(9):
        chars[:, 16 - i] = alphabet[number % 31]
        number //= 31
    value = np.searchsorted(alphabet, chars[:, :17])              # alphabet is sorted ASCII
    weights = np.array([pow(3, i, 31) for i in range(17)])
    chars[:, 17] = alphabet[(31 - (value * weights).sum(1) % 31) % 31]
    return chars.reshape(-1).view("S18")


def _stations(inspectors: int, departments: int, seed: int):
    rng = np.random.default_rng([seed, 1 << 40])
    station = COUNTY_CODES[rng.integers(0, COUNTY_CODES.size, inspectors)]
    department = rng.integers(0, departments, inspectors)
    conflicts = rng.integers(0, 1 << 62, inspectors)   # entity: taken modulo the pool size
    return station, department, conflicts


def _block(b: int, entities: int, station: np.ndarray, seed: int, block: int):
    """Rows ``[b * block, ...)``: pool columns and (entity_no, inspector position) last pairs.
    A whole block is drawn, then cut at the pool's end: its rows never depend on the pool size."""
    rng = np.random.default_rng([seed, b])
    s = b * block
    n = min(block, entities - s)
    region = COUNTY_CODES[rng.integers(0, COUNTY_CODES.size, block)]
    checked = rng.random(block) < 0.30
    cols = dict(entity_no=np.arange(s, s + block, dtype=np.int64) * 7 + 100_000_000,
                uscc=synthetic_uscc(region[:n], np.arange(s, s + n)),
                region=region,
                risk_class=rng.choice(4, block, p=MIX).astype(np.int8),
                last_checked_days=np.where(checked, rng.integers(0, 5 * 365, block), -1)
                .astype(np.int32),
                targeted=rng.random(block) < 0.001)
    # last inspector of every previously checked entity: someone of the same prefecture
    pref = station // 100
    by_pref = np.argsort(pref, kind="stable")
    prefs, start, count = np.unique(pref[by_pref], return_index=True, return_counts=True)
    p = np.searchsorted(prefs, region[checked] // 100)
    pick = start[p] + (rng.random(p.size) * count[p]).astype(np.int64)
    pairs = np.column_stack([cols["entity_no"][checked], by_pref[pick]])
    return {k: v[:n] for k, v in cols.items()}, pairs[:int(np.count_nonzero(checked[:n]))]


def _roster(station, department, conflicts, last_pairs, entities: int) -> dict:
    inspector_no = np.arange(station.size, dtype=np.int64) + 1_000_000
    last = np.asfortranarray(last_pairs)
    last[:, 1] = inspector_no[last[:, 1]]
    return dict(inspector_no=inspector_no, department=department, region=station,
                conflicts=np.column_stack([inspector_no,
                                           conflicts % max(entities, 1) * 7 + 100_000_000]),
                last_inspector=last)


def synthetic(entities: int, inspectors: int, departments: int, seed: int = 7,
              block: int = BLOCK):
    """A deterministic province in memory: pool, roster with conflicts and last inspectors."""
    station, department, conflicts = _stations(inspectors, departments, seed)
    blocks = [_block(b, entities, station, seed, block) for b in range(-(-entities // block))]
    cols = {k: np.concatenate([c[k] for c, _ in blocks]) for k, _ in POOL}
    last = np.concatenate([pairs for _, pairs in blocks]) if blocks else np.zeros((0, 2), int)
    del blocks
    t = time.perf_counter()
    pool = EntityPool(**cols)
    built = time.perf_counter() - t
    roster = Roster(**_roster(station, department, conflicts, last, entities))
    return pool, roster, built


def write_pool(directory: Path, entities: int, inspectors: int, departments: int,
               seed: int = 7, reference: Path | None = None,
               block: int = BLOCK) -> dict[str, float]:
    """Write the province block by block as ``.npy`` columns (synthesis untimed). Times the
    columns' writes through ``ColumnFiles`` (as ``PoolSnapshot`` writes a generation) and, when
    ``reference`` is given, bare numpy writing the same bytes with ``ndarray.tofile`` there."""
    directory.mkdir(parents=True, exist_ok=True)
    raw = {k: open(reference / k, "wb") for k, _ in POOL} if reference else {}
    station, department, conflicts = _stations(inspectors, departments, seed)
    last, written, bare = [], 0.0, 0.0
    t = time.perf_counter()
    out = ColumnFiles(directory, POOL)
    written += time.perf_counter() - t
    for b in range(-(-entities // block)):
        cols, pairs = _block(b, entities, station, seed, block)
        last.append(pairs)
        t = time.perf_counter()
        out.append(cols)
        written += time.perf_counter() - t
        t = time.perf_counter()
        for k, f in raw.items():
            cols[k].tofile(f)
        bare += time.perf_counter() - t
    t = time.perf_counter()
    out.__exit__(None)
    written += time.perf_counter() - t
    t = time.perf_counter()
    for f in raw.values():
        f.close()
    bare += time.perf_counter() - t
    roster = _roster(station, department, conflicts,
                     np.concatenate(last) if last else np.zeros((0, 2), int), entities)
    for k in ROSTER:        # pairs Fortran-ordered, as ``Roster`` keeps them: mapped uncopied
        np.save(directory / f"roster_{k}.npy", roster[k])
    return {"write": written, "bare_write": bare}


def load_pool(directory: Path) -> tuple[EntityPool, Roster]:
    """The pool and roster written by ``write_pool``, every column memory-mapped read-only."""
    pool = EntityPool(**{k: np.load(directory / f"{k}.npy", mmap_mode="r") for k, _ in POOL})
    roster = Roster(**{k: np.load(directory / f"roster_{k}.npy", mmap_mode="r")
                       for k in ROSTER})
    return pool, roster

"""Benchmark the draw (algorithm ``opencheck-draw/2``) on a synthetic province.

``python -m bench.draw [--entities 10000000] [--inspectors 50000] [--departments 1] [--digits 4]
[--control-share 0.1] [--repeat 5]``

Pool generation is not timed. The public pool digest (sort and hash of every USCC) is timed
apart: it is published with the salt commitment before the randomness exists, so it is computed
once when the pool is frozen, not in the draw. The reference is bare numpy measured in the same
run doing the draw's essential work: both rank arrays computed from the same USCC array (encoded
whole, unchunked), then ``np.argpartition`` for the control sample and per stratum; a stricter
second reference starts from the already encoded USCC halves.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from supervision.plans.drawing import (  # noqa: E402
    DrawParams,
    EntityPool,
    Roster,
    derive_key,
    draw,
)

ALPHABET = b"0123456789ABCDEFGHJKLMNPQRTUWXY"
MIX = (0.50, 0.35, 0.12, 0.03)          # share of risk classes A..D
RATIOS = (0.03, 0.05, 0.10, 0.61)       # DOMAIN §3 (林甸) bands; ≈ 6 % drawn overall
PREFECTURES, COUNTIES = 10, 10          # 100 county stations in one province


def synthetic_uscc(region: np.ndarray, rng: np.random.Generator,
                   index: np.ndarray | None = None) -> np.ndarray:
    """'S18' codes: 91, the county, a unique base-31 organisation number in random order, and
    the GB 32100 check character (the organisation code's own check is not modelled)."""
    n = region.size
    alphabet = np.frombuffer(ALPHABET, np.uint8)
    chars = np.empty((n, 18), np.uint8)
    chars[:, 0], chars[:, 1] = ord("9"), ord("1")
    for i in range(6):
        chars[:, 2 + i] = ord("0") + region // 10 ** (5 - i) % 10
    index = rng.permutation(n).astype(np.int64) if index is None else index
    number = index * 7919 % 31**9                                 # 7919 prime: stays unique
    for i in range(9):
        chars[:, 16 - i] = alphabet[number % 31]
        number //= 31
    value = np.searchsorted(alphabet, chars[:, :17])              # alphabet is sorted ASCII
    weights = np.array([pow(3, i, 31) for i in range(17)])
    chars[:, 17] = alphabet[(31 - (value * weights).sum(1) % 31) % 31]
    return chars.reshape(-1).view("S18")


def synthetic(entities: int, inspectors: int, departments: int, seed: int = 7):
    """A deterministic province: pool, roster with conflicts and last inspectors."""
    rng = np.random.default_rng(seed)
    counties = np.array([330000 + p * 100 + c for p in range(1, PREFECTURES + 1)
                         for c in range(2, COUNTIES + 2)], np.int32)
    region = counties[rng.integers(0, counties.size, entities)]
    checked = rng.random(entities) < 0.30
    last_days = np.where(checked, rng.integers(0, 5 * 365, entities), -1).astype(np.int32)
    columns = dict(
        entity_no=np.arange(entities, dtype=np.int64) * 7 + 100_000_000,
        uscc=synthetic_uscc(region, rng),
        region=region,
        risk_class=rng.choice(4, entities, p=MIX).astype(np.int8),
        last_checked_days=last_days,
        targeted=rng.random(entities) < 0.001)
    t = time.perf_counter()
    pool = EntityPool(**columns)
    built = time.perf_counter() - t
    station = counties[rng.integers(0, counties.size, inspectors)]
    # last inspector of every previously checked entity: someone of the same prefecture
    by_pref = np.argsort(station // 100, kind="stable")
    start = np.searchsorted(station[by_pref] // 100, counties // 100)
    count = np.bincount(np.searchsorted(np.unique(station // 100), station // 100))
    pref = np.searchsorted(np.unique(station // 100), region[checked] // 100)
    pick = start[np.searchsorted(counties, region[checked])] + (
        rng.random(pref.size) * count[pref]).astype(np.int64)
    inspector_no = np.arange(inspectors, dtype=np.int64) + 1_000_000
    last = np.column_stack([pool.entity_no[checked], inspector_no[by_pref[pick]]])
    conflicts = np.column_stack([inspector_no, pool.entity_no[rng.integers(0, entities,
                                                                           inspectors)]])
    roster = Roster(inspector_no, rng.integers(0, departments, inspectors), station,
                    conflicts=conflicts, last_inspector=last)
    return pool, roster, built


def synthetic_mmap(directory: Path, entities: int, inspectors: int, departments: int,
                   seed: int = 7, chunk: int = 5_000_000):
    """The same kind of province written chunk by chunk as .npy columns, then mapped read-only
    (``np.load(mmap_mode="r")``, as the pool snapshot is read): national sizes without holding
    the synthesis in memory. Conflicts and last inspectors are drawn like ``synthetic``'s."""
    from numpy.lib.format import open_memmap
    rng = np.random.default_rng(seed)
    counties = np.array([330000 + p * 100 + c for p in range(1, PREFECTURES + 1)
                         for c in range(2, COUNTIES + 2)], np.int32)
    directory.mkdir(parents=True, exist_ok=True)
    dtypes = dict(entity_no="<i8", uscc="S18", region="<i4", risk_class="i1",
                  last_checked_days="<i4", targeted="?")
    out = {k: open_memmap(directory / f"{k}.npy", "w+", d, (entities,)) for k, d in dtypes.items()}
    for s in range(0, entities, chunk):
        n = min(chunk, entities - s)
        region = counties[rng.integers(0, counties.size, n)]
        checked = rng.random(n) < 0.30
        out["entity_no"][s:s + n] = np.arange(s, s + n, dtype=np.int64) * 7 + 100_000_000
        out["uscc"][s:s + n] = synthetic_uscc(region, rng, np.arange(s, s + n))
        out["region"][s:s + n] = region
        out["risk_class"][s:s + n] = rng.choice(4, n, p=MIX)
        out["last_checked_days"][s:s + n] = np.where(checked, rng.integers(0, 5 * 365, n), -1)
        out["targeted"][s:s + n] = rng.random(n) < 0.001
    for arr in out.values():
        arr.flush()
    del out
    cols = {k: np.load(directory / f"{k}.npy", mmap_mode="r") for k in dtypes}
    pool = EntityPool(**cols)
    station = counties[rng.integers(0, counties.size, inspectors)]
    inspector_no = np.arange(inspectors, dtype=np.int64) + 1_000_000
    checked = np.flatnonzero(np.asarray(cols["last_checked_days"]) >= 0)
    # last inspector: someone of the entity's prefecture (as ``synthetic``)
    pref_of = station // 100
    by_pref = np.argsort(pref_of, kind="stable")
    prefs, start, count = np.unique(pref_of[by_pref], return_index=True, return_counts=True)
    p = np.searchsorted(prefs, np.asarray(cols["region"])[checked] // 100)
    pick = start[p] + (rng.random(checked.size) * count[p]).astype(np.int64)
    last = np.column_stack([np.asarray(cols["entity_no"])[checked], inspector_no[by_pref[pick]]])
    del checked, p, pick
    conflicts = np.column_stack([inspector_no, (rng.integers(0, entities, inspectors) * 7
                                                + 100_000_000)])
    roster = Roster(inspector_no, rng.integers(0, departments, inspectors), station,
                    conflicts=conflicts, last_inspector=last)
    return pool, roster, 0.0


def _pair_table() -> np.ndarray:
    value = np.full(256, 0, np.uint16)
    value[np.frombuffer(ALPHABET, np.uint8)] = np.arange(31)
    pair = np.arange(1 << 16)
    return value[pair & 0xFF] * np.uint16(31) + value[pair >> 8]


PAIR = _pair_table()
G, M1, M2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), \
    np.uint64(0x94D049BB133111EB)


def bare_halves(uscc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both base-31 halves of every code, whole arrays: a pair lookup, then Horner in place."""
    raw = uscc.view(np.uint8).reshape(-1, 18)
    p = np.take(PAIR, raw.view("<u2"))                # (n, 9): two characters each
    hi = p[:, 0].astype(np.uint64)
    for j in (1, 2, 3):
        hi *= np.uint64(961)
        hi += p[:, j]
    hi *= np.uint64(31)
    hi += p[:, 4] // np.uint16(31)
    lo = (p[:, 4] % np.uint16(31)).astype(np.uint64)
    for j in (5, 6, 7, 8):
        lo *= np.uint64(961)
        lo += p[:, j]
    return hi, lo


def bare_rank(key16: bytes, hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    def mix(z):
        z = (z ^ (z >> np.uint64(30))) * M1
        z = (z ^ (z >> np.uint64(27))) * M2
        return z ^ (z >> np.uint64(31))
    k0, k1 = (np.uint64(int.from_bytes(key16[i:i + 8], "big")) for i in (0, 8))
    return mix((mix(hi * G + k0) ^ k1) + lo * G)


def reference(pool: EntityPool, key: bytes, salt: bytes, sizes: list[int], n_c: int,
              encoded=None) -> tuple[float, int]:
    """Bare numpy: both ranks over the pool, argpartition for the control sample and per
    stratum (the same counts as the draw). Seconds, and how many rows it picked."""
    start = time.perf_counter()
    hi, lo = encoded or bare_halves(pool.uscc)
    control = bare_rank(key[:16], hi, lo)
    risk = bare_rank(hashlib.sha256(key + salt).digest()[:16], hi, lo)
    code = np.where(pool.targeted, 4, pool.risk_class)
    code[(code == 0) & (pool.last_checked_days >= 0) & (pool.last_checked_days < 365)] = 5
    picked = [np.argpartition(control, n_c)[:n_c]] if n_c else []
    for h, n in enumerate(sizes):
        rows = np.flatnonzero(code == h)
        if 0 < n < rows.size:
            picked.append(rows[np.argpartition(risk[rows], n)[:n]])
        elif n:
            picked.append(rows)
    total = sum(p.size for p in picked)
    return time.perf_counter() - start, total


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--entities", type=int, default=10_000_000)
    ap.add_argument("--inspectors", type=int, default=50_000)
    ap.add_argument("--departments", type=int, default=1, help="> 1: joint plan")
    ap.add_argument("--digits", type=int, default=4, help="jurisdiction_digits (2, 4 or 6)")
    ap.add_argument("--control-share", type=float, default=0.1)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--mmap", type=Path, default=None,
                    help="write the pool as .npy columns here and draw from their memory maps")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    pool, roster, built = (synthetic(args.entities, args.inspectors, args.departments)
                           if args.mmap is None else
                           synthetic_mmap(args.mmap, args.entities, args.inspectors,
                                          args.departments))
    print(f"synthetic pool {args.entities:,} entities, roster {args.inspectors:,} inspectors, "
          f"{len(roster.conflicts):,} conflicts, {len(roster.last_inspector):,} last inspectors "
          f"(built in {time.perf_counter() - t:.1f} s, not timed; EntityPool with its USCC "
          f"check {built:.2f} s)")
    params = DrawParams(ratios=RATIOS, jurisdiction_digits=args.digits,
                        departments=tuple(range(args.departments)) if args.departments > 1
                        else (), control_share=args.control_share)
    salt = hashlib.sha256(b"bench salt").digest()
    t = time.perf_counter()
    public = pool.public_digest
    print(f"freeze: public pool digest (sort + sha256 of {args.entities:,} USCCs) "
          f"{time.perf_counter() - t:.2f} s, once per pool, before the randomness: {public[:23]}…")
    walls, refs, strict, results = [], [], [], []
    for i in range(args.repeat):        # interleaved, so both see the same machine load
        key = derive_key("bench-plan", i + 1, "2025-public-random")
        start = time.perf_counter()
        res = draw(pool, roster, params, key, salt)
        walls.append(time.perf_counter() - start)
        results.append(res)
        sizes = [res.strata[name]["target"] for name in res.strata]
        n_c = int(res.control.sum())
        refs.append(reference(pool, key, salt, sizes, n_c)[0])
        if i == 0:
            encoded = bare_halves(pool.uscc)
        strict.append(reference(pool, key, salt, sizes, n_c, encoded)[0])
    del encoded
    res = results[0]
    drawn = res.entity_no.size
    wall, ref, ref2 = statistics.median(walls), statistics.median(refs), statistics.median(strict)

    tracemalloc.start()
    draw(pool, roster, params, derive_key("bench-plan", 1, "2025-public-random"), salt)
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    reference(pool, key, salt, sizes, n_c)
    ref_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    split = {k: statistics.median(r.timings[k] for r in results) for k in res.timings}
    print(f"drawn {drawn:,} entities ({drawn / args.entities:.2%}), control sample "
          f"{int(res.control.sum()):,} (control_share {args.control_share}), teams of "
          f"{res.teams.shape[1]}, unassigned {len(res.unassigned)}, "
          f"same-station fallback {res.counters['same_station_fallback']}, "
          f"repaired slots {res.counters['repaired_slots']:,}")
    print(f"draw {args.entities:,} entities: {wall:.3f} s (reference {ref:.3f} s, "
          f"ratio {wall / ref:.1f}x)  [median of {args.repeat}; runs "
          + ", ".join(f"{w:.3f}" for w in walls) + "]")
    entity = split["entity_draw"]
    print(f"  entity draw alone (both ranks, control and risk samples): {entity:.3f} s, "
          f"ratio {entity / ref:.1f}x")
    print(f"  stricter reference from encoded halves: {ref2:.3f} s (draw ratio "
          f"{wall / ref2:.1f}x, entity draw ratio {entity / ref2:.1f}x)")
    print("  split: " + ", ".join(f"{k} {split[k]:.3f} s" for k in
                                  ("entity_draw", "inspector_assignment", "pool_digest")))
    print(f"peak memory: draw allocations {traced_peak / 2**20:,.0f} MiB (tracemalloc; "
          f"reference {ref_peak / 2**20:,.0f} MiB), process max RSS {rss:,.0f} MiB (the pool "
          f"and its synthesis, untimed, set it)")
    ok = wall <= 3.0 and wall / ref <= 5
    print(f"targets (<= 3 s, <= 5x reference): {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()

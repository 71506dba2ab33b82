"""Benchmark the draw on a synthetic province.

``python bench/draw.py [--entities 10000000] [--inspectors 50000] [--departments 1] [--digits 4]``

Pool generation is not timed. The reference is a bare numpy pass drawing the same number of
entities by a uniform mask, ``flatnonzero(rng.random(N) < p)``, measured in the same run.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from supervision.plans.drawing import DrawParams, EntityPool, Roster, derive_seed, draw  # noqa: E402

MIX = (0.50, 0.35, 0.12, 0.03)          # share of risk classes A..D
RATIOS = (0.03, 0.05, 0.10, 0.61)       # DOMAIN §3 (林甸) bands; ≈ 6 % drawn overall
PREFECTURES, COUNTIES = 10, 10          # 100 county stations in one province


def synthetic(entities: int, inspectors: int, departments: int, seed: int = 7):
    """A deterministic province: pool, roster with conflicts and last inspectors."""
    rng = np.random.default_rng(seed)
    counties = np.array([330000 + p * 100 + c for p in range(1, PREFECTURES + 1)
                         for c in range(2, COUNTIES + 2)], np.int32)
    region = counties[rng.integers(0, counties.size, entities)]
    checked = rng.random(entities) < 0.30
    last_days = np.where(checked, rng.integers(0, 5 * 365, entities), -1).astype(np.int32)
    pool = EntityPool(
        entity_no=np.arange(entities, dtype=np.int64) * 7 + 100_000_000,
        region=region,
        risk_class=rng.choice(4, entities, p=MIX).astype(np.int8),
        last_checked_days=last_days,
        targeted=rng.random(entities) < 0.001)
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
    return pool, roster


def reference(n: int, p: float, seed: int) -> float:
    rng = np.random.Generator(np.random.PCG64(seed))
    start = time.perf_counter()
    np.flatnonzero(rng.random(n) < p)
    return time.perf_counter() - start


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--entities", type=int, default=10_000_000)
    ap.add_argument("--inspectors", type=int, default=50_000)
    ap.add_argument("--departments", type=int, default=1, help="> 1: joint plan")
    ap.add_argument("--digits", type=int, default=4, help="jurisdiction_digits (2, 4 or 6)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)

    t = time.perf_counter()
    pool, roster = synthetic(args.entities, args.inspectors, args.departments)
    print(f"synthetic pool {args.entities:,} entities, roster {args.inspectors:,} inspectors, "
          f"{len(roster.conflicts):,} conflicts, {len(roster.last_inspector):,} last inspectors "
          f"(built in {time.perf_counter() - t:.1f} s, not timed)")
    params = DrawParams(ratios=RATIOS, jurisdiction_digits=args.digits,
                        departments=tuple(range(args.departments)) if args.departments > 1 else ())
    seed = derive_seed("bench-plan", "2025-public-random")
    walls, refs, results = [], [], []
    for i in range(args.repeat):        # interleaved, so both see the same machine load
        start = time.perf_counter()
        results.append(draw(pool, roster, params, seed + i))
        walls.append(time.perf_counter() - start)
        refs.append(reference(args.entities, results[0].entity_no.size / args.entities, i))
    res = results[0]
    drawn = res.entity_no.size
    wall, ref = statistics.median(walls), statistics.median(refs)

    tracemalloc.start()
    draw(pool, roster, params, seed)
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    split = {k: statistics.median(r.timings[k] for r in results) for k in res.timings}
    print(f"drawn {drawn:,} entities ({drawn / args.entities:.2%}), teams of "
          f"{res.teams.shape[1]}, unassigned {len(res.unassigned)}, "
          f"same-station fallback {res.counters['same_station_fallback']}, "
          f"repaired slots {res.counters['repaired_slots']:,}")
    print(f"draw {args.entities:,} entities: {wall:.3f} s (reference {ref:.3f} s, "
          f"ratio {wall / ref:.1f}x)  [median of {args.repeat}; runs "
          + ", ".join(f"{w:.3f}" for w in walls) + "]")
    rest = statistics.median(r.timings["total"] - r.timings["pool_digest"] for r in results)
    print(f"  without the pool digest: {rest:.3f} s, ratio {rest / ref:.1f}x")
    print("  split: " + ", ".join(f"{k} {split[k]:.3f} s" for k in
                                  ("pool_filter", "entity_draw", "inspector_assignment")))
    print(f"  pool_digest {split['pool_digest']:.3f} s (sha256 of pool and roster, in the wall)")
    print(f"peak memory: draw allocations {traced_peak / 2**20:,.0f} MiB (tracemalloc), "
          f"process max RSS {rss:,.0f} MiB (includes the pool)")
    ok = wall <= 3.0 and traced_peak <= 2 * 2**30 and wall / ref <= 10
    print(f"targets (<= 3 s, <= 2 GB, <= 10x reference): {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()

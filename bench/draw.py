"""Benchmark the draw (algorithm ``opencheck-draw/2``) on a synthetic province.

``python -m bench.draw [--entities 10000000] [--inspectors 50000] [--departments 1] [--digits 4]
[--control-share 0.1] [--repeat 5] [--mmap DIR]``
``python -m bench.draw --sizes 10000000,50000000,100000000,190000000 [--dir DIR] [--keep]``: the
curve at national sizes, one line per size, each phase in its own process (``bench.draw_scale``).

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

from bench.draw_synth import ALPHABET, load_pool, synthetic, write_pool  # noqa: E402
from supervision.plans.drawing import DrawParams, EntityPool, derive_key, draw  # noqa: E402

RATIOS = (0.03, 0.05, 0.10, 0.61)       # DOMAIN §3 (林甸) bands; ≈ 6 % drawn overall


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
    ap.add_argument("--sizes", default=None, help="comma-separated pool sizes: the curve "
                    "(build, freeze, draw, reference per size; see bench.draw_scale)")
    ap.add_argument("--dir", type=Path, default=None, help="--sizes: where the columns go")
    ap.add_argument("--keep", action="store_true", help="--sizes: keep the columns")
    args = ap.parse_args(argv)
    if args.sizes:
        from bench.draw_scale import curve
        return curve(args)

    t = time.perf_counter()
    if args.mmap is None:
        pool, roster, built = synthetic(args.entities, args.inspectors, args.departments)
    else:
        write_pool(args.mmap, args.entities, args.inspectors, args.departments)
        pool, roster, built = *load_pool(args.mmap), 0.0
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
    ok = wall <= 3.0 and wall / ref <= 3
    print(f"targets (<= 3 s, <= 3x reference, issue 23): {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()

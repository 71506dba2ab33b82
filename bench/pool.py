"""Benchmark the drawer's pool loader: ``python bench/pool.py [--entities 1000000]``.

The store is filled by direct executemany INSERTs into the read-model tables (``entity_pool``
and ``entity_inspections``), not through events and projections: that would only time the
import, which ``bench/store.py`` measures. Columns are drawn like the synthetic province (county
codes of Zhejiang, 67/30/3 % entity types, GB/T 4754 sections, 2006-2025 registrations); 30 % of
entities have a market-regulation inspection date. Filling is not timed.

Reported: ``load_pool`` of the whole province (every entity active) against the raw reference,
a bare ``SELECT`` of the same five integer columns on the same file with the sqlite3 cursor into
``numpy.array``, each the best of 3 runs (and, stricter, the same SELECT streamed into
``numpy.fromiter``, as the loader does); then ``load_pool`` with a department's inspection dates
and a single county's pool, for information.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from itertools import chain
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kernel.db import create_engine  # noqa: E402
from kernel.regions import COUNTIES  # noqa: E402
from kernel.settings import Settings  # noqa: E402
from opencheck.migrate import upgrade  # noqa: E402
from supervision.directory.tables import entity_inspections, entity_pool  # noqa: E402
from supervision.plans.pool import PoolScope, epoch_day, load_pool  # noqa: E402

COLUMNS = "entity_no, region_int, industry_section, type_code, registered_day"
SECTIONS = "AFFFFFFHHHOOGECCCILMKQ"   # F and H dominate, as in the synthetic province


def fill(engine, n: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    counties = np.array([int(c) for c in COUNTIES], dtype=np.int64)
    entity_no = np.arange(1, n + 1, dtype=np.int64) * 3   # gaps, like notification ids
    region = counties[rng.integers(0, counties.size, n)]
    kind = rng.choice(3, n, p=(0.30, 0.67, 0.03))          # registry.ENTITY_TYPES order
    letters = np.frombuffer(SECTIONS.encode(), np.uint8)[rng.integers(0, len(SECTIONS), n)]
    section = letters.astype(np.int64) - ord("A")
    day = rng.integers(epoch_day_of("2006-01-01"), epoch_day_of("2025-12-31"), n)
    chunk = 100_000
    with engine.begin() as conn:
        for s in range(0, n, chunk):
            e = slice(s, s + chunk)
            conn.execute(entity_pool.insert(), [
                {"entity_no": no, "entity_id": f"{no:032x}", "region_int": r, "type_code": k,
                 "industry_section": sec, "industry_code": chr(sec + 65), "registered_day": d,
                 "status_code": 0}
                for no, r, k, sec, d in zip(entity_no[e].tolist(), region[e].tolist(),
                                            kind[e].tolist(), section[e].tolist(),
                                            day[e].tolist())])
        seen = entity_no[rng.random(n) < 0.30]
        last = rng.integers(epoch_day_of("2021-01-01"), epoch_day_of("2026-11-01"), seen.size)
        conn.execute(entity_inspections.insert(), [
            {"entity_no": no, "department": "market_regulation", "last_inspected_day": d}
            for no, d in zip(seen.tolist(), last.tolist())])


def epoch_day_of(iso: str) -> int:
    from datetime import date

    return epoch_day(date.fromisoformat(iso))


def best_of(fn, runs: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=1_000_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ocpool-") as d:
        settings = Settings(database_url=f"sqlite:///{d}/oc.db", secret_key="bench")
        upgrade(settings)
        engine = create_engine(settings)
        t = time.perf_counter()
        fill(engine, args.entities)
        print(f"filled {args.entities:,} pool rows in {time.perf_counter() - t:.1f} s (not timed)",
              flush=True)

        def raw() -> np.ndarray:
            with sqlite3.connect(settings.sqlite_path) as db:
                return np.array(db.execute(f"SELECT {COLUMNS} FROM entity_pool").fetchall(),
                                dtype=np.int64)

        def raw_fromiter() -> np.ndarray:
            with sqlite3.connect(settings.sqlite_path) as db:
                cursor = db.execute(f"SELECT {COLUMNS} FROM entity_pool")
                return np.fromiter(chain.from_iterable(cursor), dtype=np.int64).reshape(-1, 5)

        def ours(scope: PoolScope = PoolScope()):
            with engine.connect() as conn:
                return load_pool(conn, scope)

        raw_s, rows = best_of(raw)
        ours_s, pool = best_of(ours)
        assert len(pool) == rows.shape[0] == args.entities
        assert np.array_equal(pool.entity_no, np.sort(rows[:, 0]))
        print(f"pool load {args.entities:,}: {ours_s:.2f} s (raw SELECT {raw_s:.2f} s, "
              f"ratio {ours_s / raw_s:.2f})")
        flat_s, _ = best_of(raw_fromiter)
        print(f"  stricter reference, raw SELECT into np.fromiter: {flat_s:.2f} s "
              f"(ratio {ours_s / flat_s:.2f})")
        dept_s, pool = best_of(lambda: ours(PoolScope(department="market_regulation")))
        print(f"pool load {args.entities:,} with last inspections of one department: "
              f"{dept_s:.2f} s ({int((pool.last_inspected_on >= 0).sum()):,} inspected)")
        county_s, pool = best_of(lambda: ours(PoolScope(region_prefix="330782",
                                                        industry_prefixes=("F", "H"))))
        print(f"pool load of one county, sections F and H: {county_s:.3f} s ({len(pool):,} entities)")
        engine.dispose()


if __name__ == "__main__":
    main()

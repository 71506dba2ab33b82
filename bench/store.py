"""Event import and projection catch-up on SQLite and PostgreSQL, against raw SQL in the same run.

    python -m bench.store [--entities 100000] [--backend sqlite|postgres|both] [--workers 1,2,4]

- import: `SupervisionApplication.register_entities` in chunks of 2,000 (what `opencheck import`
  does after parsing and validating) vs one raw executemany INSERT of the same rows in one
  transaction into a scratch table with the same columns.
- catch-up on a realistic log (registrations 55 %, annual reports 43 %, status changes 2 %,
  interleaved per import chunk): the supervision runner from position 0 vs the write floor (the
  same rows, read back from the read model, written with raw executemany into the same tables,
  same keys and indexes, in as many transactions as the runner used, tracking included) and vs a
  raw read-and-fold (read every notification + decode). Row checks: the counts per table equal
  the events recorded, and the floor's rows equal the runner's.
- full rebuild through the bulk path (`runner.rebuild()`: a new generation loaded with COPY on
  PostgreSQL, secondary indexes built after, then switched in), rows checked, same floor.
- parallel catch-up (`--workers`, kernel.segments): the same log caught up again from position 0
  by W worker processes, one per segment of originators, timed from the moment all of them
  have started; the rows must equal the single runner's; against the same write floor.
"""

from __future__ import annotations

import multiprocessing
import time
from datetime import date
from itertools import islice

import sqlalchemy as sa

from bench.common import Timer, backend_main, fresh_platform, report
from kernel.db import projection_segments, projection_tracking
from opencheck.demo.synthdata import generate_entities
from supervision.directory.entities import EntityData
from supervision.directory.tables import (
    annual_reports,
    entities,
    entity_name_grams,
    entity_pool,
    entity_statuses,
    legal_representations,
)

# every table the directory and pool projections write (the search's name grams included)
WRITTEN = (entities, entity_name_grams, legal_representations, annual_reports, entity_statuses,
           entity_pool)

CHUNK = 2000
SIZE_SPAN = 100_000   # events compared at the start and the end of a catch-up


def _rows(n: int) -> list[EntityData]:
    return [EntityData(uscc=r["uscc"], name=r["name"], entity_type=r["entity_type"],
                       region_code=r["region_code"], industry_code=r["industry_code"],
                       registered_on=date.fromisoformat(r["registered_on"]), address=r["address"],
                       legal_representative=r["legal_representative"],
                       registering_authority=r["registering_authority"])
            for r in generate_entities(7, n)]


def _raw_insert_seconds(platform, rows: list[EntityData]) -> float:
    scratch = sa.Table("bench_raw_entities", sa.MetaData(),
                       *[sa.Column(c.name, c.type) for c in entities.columns])
    scratch.create(platform.engine)
    params = [{"entity_no": i, "entity_id": f"{i:032x}", "uscc": r.uscc, "name": r.name,
               "entity_type": r.entity_type, "legal_representative": r.legal_representative,
               "region_code": r.region_code, "industry_code": r.industry_code,
               "registered_on": r.registered_on, "address": r.address,
               "registering_authority": r.registering_authority, "status": "active",
               "status_since": r.registered_on, "last_annual_report_year": None, "version": 1,
               "updated_position": i} for i, r in enumerate(rows, 1)]
    with Timer() as t, platform.engine.begin() as conn:
        conn.execute(scratch.insert(), params)
    scratch.drop(platform.engine)
    return t.seconds


def _read_and_fold_seconds(platform) -> float:
    app, count = platform.supervision, 0
    with Timer() as t:
        start = 0
        while batch := app.recorder.select_notifications(start=start, limit=500,
                                                         inclusive_of_start=False):
            for n in batch:
                app.mapper.to_domain_event(n)
                count += 1
            start = batch[-1].id
    return t.seconds


def _record_mix(p, rows: list[EntityData]) -> dict[str, int]:
    """Per import chunk: register it, file annual reports for 43/55 of it, change the status
    of 2/55 of it (the realistic mix, interleaved as imports and filing seasons do)."""
    counts = {"registered": 0, "reports": 0, "statuses": 0}
    it = iter(rows)
    while chunk := list(islice(it, CHUNK)):
        p.supervision.register_entities(chunk)
        reports = [(r.uscc, 2025, date(2026, 3, 1)) for r in chunk[:len(chunk) * 43 // 55]]
        p.supervision.file_annual_reports(reports)
        changed = chunk[len(chunk) * 43 // 55:][:max(1, len(chunk) * 2 // 55)]
        for r in changed:
            p.supervision.change_entity_status(r.uscc, "deregistered", date(2026, 4, 1), "bench")
        counts["registered"] += len(chunk)
        counts["reports"] += len(reports)
        counts["statuses"] += len(changed)
    return counts


def _dump(conn: sa.Connection) -> dict[str, list[tuple]]:
    return {t.name: [tuple(r) for r in conn.execute(
        sa.select(t).order_by(*t.primary_key.columns))] for t in WRITTEN}


def _write_floor_seconds(p, dumped: dict[str, list[tuple]], transactions: int) -> float:
    """The runner's rows written again with raw executemany into the emptied tables (same keys
    and indexes), split into as many transactions as the runner committed, each with its
    tracking update."""
    engine = p.engine
    with engine.begin() as conn:
        for t in reversed(WRITTEN):
            conn.execute(t.delete())
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        style = "%s" if engine.dialect.name == "postgresql" else "?"
        sqls = {t.name: f"INSERT INTO {t.name} ({', '.join(c.name for c in t.columns)}) VALUES "
                        f"({', '.join([style] * len(t.columns))})" for t in WRITTEN}
        track = f"UPDATE projection_tracking SET position = {style} WHERE projection = {style}"
        with Timer() as t:
            for i in range(transactions):
                for table in WRITTEN:
                    part = dumped[table.name]
                    size = -(-len(part) // transactions)
                    if chunk := part[i * size:(i + 1) * size]:
                        cur.executemany(sqls[table.name], chunk)
                cur.execute(track, (i + 1, "entity_directory"))
                raw.commit()
    finally:
        raw.close()
    return t.seconds


def _segment_worker(overrides: dict, segment: int, ready, go, done) -> None:
    """A worker process: bootstrap, wait for the start, catch up one segment, report."""
    from kernel.settings import Settings
    from opencheck.bootstrap import bootstrap

    p = bootstrap(Settings(**overrides))
    try:
        ready.release()
        go.wait()
        done.put((segment, p.catch_up(segment=segment), time.perf_counter()))
    finally:
        p.close()


def _parallel_seconds(p, workers: int) -> tuple[float, int]:
    """The supervision log caught up from 0 again by `workers` processes, one per segment."""
    with p.engine.begin() as conn:
        for t in reversed(WRITTEN):
            conn.execute(t.delete())
        conn.execute(projection_segments.delete())
        conn.execute(projection_tracking.update().where(projection_tracking.c.projection.in_(
            p.runners["supervision"].names + ["entity_directory", "entity_pool"]))
            .values(position=0))
    s = p.settings
    overrides = {"database_url": s.database_url, "database_schema": s.database_schema,
                 "secret_key": s.secret_key, "projection_segments": workers}
    ctx = multiprocessing.get_context("spawn")
    ready, go, done = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_segment_worker, args=(overrides, k, ready, go, done))
             for k in range(workers)]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.acquire()
    start = time.perf_counter()
    go.set()
    results = [done.get(timeout=3600) for _ in procs]
    for proc in procs:
        proc.join()
        assert proc.exitcode == 0, proc.exitcode
    return max(end for _, _, end in results) - start, sum(count for _, count, _ in results)


def run(backend: str, n: int, workers: list[int] | None = None) -> list[str]:
    rows = _rows(n)
    lines = []
    with fresh_platform(backend) as p:
        with Timer() as imp:
            it = iter(rows)
            while chunk := list(islice(it, CHUNK)):
                p.supervision.register_entities(chunk)
        raw = _raw_insert_seconds(p, rows)
        lines.append(report(f"[{backend}] import (register_entities, {CHUNK}/save)", n,
                            imp.seconds, "raw INSERT, 1 txn", raw))
    with fresh_platform(backend) as p:
        counts = _record_mix(p, _rows(n * 55 // 100))
        events = p.supervision.recorder.max_notification_id()
        fold = _read_and_fold_seconds(p)
        runner = p.runners["supervision"]
        batches, ends = [], []

        def batch_done(k: int) -> None:
            batches.append(k)
            ends.append(time.perf_counter())

        with Timer() as cu:
            assert runner.catch_up(on_progress=batch_done) == events
        with p.engine.connect() as conn:
            dumped = _dump(conn)
            assert conn.execute(sa.select(projection_tracking.c.position).where(
                projection_tracking.c.projection == "entity_directory")).scalar() == events
        # row checks: one row per registration, report and status change, with their values
        assert len(dumped["entities"]) == len(dumped["entity_pool"]) == counts["registered"]
        assert len(dumped["annual_reports"]) == counts["reports"]
        assert len(dumped["entity_statuses"]) == counts["statuses"]
        reported = sum(1 for r in dumped["entities"] if r[entities.c.keys().index(
            "last_annual_report_year")] == 2025)
        gone = sum(1 for r in dumped["entities"] if r[entities.c.keys().index("status")]
                   == "deregistered")
        assert (reported, gone) == (counts["reports"], counts["statuses"]), (reported, gone)
        floor = _write_floor_seconds(p, dumped, len(batches))
        with p.engine.connect() as conn:
            assert _dump(conn) == dumped
        what = (f"[{backend}] catch-up, realistic mix ({counts['registered']:,} registrations, "
                f"{counts['reports']:,} reports, {counts['statuses']:,} status changes; "
                f"{len(batches)} txns)")
        lines.append(report(what, events, cu.seconds, "write floor (same rows, tables, txns)",
                            floor))
        lines.append(report(what, events, cu.seconds, "raw read-and-fold", fold))
        if len(batches) > 1:   # no slowdown with size: the first ~100 k events against the last
            k = next(i for i in range(1, len(batches) + 1) if sum(batches[:i]) >= SIZE_SPAN
                     or i == len(batches) // 2 or i == len(batches) - 1)
            head, tail = sum(batches[:k]), sum(batches[-k:])
            first = head / (ends[k - 1] - cu.start)
            last = tail / (ends[-1] - ends[-k - 1])
            line = (f"[{backend}] catch-up by size: first {head:,} events ({k} txns) "
                    f"{first:,.0f} events/s, last {tail:,} {last:,.0f} events/s "
                    f"| ratio {first / last:.2f}x")
            print(line, flush=True)
            lines.append(line)
        # the bulk path: a full rebuild beside the live tables (kernel.generations), switched in
        with Timer() as rb:
            runner.rebuild()
        with p.engine.connect() as conn:
            assert _dump(conn) == dumped
        lines.append(report(f"[{backend}] full rebuild (bulk path, new generation)", events,
                            rb.seconds, "write floor (same rows, tables, txns)", floor))
        for w in [w for w in workers or [] if w > 1]:
            seconds, applied = _parallel_seconds(p, w)
            with p.engine.connect() as conn:   # row check: what one runner wrote
                assert _dump(conn) == dumped
            assert applied == events, (applied, events)
            lines.append(report(f"[{backend}] catch-up, realistic mix, {w} workers (segments)",
                                events, seconds, "write floor (same rows, tables, txns)", floor))
    return lines


def main(argv: list[str] | None = None) -> list[str]:
    import argparse

    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--workers", default="1", help="parallel catch-up: worker counts, e.g. 1,2,4")
    known, rest = ap.parse_known_args(argv)
    workers = [int(w) for w in known.workers.split(",")]
    return backend_main(__doc__, lambda b, n: run(b, n, workers), 100_000, rest)


if __name__ == "__main__":
    main()

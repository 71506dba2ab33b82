"""Event import and projection catch-up on SQLite and PostgreSQL, against raw SQL in the same run.

    python -m bench.store [--entities 100000] [--backend sqlite|postgres|both] [--workers 1,2,4]

- import: `SupervisionApplication.register_entities` in chunks of 2,000 (what `opencheck import`
  does after parsing and validating) vs one raw executemany INSERT of the same rows in one
  transaction into a scratch table with the same columns.
- catch-up on a realistic log (registrations 55 %, annual reports 43 %, status changes 2 %,
  interleaved per import chunk; then the demo's check list and inspectors and its two spot-check
  plans of the year over those entities: drawn tasks acknowledged, started, their results
  recorded and published): the supervision runner from position 0 vs the write floor (the same
  rows of every table its projections write, read back from the read model, written with raw
  executemany into the same tables, same keys and indexes, in as many transactions as the
  runner used, tracking included; on PostgreSQL also with COPY, as the runner sends long runs
  of inserts) and vs a raw read-and-fold (read every notification + decode). Rates count the
  events the runner reads (its projections' types). Row checks: the counts per table equal the
  events recorded, the catch-up from 0 equals the read model built event by event while the log
  was recorded, and the floor's rows equal the runner's.
- full rebuild through the bulk path (`runner.rebuild()`: a new generation loaded with COPY on
  PostgreSQL, secondary indexes built after, then switched in), rows checked, same floor.
- parallel catch-up (`--workers`, kernel.segments): the same log caught up again from position 0
  by W worker processes, one per segment of originators of the directory and pool projections
  (the first worker also runs the projections not split into segments), timed from the moment
  all of them have started; the rows must equal the single runner's; same write floor.
"""

from __future__ import annotations

import multiprocessing
import time
from datetime import date
from itertools import count, islice

import numpy as np
import sqlalchemy as sa

from bench.common import Timer, backend_main, fresh_platform, report
from kernel.db import projection_segments, projection_tracking
from opencheck.demo.synthdata import generate_entities
from supervision.directory.entities import EntityData
from supervision.directory.tables import entities
from supervision.tasks.tables import tasks

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


def _record_inspections(p) -> int:
    """The demo's check list and inspectors, then its two spot-check plans of 2026 (enterprise
    disclosures, individual businesses' reports) over the registered entities: drawn, each
    task's inspection recorded in one write (acknowledged, started, result, published; a few
    left open, a few results leading to a penalty case). How many tasks were drawn."""
    from opencheck.demo import history
    from supervision.directory.check_items import KnownCodes

    def quiet(*_: object) -> None:
        pass

    history._one_list_two_databases(p, KnownCodes.from_rules(p.rules), 7, quiet)
    rng, numbers = np.random.default_rng(7), count(1)
    for item, kind in (("SJ-001", "enterprise"), ("SJ-003", "individual")):
        history._spot_checks(p, rng, 2026, item, kind, item, date(2026, 12, 1), numbers, quiet)
    p.settle()
    with p.engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(tasks))


def _written(p) -> tuple[sa.Table, ...]:
    """Every table the supervision runner's projections write (its segments' too)."""
    runner = p.runners["supervision"]
    return tuple(dict.fromkeys(t for r in [runner, *runner.parts] for projection in r.projections
                               for t in projection.tables))


def _dump(p) -> dict[str, list[tuple]]:
    with p.engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(
            sa.select(t).order_by(*t.primary_key.columns))] for t in _written(p)}


def _write_floor_seconds(p, dumped: dict[str, list[tuple]], transactions: int,
                         copy: bool = False) -> float:
    """The runner's rows written again with raw executemany (`copy`: PostgreSQL's COPY) into
    the emptied tables (same keys and indexes), split into as many transactions as the runner
    committed, each with its tracking update."""
    engine, written = p.engine, _written(p)
    with engine.begin() as conn:
        for t in reversed(written):
            conn.execute(t.delete())
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        style = "%s" if engine.dialect.name == "postgresql" else "?"
        sqls = {t.name: f"INSERT INTO {t.name} ({', '.join(c.name for c in t.columns)}) VALUES "
                        f"({', '.join([style] * len(t.columns))})" for t in written}
        track = f"UPDATE projection_tracking SET position = {style} WHERE projection = {style}"
        values = {t.name: _db_values(engine.dialect, t, dumped[t.name]) for t in written}
        with Timer() as t:
            for i in range(transactions):
                for table in written:
                    part = values[table.name]
                    size = -(-len(part) // transactions)
                    if not (chunk := part[i * size:(i + 1) * size]):
                        continue
                    if copy:
                        columns = ", ".join(c.name for c in table.columns)
                        with cur.copy(f"COPY {table.name} ({columns}) FROM STDIN") as rows:
                            for row in chunk:
                                rows.write_row(row)
                    else:
                        cur.executemany(sqls[table.name], chunk)
                cur.execute(track, (i + 1, "entity_directory"))
                raw.commit()
    finally:
        raw.close()
    return t.seconds


def _db_values(dialect: sa.Dialect, table: sa.Table, rows: list[tuple]) -> list[tuple]:
    """The rows as the DB-API takes them (JSON as text, ...): the column types' bind
    processing, done before the floor is timed."""
    procs = [c.type._cached_bind_processor(dialect) for c in table.columns]
    if not any(procs):
        return rows
    return [tuple(v if f is None or v is None else f(v) for f, v in zip(procs, r)) for r in rows]


def _segment_worker(overrides: dict, segment: int, ready, go, done) -> None:
    """A worker process: bootstrap, wait for the start, catch up one segment, report."""
    from kernel.settings import Settings
    from opencheck.bootstrap import bootstrap

    p = bootstrap(Settings(**overrides))
    try:
        ready.release()
        go.wait()
        applied = p.catch_up(segment=segment)
        if segment == 0:   # the projections not split into segments (tasks, results, ...)
            applied += p.runners["supervision"].catch_up(parts=False)
        done.put((segment, applied, time.perf_counter()))
    finally:
        p.close()


def _parallel_seconds(p, workers: int) -> tuple[float, int]:
    """The supervision log caught up from 0 again by `workers` processes, one per segment of
    the segmentable projections (the directory and the pool); the first also runs the others."""
    p.runners["supervision"].reset()   # the bench's platform has one segment: no parts
    with p.engine.begin() as conn:   # the segment positions the workers keep start afresh
        conn.execute(projection_segments.delete())
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
        counts["mix_events"] = p.supervision.recorder.max_notification_id()
        counts["tasks"] = _record_inspections(p)
        events = p.supervision.recorder.max_notification_id()
        fold = _read_and_fold_seconds(p)
        runner = p.runners["supervision"]
        p.settle()
        incremental = _dump(p)   # built event by event while the log was recorded
        runner.reset()
        batches, ends = [], []

        def batch_done(k: int) -> None:
            batches.append(k)
            ends.append(time.perf_counter())

        with Timer() as cu:
            handled = runner.catch_up(on_progress=batch_done)   # the events it reads
        assert 0.9 * events < handled <= events, (handled, events)
        dumped = _dump(p)
        with p.engine.connect() as conn:
            assert conn.execute(sa.select(projection_tracking.c.position).where(
                projection_tracking.c.projection == "entity_directory")).scalar() == events
        # row checks: the catch-up from 0 wrote what the log built event by event; one row per
        # registration, report, status change and drawn task, with their values
        assert dumped == incremental
        assert len(dumped["tasks"]) == counts["tasks"] > 0
        assert len(dumped["entities"]) == len(dumped["entity_pool"]) == counts["registered"]
        assert len(dumped["annual_reports"]) == counts["reports"]
        assert len(dumped["entity_statuses"]) == counts["statuses"]
        reported = sum(1 for r in dumped["entities"] if r[entities.c.keys().index(
            "last_annual_report_year")] == 2025)
        gone = sum(1 for r in dumped["entities"] if r[entities.c.keys().index("status")]
                   == "deregistered")
        assert (reported, gone) == (counts["reports"], counts["statuses"]), (reported, gone)
        floor = _write_floor_seconds(p, dumped, len(batches))
        assert _dump(p) == dumped
        copy_floor = None
        if backend == "postgres":   # the runner sends long insert runs as COPY: so may the floor
            copy_floor = _write_floor_seconds(p, dumped, len(batches), copy=True)
            assert _dump(p) == dumped
        what = (f"[{backend}] catch-up, realistic mix ({counts['registered']:,} registrations, "
                f"{counts['reports']:,} reports, {counts['statuses']:,} status changes, "
                f"{counts['tasks']:,} drawn tasks and their results; {len(batches)} txns)")
        lines.append(report(what, handled, cu.seconds, "write floor (same rows, tables, txns)",
                            floor))
        if copy_floor is not None:
            lines.append(report(what, handled, cu.seconds,
                                "COPY write floor (same rows, tables, txns)", copy_floor))
        lines.append(report(what, handled, cu.seconds, "raw read-and-fold", fold))
        # no slowdown with size: the first ~100 k events against the last ~100 k of the
        # directory's mix (the inspections recorded after it are another mix: left out)
        starts = [cu.start, *ends[:-1]]
        same = [i for i in range(len(batches)) if sum(batches[:i + 1]) <= counts["mix_events"]]
        if len(same) > 1:
            k = next(i for i in range(1, len(same) + 1) if sum(batches[:i]) >= SIZE_SPAN
                     or i == len(same) // 2 or i == len(same) - 1)
            head, tail = sum(batches[:k]), sum(batches[same[-k]:same[-1] + 1])
            first = head / (ends[k - 1] - cu.start)
            last = tail / (ends[same[-1]] - starts[same[-k]])
            line = (f"[{backend}] catch-up by size (directory mix): first {head:,} events "
                    f"({k} txns) {first:,.0f} events/s, last {tail:,} {last:,.0f} events/s "
                    f"| ratio {first / last:.2f}x")
            print(line, flush=True)
            lines.append(line)
        # the bulk path: a full rebuild beside the live tables (kernel.generations), switched in
        with Timer() as rb:
            runner.rebuild()
        assert _dump(p) == dumped
        lines.append(report(f"[{backend}] full rebuild (bulk path, new generation)", handled,
                            rb.seconds, "write floor (same rows, tables, txns)", floor))
        for w in [w for w in workers or [] if w > 1]:
            seconds, applied = _parallel_seconds(p, w)
            assert _dump(p) == dumped   # row check: what one runner wrote
            assert applied >= handled, (applied, handled)   # segments re-read the log each
            lines.append(report(f"[{backend}] catch-up, realistic mix, {w} workers (segments)",
                                handled, seconds, "write floor (same rows, tables, txns)", floor))
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

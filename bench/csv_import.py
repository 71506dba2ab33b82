"""`opencheck import entities` end to end: a CSV of market entities into a fresh SQLite store.

    python -m bench.csv_import [--entities 1000000]

Times what the command does: read and validate every row (both USCC check characters, region,
industry, dates), register the rows by the bulk path (10,000 per write; codes already stored
are skipped), then project
the read models; 0.1 % of the rows are broken on purpose and must come back as rejects. Prints
rows/s for the import and for the projection, wall and CPU time (the CPU ratio is the steadier
on a loaded machine: the wall clock of both sides also waits on a shared disk), and the
process's peak memory after the import (it streams: flat with the file's size) and after the
projection.
Reference, same rows in the same run: `csv.reader` + `executemany` INSERT into an indexed table
of the same columns (no validation, no events): what loading the file costs with nothing else.
Second reference, the same work (`same_work_seconds`): the file read, then the stored events and
the read models' rows written by raw SQL into the same tables in the same transactions.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sqlite3
import tempfile
from pathlib import Path

from bench.common import Timer, fresh_platform
from opencheck.demo.synthdata import generate_entities
from opencheck.importing import ENTITY_CHUNK, ENTITY_COLUMNS, import_entities

BROKEN_EVERY = 1000  # one row in a thousand carries a USCC with a wrong check character


def write_csv(path: Path, n: int) -> int:
    broken = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(ENTITY_COLUMNS)
        for i, row in enumerate(generate_entities(7, n)):
            if i % BROKEN_EVERY == BROKEN_EVERY - 1:
                row = {**row, "uscc": row["uscc"][:-1] + ("0" if row["uscc"][-1] != "0" else "1")}
                broken += 1
            w.writerow([row[c] for c in ENTITY_COLUMNS])
    return broken


def raw_load(path: Path, db: Path) -> int:
    con = sqlite3.connect(db)
    con.execute(f"CREATE TABLE raw_entities ({', '.join(c + ' TEXT' for c in ENTITY_COLUMNS)})")
    con.execute("CREATE UNIQUE INDEX raw_uscc ON raw_entities (uscc)")
    n = 0
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        insert = f"INSERT INTO raw_entities VALUES ({', '.join('?' * len(ENTITY_COLUMNS))})"
        while chunk := [row for _, row in zip(range(2000), reader)]:
            con.executemany(insert, chunk)
            n += len(chunk)
    con.commit()
    con.close()
    return n


def same_work_seconds(platform, path: Path, db: Path, transactions: int) -> float:
    """The write floor of the import end to end (issue 23: a reference doing the same work):
    the file read with `csv.reader`, then the rows the import and the projection wrote, in raw
    SQL into tables of the same schema: the stored events into a copy of the event store's
    table (keys and indexes), one transaction per ENTITY_CHUNK, and the read models' rows into
    the emptied read tables in as many transactions as the catch-up committed
    (bench.store's write floor)."""
    from bench.store import _dump, _write_floor_seconds

    recorder = platform.supervision.recorder
    with recorder.datastore.transaction(commit=False) as c:
        c.execute("SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL",
                  (recorder.events_table_name,))
        ddl = [r[0] for r in c.fetchall()]
        # in notification order (the rowid)
        c.execute(f"SELECT * FROM {recorder.events_table_name} ORDER BY rowid")
        events = [tuple(r) for r in c.fetchall()]
    dumped = _dump(platform)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")   # as the event store commits (synchronous FULL)
    for sql in ddl:
        con.execute(sql)
    insert = (f"INSERT INTO {recorder.events_table_name} VALUES "
              f"({', '.join('?' * len(events[0]))})")
    with Timer() as t:
        with path.open(newline="", encoding="utf-8") as f:
            read = sum(1 for _ in csv.reader(f))   # streamed, as the import reads it
        for k in range(0, len(events), ENTITY_CHUNK):
            con.executemany(insert, events[k:k + ENTITY_CHUNK])
            con.commit()
    con.close()
    assert read > len(events)
    return t.seconds + _write_floor_seconds(platform, dumped, transactions)


def main(argv: list[str] | None = None) -> list[str]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=1_000_000)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="occsv-") as d:
        path = Path(d) / "entities.csv"
        broken = write_csv(path, args.entities)
        size_mb = path.stat().st_size / 2**20
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with fresh_platform("sqlite") as platform:
            with Timer() as t_import:
                report = import_entities(platform, path)
            rss_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            batches: list[int] = []
            with Timer() as t_project:
                projected = platform.runners["supervision"].catch_up(batches.append)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            floor = same_work_seconds(platform, path, Path(d) / "floor.db", len(batches))
        with Timer() as t_raw:
            raw = raw_load(path, Path(d) / "raw.db")
    if report.registered != args.entities - broken or len(report.rejected) != broken:
        raise SystemExit(f"wrong outcome: {report.registered} registered, "
                         f"{len(report.rejected)} rejected, expected {broken} rejected")
    n = report.read
    lines = [
        f"CSV import ({n:,} rows, {size_mb:.0f} MB, {broken:,} rejected): read + validate + "
        f"register {n / t_import.seconds:,.0f} rows/s ({t_import.seconds:.1f} s), projection "
        f"{projected:,} events in {t_project.seconds:.1f} s; end to end "
        f"{n / (t_import.seconds + t_project.seconds):,.0f} rows/s | reference csv.reader + "
        f"executemany INSERT: {raw / t_raw.seconds:,.0f} rows/s ({t_raw.seconds:.1f} s) | ratio "
        f"{(t_import.seconds + t_project.seconds) / t_raw.seconds:.1f}x end to end, "
        f"{t_import.seconds / t_raw.seconds:.1f}x the import alone (without the projection)",
        f"CSV import end to end {n / (t_import.seconds + t_project.seconds):,.0f} rows/s | "
        f"reference the same work in raw SQL (csv.reader, then the import's stored events and "
        f"the projection's rows with executemany into the same tables, same transactions): "
        f"{n / floor:,.0f} rows/s ({floor:.1f} s) | ratio "
        f"{(t_import.seconds + t_project.seconds) / floor:.1f}x",
        f"CPU: import {t_import.cpu:.1f} s, projection {t_project.cpu:.1f} s, reference "
        f"{t_raw.cpu:.1f} s | ratio {(t_import.cpu + t_project.cpu) / t_raw.cpu:.1f}x end to "
        f"end, {t_import.cpu / t_raw.cpu:.1f}x the import alone",
        f"peak RSS {rss_import:,.0f} MiB after the import, {rss:,.0f} MiB after the projection "
        f"(before the import {rss_before:,.0f} MiB)",
    ]
    for line in lines:
        print(line, flush=True)
    return lines


if __name__ == "__main__":
    main()

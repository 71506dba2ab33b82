"""The write side of imports on SQLite and PostgreSQL, against the store's write floor in the same run.

    python -m bench.imports [--entities 100000] [--backend sqlite|postgres|both]

- registrations: `SupervisionApplication.register_entities` (the bulk path: events built without
  aggregates, 2,000 per write), rows validated beforehand as `opencheck import` does;
- annual reports: `file_annual_reports`, 1,000 per write, each checked against the entity's
  stored events (read in bulk), one report per entity;
- write floor: the very stored events (topic, state, id, version) the import wrote, inserted by
  raw SQL (`executemany` / one multi-row INSERT per 2,000 on PostgreSQL) into a copy of the
  events table with the same keys and indexes, in the same transaction sizes; and, for the
  figure the issue started from, the old reference: one executemany of the entity rows into a
  scratch table of the read model's columns in one transaction (bench.store's).
"""

from __future__ import annotations

from datetime import date
from itertools import islice

from bench.common import Timer, backend_main, fresh_platform, report
from opencheck.demo.synthdata import generate_entities
from supervision.directory.entities import EntityData

CHUNK, REPORTS_CHUNK = 2000, 1000
TODAY = date(2026, 11, 1)


def entity_rows(n: int) -> list[EntityData]:
    """n generated entities, validated as the importer validates them."""
    return [EntityData(uscc=r["uscc"], name=r["name"], entity_type=r["entity_type"],
                       region_code=r["region_code"], industry_code=r["industry_code"],
                       registered_on=date.fromisoformat(r["registered_on"]),
                       address=r["address"], legal_representative=r["legal_representative"],
                       registering_authority=r["registering_authority"]).validated(TODAY)
            for r in generate_entities(7, n)]


def _stored(app) -> list[tuple]:
    rows, start = [], 0
    while batch := app.recorder.select_notifications(start=start, limit=10_000,
                                                     inclusive_of_start=False):
        rows += [(n.originator_id, n.originator_version, n.topic, n.state) for n in batch]
        start = batch[-1].id
    return rows


def write_floor_seconds(app, rows: list[tuple], chunk: int) -> float:
    """Raw INSERT of these stored events into a copy of the events table, `chunk` per txn."""
    r = app.recorder
    table = r.events_table_name
    if hasattr(r.datastore, "schema"):   # PostgreSQL
        import psycopg.sql as s
        copy = s.SQL("{0}.{1}").format(s.Identifier(r.datastore.schema),
                                       s.Identifier("bench_floor_events"))
        with r.datastore.get_connection() as conn:
            conn.execute(s.SQL("CREATE TABLE {0} (LIKE {1}.{2} INCLUDING ALL)").format(
                copy, s.Identifier(r.datastore.schema), s.Identifier(table)))
            conn.commit()
            insert = s.SQL("INSERT INTO {0} (originator_id, originator_version, topic, state) "
                           "SELECT * FROM unnest(%s::uuid[], %s::int[], %s::text[], %s::bytea[])"
                           ).format(copy)
            with Timer() as t:
                for i in range(0, len(rows), chunk):
                    part = rows[i:i + chunk]
                    with conn.transaction():
                        conn.execute(insert, [list(c) for c in zip(*part)])
            conn.execute(s.SQL("DROP TABLE {0}").format(copy))
            conn.commit()
        return t.seconds
    with r.datastore.transaction(commit=True) as c:
        c.execute("SELECT sql FROM sqlite_master WHERE tbl_name=? AND sql IS NOT NULL", (table,))
        ddl = [row[0] for row in c.fetchall()]
        for statement in ddl:
            c.execute(statement.replace(table, "bench_floor_events"))
    params = [(o.hex, v, topic, state) for o, v, topic, state in rows]
    with Timer() as t:
        for i in range(0, len(params), chunk):
            with r.datastore.transaction(commit=True) as c:
                c.executemany("INSERT INTO bench_floor_events (originator_id, originator_version, "
                              "topic, state) VALUES (?, ?, ?, ?)", params[i:i + chunk])
    with r.datastore.transaction(commit=True) as c:
        c.execute("DROP TABLE bench_floor_events")
    return t.seconds


def run(backend: str, n: int) -> list[str]:
    rows = entity_rows(n)
    lines = []
    with fresh_platform(backend) as p:
        app = p.supervision
        with Timer() as imp:
            it = iter(rows)
            while chunk := list(islice(it, CHUNK)):
                app.register_entities(chunk)
        registrations = _stored(app)
        assert len(registrations) == n
        lines.append(report(f"[{backend}] import: register_entities ({CHUNK}/write)", n,
                            imp.seconds, f"write floor, same events, {CHUNK}/txn",
                            write_floor_seconds(app, registrations, CHUNK)))
        with Timer() as again:
            it = iter(rows)
            while chunk := list(islice(it, CHUNK)):
                assert app.register_entities(chunk).registered == 0
        lines.append(f"[{backend}] re-import of the same {n:,} rows: all skipped in "
                     f"{again.seconds:.2f} s ({n / again.seconds:,.0f} rows/s)")
        print(lines[-1], flush=True)
        reports = [(r.uscc, 2025, date(2026, 3, 1)) for r in rows if r.registered_on.year <= 2025]
        with Timer() as filed:
            for i in range(0, len(reports), REPORTS_CHUNK):
                app.file_annual_reports(reports[i:i + REPORTS_CHUNK])
        written = _stored(app)[n:]
        assert len(written) == len(reports)
        lines.append(report(f"[{backend}] annual reports: file_annual_reports "
                            f"({REPORTS_CHUNK}/write)", len(reports), filed.seconds,
                            f"write floor, same events, {REPORTS_CHUNK}/txn",
                            write_floor_seconds(app, written, REPORTS_CHUNK)))
    return lines


def main(argv: list[str] | None = None) -> list[str]:
    return backend_main(__doc__, run, 100_000, argv)


if __name__ == "__main__":
    main()

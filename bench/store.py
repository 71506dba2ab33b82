"""Event import and projection catch-up on SQLite and PostgreSQL, against raw SQL in the same run.

    python -m bench.store [--entities 100000] [--backend sqlite|postgres|both]

- import: `SupervisionApplication.register_entities` in chunks of 2,000 (what `opencheck import`
  does after parsing and validating) vs one raw executemany INSERT of the same rows in one
  transaction into a scratch table with the same columns.
- catch-up: the projection runner from position 0 (read notifications, decode, write the entity
  read model and tracking, 500 events per transaction) vs the raw single-transaction INSERT of the
  same rows, and vs a raw read-and-fold (read every notification + decode, no writes).
"""

from __future__ import annotations

from datetime import date
from itertools import islice

import sqlalchemy as sa

from bench.common import Timer, backend_main, fresh_platform, report
from opencheck.demo.synthdata import generate_entities
from supervision.directory.entities import EntityData
from supervision.directory.tables import entities

CHUNK = 2000


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


def run(backend: str, n: int) -> list[str]:
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
        fold = _read_and_fold_seconds(p)
        with Timer() as cu:
            assert p.runners["supervision"].catch_up() == n
        lines.append(report(f"[{backend}] projection catch-up (500 events/txn)", n, cu.seconds,
                            "raw INSERT, 1 txn", raw))
        lines.append(report(f"[{backend}] projection catch-up (500 events/txn)", n, cu.seconds,
                            "raw read-and-fold", fold))
    return lines


def main(argv: list[str] | None = None) -> list[str]:
    return backend_main(__doc__, run, 100_000, argv)


if __name__ == "__main__":
    main()

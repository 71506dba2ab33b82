"""The open-data dump and the credit report PDF, each against a reference in the same run.

    python -m bench.open_data [--entities 20000] [--backend sqlite|postgres|both]

The store: `--entities` registrations (the bulk path), a published penalty for one in ten and
a commendation-free directory (the datasets' biggest rows are penalties and, at scale,
published results). Figures:
- the full dump of every dataset (CSV + JSON Lines + the delta against the previous day +
  the manifest) against the reference: one SELECT of the penalties table written as JSON Lines
  with the standard library (the same rows, no views, no CSV, no delta);
- a credit report (the public record read, the issuance saved, the PDF rendered) against the
  reference: the public record read alone (the one-statement lookup).
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from bench.common import Timer, backend_main, fresh_platform, report
from bench.imports import entity_rows
from credit.opendata.dumps import write_dump
from credit.penalties.tables import penalties
from credit.record.public import public_credit_record
from credit.reports.pdf import render_report
from kernel.clock import china_date, today_in_china
from tests.factories import decision

REPORTS = 50


def _seed(platform, n: int) -> list[str]:
    rows = entity_rows(n)
    for i in range(0, n, 2000):
        platform.supervision.register_entities(rows[i:i + 2000])
    platform.catch_up()
    codes = [r.uscc for r in rows[::10]]
    today, credit = today_in_china(), platform.credit
    for i, code in enumerate(codes):
        case = credit.open_penalty(code, "market_regulation", today - timedelta(days=50), today)
        credit.decide_penalty(case, decision(i, decided_on=today - timedelta(days=40)), today)
        credit.publish_penalty(case, today - timedelta(days=30), today)
    platform.catch_up()
    return codes


def run(backend: str, entities: int) -> list[str]:
    lines = []
    with fresh_platform(backend) as platform, tempfile.TemporaryDirectory() as d:
        codes = _seed(platform, entities)
        today = today_in_china()
        now = datetime.now(timezone.utc).replace(microsecond=0)
        write_dump(platform.engine, Path(d), today - timedelta(days=1), now)   # the previous day
        with Timer() as dump:
            manifest = write_dump(platform.engine, Path(d), today, now)
        rows = sum(x["rows"] for x in manifest["datasets"].values())
        with Timer() as raw:
            with platform.engine.connect() as conn, (Path(d) / "raw.jsonl").open("w") as f:
                for r in conn.execute(sa.select(penalties)):
                    f.write(json.dumps(dict(r._mapping), default=str, ensure_ascii=False) + "\n")
        lines.append(report(f"[{backend}] open-data dump, all datasets + delta + manifest", rows,
                            dump.seconds, "one SELECT of penalties to JSON Lines", raw.seconds,
                            unit="rows/s"))
        sample = codes[:REPORTS]
        with Timer() as issued:
            for code in sample:
                when = datetime.now(timezone.utc).replace(microsecond=0)
                with platform.engine.connect() as conn:
                    record = public_credit_record(conn, code, china_date(when))
                rep = platform.credit.issue_credit_report(code, record, when)
                render_report(rep, record, "https://example/verify")
        with Timer() as read:
            for code in sample:
                with platform.engine.connect() as conn:
                    public_credit_record(conn, code, today)
        lines.append(report(f"[{backend}] credit report (read + issue + PDF)", len(sample),
                            issued.seconds, "the public record read alone", read.seconds,
                            unit="reports/s"))
    return lines


if __name__ == "__main__":
    backend_main(__doc__, run, 20_000, sys.argv[1:])

"""Credit benchmarks: A–D re-classification of a province, and credit projection catch-up.

    python -m bench.credit [--entities 1000000] [--events 100000] [--backend sqlite|postgres|both]
                           [--only reclassify daily catch_up]

- reclassify: the monthly job's `credit.jobs.reclassify` (load every fact table with one
  SELECT each, score in numpy, record the run's changes: everyone on a first run) and the
  projection into `risk_classes` + `risk_class_history`, over read-model tables filled directly
  (as bench/pool.py does; filling is not timed): ~5 % penalised, 5 % abnormal, 0.5 % serious,
  0.5 % false commitments, 10 % inspected, 90 % with the last two annual reports. Reference in
  the same run: the raw SELECT of the same columns (no day arithmetic, no joins) plus the raw
  write of the same result rows (executemany on SQLite, COPY on PostgreSQL); and, for
  information, the bare numpy scoring.
- daily: the `credit-daily` job on a quiet day over the same province, plus 0.6 % commended and
  the 2025 annual-report grounds of the 10 % who did not file already recorded. The first run
  sweeps every entity for the report ground (and records the sweep mark); the figure is the next
  day's run, which reads only what changed. Reference in the same run: the full-directory reads
  the job would otherwise repeat every day (the report sweep over every entity and the red-list
  facts of every entity, `load_facts` + `eligible`).
- catch-up: the credit projections from position 0 over a realistic credit log, rows checked,
  against the write floor and the raw read-and-fold (bench/credit_log.py).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from datetime import date, timedelta
from itertools import islice

import numpy as np
import sqlalchemy as sa

from bench.common import Timer, fresh_platform, pg_reachable, report
from bench.credit_log import bench_catch_up
from credit.commitments.tables import commitments
from credit.jobs import reclassify
from credit.lists.tables import (
    abnormal_grounds,
    abnormal_listings,
    commendations,
    serious_listings,
)
from credit.penalties.tables import penalties
from credit.rating.facts import load_facts
from credit.rating.scoring import classify, report_years
from credit.rating.tables import risk_class_history, risk_classes
from credit.rules import DEFAULT_RULES
from supervision.directory.tables import annual_reports, entities, entity_pool
from supervision.plans.pool import epoch_day
from supervision.tasks.tables import task_results

ON = date(2026, 11, 1)
RULES = DEFAULT_RULES
E0 = date(1970, 1, 1)


def _day(n) -> date:  # noqa: ANN001
    return E0 + timedelta(days=int(n))


def _insert(conn: sa.Connection, table: sa.Table, rows) -> None:  # noqa: ANN001
    it = iter(rows)
    while chunk := list(islice(it, 50_000)):
        conn.execute(table.insert(), chunk)


def fill(engine: sa.Engine, n: int, seed: int = 11) -> None:
    """A province of `n` entities and their credit facts, straight into the read models."""
    rng = np.random.default_rng(seed)
    nos = np.arange(1, n + 1, dtype=np.int64) * 3
    reg = rng.integers(epoch_day(date(2006, 1, 1)), epoch_day(date(2026, 6, 1)), n)
    codes = [f"91{no:016d}" for no in nos.tolist()]
    pick = lambda share: rng.choice(n, int(n * share), replace=False)  # noqa: E731
    with engine.begin() as conn:
        _insert(conn, entity_pool, ({"entity_no": no, "entity_id": f"{no:032x}",
                                     "region_int": 330702, "type_code": int(no % 3 == 0),
                                     "industry_section": 5, "industry_code": "F",
                                     "registered_day": int(r), "status_code": 0}
                                    for no, r in zip(nos.tolist(), reg.tolist())))
        _insert(conn, entities, ({"entity_no": no, "entity_id": f"{no:032x}", "uscc": c,
                                  "name": "测试", "entity_type": "enterprise",
                                  "region_code": "330702", "industry_code": "F",
                                  "registered_on": _day(r), "status": "active", "version": 1,
                                  "updated_position": no}
                                 for no, c, r in zip(nos.tolist(), codes, reg.tolist())))
        _insert(conn, penalties, ({"case_id": f"p{i:031d}", "uscc": codes[i],
                                   "department": "market_regulation",
                                   "opened_on": date(2024, 1, 1), "status": "published",
                                   "kinds": "fine", "heavier_penalty": bool(i % 7 == 0),
                                   "fine_amount": 50_000, "decided_on": _day(d),
                                   "version": 3, "updated_position": i}
                                  for i, d in zip(pick(0.05).tolist(), rng.integers(
                                      epoch_day(date(2022, 1, 1)), epoch_day(ON),
                                      int(n * 0.05)).tolist())))
        _insert(conn, abnormal_listings, ({"listing_id": f"a{i:031d}", "cycle": 1,
                                           "uscc": codes[i], "status": "listed",
                                           "first_ground_on": date(2025, 7, 1),
                                           "listed_on": date(2025, 7, 15),
                                           "recorded_on": date(2025, 7, 15), "version": 3,
                                           "updated_position": i}
                                          for i in pick(0.05).tolist()))
        _insert(conn, serious_listings, ({"listing_id": f"s{i:031d}", "cycle": 1,
                                          "uscc": codes[i], "status": "listed",
                                          "notice_no": "n", "noticed_on": date(2025, 1, 2),
                                          "ground": "heavier_penalty", "facts": "f",
                                          "listed_on": date(2025, 1, 20),
                                          "auto_removal_on": date(2028, 1, 20), "version": 3,
                                          "updated_position": i}
                                         for i in pick(0.005).tolist()))
        _insert(conn, commitments, ({"commitment_id": f"c{i:031d}", "uscc": codes[i],
                                     "department": "d", "permit_type": "p", "content": "c",
                                     "committed_on": date(2025, 3, 3),
                                     "verify_by": date(2025, 4, 3), "status": "false",
                                     "verified_on": date(2025, 4, 1), "version": 2,
                                     "updated_position": i}
                                    for i in pick(0.005).tolist()))
        _insert(conn, task_results, ({"task_id": f"t{i:031d}", "department": "m",
                                      "plan_id": "p", "entity_no": int(nos[i]),
                                      "uscc": codes[i], "result_code": "1" if i % 5 else "B",
                                      "result_name_zh": "", "result_name_en": "",
                                      "follow_up": "none" if i % 5 else "order_publicise",
                                      "problem_found": not i % 5, "inspected_on": date(2026, 3, 2),
                                      "recorded_on": date(2026, 3, 2), "recorded_by": 1,
                                      "signatures": "1;2", "publish_by": date(2026, 4, 1)}
                                     for i in pick(0.10).tolist()))
        filed = rng.random(n) < 0.9
        _insert(conn, annual_reports, ({"entity_no": no, "year": y,
                                        "filed_on": date(y + 1, 5, 1)}
                                       for y in (2024, 2025)
                                       for no in nos[filed].tolist()))


def _raw_select_seconds(conn: sa.Connection) -> float:
    """The same columns with no day arithmetic and no joins, straight off the cursor."""
    queries = ["SELECT entity_no, registered_day, status_code, type_code FROM entity_pool",
               "SELECT uscc, decided_on, heavier_penalty, kinds, status, revoked_on, "
               "repaired_on FROM penalties",
               "SELECT uscc, listed_on, removed_on, auto_removal_on FROM serious_listings",
               "SELECT uscc, listed_on, removed_on FROM abnormal_listings",
               "SELECT uscc, verified_on, repaired_on FROM commitments",
               "SELECT entity_no, inspected_on, problem_found, follow_up FROM task_results",
               "SELECT entity_no, year, filed_on FROM annual_reports"]
    cursor = conn.connection.cursor()
    with Timer() as t:
        for q in queries:
            cursor.execute(q)
            cursor.fetchall()
    cursor.close()
    return t.seconds


def bench_reclassify(backend: str, n: int) -> list[str]:
    lines = []
    with fresh_platform(backend) as p:
        with Timer() as f:
            fill(p.engine, n)
        print(f"[{backend}] filled {n:,} entities and their facts in {f.seconds:.1f} s "
              f"(not timed)", flush=True)
        best = ref = float("inf")
        for attempt in range(2):
            # a new store each time would refill it: the second attempt is the first run of a
            # later day over emptied read models (so it records every entity again)
            if attempt:
                with p.engine.begin() as conn:
                    conn.execute(risk_classes.delete())
                    conn.execute(risk_class_history.delete())
            with Timer() as t:
                per_class = reclassify(p, ON + timedelta(days=31 * attempt))
                p.runners["credit"].catch_up()
            best = min(best, t.seconds)
            with p.engine.begin() as conn:
                raw = _raw_select_seconds(conn)
                cols = [risk_classes.c[k] for k in ("entity_no", "class", "score", "reasons",
                                                      "reason_bits", "classified_on")]
                rows = [tuple(r) for r in conn.execute(sa.select(*cols))]
                with Timer() as w:
                    conn.execute(risk_classes.delete())
                    cursor = conn.connection.cursor()
                    if backend == "sqlite":
                        cursor.executemany("INSERT INTO risk_classes (entity_no, class, score, "
                                           "reasons, reason_bits, classified_on) "
                                           "VALUES (?, ?, ?, ?, ?, ?)",
                                           [(*r[:5], str(r[5])) for r in rows])
                    else:
                        with cursor.copy("COPY risk_classes (entity_no, class, score, reasons, "
                                         "reason_bits, classified_on) FROM STDIN") as copy:
                            for row in rows:
                                copy.write_row(row)
                ref = min(ref, raw + w.seconds)
        assert int(per_class.sum()) == n
        lines.append(report(f"[{backend}] reclassify (load + score + record + project)", n, best,
                            "raw SELECT of the same columns + raw write of the result",
                            ref, unit="entities/s"))
        # later months, few changes: the run loads, scores and compares the province and
        # records its day (no row of an unchanged class is rewritten: risk_class_runs)
        later = raw_later = float("inf")
        for month in (2, 3):
            with Timer() as t:
                assert reclassify(p, ON + timedelta(days=31 * month)) is not None
                p.runners["credit"].catch_up()
            later = min(later, t.seconds)
            with p.engine.connect() as conn:
                raw_later = min(raw_later, _raw_select_seconds(conn))
        lines.append(report(f"[{backend}] a later monthly run (few classes change)", n, later,
                            "raw SELECT of the same columns", raw_later, unit="entities/s"))
        with p.engine.connect() as conn:
            facts = load_facts(conn, RULES, report_years(ON, RULES.abnormal_list, 2))
        with Timer() as s:
            classify(facts, RULES.risk_scoring, RULES.abnormal_list, ON)
        print(f"  of which the bare numpy scoring: {s.seconds:.2f} s; classes "
              f"A/B/C/D = {'/'.join(str(int(c)) for c in per_class)}", flush=True)
    return lines


def _quiet_province(engine: sa.Engine, n: int, seed: int = 12) -> None:
    """`fill`, plus commendations (0.6 %) and the recorded 2025 report grounds of non-filers."""
    fill(engine, n)
    rng = np.random.default_rng(seed)
    with engine.begin() as conn:
        owing = conn.execute(
            sa.select(entities.c.uscc).where(~sa.exists().where(
                annual_reports.c.entity_no == entities.c.entity_no,
                annual_reports.c.year == 2025))).scalars().all()
        _insert(conn, abnormal_grounds, ({"listing_id": f"g{i:031d}", "ground_key":
                                          "annual_report:2025", "uscc": u, "cycle": 1,
                                          "ground": "annual_report", "arose_on": date(2026, 7, 1),
                                          "decide_by": date(2026, 7, 15), "status": "open",
                                          "recorded_on": date(2026, 7, 1)}
                                         for i, u in enumerate(owing)))
        codes = conn.execute(sa.select(entities.c.uscc)).scalars().all()
        chosen = rng.choice(len(codes), int(len(codes) * 0.006), replace=False)
        _insert(conn, commendations, ({"commendation_id": f"m{i:031d}", "document_no": f"D{i}",
                                       "uscc": codes[i], "title": "守合同重信用企业",
                                       "department": "market_regulation", "basis": "b",
                                       "granted_on": date(2025, 5, 1),
                                       "valid_until": date(2027, 5, 1), "version": 1,
                                       "updated_position": i} for i in chosen.tolist()))
    with engine.connect() as conn:   # planner statistics, as autovacuum / a long-lived store has
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


def bench_daily(backend: str, n: int) -> list[str]:
    from credit.jobs import credit_daily
    from credit.lists.queries import _annual_report
    from credit.lists.red_list import eligible

    with fresh_platform(backend) as p:
        _quiet_province(p.engine, n)
        first = ON + timedelta(days=1)
        with Timer() as sweep_run:
            credit_daily(p, first)
        with Timer() as t:
            summary = credit_daily(p, first + timedelta(days=1))
        with p.engine.connect() as conn, Timer() as ref:
            _annual_report(conn, RULES, first, defaultdict(lambda: [False, []]), {})
            facts = load_facts(conn, RULES)
            members = eligible(facts, RULES.red_list, first)
        print(f"[{backend}] credit-daily: first run with the full report sweep "
              f"{sweep_run.seconds:.2f} s; next day: {summary}; red list {int(members.sum())}",
              flush=True)
        return [report(f"[{backend}] credit-daily, quiet day", n, t.seconds,
                       "full-directory reads (report sweep + red-list facts of every entity)",
                       ref.seconds, unit="entities/s")]


def main(argv: list[str] | None = None) -> list[str]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=1_000_000)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    ap.add_argument("--only", nargs="*", choices=["catch_up", "reclassify", "daily"],
                    default=["catch_up", "reclassify", "daily"])
    args = ap.parse_args(argv)
    lines = []
    for b in ["sqlite", "postgres"] if args.backend == "both" else [args.backend]:
        if b == "postgres" and not pg_reachable():
            print("postgres: not reachable, skipped")
            continue
        if "catch_up" in args.only:
            lines += bench_catch_up(b, args.events)
        if "reclassify" in args.only:
            lines += bench_reclassify(b, args.entities)
        if "daily" in args.only:
            lines += bench_daily(b, args.entities)
    return lines


if __name__ == "__main__":
    main()

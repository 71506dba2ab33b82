"""The supervisor overview over 1,000,000 entities, against raw SQL doing the same aggregation.

    python -m bench.dashboard [--entities 1000000] [--backend sqlite|postgres]

The store is filled by direct INSERTs into the read-model tables (as bench/pool.py does; the
import and projections are what bench/store.py measures): ``entities`` and ``entity_pool`` for
every entity, the pre-aggregated ``entity_counts`` the EntityCounts projection would hold, and a
year's worth of supervision: 2,000 inspectors, one drawn plan per city, tasks for 5 % of active
entities with two inspectors each, results for 60 % of them, 20,000 penalties, 20,000
commitments, 3,000 serious-list procedures, the A–D classes of every entity (the monthly job's
table), the red list for 60 % and the abnormal list for 5 %. Filling is not timed.

The counts of the A–D classes and the red list are filled as their projections would hold them
(dashboard.credit_counts; not timed). Timed: the overview callback (every query,
every figure, the components) for the whole province, one city and one city × industry, first
call and best of 3; and the workload grid's first page. Reference: the same aggregations in raw
SQL over the raw tables, i.e. counting the directory's million rows, the classes and the red list
instead of reading the pre-aggregated counts, each the best of 3.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import sqlalchemy as sa

from bench.common import fresh_platform
from credit.commitments.tables import commitments
from credit.lists.tables import abnormal_listings, serious_listings
from credit.penalties.tables import penalties
from credit.rating.tables import red_list, risk_classes
from dashboard import grids
from dashboard.pages.overview import body
from dashboard.queries import Filters
from dashboard.tables import entity_counts, red_list_counts, risk_class_counts
from kernel.clock import today_in_china
from kernel.regions import COUNTIES
from supervision.directory.tables import entities, entity_pool, inspectors
from supervision.plans.tables import plan_draws, plans
from supervision.tasks.tables import task_inspectors, task_results, tasks

SECTIONS = "AFFFFFFHHHOOGECCCILMKQ"
CHUNK = 50_000
RESULTS = np.array(["1", "6", "C", "8", "E", "A"])
RESULT_P = (0.85, 0.07, 0.03, 0.01, 0.03, 0.01)
PROBLEM = {"1": False, "6": True, "C": True, "8": True, "E": True, "A": True}
TYPES = ("enterprise", "individual", "cooperative")
STATUSES = ("active", "deregistered", "revoked", "moved_out")


def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    for s in range(0, len(rows), CHUNK):
        conn.execute(table.insert(), rows[s:s + CHUNK])


def fill(engine: sa.Engine, n: int, today: date, seed: int = 11) -> None:
    rng = np.random.default_rng(seed)
    counties = np.array([int(c) for c in COUNTIES])
    no = np.arange(1, n + 1, dtype=np.int64) * 3
    region = counties[rng.integers(0, counties.size, n)]
    kind = rng.choice(3, n, p=(0.30, 0.67, 0.03))
    section = np.frombuffer(SECTIONS.encode(), np.uint8)[rng.integers(0, len(SECTIONS), n)] - 65
    status = rng.choice(4, n, p=(0.93, 0.04, 0.02, 0.01))
    day0 = date(2006, 1, 1)
    reg = rng.integers(0, (date(2025, 12, 31) - day0).days, n)
    with engine.begin() as conn:
        for s in range(0, n, 100_000):
            e = slice(s, s + 100_000)
            rows = list(zip(no[e].tolist(), region[e].tolist(), kind[e].tolist(),
                            section[e].tolist(), status[e].tolist(), reg[e].tolist()))
            conn.execute(entities.insert(), [{
                "entity_no": i, "entity_id": f"{i:032x}", "uscc": f"91{r}{i:010d}",
                "name": f"基准{i}号商贸有限公司", "entity_type": TYPES[k], "region_code": str(r),
                "industry_code": f"{chr(65 + sec)}5211", "registered_on": day0 + timedelta(d),
                "status": STATUSES[st], "status_since": day0 + timedelta(d), "version": 1,
                "updated_position": i} for i, r, k, sec, st, d in rows])
            conn.execute(entity_pool.insert(), [{
                "entity_no": i, "entity_id": f"{i:032x}", "region_int": r, "type_code": k,
                "industry_section": sec, "industry_code": f"{chr(65 + sec)}5211",
                "registered_day": d, "status_code": st} for i, r, k, sec, st, d in rows])
        keys, counts = np.unique(np.stack([region, section, kind, status]), axis=1,
                                 return_counts=True)
        _insert(conn, entity_counts, [
            {"region_int": int(r), "industry_section": int(sec), "type_code": int(k),
             "status_code": int(st), "entities": int(c)} for (r, sec, k, st), c in
            zip(keys.T.tolist(), counts.tolist())])
        _supervision(conn, rng, no, region, status, today)
        _credit(conn, rng, no, region, today)
        _lists_and_classes(conn, rng, no, region, today)


def count(engine: sa.Engine, today: date) -> float:
    """Fill the credit counts the dashboard_on_credit projections would hold for the filled
    classes and red list (one grouping each, as their events would sum up to)."""
    t = time.perf_counter()
    p, rc, r = entity_pool.c, risk_classes.c, red_list.c
    with engine.begin() as conn:
        conn.execute(red_list_counts.delete())
        conn.execute(risk_class_counts.delete())
        conn.execute(risk_class_counts.insert().from_select(
            ["classified_on", "region_int", "industry_section", "risk_class", "entities"],
            sa.select(sa.literal(today, sa.Date), p.region_int, p.industry_section, rc["class"],
                      sa.func.count())
            .join(entity_pool, p.entity_no == rc.entity_no)
            .group_by(p.region_int, p.industry_section, rc["class"])))
        conn.execute(red_list_counts.insert().from_select(
            ["counted_on", "region_int", "industry_section", "members"],
            sa.select(sa.literal(today, sa.Date), p.region_int, p.industry_section,
                      sa.func.count())
            .join(entity_pool, p.entity_no == r.entity_no)
            .where(r.until.is_(None)).group_by(p.region_int, p.industry_section)))
    return time.perf_counter() - t


def _supervision(conn, rng, no, region, status, today: date) -> None:
    year = date(today.year, 1, 1)
    span = max(1, (today - year).days)
    depts = np.array(["market_regulation"] * 7 + ["health", "ecology_environment",
                                                 "emergency_management"])
    m = 2000
    insp_region = np.array(list(COUNTIES))[rng.integers(0, len(COUNTIES), m)]
    insp_dept = depts[rng.integers(0, depts.size, m)]
    _insert(conn, inspectors, [{
        "inspector_no": 10**9 + i, "inspector_id": f"{10**9 + i:032x}",
        "credential_no": f"{r}{i:08d}", "name": f"检查员{i}", "department": d, "region_code": r,
        "region_int": int(r), "station": f"{r}所", "status": "active", "status_since": year,
        "version": 1, "updated_position": i}
        for i, (r, d) in enumerate(zip(insp_region, insp_dept))])
    drawn = rng.random(no.size) < 0.05
    drawn &= status == 0
    cities = region[drawn] // 100
    plan_of = {c: f"{c:032x}" for c in np.unique(region // 100).tolist()}
    for c, pid in plan_of.items():
        pop = int(((region // 100) == c).sum())
        k = int((cities == c).sum())
        _insert(conn, plans, [{"plan_id": pid, "name": f"{c}年度抽查", "lead_department":
                               "market_regulation", "departments": "market_regulation",
                               "check_items": "T-001", "region_prefix": str(c)[:4], "terms": {},
                               "status": "drawn", "drafted_by": "bench", "drafted_on": year,
                               "published_on": year, "due_on": date(today.year, 12, 31),
                               "draws": 1, "version": 3, "updated_position": c}])
        _insert(conn, plan_draws, [{"plan_id": pid, "draw_no": 1, "drawn_on": year,
                                    "drawn_by": "bench", "record": {"strata": {"B": {
                                        "population": pop, "excluded_cool_off": 0, "drawn": k}}},
                                    "drawn": k, "unassigned": 0}])
    t_no, t_region = no[drawn], region[drawn]
    assigned = [year + timedelta(int(d)) for d in rng.integers(0, span, t_no.size)]
    team = rng.integers(0, m, (t_no.size, 2))
    done = rng.random(t_no.size) < 0.60
    _insert(conn, tasks, [{
        "task_id": f"{e:032x}", "plan_id": plan_of[r // 100], "draw_no": 1, "entity_no": e,
        "uscc": f"91{r}{e:010d}", "departments": "market_regulation", "check_items": "T-001",
        "status": "inspected" if d else "assigned", "assigned_on": a,
        "due_on": date(today.year, 12, 31), "version": 1, "updated_position": e}
        for e, r, a, d in zip(t_no.tolist(), t_region.tolist(), assigned, done.tolist())])
    _insert(conn, task_inspectors, [
        {"task_id": f"{e:032x}", "inspector_no": 10**9 + int(i), "department":
         "market_regulation", "assigned_on": a, "active": True}
        for e, a, pair in zip(t_no.tolist(), assigned, team) for i in set(pair.tolist())])
    codes = RESULTS[rng.choice(RESULTS.size, t_no.size, p=RESULT_P)]
    late = rng.random(t_no.size)
    _insert(conn, task_results, [{
        "task_id": f"{e:032x}", "department": "market_regulation", "plan_id": plan_of[r // 100],
        "entity_no": e, "uscc": f"91{r}{e:010d}", "result_code": c, "result_name_zh": c,
        "result_name_en": c, "follow_up": "none", "problem_found": PROBLEM[c],
        "inspected_on": a + timedelta(5), "recorded_on": a + timedelta(5),
        "recorded_by": 10**9, "signatures": "1;2", "publish_by": a + timedelta(33),
        "published_on": None if lt < 0.1 else a + timedelta(20 if lt > 0.2 else 40),
        "late": 0.1 <= lt <= 0.2} for e, r, a, c, d, lt in
        zip(t_no.tolist(), t_region.tolist(), assigned, codes.tolist(), done.tolist(),
            late.tolist()) if d])


def _lists_and_classes(conn, rng, no, region, today: date) -> None:
    """A–D classes for every entity, the red list for 60 %, the abnormal list for 5 %."""
    klass = rng.choice(4, no.size, p=(0.25, 0.60, 0.12, 0.03))
    for s in range(0, no.size, 100_000):
        conn.execute(risk_classes.insert(), [
            {"entity_no": n, "class": k, "score": 50.0, "reasons": "", "classified_on": today}
            for n, k in zip(no[s:s + 100_000].tolist(), klass[s:s + 100_000].tolist())])
    red = np.flatnonzero(rng.random(no.size) < 0.60)
    since = date(today.year, 1, 1)
    for s in range(0, red.size, 100_000):
        conn.execute(red_list.insert(), [
            {"entity_no": int(no[i]), "since": since, "uscc": f"91{region[i]}{no[i]:010d}",
             "until": None, "recorded_on": since} for i in red[s:s + 100_000].tolist()])
    ab = np.flatnonzero(rng.random(no.size) < 0.05)
    days = rng.integers(1, 700, ab.size)
    _insert(conn, abnormal_listings, [{
        "listing_id": f"a{no[i]:031d}", "cycle": 1, "uscc": f"91{region[i]}{no[i]:010d}",
        "status": "listed", "first_ground_on": today - timedelta(int(d) + 10),
        "listed_on": today - timedelta(int(d)), "recorded_on": today - timedelta(int(d)),
        "listed_recorded_on": today - timedelta(int(d)), "version": 2, "updated_position": 1}
        for i, d in zip(ab.tolist(), days.tolist())])


def _credit(conn, rng, no, region, today: date) -> None:
    pick = rng.choice(no.size, 43_000, replace=False)
    uscc = [f"91{region[i]}{no[i]:010d}" for i in pick.tolist()]
    days = [today - timedelta(int(d)) for d in rng.integers(1, 400, len(uscc))]
    _insert(conn, penalties, [{
        "case_id": f"p{i:031d}", "uscc": u, "department": "market_regulation", "opened_on": d,
        "status": "published" if i % 3 else "decided", "decision_no": f"罚{i}",
        "decided_on": d, "publicisable": True, "publication_due_on": d + timedelta(28),
        "published_on": d + timedelta(10) if i % 3 else None, "published_late": i % 7 == 0,
        "version": 2, "updated_position": i} for i, (u, d) in enumerate(zip(uscc[:20_000],
                                                                          days[:20_000]))])
    _insert(conn, commitments, [{
        "commitment_id": f"c{i:031d}", "uscc": u, "department": "market_regulation",
        "permit_type": "食品经营许可", "content": "承诺", "committed_on": d,
        "verify_by": d + timedelta(42), "status": ("awaiting", "fulfilled", "false")[i % 3],
        "version": 1, "updated_position": i}
        for i, (u, d) in enumerate(zip(uscc[20_000:40_000], days[20_000:40_000]))])
    _insert(conn, serious_listings, [{
        "listing_id": f"s{i:031d}", "cycle": 1, "uscc": u, "status": "listed", "notice_no": f"告{i}",
        "noticed_on": d - timedelta(30), "ground": "heavier_penalty", "facts": "较重处罚",
        "listed_on": d, "auto_removal_on": d + timedelta(3 * 365), "version": 3,
        "updated_position": i} for i, (u, d) in enumerate(zip(uscc[40_000:], days[40_000:]))])


REFERENCE = [  # the same aggregations, straight over the raw tables
    "SELECT region_int, industry_section, type_code, status_code, count(*) FROM entity_pool "
    "WHERE {pool} GROUP BY region_int, industry_section, type_code, status_code",
    "SELECT t.entity_no, t.departments, p.region_int, p.industry_section FROM tasks t "
    "JOIN plans pl ON pl.plan_id = t.plan_id JOIN entity_pool p ON p.entity_no = t.entity_no "
    "WHERE t.draw_no = pl.draws AND t.assigned_on BETWEEN :a AND :b AND {pool}",
    "SELECT pl.name, d.record FROM plan_draws d JOIN plans pl ON pl.plan_id = d.plan_id "
    "WHERE d.draw_no = pl.draws AND d.drawn_on BETWEEN :a AND :b",
    "SELECT r.result_code, r.problem_found, p.industry_section, count(*) FROM task_results r "
    "JOIN entity_pool p ON p.entity_no = r.entity_no WHERE r.inspected_on BETWEEN :a AND :b "
    "AND {pool} GROUP BY r.result_code, r.problem_found, p.industry_section",
    "SELECT sum(CASE WHEN published_on IS NOT NULL AND NOT late THEN 1 ELSE 0 END), "
    "sum(CASE WHEN published_on IS NULL AND publish_by < :b THEN 1 ELSE 0 END) FROM task_results r "
    "JOIN entity_pool p ON p.entity_no = r.entity_no "
    "WHERE r.inspected_on BETWEEN :a AND :b AND {pool}",
    "SELECT count(*) FROM penalties x WHERE status IN ('decided', 'published') AND decided_on "
    "BETWEEN :a AND :b AND {uscc}",
    "SELECT status, count(*) FROM commitments x WHERE committed_on BETWEEN :a AND :b AND {uscc} "
    "GROUP BY status",
    "SELECT count(*) FROM serious_listings x WHERE status = 'listed' AND {uscc}",
    "SELECT count(*) FROM abnormal_listings x WHERE listed_on <= :b AND removed_on IS NULL "
    "AND {uscc}",
    "SELECT count(*) FROM red_list x JOIN entity_pool p ON p.entity_no = x.entity_no "
    "WHERE until IS NULL AND {pool}",
    "SELECT class, count(*) FROM risk_classes x JOIN entity_pool p ON p.entity_no = x.entity_no "
    "WHERE {pool} GROUP BY class",
    "SELECT ti.inspector_no, count(*) FROM task_inspectors ti JOIN tasks t ON t.task_id = "
    "ti.task_id WHERE ti.active AND t.assigned_on BETWEEN :a AND :b GROUP BY ti.inspector_no",
    "SELECT inspector_no, name, department FROM inspectors WHERE status = 'active'",
]


def reference(engine: sa.Engine, f: Filters) -> None:
    pool, uscc = ["1 = 1"], "1 = 1"
    if f.region_prefix:
        low, high = f.region_int_range()
        pool.append(f"p.region_int BETWEEN {low} AND {high}")
        uscc = (f"EXISTS (SELECT 1 FROM entities e WHERE e.uscc = x.uscc AND e.region_code >= "
                f"'{f.region_prefix}' AND e.region_code < '{int(f.region_prefix) + 1}')")
    if f.industry:
        pool.append(f"p.industry_section = {ord(f.industry) - 65}")
    with engine.connect() as conn:
        for sql in REFERENCE:
            sql = sql.format(pool=" AND ".join(pool), uscc=uscc)
            if sql.startswith("SELECT region_int"):
                sql = sql.replace("p.", "")
            conn.execute(sa.text(sql), {"a": f.date_from, "b": f.date_to}).all()


def best_of(fn: Callable[[], object], runs: int = 3) -> tuple[float, float]:
    """(first call, best of `runs`) in seconds."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times[0], min(times)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=1_000_000)
    ap.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    args = ap.parse_args(argv)
    today = today_in_china()
    with fresh_platform(args.backend) as p:
        t = time.perf_counter()
        fill(p.engine, args.entities, today)
        if args.backend == "postgres":
            with p.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        print(f"filled {args.entities:,} entities and a year of supervision in "
              f"{time.perf_counter() - t:.0f} s ({args.backend}, not timed)", flush=True)
        print(f"filling the credit counts the projections would hold (not timed): "
              f"{count(p.engine, today):.2f} s", flush=True)
        year = Filters(date_from=date(today.year, 1, 1), date_to=today)
        for label, f in (("province", year),
                         ("one city", Filters(region_prefix="3307", date_from=year.date_from,
                                              date_to=today)),
                         ("one city, one industry", Filters(region_prefix="3307", industry="F",
                                                            date_from=year.date_from,
                                                            date_to=today))):
            first, ours = best_of(lambda: body(p, f, today))
            _, ref = best_of(lambda: reference(p.engine, f))
            print(f"overview, {label}: first render {first:.3f} s, best {ours:.3f} s "
                  f"(target <= 1.5 s) | reference raw SQL, same aggregations: {ref:.3f} s | "
                  f"ratio {ours / ref:.2f}x", flush=True)

        def page():
            with p.engine.connect() as conn:
                return grids.workload_page(conn, year, {"startRow": 0, "endRow": 50})

        _, grid = best_of(page)
        print(f"workload grid, first page of 2,000 inspectors: {grid:.3f} s")


if __name__ == "__main__":
    main()

"""Overview queries: small aggregates over indexed read models, never over the event log.

Directory totals come from the pre-aggregated ``entity_counts`` (a few thousand rows however
many entities there are); everything else is grouped over tables the size of a year's tasks,
results, penalties or commitments. Each function returns plain data and works on empty tables
(zero counts or ``None`` where there is nothing to rate, never an invented number).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa

from dashboard import credit_queries
from dashboard.filters import Filters, pool_scope
from dashboard.tables import entity_counts
from kernel.labels import SECTION_LETTERS
from supervision.directory.entities import ENTITY_TYPES, STATUSES
from supervision.directory.views import entity_pool, inspectors
from supervision.plans.views import plan_draws, plans
from supervision.tasks.views import task_inspectors, task_results, tasks

OPEN_TASK = ("assigned", "unstaffed", "in_progress")


def entity_breakdown(conn: sa.Connection, f: Filters) -> dict[str, Any]:
    """Entities by status; active ones by type, region group and industry section."""
    c = entity_counts.c
    where = []
    if (span := f.region_int_range()) is not None:
        where.append(c.region_int.between(*span))
    if f.industry:
        where.append(c.industry_section == SECTION_LETTERS.index(f.industry))
    rows = conn.execute(sa.select(c.region_int, c.industry_section, c.type_code, c.status_code,
                                  c.entities).where(*where, c.entities != 0)).all()
    by_status, by_type = Counter(), Counter()
    by_region, by_section = Counter(), Counter()
    for region, section, kind, status, n in rows:
        by_status[STATUSES[status]] += n
        if status == 0:
            by_type[ENTITY_TYPES[kind]] += n
            by_region[f.region_group(region)] += n
            by_section[SECTION_LETTERS[section]] += n
    return {"total": sum(by_status.values()), "active": by_status["active"],
            "by_status": dict(by_status), "by_type": dict(by_type),
            "by_region": dict(sorted(by_region.items())),
            "by_section": dict(sorted(by_section.items()))}


def coverage(conn: sa.Connection, f: Filters, breakdown: dict[str, Any]) -> dict[str, Any]:
    """抽查覆盖率 Entities drawn in the period (latest draw of each plan) over active entities."""
    where = [tasks.c.draw_no == plans.c.draws, *f.within(tasks.c.assigned_on), *pool_scope(f)]
    if f.department:
        where.append(tasks.c.departments.contains(f.department, autoescape=True))
    drawn_tasks = (sa.select(tasks.c.entity_no, tasks.c.departments, entity_pool.c.region_int,
                             entity_pool.c.industry_section)
                   .join(plans, plans.c.plan_id == tasks.c.plan_id)
                   .join(entity_pool, entity_pool.c.entity_no == tasks.c.entity_no)
                   .where(*where).subquery())
    distinct = sa.func.count(sa.distinct(drawn_tasks.c.entity_no))
    # An entity lies in exactly one (region, section) cell, so summing cells never counts twice.
    by_region: Counter = Counter()
    by_section: Counter = Counter()
    for region, section, n in conn.execute(
            sa.select(drawn_tasks.c.region_int, drawn_tasks.c.industry_section, distinct)
            .group_by(drawn_tasks.c.region_int, drawn_tasks.c.industry_section)):
        by_region[f.region_group(region)] += n
        by_section[SECTION_LETTERS[section]] += n
    by_department = _drawn_by_department(conn, drawn_tasks, f)
    active, everyone = breakdown["active"], sum(by_region.values())

    def rates(drawn: dict[str, int], base: dict[str, int]) -> list[dict[str, Any]]:
        return [{"group": g, "drawn": drawn.get(g, 0), "active": base.get(g, 0),
                 "ratio": drawn.get(g, 0) / base[g] if base.get(g) else None}
                for g in sorted(set(base) | set(drawn))]

    return {"drawn": everyone, "active": active, "ratio": everyone / active if active else None,
            "by_region": rates(by_region, breakdown["by_region"]),
            "by_section": rates(by_section, breakdown["by_section"]),
            "by_department": rates(by_department, {d: active for d in by_department}),
            "plans": planned_ratios(conn, f)}


def _drawn_by_department(conn: sa.Connection, drawn_tasks: sa.Subquery,
                         f: Filters) -> dict[str, int]:
    """Distinct entities per department; joint plans list several departments per task."""
    per_combination = conn.execute(
        sa.select(drawn_tasks.c.departments, sa.func.count(sa.distinct(drawn_tasks.c.entity_no)))
        .group_by(drawn_tasks.c.departments)).all()
    combinations: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for departments, n in per_combination:
        for d in departments.split(";"):
            if not f.department or d == f.department:
                combinations[d].append((departments, n))
    out = {}
    for d, found in combinations.items():
        if len(found) == 1:
            out[d] = found[0][1]
        else:   # drawn under several combinations: count each entity once
            out[d] = conn.execute(sa.select(sa.func.count(sa.distinct(drawn_tasks.c.entity_no)))
                                  .where(drawn_tasks.c.departments.in_([c for c, _ in found]))
                                  ).scalar_one()
    return out


def planned_ratios(conn: sa.Connection, f: Filters) -> list[dict[str, Any]]:
    """Each plan's latest draw in the period: population, drawn and the ratio it planned."""
    where = [plan_draws.c.draw_no == plans.c.draws, *f.within(plan_draws.c.drawn_on)]
    if f.department:
        where.append(plans.c.departments.contains(f.department, autoescape=True))
    out = []
    for name, region_prefix, record in conn.execute(
            sa.select(plans.c.name, plans.c.region_prefix, plan_draws.c.record)
            .join(plans, plans.c.plan_id == plan_draws.c.plan_id).where(*where)
            .order_by(plan_draws.c.drawn_on)):
        strata = record.get("strata", {})
        population = sum(s["population"] for s in strata.values())
        drawn = sum(s["drawn"] for s in strata.values())
        out.append({"plan": name, "region_prefix": region_prefix, "population": population,
                    "drawn": drawn, "ratio": drawn / population if population else None})
    return out


def inspection_results(conn: sa.Connection, f: Filters) -> dict[str, Any]:
    """发现问题率 Results by category and problem-found rate by industry section."""
    r = task_results.c
    where = [*f.within(r.inspected_on), *pool_scope(f)]
    if f.department:
        where.append(r.department == f.department)
    rows = conn.execute(
        sa.select(r.result_code, r.problem_found, entity_pool.c.industry_section,
                  sa.func.count().label("n"))
        .join(entity_pool, entity_pool.c.entity_no == r.entity_no).where(*where)
        .group_by(r.result_code, r.problem_found, entity_pool.c.industry_section)).all()
    by_code: Counter = Counter()
    by_section: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for code, problem, section, n in rows:
        by_code[code] += n
        by_section[SECTION_LETTERS[section]][0] += n
        by_section[SECTION_LETTERS[section]][1] += n if problem else 0
    total = sum(by_code.values())
    problems = sum(v[1] for v in by_section.values())
    return {"total": total, "problems": problems,
            "rate": problems / total if total else None, "by_code": dict(by_code),
            "by_section": [{"section": s, "results": n, "problems": p, "rate": p / n}
                           for s, (n, p) in sorted(by_section.items())]}


def workload(conn: sa.Connection, f: Filters) -> list[dict[str, Any]]:
    """Tasks per active inspector in the period (all, still open); idle inspectors included."""
    i = inspectors.c
    where = [i.status == "active"]
    if f.department:
        where.append(i.department == f.department)
    if f.region_prefix:
        where.append(i.region_code.startswith(f.region_prefix, autoescape=True))
    people = conn.execute(sa.select(i.inspector_no, i.name, i.department, i.station)
                          .where(*where)).all()
    load = {row.inspector_no: (row.tasks, int(row.open))
            for row in conn.execute(workload_counts(f))}
    return [{"inspector_no": p.inspector_no, "name": p.name, "department": p.department,
             "station": p.station, "tasks": load.get(p.inspector_no, (0, 0))[0],
             "open": load.get(p.inspector_no, (0, 0))[1]} for p in people]


def workload_counts(f: Filters) -> sa.Select:
    """(inspector_no, tasks, open) of active assignments in the period."""
    # Grouping by an expression, not the bare column: SQLite would otherwise walk the
    # inspector_no index and fetch each membership row at random (4x slower at 100 k rows).
    inspector_no = (task_inspectors.c.inspector_no + sa.literal_column("0")).label("inspector_no")
    return (sa.select(inspector_no, sa.func.count().label("tasks"),
                      sa.func.coalesce(sa.func.sum(sa.case((tasks.c.status.in_(OPEN_TASK), 1),
                                                           else_=0)), 0).label("open"))
            .join(tasks, tasks.c.task_id == task_inspectors.c.task_id)
            .where(task_inspectors.c.active.is_(True), tasks.c.status != "cancelled",
                   *f.within(tasks.c.assigned_on))
            .group_by(inspector_no))


def overview(conn: sa.Connection, f: Filters, today: date) -> dict[str, Any]:
    """Every section of the supervisor's overview, read in one connection."""
    breakdown = entity_breakdown(conn, f)
    return {"entities": breakdown, "coverage": coverage(conn, f, breakdown),
            "results": inspection_results(conn, f),
            "publication": credit_queries.publication(conn, f, today),
            "commitments": credit_queries.commitment_status(conn, f, today),
            "penalties_overdue": credit_queries.overdue_penalty_publications(conn, f, today),
            "lists": credit_queries.list_status(conn, f, today),
            "risk_classes": credit_queries.risk_class_counts(conn, f),
            "workload": workload(conn, f)}

"""Two years of history for the demo province, produced by driving the real applications.

Rates follow DOMAIN.md §12: about 85 % of spot checks find no problem, 7 % of entities are
unreachable (result 6), about 4 % publicised false information (C), a few refuse (8) or need a
penalty case (A); about 6 % of entities never file annual reports (dormant), 2 % file late,
so a few percent end on the abnormal list. Besides spot checks, complaint-driven cases fine
about 4 % of entities over three years; a third of them are heavier penalties that put the
entity on the serious dishonest list after the prior notice (about 0.8 % listed; Hezhou 2020:
3,456 of ≈ 363 k, 0.95 %). About 0.6 % are commended (诚信典型) over three years, so the red
list holds about 0.35 %, near Hezhou's 0.3 % (1,088). About 15 % of the general fines published
4+ months ago are paid, fulfilled and repaired (信用修复; a few rejected, the latest pending).
Every fact goes through the same use cases the API calls, dated in the past (the use cases take
`today`), so projections, lists and risk classes are built exactly as in production.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count
from uuid import UUID

import numpy as np
import sqlalchemy as sa

from kernel.clock import moment
from kernel.errors import DomainError
from kernel.workdays import add_workdays
from opencheck.bootstrap import Platform
from opencheck.demo.cases import case_penalties, case_plan, penalty
from opencheck.demo.check_items import DEPARTMENTS, generate_check_items
from opencheck.demo.licences import load_licences
from opencheck.demo.synthdata import generate_inspectors
from opencheck.importing import _check_item, _inspector
from supervision.directory.check_items import KnownCodes
from supervision.directory.tables import entities
from supervision.plans.commitment import RandomSource
from supervision.plans.plan import PlanScope, PlanTerms
from supervision.tasks import views as task_views
from supervision.tasks.use_cases import Inspection

RESULT_MIX = {"1": 0.8496, "6": 0.0734, "C": 0.0402, "F": 0.012, "E": 0.01, "A": 0.008,
              "B": 0.004, "8": 0.0032, "7": 0.0004}
Progress = Callable[[str, int, "int | None"], None]   # step, done so far, total (None: unknown)
EVERY = 500   # report progress every N items of a long step
REPORTS_PER_WRITE = 10_000   # annual reports per bulk write
# 2023: the first deadline (2024-06-30) the rules look at
REPORT_YEARS = (2023, 2024, 2025)
INSPECTIONS_PER_WRITE = 2_000   # inspections of drawn tasks per write (record_inspections)


FIRST_RULES_DAY = date(2024, 7, 1)   # the first month after the first annual-report deadline
CASE_SETTLES_DAYS = 150   # a complaint case found this long before a draw is decided (and its
                          # listing procedure over) by the draw: it may shape that draw's classes


def load_history(platform: Platform, seed: int, today: date, progress: Progress,
                 run_rules: Callable[[date, date], None], registered: Registered,
                 project: Callable[[], None]) -> int:
    """Build directories, plans, draws, results, penalties and commitments in date order; before
    each year's draws the daily and monthly rules run month by month up to the draw (`run_rules`
    from, until), so the A–D classes of that day set the draw's ratios. The annual reports of
    the `registered` entities come first: they read the event store only, so a worker beside
    the load projects the registrations meanwhile; `project` then waits for the read models
    every later step reads. Return the demo inspector's number (the inspector with the most
    open tasks)."""
    rng = np.random.default_rng(seed)
    known = KnownCodes.from_rules(platform.rules)
    _annual_reports(platform, rng, today, progress, registered)
    project()
    _one_list_two_databases(platform, known, seed, progress)
    inspector, numbers = 0, count(1)   # decision numbers: a sequence, as a bureau issues them
    cases, rules_from = case_plan(platform, rng, today), FIRST_RULES_DAY
    for year in (2025, 2026):
        drawn_on = date(year, 3, 10)
        cases = case_penalties(platform, rng, today, numbers, progress, cases,
                                until=drawn_on - timedelta(days=CASE_SETTLES_DAYS))
        run_rules(rules_from, drawn_on)   # the classes as of the draw's month
        rules_from = date(year, 4, 1)
        for item, kind, label in (("SJ-001", "enterprise", "企业公示信息 enterprise disclosures"),
                                  ("SJ-003", "individual", "个体工商户年报 individual reports")):
            inspector = _spot_checks(platform, rng, year, item, kind, label, today, numbers,
                                     progress) or inspector
    case_penalties(platform, rng, today, numbers, progress, cases, until=today)
    _commitments(platform, rng, today, progress)
    load_licences(platform, rng, today, progress)   # 双公示 and 异议 (opencheck.demo.licences)
    _commendations(platform, rng, today, progress)
    _penalty_repairs(platform, rng, today, progress)
    return inspector


def _one_list_two_databases(platform: Platform, known: KnownCodes, seed: int,
                            progress: Progress) -> None:
    app, day = platform.supervision, date(2024, 1, 2)
    items = generate_check_items()
    progress("one list, two databases", 0, None)
    for row in items:
        app.add_check_item(_check_item(_as_csv(row), known), known)
    for department in DEPARTMENTS:
        app.publish_check_list(department, date(2024, 1, 5), date(2024, 1, 5), known)
    codes = {row["code"] for row in items}
    inspectors = [_inspector(_as_csv(r), known, codes) for r in generate_inspectors(seed, 2)]
    app.register_inspectors(inspectors, day)
    platform.settle()
    done = len(items) + len(inspectors)
    progress("one list, two databases", done, done)


def _as_csv(row: dict) -> dict[str, str]:
    """Generated rows in the form a CSV file gives them (the importers' input)."""
    return {k: ";".join(v) if isinstance(v, (list, tuple)) else str(v) for k, v in row.items()}


@dataclass
class Registered:
    """The entities the demo registered, in registration order: their codes and the years
    they were registered in (what the annual reports need, without reading a read model)."""

    usccs: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    def add(self, uscc: str, registered_on: date) -> None:
        self.usccs.append(uscc)
        self.years.append(registered_on.year)


def _annual_reports(platform: Platform, rng: np.random.Generator, today: date,
                    progress: Progress, entities: Registered) -> None:
    """Three years of annual reports (年报), filed in bulk (`file_annual_reports`: one write per
    REPORTS_PER_WRITE reports, each checked against the entity's stored events); who files and
    when is drawn for all entities at once, year by year. Each write files every year's reports
    of a run of entities, so each entity's stored events are read once, not once a year."""
    usccs = entities.usccs
    n = len(usccs)
    registered = np.array(entities.years, dtype=np.int64)
    # the entities that never file are mostly the same ones year after year (dormant businesses)
    dormant = rng.random(n) < 0.06
    last = np.datetime64(today, "D")
    filings = []
    for year in REPORT_YEARS:
        late = rng.random(n) < 0.02
        # late: 1-119 days after the 30 June deadline (a ground for the abnormal list); else
        # within the first 180 days of the year
        filed = np.where(late,
                         np.datetime64(date(year + 1, 6, 30), "D") + rng.integers(1, 120, n),
                         np.datetime64(date(year + 1, 1, 1), "D") + rng.integers(0, 180, n))
        filings.append((year, (registered <= year) & ~dormant & (filed <= last), filed))
    step = f"annual reports {REPORT_YEARS[0]}-{REPORT_YEARS[-1]}"
    per_write = max(1, REPORTS_PER_WRITE // len(REPORT_YEARS))   # entities per write
    for start in range(0, n, per_write):
        progress(step, start, n)
        reports = []
        for year, files, filed in filings:   # in year order: each entity's versions follow
            at = np.flatnonzero(files[start:start + per_write]) + start
            reports += [(usccs[i], year, day)
                        for i, day in zip(at.tolist(), filed[at].tolist())]   # dates
        platform.supervision.file_annual_reports(reports)
    progress(step, n, n)


def _spot_checks(platform: Platform, rng: np.random.Generator, year: int, item: str, kind: str,
                 label: str, today: date, numbers: Iterator[int],
                 progress: Progress) -> int | None:
    app, drafted, step = platform.supervision, date(year, 3, 2), f"spot checks {year} {item}"
    progress(f"{step}: plan and draw", 0, None)
    # both items are general (一般): every class ratio stays within the configured limit
    cap = platform.rules.directory.general_item_max_ratio
    terms = PlanTerms(
        name=f"{year}年度双随机抽查: {label}", lead_department="market_regulation",
        departments=(), check_items=(item,), scope=PlanScope("33", entity_types=(kind,)),
        ratios={k: min(r, cap) for k, r in platform.rules.draw.ratios.model_dump().items()},
        cool_off_days=platform.rules.draw.cooloff_days.model_dump(),
        inspectors_per_task=platform.rules.draw.min_inspectors, due_on=date(year, 11, 30),
        # the demo runs offline: it commits to an announced lottery issue (a drand round needs
        # its published signature), entered by one supervisor and confirmed by another
        randomness=RandomSource("lottery", "", "福彩3D", f"{year}060期", date(year, 3, 9)),
        control_share=platform.rules.draw.control_share)
    plan_id = app.draft_plan(terms, drafted, "supervisor",
                             set(platform.rules.directory.department_codes))
    app.publish_plan(plan_id, drafted, "supervisor")
    platform.settle()
    result, drawn_at = f"{rng.integers(0, 1000):03d}", moment(date(year, 3, 10))
    app.enter_random_value(plan_id, result, drawn_at, "supervisor")
    app.confirm_random_value(plan_id, result, drawn_at, "supervisor2")
    app.draw(plan_id, drawn_at, "supervisor")
    platform.settle()
    with platform.engine.connect() as conn:
        tasks = task_views.plan_tasks(conn, plan_id.hex, limit=100_000)[1]
    progress(f"{step}: plan and draw", len(tasks), len(tasks))
    open_tasks: dict[int, int] = {}
    codes, weights = list(RESULT_MIX), np.array(list(RESULT_MIX.values()))
    done: list[Inspection] = []
    for i, task in enumerate(tasks):
        if i % EVERY == 0:
            progress(f"{step}: results", i, len(tasks))
        if len(done) >= INSPECTIONS_PER_WRITE:
            app.record_inspections(done, platform.rules)
            done = []
        team = [m["inspector_no"] for m in task["team"]]
        if len(team) < 2:
            continue
        inspected = date(year, 3, 15) + timedelta(days=int(rng.integers(0, 200)))
        if inspected > today - timedelta(days=3) or rng.random() < (0.15 if year == 2026 else 0):
            for member in team:   # still to do: the inspector workspace shows these
                open_tasks[member] = open_tasks.get(member, 0) + 1
            continue
        done.append(_inspect(platform, UUID(task["task_id"]), team, task["uscc"],
                             str(rng.choice(codes, p=weights / weights.sum())), inspected, rng,
                             today, numbers))
    app.record_inspections(done, platform.rules)
    progress(f"{step}: results", len(tasks), len(tasks))
    return max(open_tasks, key=open_tasks.get) if open_tasks else None


def _inspect(platform: Platform, task_id: UUID, team: list[int], uscc: str, code: str,
             inspected: date, rng: np.random.Generator, today: date,
             numbers: Iterator[int]) -> Inspection:
    """One task's inspection (acknowledged, started, recorded and published: the same
    commands, recorded with others in one write by the caller); a penalty case if code A."""
    findings = "未发现问题 no problem found" if code == "1" else "现场核查记录 on-site record"
    published = add_workdays(inspected, int(rng.integers(1, 24)))  # a few miss the 20-day deadline
    if code == "A":   # the case names the task (its result is recorded in the same run)
        penalty(platform, uscc, str(task_id), inspected, rng, today, numbers)
    return Inspection(task_id, team, inspected - timedelta(days=2), code, findings, inspected,
                      published if published <= today else None)


def _commitments(platform: Platform, rng: np.random.Generator, today: date,
                 progress: Progress) -> None:
    from credit.commitments.commitment import CommitmentData

    with platform.engine.connect() as conn:
        usccs = list(conn.scalars(sa.select(entities.c.uscc).order_by(entities.c.entity_no)
                                  .limit(400)))
    done = 0
    for i, uscc in enumerate(usccs[::2]):
        committed = date(2025, 1, 6) + timedelta(days=int(rng.integers(0, 600)))
        if committed > today:
            continue
        try:
            cid = platform.credit.accept_commitment(CommitmentData(
                uscc=uscc, permit_type="食品经营许可 food business permit",
                content="本单位承诺符合许可条件 we meet the permit's conditions",
                department="market_regulation", committed_on=committed), committed)
        except DomainError:
            continue  # refused (e.g. on the serious list): that is the pre-check working
        verified = add_workdays(committed, int(rng.integers(5, 40)))
        if verified <= today and rng.random() < 0.9:
            outcome = "false" if rng.random() < 0.05 else "fulfilled"
            platform.credit.verify_commitment(cid, outcome, verified, "onsite",
                                              "现场核查 on-site verification", verified)
        done += 1
    progress("notification-commitments", done, done)


COMMENDATION_SHARE = 0.006       # of active entities, over three years: 0.3 % red (Hezhou)
COMMENDATIONS = (  # title, department, document prefix, valid years
    ("守合同重信用企业 contract-abiding enterprise", "market_regulation", "市监信用", 2),
    ("A级纳税人 A-grade taxpayer", "tax", "税信", 1),
    ("诚信经营示范单位 model of honest business", "market_regulation", "市监示范", 3),
)


def _commendations(platform: Platform, rng: np.random.Generator, today: date,
                   progress: Progress) -> None:
    from credit.lists.commendations import CommendationData
    from kernel.workdays import add_years

    first = add_years(today, -3)
    with platform.engine.connect() as conn:
        usccs = list(conn.scalars(sa.select(entities.c.uscc)
                                  .where(entities.c.status == "active",
                                         entities.c.registered_on < add_years(today, -2))
                                  .order_by(entities.c.entity_no)))
    chosen = rng.choice(len(usccs), size=int(len(usccs) * COMMENDATION_SHARE), replace=False)
    numbers: dict[str, count] = {}
    for k, i in enumerate(np.sort(chosen).tolist()):
        if k % EVERY == 0:
            progress("commendations (诚信典型)", k, len(chosen))
        title, department, prefix, years = COMMENDATIONS[int(rng.integers(0, len(COMMENDATIONS)))]
        granted = first + timedelta(days=int(rng.integers(0, (today - first).days)))
        n = next(numbers.setdefault(f"{prefix}{granted.year}", count(1)))
        try:
            platform.credit.grant_commendation(CommendationData(
                uscc=usccs[i], title=title, department=department,
                document_no=f"{prefix}〔{granted.year}〕{n}号", granted_on=granted,
                valid_until=add_years(granted, years)), granted)
        except DomainError:
            continue  # refused (on the serious list that day): joint punishment working
    progress("commendations (诚信典型)", len(chosen), len(chosen))


REPAIR_SHARE = 0.15   # of general penalties published 4+ months ago: paid, fulfilled, repaired


def _penalty_repairs(platform: Platform, rng: np.random.Generator, today: date,
                     progress: Progress) -> None:
    """信用修复 (SAMR Order 107): some fined entities pay, fulfil the decision and apply after
    the 3-month wait; most are approved, a few rejected, the latest still await a decision."""
    from credit.penalties.tables import penalties
    from kernel.workdays import add_months

    platform.settle("credit")
    p = penalties.c
    with platform.engine.connect() as conn:
        cases = conn.execute(sa.select(p.case_id, p.decided_on, p.published_on)
                             .where(p.status == "published", p.heavier_penalty.is_(False),
                                    p.published_on <= add_months(today, -4))
                             .order_by(p.case_id)).all()
    chosen = np.sort(rng.choice(len(cases), int(len(cases) * REPAIR_SHARE), replace=False))
    credit, step = platform.credit, "credit repair applications (信用修复)"
    for k, i in enumerate(chosen.tolist()):
        if k % EVERY == 0:
            progress(step, k, len(chosen))
        case_id, decided_on, published_on = cases[i]
        case = UUID(case_id)
        done = max(decided_on + timedelta(days=int(rng.integers(10, 60))), published_on)
        applied = add_months(published_on, 3) + timedelta(days=int(rng.integers(1, 60)))
        if applied >= today:
            continue
        try:
            for kind in ("fine_paid", "obligations_fulfilled"):
                credit.record_penalty_fulfilment(case, kind, done, done)
            repair = credit.apply_for_repair(
                "penalty", case.hex, applied, "守信承诺书：本单位承诺依法诚信经营 we pledge to "
                "operate honestly", ["罚款缴纳凭证 fine receipt", "整改报告 correction report"],
                applied)
        except DomainError:
            continue   # e.g. publicity already over: nothing left to repair
        decided = applied + timedelta(days=int(rng.integers(5, 25)))
        if decided < today:   # the latest applications still await a decision
            approve = bool(rng.random() < 0.85)
            credit.decide_repair(repair, approve, decided, "supervisor",
                                 "" if approve else "整改材料不全 correction not shown", decided)
    progress(step, len(chosen), len(chosen))

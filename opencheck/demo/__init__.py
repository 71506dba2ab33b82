"""The demo data set: a small synthetic province loaded into an empty store by `opencheck demo`."""

from __future__ import annotations

from datetime import date
from itertools import islice

import sqlalchemy as sa
from rich.progress import Progress, TaskID

from kernel.clock import today_in_china
from kernel.http import auth
from opencheck.bootstrap import Platform
from opencheck.demo.history import Registered, load_history
from opencheck.demo.story import Story, tell_the_story
from opencheck.demo.synthdata import generate_entities
from opencheck.demo.worker import projecting_beside
from opencheck.scheduler import JOBS, run_jobs
from supervision.directory.entities import EntityData
from supervision.directory.tables import entities

SIZES = {"small": 5_000, "city": 1_000_000}
SEED = 20261123
# Demo credentials, listed in the README; change them with `opencheck users password NAME`.
DEMO_USERS = (
    ("admin", "admin-demo-pass", "admin", None),
    ("supervisor", "supervisor-demo-pass", "supervisor", "market_regulation"),
    # a second supervisor confirms hand-entered lottery results (四眼原则 four-eyes)
    ("supervisor2", "supervisor2-demo-pass", "supervisor", "market_regulation"),
    # 审计 read-only: re-runs draws in full, classes included
    ("auditor", "auditor-demo-pass", "auditor", None),
    ("inspector", "inspector-demo-pass", "inspector", "market_regulation"),
)
# The demo inspector's partners on the story's tasks (opencheck.demo.story), listed in the README.
DEMO_PARTNERS = (("inspector2", "inspector2-demo-pass"),)
CHUNK = 10_000   # rows per bulk registration write
BESIDE_FROM = 50_000   # entities from which a worker process projects while the demo loads


def is_empty(platform: Platform) -> bool:
    with platform.engine.connect() as conn:
        return conn.execute(sa.select(entities.c.entity_no).limit(1)).first() is None \
            and (platform.supervision.recorder.max_notification_id() or 0) == 0


def load_if_empty(platform: Platform, size: str, bar: Progress) -> bool:
    """Build the demo province unless the store already holds data; True if it loaded."""
    if not is_empty(platform):
        return False
    return load(platform, SIZES[size], bar)


def load(platform: Platform, n: int, bar: Progress, beside: bool | None = None) -> bool:
    """Build the demo province of `n` market entities into an empty store; `beside`: the read
    models projected by a worker process meanwhile (opencheck.demo.worker; default: from
    BESIDE_FROM entities, where it pays for the worker's start)."""
    with projecting_beside(platform, n >= BESIDE_FROM if beside is None else beside):
        story = _load(platform, n, bar)
    platform.catch_up()   # what the worker left when it stopped
    for username, password, role, department in DEMO_USERS:
        auth.add_user(platform.engine, username, password, role, department=department,
                      inspector_no=story.inspector_no if role == "inspector" else None)
    # the demo inspector's partners on the story's tasks sign in too (签收, co-signing)
    for (username, password), number in zip(DEMO_PARTNERS, story.partners, strict=False):
        auth.add_user(platform.engine, username, password, "inspector",
                      department="market_regulation", inspector_no=number)
    return True


def _load(platform: Platform, n: int, bar: Progress) -> Story:
    task = bar.add_task(f"register {n:,} market entities", total=n)
    rows, today, registered = generate_entities(SEED, n), today_in_china(), Registered()
    while chunk := list(islice(rows, CHUNK)):   # validated as an import validates them
        valid = [_entity(r).validated(today) for r in chunk]
        platform.supervision.register_entities(valid)
        for e in valid:
            registered.add(e.uscc, e.registered_on)
        bar.advance(task, len(chunk))
    steps: dict[str, TaskID] = {}

    def project() -> None:   # the read models every step after the annual reports reads
        total = sum(r.lag() for r in platform.runners.values())
        proj = bar.add_task("project read models", total=total)
        for runner in platform.runners.values():   # a worker beside the load shares this
            runner.catch_up(lambda k: bar.advance(proj, k))
        bar.update(proj, completed=total)   # the worker's share counted too

    def step(what: str, done: int, total: int | None) -> None:   # one bar per history step
        if what not in steps:
            steps[what] = bar.add_task(f"history: {what}", total=total)
        bar.update(steps[what], completed=done, total=total)

    today = today_in_china()
    rules = bar.add_task("daily and monthly rules, month by month", total=None)
    # a past month's open-data dump is a full copy of every dataset (hundreds of MB at city
    # size) that nothing in the history reads: beyond the small demo, only today's is written
    skipped = {"open-data-dump"} if n > SIZES["small"] else set()

    def run_rules(start: date, until: date) -> None:   # as the scheduler would have run them
        for day in months_until(start, until):
            bar.update(rules, description=f"rules as of {day}")
            run_jobs(platform, day, {j.id for j in JOBS if j.runs_on(day)} - skipped)
            bar.advance(rules)
        platform.catch_up()   # the classes the next draw reads are a projection

    inspector_no = load_history(platform, SEED, today, step, run_rules, registered, project)
    run_rules(date(2026, 4, 1), today)
    bar.update(rules, description=f"rules as of {today}")
    run_jobs(platform, today)
    platform.catch_up()
    return tell_the_story(platform, today, inspector_no, step)


def months_until(start: date, end: date) -> list[date]:
    days, d = [], start
    while d < end:
        days.append(d)
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return days


def _entity(row: dict) -> EntityData:
    return EntityData(
        uscc=row["uscc"], name=row["name"], entity_type=row["entity_type"],
        region_code=row["region_code"], industry_code=row["industry_code"],
        registered_on=date.fromisoformat(row["registered_on"]), address=row["address"],
        legal_representative=row["legal_representative"],
        legal_representative_id=row.get("legal_representative_id", ""),
        registering_authority=row["registering_authority"])

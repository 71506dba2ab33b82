"""回避 Recusal: a replacement for a withdrawn inspector, drawn by the drawer's rules.

Candidates (DOMAIN §3, as in ``supervision.plans.drawing_inspectors``): active inspectors of the
withdrawn inspector's department who hold a qualification for one of the task's check items,
whose station lies in the entity's jurisdiction group (first ``jurisdiction_digits`` region
digits), with no declared conflict with the entity, not on the team, never withdrawn from this
task, and not the entity's last inspector(s). With ``cross_station`` (所所交叉) inspectors of another
station (region) than the entity's are preferred whenever any is left.

Algorithm ``opencheck-replacement/1``: the preferred candidates sorted by inspector_no, seed =
first 16 bytes of sha256(``opencheck-replacement/1\\n<task_id>:<recusal_no>``), the pick is
``PCG64(seed).random_raw() mod len(candidates)``. The event records seed and candidate list, so
anyone can recompute the pick (``verify_pick``).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any
from uuid import UUID

import numpy as np
import sqlalchemy as sa

from kernel.errors import Conflict
from supervision.directory.tables import entities, inspectors
from supervision.plans.pool import load_roster
from supervision.plans.tables import plans
from supervision.tasks.tables import task_inspectors, tasks
from supervision.tasks.task import InspectionTask

ALGORITHM = "opencheck-replacement/1"


def replacement_seed(task: UUID, recusal_no: int, refill: bool = False) -> int:
    """At the recusal: from `<task_id>:<recusal_no>`; a later refill of the place it left
    empty: from `<task_id>:<recusal_no>/refill`."""
    key = f"{task}:{recusal_no}" + ("/refill" if refill else "")
    digest = hashlib.sha256(f"{ALGORITHM}\n{key}".encode()).digest()
    return int.from_bytes(digest[:16], "big")


def pick(candidates: list[int], seed: int) -> int:
    """The drawn inspector_no: uniform over the sorted candidates (bias below n / 2**64)."""
    ordered = sorted(candidates)
    word = int(np.random.PCG64(seed).random_raw())
    return ordered[word % len(ordered)]


def verify_pick(draw: dict[str, Any]) -> bool:
    """Recompute a recorded replacement draw from its seed and candidates."""
    return (draw.get("algorithm") == ALGORITHM
            and pick(draw["candidates"], int(draw["seed"])) == draw["inspector_no"])


def eligible(roster, department: str, entity_no: int, entity_region: int,
             jurisdiction_digits: int, excluded: set[int]) -> np.ndarray:
    """Mask over the roster (supervision.plans.pool.RosterArrays) of who may replace."""
    divisor = 10 ** (6 - jurisdiction_digits)
    ok = roster.region // divisor == entity_region // divisor
    if department in roster.departments:
        ok &= roster.department == roster.departments.index(department)
    else:
        ok[:] = False
    conflicted = roster.conflicts[roster.conflicts[:, 1] == entity_no, 0]
    ok &= ~np.isin(roster.inspector_no, [*conflicted.tolist(), *excluded])
    return ok


def last_inspectors(conn: sa.Connection, entity_no: int, but: str) -> set[int]:
    """The team of the entity's latest other task (not sent back to the same entity)."""
    latest = conn.execute(sa.select(tasks.c.task_id).where(
        tasks.c.entity_no == entity_no, tasks.c.task_id != but)
        .order_by(tasks.c.assigned_on.desc(), tasks.c.task_id).limit(1)).scalar()
    if latest is None:
        return set()
    return set(conn.scalars(sa.select(task_inspectors.c.inspector_no).where(
        task_inspectors.c.task_id == latest)))


def find_replacement(conn: sa.Connection, task: InspectionTask, department: str, seed: int,
                     today: date, withdrawn: int | None = None) -> tuple[dict[str, Any] | None,
                                                                     str]:
    """(replacement, "") or (None, why nobody can) for a `department` place on `task`."""
    terms = conn.execute(sa.select(plans.c.terms)
                         .where(plans.c.plan_id == task.plan_id.hex)).scalar_one()
    digits, cross = int(terms["jurisdiction_digits"]), bool(terms["cross_station"])
    region = int(conn.execute(sa.select(entities.c.region_code)
                              .where(entities.c.entity_no == task.entity_no)).scalar_one())
    roster = load_roster(conn, (department,), check_items=task.check_items, on=today)
    excluded = {*task.inspector_nos, *task.former, *([withdrawn] if withdrawn else []),
                *last_inspectors(conn, task.entity_no, task.id.hex)}
    ok = eligible(roster, department, task.entity_no, region, digits, excluded)
    other = ok & (roster.region != region)
    preferred = other if cross and other.any() else ok
    candidates = roster.inspector_no[preferred].tolist()
    if not candidates:
        where = str(region)[:digits] if digits else "(nationwide)"
        return None, (f"no eligible inspector of department {department} in jurisdiction "
                      f"{where} for the empty place (qualified, active, no conflict, not on "
                      f"the team, never withdrawn from it, not the entity's last inspector)")
    chosen = pick(candidates, seed)
    return {"inspector_no": chosen, "draw": {
        "algorithm": ALGORITHM, "seed": str(seed), "inspector_no": chosen,
        "candidates": candidates, "other_station": bool(cross and other.any()),
        "roster_size": len(roster)}}, ""


def credential_of(conn: sa.Connection, inspector_no: int) -> str:
    """The directory's credential number (the inspector aggregate's key) of an inspector."""
    return conn.execute(sa.select(inspectors.c.credential_no)
                        .where(inspectors.c.inspector_no == inspector_no)).scalar_one()


def recuse(engine: sa.Engine, app: Any, task_uuid: UUID, inspector_no: int, reason: str,
           today: date) -> bool:
    """Withdraw the inspector, draw the replacement, declare the conflict; True if replaced."""
    task = app.get_task(task_uuid)
    task.check_can_recuse(inspector_no, reason)          # 403 / 409 / 422 before any reading
    department = task.member(inspector_no)["department"]
    with engine.connect() as conn:
        replacement, shortfall = find_replacement(
            conn, task, department, replacement_seed(task.id, task.next_recusal_no), today,
            withdrawn=inspector_no)
        credential = credential_of(conn, inspector_no)
    app.recuse_inspector(task_uuid, inspector_no, credential, reason, replacement, shortfall,
                         today, task.version)
    return replacement is not None


def refill(engine: sa.Engine, app: Any, task_uuid: UUID, today: date) -> None:
    """Draw again for the oldest place a recusal left empty (409 with the reason if nobody is
    eligible yet, e.g. until new inspectors join the directory)."""
    task = app.get_task(task_uuid)
    place = task.vacancy()
    with engine.connect() as conn:
        replacement, shortfall = find_replacement(
            conn, task, place["department"],
            replacement_seed(task.id, place["recusal_no"], refill=True), today)
    if replacement is None:
        raise Conflict(shortfall, field="task_id")
    app.fill_vacancy(task_uuid, replacement, today, task.version)

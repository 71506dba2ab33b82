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

The choice is pure (``choose_replacement``); ``SqlRecusalInputs`` reads its inputs from the read
models (the port ``supervision.tasks.ports.RecusalInputs``); the use cases are
``SupervisionApplication.recuse`` and ``refill``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import numpy as np
import sqlalchemy as sa

from supervision.directory.tables import inspectors
from supervision.plans.pool import RosterArrays, load_roster
from supervision.tasks.tables import task_inspectors, tasks

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


def choose_replacement(roster, department: str, entity_no: int, entity_region: int,
                       jurisdiction_digits: int, cross_station: bool, excluded: set[int],
                       seed: int) -> tuple[dict[str, Any] | None, str]:
    """(replacement, "") or (None, why nobody can) for a `department` place on a task."""
    ok = eligible(roster, department, entity_no, entity_region, jurisdiction_digits, excluded)
    other = ok & (roster.region != entity_region)
    preferred = other if cross_station and other.any() else ok
    candidates = roster.inspector_no[preferred].tolist()
    if not candidates:
        digits = jurisdiction_digits
        where = str(entity_region)[:digits] if digits else "(nationwide)"
        return None, (f"no eligible inspector of department {department} in jurisdiction "
                      f"{where} for the empty place (qualified, active, no conflict, not on "
                      f"the team, never withdrawn from it, not the entity's last inspector)")
    chosen = pick(candidates, seed)
    return {"inspector_no": chosen, "draw": {
        "algorithm": ALGORITHM, "seed": str(seed), "inspector_no": chosen,
        "candidates": candidates, "other_station": bool(cross_station and other.any()),
        "roster_size": len(roster)}}, ""


class SqlRecusalInputs:
    """`supervision.tasks.ports.RecusalInputs` over the read-model database."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def roster(self, department: str, check_items: Sequence[str], on: date) -> RosterArrays:
        with self.engine.connect() as conn:
            return load_roster(conn, (department,), check_items=check_items, on=on)

    def last_inspectors(self, entity_no: int, but_task: UUID) -> set[int]:
        with self.engine.connect() as conn:
            latest = conn.execute(sa.select(tasks.c.task_id).where(
                tasks.c.entity_no == entity_no, tasks.c.task_id != but_task.hex)
                .order_by(tasks.c.assigned_on.desc(), tasks.c.task_id).limit(1)).scalar()
            if latest is None:
                return set()
            return set(conn.scalars(sa.select(task_inspectors.c.inspector_no).where(
                task_inspectors.c.task_id == latest)))

    def credential_of(self, inspector_no: int) -> str:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(inspectors.c.credential_no)
                                .where(inspectors.c.inspector_no == inspector_no)).scalar_one()

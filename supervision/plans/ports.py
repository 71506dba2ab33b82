"""What the draw reads and keeps outside the event store: ports of `SupervisionApplication`.

The composition root wires the SQL implementations (`supervision.plans.draws`) and hands in the
risk classes as a plain callable (the credit context's read model: supervision never imports
credit); the application-layer tests wire in-memory fakes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol
from uuid import UUID

import numpy as np

from supervision.plans import drawing
from supervision.plans.plan import PlanTerms

RiskClasses = Callable[[np.ndarray], np.ndarray]   # entity_no int64 -> class int8 (0..3 = A..D)
# entity_no int64, day -> bool: on the red list (守信激励) that day; the credit context's read
# model, handed in by the composition root as plain data like the classes
RedListed = Callable[[np.ndarray, date], np.ndarray]


def all_class_b(entity_no: np.ndarray) -> np.ndarray:
    """Until the credit context classifies entities, every entity counts as class B."""
    return np.ones(entity_no.size, dtype=np.int8)


def class_no(letter: str | None) -> int | None:
    """0..3 for a class letter A..D; None for None."""
    return None if letter is None else drawing.RISK_CLASSES.index(letter)


def none_red_listed(entity_no: np.ndarray, on: date) -> np.ndarray:
    """Until the credit context says who is on the red list, no one is."""
    return np.zeros(entity_no.size, dtype=bool)


def with_incentive(risk_class: np.ndarray, red_listed: np.ndarray,
                   red_list_class: int | None) -> np.ndarray:
    """守信激励 The classes the pool is drawn in: a red-listed entity's class lowered to
    `red_list_class` (never raised)."""
    if red_list_class is None:
        return risk_class
    return np.where(red_listed, np.minimum(risk_class, np.int8(red_list_class)),
                    risk_class).astype(np.int8)


@dataclass(frozen=True, eq=False)
class FrozenInputs:
    """The pool and roster of a plan as they stand at the draw (risk classes come separately)."""

    entity_no: np.ndarray          # int64, ascending: the eligible pool of the plan's scope
    uscc: np.ndarray               # 'S18' unified social credit code per row
    region: np.ndarray             # int32 6-digit code
    last_checked_days: np.ndarray  # int32 days since the lead department's last check; -1 never
    targeted: np.ndarray           # bool: on the plan's targeted list
    roster: drawing.Roster         # qualified active inspectors, conflicts, last inspectors
    departments: tuple[str, ...]   # the roster's department codes (index = Roster.department)
    position: int = 0              # the supervision log position the read models reflected
    # bool (n, len(plan's check_items)): item j applies to row i (its object scope covers the
    # entity and its yearly frequency is not used up); None: every item applies to every row
    item_mask: np.ndarray | None = None
    # 'S18': in scope, but every item's yearly frequency used up (left out of the pool)
    frequency_used_up: np.ndarray = field(default_factory=lambda: np.empty(0, "S18"))


class DrawInputs(Protocol):
    """The read models a draw and its verification read."""

    def freeze(self, terms: PlanTerms, today: date, *,
               plan_id: UUID | None = None) -> FrozenInputs:
        """The plan's pool and roster as they stand now, read at one moment (`plan_id`: the
        plan drawn, whose own earlier draws do not use up an item's yearly frequency)."""
        ...

    def tasks_of_draw(self, plan_id: UUID, draw_no: int) -> set[int]:
        """The entity numbers of the tasks a recorded draw created (empty if none projected)."""
        ...


@dataclass(frozen=True, eq=False)
class Archived:
    """A commitment's archive: the frozen inputs, the secret salt and the draw parameters."""

    pool: drawing.EntityPool
    roster: drawing.Roster
    departments: tuple[str, ...]
    salt: bytes
    params: drawing.DrawParams
    item_mask: np.ndarray | None = None   # FrozenInputs.item_mask, frozen with the pool
    frequency_used_up: np.ndarray = field(default_factory=lambda: np.empty(0, "S18"))
    # bool per pool row: on the red list when frozen (params.red_list_class lowered its class)
    red_listed: np.ndarray | None = None

    def items_of(self, row: int, check_items: Sequence[str]) -> list[str]:
        """The plan's items a task for pool row `row` carries: those whose scope covers it."""
        if self.item_mask is None:
            return list(check_items)
        return [code for code, applies in zip(check_items, self.item_mask[row]) if applies]


class DrawArchive(Protocol):
    """Keeps each frozen pool and roster, with the commitment's secret salt, under its (salted)
    digest: the auditor re-runs the draw on it; the public reads only its USCCs."""

    def keep(self, digest: str, archived: Archived) -> None:
        """Store a commitment's archive under its pool digest (salted: never reused)."""
        ...

    def load(self, digest: str) -> Archived:
        """The archive of this digest (NotFound if there is none)."""
        ...

    def payload(self, digest: str) -> bytes:
        """The archive as stored (numpy .npz), for an auditor's own verification."""
        ...

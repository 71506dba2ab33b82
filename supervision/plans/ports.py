"""What the draw reads and keeps outside the event store: ports of `SupervisionApplication`.

The composition root wires the SQL implementations (`supervision.plans.draws`) and hands in the
risk classes as a plain callable (the credit context's read model: supervision never imports
credit); the application-layer tests wire in-memory fakes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol
from uuid import UUID

import numpy as np

from supervision.plans import drawing
from supervision.plans.plan import PlanTerms

RiskClasses = Callable[[np.ndarray], np.ndarray]   # entity_no int64 -> class int8 (0..3 = A..D)


def all_class_b(entity_no: np.ndarray) -> np.ndarray:
    """Until the credit context classifies entities, every entity counts as class B."""
    return np.ones(entity_no.size, dtype=np.int8)


@dataclass(frozen=True, eq=False)
class FrozenInputs:
    """The pool and roster of a plan as they stand at the draw (risk classes come separately)."""

    entity_no: np.ndarray          # int64, ascending: the eligible pool of the plan's scope
    region: np.ndarray             # int32 6-digit code
    last_checked_days: np.ndarray  # int32 days since the lead department's last check; -1 never
    targeted: np.ndarray           # bool: on the plan's targeted list
    roster: drawing.Roster         # qualified active inspectors, conflicts, last inspectors
    departments: tuple[str, ...]   # the roster's department codes (index = Roster.department)
    # bool (n, len(plan's check_items)): item j applies to row i (its object scope covers the
    # entity and its yearly frequency is not used up); None: every item applies to every row
    item_mask: np.ndarray | None = None

    def items_of(self, entity_no: int, check_items: Sequence[str]) -> list[str]:
        """The plan's items a task for `entity_no` carries: those whose scope covers it."""
        if self.item_mask is None:
            return list(check_items)
        row = self.item_mask[int(np.searchsorted(self.entity_no, entity_no))]
        return [code for code, applies in zip(check_items, row) if applies]


class DrawInputs(Protocol):
    """The read models a draw and its verification read."""

    def freeze(self, terms: PlanTerms, today: date, *,
               plan_id: UUID | None = None) -> FrozenInputs:
        """The plan's pool and roster as they stand now, read at one moment (`plan_id`: the
        plan drawn, whose own earlier draws do not use up an item's yearly frequency)."""
        ...

    def uscc_of(self, entity_nos: Sequence[int]) -> dict[int, str]:
        """The USCC of each drawn entity number."""
        ...

    def tasks_of_draw(self, plan_id: UUID, draw_no: int) -> set[int]:
        """The entity numbers of the tasks a recorded draw created (empty if none projected)."""
        ...


class DrawArchive(Protocol):
    """Keeps each frozen pool and roster under its digest, so anyone can re-run the draw."""

    def keep(self, pool: drawing.EntityPool, roster: drawing.Roster,
             departments: tuple[str, ...], digest: str) -> None:
        """Store the inputs once per digest (a second draw on the same inputs stores nothing)."""
        ...

    def load(self, digest: str) -> tuple[drawing.EntityPool, drawing.Roster]:
        """The archived inputs (NotFound if no archive has this digest)."""
        ...

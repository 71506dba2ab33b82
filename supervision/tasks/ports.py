"""What a recusal reads outside the event store: a port of `SupervisionApplication`.

The composition root wires the SQL implementation (`supervision.tasks.recusal.SqlRecusalInputs`);
the application-layer tests wire an in-memory fake.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol
from uuid import UUID

from supervision.plans.pool import RosterArrays


class RecusalInputs(Protocol):
    """The read models a replacement draw reads."""

    def roster(self, department: str, check_items: Sequence[str], on: date) -> RosterArrays:
        """Active inspectors of the department qualified for one of the check items, with the
        conflicts in force on `on`."""
        ...

    def last_inspectors(self, entity_no: int, but_task: UUID) -> set[int]:
        """The team of the entity's latest other task (not sent back to the same entity)."""
        ...

    def credential_of(self, inspector_no: int) -> str:
        """The directory's credential number (the inspector aggregate's key) of an inspector."""
        ...

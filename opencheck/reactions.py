"""Reactions across contexts: one context's event leads to a command in another.

Contexts never import each other's applications; the composition root runs each reaction as a
projection of the first context's log that calls the second's application. Delivery is at least
once (the command's save and the runner's position are two transactions), so every command a
reaction calls is idempotent.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from credit.repair.case import RepairCase
from kernel.errors import DomainError
from kernel.projections import Projection, Unit, handles
from supervision.application import SupervisionApplication

log = logging.getLogger(__name__)


class WithdrawRepairedResults(Projection):
    """信用修复 When credit approves the repair of a negative spot-check result, supervision
    takes the result off the public record (SAMR Order 107)."""

    name = "withdraw_repaired_results"

    def __init__(self, supervision: SupervisionApplication) -> None:
        self.supervision = supervision

    @handles(RepairCase.Approved)
    def approved(self, e: Any, position: int, unit: Unit) -> None:
        if e.record_kind != "inspection_result":
            return
        task, _, department = e.record_key.partition(":")
        try:
            self.supervision.withdraw_result(UUID(task), department, e.decided_on,
                                             f"信用修复 credit repair approved ({e.originator_id})")
        except DomainError as error:  # a poison event must not stop the log: say so, go on
            log.error("repair %s: result %s not withdrawn: %s", e.originator_id, e.record_key,
                      error.message)


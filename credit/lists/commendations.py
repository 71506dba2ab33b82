"""诚信典型 Commendations: the positive record behind the red list (守信激励).

A department commends an entity (守合同重信用企业, A级纳税人, 诚信示范单位, …) by a decision with
a document number (文号) and a validity; the red-list rule (credit.lists.red_list) can require one in
force, besides a clean record (国发〔2016〕33号: 对诚信典型和连续三年无不良信用记录的行政相对人
实行守信激励). A commendation found undeserved is revoked (撤销荣誉), which ends it that day.
One aggregate per document number, so the same decision recorded twice conflicts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from credit.common import credit_id, document_number, past_date, required_text
from kernel.errors import Conflict, InvalidInput
from kernel.uscc import checked_uscc
from kernel.workdays import add_years

COMMENDATION_BASIS = "《关于建立完善守信联合激励和失信联合惩戒制度的指导意见》(国发〔2016〕33号)"


def commendation_id(document_no: str) -> UUID:
    return credit_id("commendation", document_no)


@dataclass(frozen=True)
class CommendationData:
    """What the commending department decided (`valid_until` None: the rule's default)."""

    uscc: str
    title: str
    department: str
    document_no: str
    granted_on: date
    valid_until: date | None = None
    basis: str = ""

    def validated(self, default_years: int, today: date) -> CommendationData:
        granted_on = past_date(self.granted_on, today, "granted_on")
        until = self.valid_until or add_years(granted_on, default_years)
        if until <= granted_on:
            raise InvalidInput("valid_until must be after granted_on", field="valid_until")
        return replace(self, uscc=checked_uscc(self.uscc),
                       title=required_text(self.title, "title"),
                       department=required_text(self.department, "department"),
                       document_no=document_number(self.document_no, "document_no"),
                       valid_until=until,
                       basis=self.basis.strip() or COMMENDATION_BASIS)


class Commendation(Aggregate):
    """One commendation decision: granted, valid until a day, possibly revoked before."""

    @event("Granted")
    def __init__(self, id: UUID, uscc: str, title: str, department: str,  # noqa: A002
                 document_no: str, granted_on: date, valid_until: date, basis: str) -> None:
        self.uscc, self.title, self.department = uscc, title, department
        self.document_no, self.granted_on, self.valid_until = document_no, granted_on, valid_until
        self.basis = basis
        self.revoked_on: date | None = None

    @classmethod
    def grant(cls, data: CommendationData) -> Commendation:
        """`data` validated (CommendationData.validated)."""
        assert data.valid_until is not None
        return cls(id=commendation_id(data.document_no), uscc=data.uscc, title=data.title,
                   department=data.department, document_no=data.document_no,
                   granted_on=data.granted_on, valid_until=data.valid_until, basis=data.basis)

    def revoke(self, revoked_on: date, reason: str, today: date) -> None:
        """撤销 The commendation ends on `revoked_on` (before its validity runs out)."""
        if self.revoked_on is not None:
            raise Conflict(f"commendation {self.document_no} was already revoked on "
                           f"{self.revoked_on}")
        past_date(revoked_on, today, "revoked_on", self.granted_on, "the commendation")
        if revoked_on >= self.valid_until:
            raise Conflict(f"commendation {self.document_no} ended on {self.valid_until}; "
                           "there is nothing left to revoke")
        self._revoked(revoked_on=revoked_on, reason=required_text(reason, "reason"))

    @event("Revoked")
    def _revoked(self, revoked_on: date, reason: str) -> None:
        self.revoked_on = revoked_on

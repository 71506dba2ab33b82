"""异议 An objection to a published credit record: filed by anyone, handled by the department
responsible for the record within the configured working days (credit.objections.rules).

While it is open the public record shows "异议处理中 Objection under review". The outcome
(corrected, withdrawn, upheld) is an event with the handler and the reasons; a correction itself
is made by the record's own command (e.g. revoking a penalty), this records the decision. The
objector's contact is personal data: it is in the event (the department must reply) but never in
a public answer, and masked in the supervisors' lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from credit.common import one_of, past_date, required_text
from credit.objections.rules import OUTCOMES, RECORD_KINDS, ObjectionRules
from kernel.errors import Conflict, InvalidInput
from kernel.uscc import checked_uscc
from kernel.workdays import add_workdays


@dataclass(frozen=True)
class RecordRef:
    """The public record an objection concerns: its kind, the entity and the record's key."""

    kind: str
    uscc: str
    key: str

    def validated(self) -> RecordRef:
        one_of(self.kind, RECORD_KINDS, "record_kind")
        key = self.key.strip()
        if not key:
            raise InvalidInput("记录标识不能为空 record_key must not be empty", field="record_key")
        return RecordRef(self.kind, checked_uscc(self.uscc), key)


class Objection(Aggregate):
    """异议 One objection: open → corrected | withdrawn | upheld (flagged overdue meanwhile)."""

    @event("Filed")
    def __init__(self, id: UUID, record_kind: str, uscc: str, record_key: str,  # noqa: A002
                 department: str, reason: str, contact_name: str, contact: str,
                 filed_on: date, handle_by: date, handle_basis: str) -> None:
        self.ref = RecordRef(record_kind, uscc, record_key)
        self.department, self.filed_on, self.handle_by = department, filed_on, handle_by
        self.status = "open"
        self.overdue_on: date | None = None

    @classmethod
    def file(cls, id: UUID, ref: RecordRef, department: str, reason: str,  # noqa: A002
             contact_name: str, contact: str, filed_on: date,
             rules: ObjectionRules) -> Objection:
        """提出异议 File an objection to a record found public today (`department` answers)."""
        days = rules.handling_workdays
        return cls(id=id, record_kind=ref.kind, uscc=ref.uscc, record_key=ref.key,
                   department=department, reason=required_text(reason, "reason"),
                   contact_name=required_text(contact_name, "contact_name"),
                   contact=required_text(contact, "contact"), filed_on=filed_on,
                   handle_by=add_workdays(filed_on, days),
                   handle_basis=f"objections.handling_workdays: {days} working days")

    def handle(self, outcome: str, handled_on: date, handler: str, reasons: str,
               today: date) -> None:
        """异议处理 Record the outcome with the handler and the reasons."""
        if self.status != "open":
            raise Conflict(f"异议已处理 the objection was already handled ({self.status})",
                           field="outcome")
        one_of(outcome, OUTCOMES, "outcome")
        past_date(handled_on, today, "handled_on", not_before=self.filed_on, what="the filing")
        self._handled(outcome=outcome, handled_on=handled_on,
                      handler=required_text(handler, "handler"),
                      reasons=required_text(reasons, "reasons"),
                      late=handled_on > self.handle_by)

    @event("Handled")
    def _handled(self, outcome: str, handled_on: date, handler: str, reasons: str,
                 late: bool) -> None:
        self.status = outcome

    def flag_overdue(self, today: date) -> bool:
        """The daily job: once, when the handling deadline passed with the objection open."""
        if self.status != "open" or self.overdue_on or today <= self.handle_by:
            return False
        self._overdue(handle_by=self.handle_by, flagged_on=today, department=self.department)
        return True

    @event("HandlingOverdue")
    def _overdue(self, handle_by: date, flagged_on: date, department: str) -> None:
        self.overdue_on = flagged_on

"""Use cases of objections (异议) to public credit records (a mixin of CreditApplication)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from credit.authority import Acting, authorise
from credit.objections.aggregate import Objection, RecordRef
from kernel import once
from kernel.errors import Conflict, NotFound


class ObjectionUseCases:
    """Mixed into CreditApplication (which provides rules, lookups, get_existing and _save)."""

    rules: Any
    lookups: Any
    get_existing: Any
    _save: Any

    def file_objection(self, ref: RecordRef, reason: str, contact_name: str, contact: str,
                       today: date) -> UUID:
        """提出异议 Anyone may object to a record public today; its department must answer."""
        ref = ref.validated()
        found = self.lookups.public_record(ref.kind, ref.uscc, ref.key, today) \
            if self.lookups else None
        if found is None:
            raise NotFound(f"未找到该公示记录 no public {ref.kind} record {ref.key!r} of "
                           f"{ref.uscc}", field="record_key")
        limit = self.rules.objections.max_open_per_record
        if self.lookups.open_objections(ref.kind, ref.uscc, ref.key) >= limit:
            raise Conflict(f"该记录已有{limit}件异议在处理中 {limit} objections to this record are "
                           "already under review", field="record_key")
        objection = Objection.file(once.derived_id("objection") or uuid4(), ref,
                                   found["department"], reason, contact_name, contact, today,
                                   self.rules.objections)
        self._save(objection, conflict="this objection was filed already")
        return objection.id

    def handle_objection(self, objection_id: UUID, outcome: str, handled_on: date,
                         reasons: str, today: date, actor: Acting | None = None) -> None:
        """异议处理 The responsible department records the outcome (谁公示、谁处理)."""
        objection = self.get_existing(Objection, objection_id, "objection")
        authorise(actor, objection.department, "objections", "handle_objection", self.rules)
        objection.handle(outcome, handled_on, actor.username if actor else "platform", reasons,
                         today)
        self._save(objection)

    def flag_objection_overdue(self, objection_id: UUID, today: date) -> bool:
        """The daily job: True only the first time an open objection is found past its deadline."""
        objection = self.get_existing(Objection, objection_id, "objection")
        if not objection.flag_overdue(today):
            return False
        try:
            self._save(objection)
        except Conflict:
            return False
        return True

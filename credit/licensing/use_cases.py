"""Use cases of licensing decisions, NDRC 双公示 (a mixin of CreditApplication)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from credit.authority import Acting, authorise, checked_department, department_zh
from credit.licensing.aggregate import LicenceTerms, LicensingDecision
from kernel.errors import Conflict


class LicensingUseCases:
    """Mixed into CreditApplication (which provides rules, get_existing, _save and
    _require_entity). Only the licensing department (or a delegate) acts: 谁许可、谁公示."""

    rules: Any
    get_existing: Any
    _save: Any
    _require_entity: Any

    def _licence(self, licence: UUID, actor: Acting | None, command: str) -> LicensingDecision:
        decision = self.get_existing(LicensingDecision, licence, "licensing decision")
        authorise(actor, decision.department, "licensing", command, self.rules)
        return decision

    def grant_licence(self, terms: LicenceTerms, today: date,
                      actor: Acting | None = None) -> UUID:
        """准予行政许可 Record a licensing decision of the actor's department."""
        department = checked_department(self.rules, terms.department)
        authorise(actor, department, "licensing", "grant_licence", self.rules)
        decision = LicensingDecision.grant(terms, department_zh(self.rules, department),
                                           self.rules.licensing, self.rules.publicity, today)
        self._require_entity(decision.uscc)
        self._save(decision, conflict=f"许可决定文书号 {decision.terms.decision_no} 已存在 a "
                                      f"licensing decision numbered {decision.terms.decision_no} "
                                      "exists", field="decision_no")
        return decision.id

    def publish_licence(self, licence: UUID, published_on: date, today: date,
                        actor: Acting | None = None) -> None:
        decision = self._licence(licence, actor, "publish_licence")
        decision.publish(published_on, today)
        self._save(decision)

    def change_licence(self, licence: UUID, content: str, valid_to: date | None,
                       changed_on: date, reason: str, today: date,
                       actor: Acting | None = None) -> None:
        decision = self._licence(licence, actor, "change_licence")
        decision.change(content, valid_to, changed_on, reason, today)
        self._save(decision)

    def end_licence(self, licence: UUID, ground: str, effective_on: date, reason: str,
                    today: date, actor: Acting | None = None) -> None:
        decision = self._licence(licence, actor, "end_licence")
        decision.end(ground, effective_on, reason, today)
        self._save(decision)

    def flag_licence_publication_overdue(self, licence: UUID, today: date) -> bool:
        """The daily job: True only the first time a decision is found unpublished past due."""
        decision = self.get_existing(LicensingDecision, licence, "licensing decision")
        if not decision.flag_publication_overdue(today):
            return False
        try:
            self._save(decision)
        except Conflict:   # another run flagged it, or it was published, meanwhile
            return False
        return True


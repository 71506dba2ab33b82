"""Use cases of risk measurement (a mixin of CreditApplication): record a complaint, record a
model's evaluation."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from credit.authority import Acting, authorise, checked_department
from credit.risk.complaint import Complaint, ComplaintData
from credit.risk.evaluated import RiskModelRecord, model_record_id


class RiskUseCases:
    """Complaints (投诉举报) and model evaluations (the application provides rules, _save and
    _require_entity). The receiving department records its own complaints."""

    rules: Any

    def record_complaint(self, data: ComplaintData, today: date,
                         actor: Acting | None = None) -> UUID:
        """Record a complaint or report about a registered entity; one per reference number."""
        data = data.validated(today)
        department = checked_department(self.rules, data.department)
        authorise(actor, department, "complaints", "record_complaint", self.rules)
        self._require_entity(data.uscc)  # type: ignore[attr-defined]
        c = Complaint.record(data, actor.username if actor else "platform")
        self._save(c, conflict=f"complaint {data.reference_no} of {department} is already "  # type: ignore[attr-defined]
                   "recorded", field="reference_no")
        return c.id

    def record_model_evaluation(self, version: str, model: dict, evaluation: dict,
                                today: date) -> UUID:
        """Record a fitted model and how it fared out of sample (once per version)."""
        r = RiskModelRecord(id=model_record_id(version), model_version=version, evaluated_on=today,
                            model=model, evaluation=evaluation,
                            beats_rules=bool(evaluation.get("beats_rules")))
        self._save(r, conflict=f"model {version} is already recorded", field="model_version")  # type: ignore[attr-defined]
        return r.id

    def record_model_use(self, version: str, public_pool_digest: str, pool_size: int,
                         raised: int, raised_digest: str, on: date) -> None:
        """Record that a model fed a draw's pool (its version and evaluation go with the draw)."""
        r = self.repository.get(model_record_id(version))  # type: ignore[attr-defined]
        r.feed_pool(public_pool_digest, pool_size, raised, raised_digest, on)
        self._save(r)  # type: ignore[attr-defined]

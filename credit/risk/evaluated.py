"""The risk model's record: each evaluation (version, coefficients, out-of-sample figures,
whether it beat the rules) is an event, so which model could feed a draw is on the log."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from credit.common import credit_id


def model_record_id(version: str) -> UUID:
    return credit_id("risk_model", version)


class RiskModelRecord(Aggregate):
    """One fitted model version and its evaluation against the A–D rules."""

    @event("Evaluated")
    def __init__(self, id: UUID, version: str, evaluated_on: date, model: dict,  # noqa: A002
                 evaluation: dict, beats_rules: bool) -> None:
        self.version, self.evaluated_on, self.model = version, evaluated_on, model
        self.evaluation, self.beats_rules = evaluation, beats_rules

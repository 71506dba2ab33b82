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
    def __init__(self, id: UUID, model_version: str, evaluated_on: date, model: dict,  # noqa: A002
                 evaluation: dict, beats_rules: bool) -> None:
        self.model_version, self.evaluated_on, self.model = model_version, evaluated_on, model
        self.evaluation, self.beats_rules = evaluation, beats_rules
        self.pools: list[str] = []

    def feed_pool(self, public_pool_digest: str, pool_size: int, raised: int,
                  raised_digest: str, on: date) -> None:
        """Record that this model raised entities of a draw's frozen pool (the draw's public
        record names the same `public_pool_digest`)."""
        if not self.beats_rules:
            raise ValueError(f"model {self.model_version} did not beat the rules out of sample")
        self._fed_pool(self.model_version, public_pool_digest, pool_size, raised, raised_digest, on)

    @event("FedPool")
    def _fed_pool(self, model_version: str, public_pool_digest: str, pool_size: int, raised: int,
                  raised_digest: str, on: date) -> None:
        self.pools.append(public_pool_digest)

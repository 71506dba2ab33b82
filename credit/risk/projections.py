"""Projections of complaints and model evaluations (credit log)."""

from __future__ import annotations

from typing import Any

from credit.risk.complaint import Complaint
from credit.risk.evaluated import RiskModelRecord
from credit.risk.tables import complaints, risk_model_evaluations, risk_model_pools
from kernel.projections import Projection, Unit, handles

_INSERT = complaints.insert()
_INSERT_MODEL = risk_model_evaluations.insert()
_INSERT_POOL = risk_model_pools.insert()


class ComplaintBoard(Projection):
    """投诉举报 Complaints per entity (the features read them by received day)."""

    name = "credit_complaints"
    tables = (complaints,)

    @handles(Complaint.Recorded)
    def recorded(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_INSERT, {
            "complaint_id": e.originator_id.hex, "uscc": e.uscc, "department": e.department,
            "reference_no": e.reference_no, "received_on": e.received_on,
            "channel": e.channel, "category": e.category, "substantiated": e.substantiated,
            "summary": e.summary, "recorded_by": e.recorded_by})


class RiskModelBoard(Projection):
    """Each model version's evaluation against the rules."""

    name = "credit_risk_models"
    tables = (risk_model_evaluations, risk_model_pools)

    @handles(RiskModelRecord.Evaluated)
    def evaluated(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_MODEL, {"model_version": e.model_version, "evaluated_on": e.evaluated_on,
                                     "beats_rules": e.beats_rules, "model": e.model,
                                     "evaluation": e.evaluation})

    @handles(RiskModelRecord.FedPool)
    def fed_pool(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_POOL, {
            "public_pool_digest": e.public_pool_digest, "model_version": e.model_version,
            "fed_on": e.on, "pool_size": e.pool_size, "raised": e.raised,
            "raised_digest": e.raised_digest})

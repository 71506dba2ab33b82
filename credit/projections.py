"""The projections of the credit log, in the order the `credit` runner applies them
(opencheck.bootstrap); each sub-domain's boards live in its own `projections` module."""

from __future__ import annotations

from credit.commitments.projections import CommitmentBoard
from credit.licensing.projections import LicenceBoard
from credit.lists.projections import (
    AbnormalListBoard,
    CommendationBoard,
    SeriousListBoard,
)
from credit.objections.projections import ObjectionBoard
from credit.penalties.projections import PenaltyBoard
from credit.persons.projections import ListingPersons
from credit.rating.projections import RedListBoard, RiskClassBoard
from credit.repair.projections import RepairBoard
from credit.reports.projections import ReportRegister
from credit.risk.projections import ComplaintBoard, RiskModelBoard
from kernel.projections import Projection


def credit_projections() -> list[Projection]:
    """One of each board of the credit log (a runner of its own in bootstrap)."""
    return [PenaltyBoard(), CommitmentBoard(), SeriousListBoard(), RepairBoard(),
            AbnormalListBoard(), CommendationBoard(), RedListBoard(), RiskClassBoard(),
            ListingPersons(), LicenceBoard(), ObjectionBoard(), ReportRegister(),
            ComplaintBoard(), RiskModelBoard()]

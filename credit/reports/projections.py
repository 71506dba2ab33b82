"""The register of issued credit reports, projected from the credit log."""

from __future__ import annotations

from datetime import timezone
from typing import Any

from credit.reports.report import CreditReport
from credit.reports.tables import credit_reports
from kernel.projections import Projection, Unit, handles

_INSERT = credit_reports.insert()


class ReportRegister(Projection):
    """报告登记簿 Every credit report issued: number, entity, as-of time, verification code."""

    name = "credit_reports"
    tables = (credit_reports,)

    @handles(CreditReport.Issued)
    def issued(self, e: Any, position: int, unit: Unit) -> None:
        unit.execute(_INSERT, {"report_no": e.report_no, "uscc": e.uscc, "as_of": e.as_of.astimezone(timezone.utc),
                               "digest": e.digest, "version": e.version,
                               "updated_position": position})

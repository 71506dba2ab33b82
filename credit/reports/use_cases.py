"""Use cases of the public credit report (a mixin of CreditApplication)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.persistence import IntegrityError

from credit.reports.report import (
    CreditReport,
    content_digest,
    report_digest,
    report_id,
    report_number,
)
from kernel.clock import china_date


class CreditReportUseCases:
    """Mixed into CreditApplication (which provides find and save)."""

    find: Any
    save: Any

    def issue_credit_report(self, uscc: str, record: dict[str, Any],
                            now: datetime) -> dict[str, Any]:
        """出具报告 The report of `record` (the entity's public credit record today): issued
        now, or the one already issued today for the same content. {report_no, uscc, as_of,
        digest}."""
        report_no = report_number(uscc, china_date(now), content_digest(record))
        report = self.find(CreditReport, report_id(report_no))
        if report is None:
            report = CreditReport.issue(report_no, uscc, now,
                                        report_digest(report_no, uscc, now, record))
            try:
                self.save(report)
            except IntegrityError:   # issued meanwhile by a concurrent download
                report = self.find(CreditReport, report_id(report_no))
        return {"report_no": report.report_no, "uscc": report.uscc, "as_of": report.as_of,
                "digest": report.digest}

"""投诉举报 Complaints and reports about a market entity, as events: an input to risk (the
national scheme counts complaints among the indicators, DOMAIN §7; entities with many complaints
get a higher draw ratio, DOMAIN §3). One aggregate per department and reference number (受理编号),
so the same complaint recorded twice conflicts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from credit.common import credit_id, past_date, required_text
from kernel.errors import InvalidInput
from kernel.uscc import checked_uscc

# 12315 hotline and platform, letters and visits (信访), other departments' referrals (移送)
CHANNELS = ("hotline_12315", "online_12315", "letter", "visit", "referral", "other")


def complaint_id(department: str, reference_no: str) -> UUID:
    return credit_id("complaint", f"{department}:{reference_no}")


@dataclass(frozen=True)
class ComplaintData:
    uscc: str
    department: str
    reference_no: str
    received_on: date
    channel: str
    category: str
    substantiated: bool
    summary: str = ""

    def validated(self, today: date) -> ComplaintData:
        if self.channel not in CHANNELS:
            raise InvalidInput(f"渠道无效 channel must be one of {', '.join(CHANNELS)} "
                               f"(got {self.channel!r})", field="channel")
        return replace(self, uscc=checked_uscc(self.uscc),
                       reference_no=required_text(self.reference_no, "reference_no"),
                       received_on=past_date(self.received_on, today, "received_on"),
                       category=required_text(self.category, "category"),
                       summary=self.summary.strip())


class Complaint(Aggregate):
    """One complaint or report, as received and as assessed (substantiated or not)."""

    @event("Recorded")
    def __init__(self, id: UUID, uscc: str, department: str, reference_no: str,  # noqa: A002
                 received_on: date, channel: str, category: str, substantiated: bool,
                 summary: str, recorded_by: str) -> None:
        self.uscc, self.department, self.reference_no = uscc, department, reference_no
        self.received_on, self.channel, self.category = received_on, channel, category
        self.substantiated, self.summary, self.recorded_by = substantiated, summary, recorded_by

    @classmethod
    def record(cls, data: ComplaintData, recorded_by: str) -> Complaint:
        return cls(id=complaint_id(data.department, data.reference_no), uscc=data.uscc,
                   department=data.department, reference_no=data.reference_no,
                   received_on=data.received_on, channel=data.channel, category=data.category,
                   substantiated=data.substantiated, summary=data.summary,
                   recorded_by=recorded_by)

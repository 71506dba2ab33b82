"""API schemas of complaints (投诉举报)."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from credit.api import USCC_DOC, Day, text
from credit.risk.complaint import ComplaintData
from kernel.http.api import Body

Channel = Literal["hotline_12315", "online_12315", "letter", "visit", "referral", "other"]


class ComplaintCreate(Body):
    """投诉举报 A complaint or report received about an entity, as assessed."""

    uscc: str = text(..., 40, 1, USCC_DOC)
    department: str = text(..., 100, 1, "受理部门 The receiving department (a configured code)")
    reference_no: str = text(..., 100, 1, "受理编号 Reference number, unique per department")
    received_on: Day
    channel: Channel = Field(description="渠道 12315 hotline or platform, letter, visit, "
                             "referral from another department, other")
    category: str = text(..., 100, 1, "类别 e.g. 食品安全, 价格, 产品质量, 广告")
    substantiated: bool = Field(description="属实 Found substantiated after handling")
    summary: str = text("", 2000, 0, "摘要 Summary")

    def to_data(self) -> ComplaintData:
        return ComplaintData(self.uscc, self.department, self.reference_no, self.received_on,
                             self.channel, self.category, self.substantiated, self.summary)


class ComplaintRecord(BaseModel):
    complaint_id: str
    uscc: str
    department: str
    reference_no: str
    received_on: date
    channel: str
    category: str
    substantiated: bool
    summary: str
    recorded_by: str

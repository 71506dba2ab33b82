"""API schemas of inspection tasks, results, follow-ups, referrals, notifications and the public
record of published results."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from kernel.http.api import PROVISIONAL, Body, Proved

Department = Field(None, max_length=50,
                   description="the part's department; may be omitted unless the task is joint")


class TeamMember(BaseModel):
    inspector_no: int
    department: str


class TeamMemberRecord(TeamMember):
    assigned_on: date
    acknowledged_on: date | None


class FollowUpRecord(BaseModel):
    follow_up_no: int
    kind: str
    ordered_on: date
    deadline_workdays: int
    due_on: date
    due_on_provisional: bool = PROVISIONAL
    note: str
    ordered_by: str
    outcome: Literal["open", "satisfied", "overdue"]
    outcome_on: date | None
    outcome_note: str


class ItemResultRecord(BaseModel):
    """逐项检查结果 The outcome of one check item (DOMAIN §4 result codes)."""

    check_item: str
    result_code: str
    result_name_zh: str
    result_name_en: str
    problem_found: bool
    findings: str


class AttachmentRecord(BaseModel):
    """检查附件 A file attached to the result; the SHA-256 the result event records."""

    sha256: str
    media_type: str
    size: int
    filename: str


class AttachmentStored(AttachmentRecord):
    """An uploaded file, stored by hash; name it in the result's `attachments` to attach it."""


class ResultRecord(BaseModel):
    """One department's recorded part of a task (谁检查、谁录入)."""

    department: str
    result_code: str
    result_name_zh: str
    result_name_en: str
    follow_up: str
    problem_found: bool
    abnormal_list_ground: bool
    findings: str
    inspected_on: date
    recorded_on: date
    recorded_by: int
    signatures: list[int] = Field(description="inspector numbers of the signing officers")
    publish_by: date = Field(description="publication deadline in working days (一公开)")
    publish_by_provisional: bool = PROVISIONAL
    published_on: date | None
    late: bool
    publication_overdue_on: date | None
    follow_ups: list[FollowUpRecord]
    items: list[ItemResultRecord] = Field(
        [], description="one outcome per check item (results recorded before items existed: "
                        "none, the department's result covers every item)")
    attachments: list[AttachmentRecord] = []


class ReferralRecord(BaseModel):
    """抄告 A finding copied to the competent department."""

    task_id: str
    referral_no: int
    uscc: str
    from_department: str
    to_department: str
    matter: str
    referred_on: date
    referred_by: str


class ReferralQueueItem(ReferralRecord):
    entity_name: str | None


class TaskPublic(BaseModel):
    """An inspection task in a list: a plan's tasks, an inspector's inbox."""

    task_id: str
    plan_id: str
    draw_no: int
    uscc: str
    entity_name: str
    entity_address: str
    departments: list[str]
    check_items: list[str]
    status: Literal["assigned", "unstaffed", "in_progress", "inspected", "published",
                    "cancelled"]
    unassigned_reason: str
    short_staffed: bool = Field(False, description="fewer inspectors than the team needs: "
                                "unstaffed, a place a recusal left empty, or a department of a "
                                "joint task short of its own officers (行政处罚法 Art 42)")
    team_needed: int = Field(2, description="inspectors the team needs (the draw's params)")
    assigned_on: date
    due_on: date
    started_on: date | None = None
    team: list[TeamMember]


class TaskRecord(TaskPublic):
    """An inspection task as its team and the supervisors see it."""

    team: list[TeamMemberRecord]
    results: list[ResultRecord]
    referrals: list[ReferralRecord]


class RecusalCreate(Body):
    """回避 The conflict of interest that makes the inspector withdraw (行政处罚法 Art 43)."""

    reason: str = Field(..., min_length=1, max_length=1000)


class RecusalPublic(BaseModel):
    task_id: str
    replaced: bool
    short_staffed: bool
    unassigned_reason: str


class ItemResultCreate(Body):
    check_item: str = Field(..., min_length=1, max_length=50)
    result_code: str = Field(..., min_length=1, max_length=10)
    findings: str = Field("", max_length=4000, description="required when a problem was found")


class AttachmentRef(Body):
    sha256: str = Field(..., pattern=r"^[0-9a-f]{64}$")
    filename: str = Field("", max_length=200)


class ResultCreate(Body):
    """检查结果 The recorder's department's result, signed by at least two team inspectors."""

    result_code: str = Field("", max_length=10,
                             description="a code of the configured result catalogue; may be "
                                         "omitted when `items` are given (then: the first item "
                                         "that found a problem, else the first item)")
    findings: str = Field("", max_length=4000,
                          description="required when the result finds a problem")
    inspected_on: date = Field(description="the inspection's end; not in the future")
    signatures: list[int] = Field(..., max_length=20,
                                  description="user ids of the signing inspectors (≥ 2, all on "
                                              "the team, the recorder among them)")
    items: list[ItemResultCreate] = Field([], max_length=100,
                                          description="one outcome per check item of the task")
    attachments: list[AttachmentRef] = Field(
        [], max_length=100, description="files uploaded to POST /tasks/{id}/attachments")


class FollowUpCreate(Body):
    """责令公示 / 责令改正 An order with a deadline in working days."""

    department: str | None = Department
    kind: Literal["order_publicise", "order_correct"]
    deadline_workdays: int = Field(..., ge=1, le=250)
    note: str = Field("", max_length=4000)


class FollowUpOutcomeCreate(Body):
    department: str | None = Department
    outcome: Literal["satisfied", "overdue"]
    on: date
    note: str = Field("", max_length=4000)


class PublicationCreate(Body):
    department: str | None = Department


class ReferralCreate(Body):
    department: str | None = Department
    to_department: str = Field(..., min_length=1, max_length=50)
    matter: str = Field(..., min_length=1, max_length=4000)


class NotificationPublic(BaseModel):
    position: int = Field(description="the notification's id (also the SSE event id)")
    kind: str
    task_id: str
    uscc: str
    entity_name: str | None
    due_on: date
    created_on: date
    message: str
    read: bool


class PublishedInspection(Proved):
    """一公开 A published result: never findings, never anything about the inspectors."""

    uscc: str
    entity_name: str
    plan_id: str
    plan_name: str
    check_items: list[str]
    department: str
    result_code: str
    result_name_zh: str
    result_name_en: str
    inspected_on: date
    published_on: date

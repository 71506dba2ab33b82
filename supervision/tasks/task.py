"""检查任务 Inspection tasks: one per drawn entity, assigned to its randomly drawn inspectors.

Life cycle: assigned → acknowledged by each inspector → (回避 recusal: a replacement drawn, or the
task left short-staffed) → started → each department's result recorded (谁检查、谁录入) → follow-up
ordered → satisfied or overdue → published by that department (谁公开, "one open"). Dates are
passed in; deadlines count working days (kernel.workdays).

Cancellation (a redraw supersedes the draw that created the task): an assigned or unstaffed task,
acknowledged or not, becomes ``cancelled``; once it has started or a result is recorded it
cannot be (409), its inspection stands. A cancelled task takes no further command (409).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from kernel.errors import Conflict, Forbidden, InvalidInput
from kernel.rulebook import UnknownResultCode
from kernel.workdays import add_workdays
from supervision.rules import FollowUp, ResultCategory
from supervision.tasks import follow_ups
from supervision.tasks.rules import (
    attachment_refs,
    inspection_day,
    item_results,
    overall_code,
    signers,
    text,
)

TASK_NAMESPACE = uuid5(NAMESPACE_URL, "https://opencheck.example/tasks")
CANCELLABLE = ("assigned", "unstaffed")     # acknowledged or not, never started


def task_id(plan_id: UUID, draw_no: int, entity_no: int) -> UUID:
    """Deterministic: recording the same draw twice cannot create a second task."""
    return uuid5(TASK_NAMESPACE, f"{plan_id}:{draw_no}:{entity_no}")


class InspectionTask(Aggregate):
    """检查任务 The inspection of one drawn entity under one plan."""

    @staticmethod
    def create_id(plan_id: UUID, draw_no: int, entity_no: int) -> UUID:
        return task_id(plan_id, draw_no, entity_no)

    @event("Assigned")
    def __init__(self, plan_id: UUID, draw_no: int, entity_no: int, uscc: str,
                 departments: list[str], check_items: list[str], team: list[dict[str, Any]],
                 unassigned_reason: str, due_on: date, assigned_on: date,
                 recusal_terms: dict[str, Any] | None = None) -> None:
        self.plan_id, self.draw_no, self.entity_no, self.uscc = plan_id, draw_no, entity_no, uscc
        # the plan's terms a replacement is drawn under, as they were at the draw: jurisdiction
        # digits, cross-station (所所交叉) and the entity's region (None: drawn before they were
        # recorded on the task)
        self.recusal_terms = recusal_terms
        self.departments, self.check_items = departments, check_items
        self.team = team                      # [{"inspector_no": int, "department": str}]
        self.unassigned_reason = unassigned_reason  # why the team is short, "" when staffed
        self.due_on, self.assigned_on = due_on, assigned_on
        self.status = "assigned" if team and not unassigned_reason else "unstaffed"
        self.acknowledged: dict[int, date] = {}
        self.former: list[int] = []           # recused members, never drawn again for this task
        self.recusals = 0
        self.short_staffed = False
        self.vacancies: list[dict[str, Any]] = []   # places recusals left empty: recusal_no, dept
        self.started_on: date | None = None
        self.parts: dict[str, dict[str, Any]] = {}   # department -> its recorded result
        self.referrals = 0
        self.cancelled_on: date | None = None
        self.cancel_reason = ""

    @property
    def inspector_nos(self) -> list[int]:
        return [m["inspector_no"] for m in self.team]

    def member(self, inspector_no: int) -> dict[str, Any]:
        """The caller's place on the team; an inspector never acts on another's task (403)."""
        for m in self.team:
            if m["inspector_no"] == inspector_no:
                return m
        raise Forbidden("this task is not assigned to you", field="task_id")

    # -- acknowledgement and recusal (回避, 行政处罚法 Art 43) -------------------------------------
    def acknowledge(self, inspector_no: int, today: date) -> None:
        self.member(inspector_no)
        if self.status == "cancelled":
            raise Conflict(f"task was cancelled: {self.cancel_reason}", field="status")
        if inspector_no in self.acknowledged:
            raise Conflict("you have already acknowledged this task", field="acknowledgement")
        self._acknowledged(inspector_no=inspector_no, acknowledged_on=today)

    @event("Acknowledged")
    def _acknowledged(self, inspector_no: int, acknowledged_on: date) -> None:
        self.acknowledged = {**self.acknowledged, inspector_no: acknowledged_on}

    @property
    def next_recusal_no(self) -> int:
        return self.recusals + 1

    def check_can_recuse(self, inspector_no: int, reason: str) -> str:
        self.member(inspector_no)
        if self.status not in ("assigned", "in_progress"):
            raise Conflict(f"task is {self.status}: too late to withdraw", field="status")
        if any(inspector_no in p["signatures"] for p in self.parts.values()):
            raise Conflict("you signed a recorded result: too late to withdraw", field="status")
        return text(reason, "reason")

    def recuse(self, inspector_no: int, reason: str, today: date,
               replacement: dict[str, Any] | None, shortfall: str) -> None:
        """Withdraw an inspector; `replacement` (drawn by supervision.tasks.recusal) takes the place."""
        reason = self.check_can_recuse(inspector_no, reason)
        department = self.member(inspector_no)["department"]
        number = self.next_recusal_no
        self._recused(recusal_no=number, inspector_no=inspector_no, department=department,
                      reason=reason, recused_on=today)
        if replacement is not None:
            self._replacement_assigned(recusal_no=number, inspector_no=replacement["inspector_no"],
                                       department=department, draw=replacement["draw"],
                                       assigned_on=today, uscc=self.uscc, due_on=self.due_on,
                                       still_short=self.short_staffed)
        else:
            self._left_short_staffed(recusal_no=number, department=department, reason=shortfall)

    def vacancy(self) -> dict[str, Any]:
        """The oldest place a recusal left empty (409 if the team is complete)."""
        if self.status != "assigned" or not self.vacancies:
            raise Conflict(f"task is {self.status} and not short-staffed: nothing to fill",
                           field="status")
        return self.vacancies[0]

    def fill_vacancy(self, replacement: dict[str, Any], today: date) -> None:
        """A later draw (SupervisionApplication.refill) fills the oldest empty place."""
        place = self.vacancy()
        self._replacement_assigned(
            recusal_no=place["recusal_no"], inspector_no=replacement["inspector_no"],
            department=place["department"], draw=replacement["draw"], assigned_on=today,
            uscc=self.uscc, due_on=self.due_on, still_short=len(self.vacancies) > 1)

    @event("InspectorRecused")
    def _recused(self, recusal_no: int, inspector_no: int, department: str, reason: str,
                 recused_on: date) -> None:
        self.team = [m for m in self.team if m["inspector_no"] != inspector_no]
        self.former = [*self.former, inspector_no]
        self.acknowledged = {k: v for k, v in self.acknowledged.items() if k != inspector_no}
        self.recusals = recusal_no

    @event("ReplacementAssigned")
    def _replacement_assigned(self, recusal_no: int, inspector_no: int, department: str,
                              draw: dict[str, Any], assigned_on: date, uscc: str,
                              due_on: date, still_short: bool = False) -> None:
        self.team = [*self.team, {"inspector_no": inspector_no, "department": department}]
        self.vacancies = [v for v in self.vacancies if v["recusal_no"] != recusal_no]
        self.short_staffed = bool(self.vacancies)
        if not self.short_staffed:
            self.unassigned_reason = ""

    @event("LeftShortStaffed")
    def _left_short_staffed(self, recusal_no: int, department: str, reason: str) -> None:
        self.vacancies = [*self.vacancies, {"recusal_no": recusal_no, "department": department}]
        self.short_staffed, self.unassigned_reason = True, reason

    # -- cancellation (a superseding redraw) ------------------------------------------------------
    def check_can_cancel(self) -> None:
        """Only before the inspection: 409 once started or a result is recorded, or if cancelled."""
        if self.status == "cancelled":
            raise Conflict("task is already cancelled", field="status")
        if self.started_on is not None or self.parts or self.status not in CANCELLABLE:
            raise Conflict(f"task is {self.status}: an inspection under way or done is not "
                           "cancelled", field="status")

    def cancel(self, reason: str, today: date, by: str) -> None:
        """The task will not be inspected (e.g. a redraw supersedes its draw); its team is told."""
        self.check_can_cancel()
        self._cancelled(reason=text(reason, "reason"), cancelled_on=today, by=by,
                        team=self.inspector_nos, uscc=self.uscc, due_on=self.due_on)

    @event("Cancelled")
    def _cancelled(self, reason: str, cancelled_on: date, by: str, team: list[int], uscc: str,
                   due_on: date) -> None:
        self.status, self.cancelled_on, self.cancel_reason = "cancelled", cancelled_on, reason

    # -- the inspection ---------------------------------------------------------------------------
    def waiting_for(self) -> list[int]:   # team members who have not acknowledged yet
        return sorted(set(self.inspector_nos) - set(self.acknowledged))

    def start(self, inspector_no: int, today: date,
              names: Mapping[int, str] | None = None) -> None:
        self.member(inspector_no)
        if self.status != "assigned":
            raise Conflict(f"task is {self.status}; only an assigned task can start", field="status")
        if self.short_staffed:
            raise Conflict(f"task is short-staffed ({self.unassigned_reason}): at least two "
                           "officers must inspect (行政处罚法 Art 42)", field="status")
        waiting = self.waiting_for()
        if waiting:
            who = "、".join((names or {}).get(n, f"No. {n}") for n in waiting)
            raise Conflict(f"not acknowledged yet by {who}: the inspection cannot start",
                           field="acknowledgement")
        self._started(started_on=today, by=inspector_no)

    @event("Started")
    def _started(self, started_on: date, by: int) -> None:
        self.status, self.started_on = "in_progress", started_on

    def record_result(self, by: int, code: str, findings: str, inspected_on: date,
                      signatures: list[int], today: date,
                      catalogue: Callable[[str], ResultCategory], deadline_workdays: int,
                      items: list[dict[str, Any]] | None = None,
                      attachments: list[dict[str, Any]] | None = None,
                      max_attachments: int = 10, names: Mapping[int, str] | None = None) -> None:
        """谁检查、谁录入 The recorder's department records its own part, signed by ≥ 2 officers;
        optionally one outcome per check item and the hashes of attached files."""
        department = self.member(by)["department"]
        if self.status == "assigned":
            raise Conflict("start the task before recording its result", field="status")
        if self.status not in ("in_progress", "inspected"):
            raise Conflict(f"task is {self.status}: no result can be recorded", field="status")
        if department in self.parts:
            raise Conflict(f"the {department} result is already recorded", field="department")
        per_item = item_results(items or [], self.check_items, catalogue)
        try:
            category = catalogue(code or overall_code(per_item))
        except UnknownResultCode as e:
            raise InvalidInput(str(e.args[0]), field="result_code") from None
        inspection_day(inspected_on, self.assigned_on, today)
        signed = signers(signatures, self.inspector_nos, by, names)
        if not findings.strip() and per_item:
            findings = "；".join(f"{i['check_item']}: {i['findings']}" for i in per_item
                                if i["findings"])
        findings = text(findings, "findings", required=category.problem_found)
        files = attachment_refs(attachments or [], max_attachments)
        self._result_recorded(
            department=department, result_code=category.code, result_name_zh=category.name_zh,
            result_name_en=category.name_en, follow_up=category.follow_up.value,
            problem_found=category.problem_found,
            abnormal_list_ground=category.abnormal_list_ground, findings=findings,
            inspected_on=inspected_on, signatures=signed, recorded_by=by, recorded_on=today,
            publish_by=add_workdays(inspected_on, deadline_workdays), uscc=self.uscc,
            entity_no=self.entity_no, plan_id=self.plan_id, item_results=per_item or None,
            attachments=files or None)

    # item_results and attachments came later: events recorded before carry neither (None)
    @event("ResultRecorded")
    def _result_recorded(self, department: str, result_code: str, result_name_zh: str,
                         result_name_en: str, follow_up: str, problem_found: bool,
                         abnormal_list_ground: bool, findings: str, inspected_on: date,
                         signatures: list[int], recorded_by: int, recorded_on: date,
                         publish_by: date, uscc: str, entity_no: int, plan_id: UUID,
                         item_results: list[dict[str, Any]] | None = None,
                         attachments: list[dict[str, Any]] | None = None) -> None:
        self.parts = {**self.parts, department: {
            "result_code": result_code, "follow_up": follow_up, "problem_found": problem_found,
            "signatures": signatures, "publish_by": publish_by, "published_on": None,
            "overdue_flagged": False, "follow_ups": []}}
        self.status = "inspected" if set(self.parts) >= set(self.departments) else self.status

    # -- supervisors: follow-up, publication, referral -------------------------------------------
    def part(self, department: str | None, acting_department: str | None) -> tuple[str, dict]:
        """The department's recorded part; 谁公开: a department acts only on its own part."""
        if department is None:
            if len(self.departments) > 1:
                raise InvalidInput("a joint task: name the department", field="department")
            department = self.departments[0]
        if department not in self.departments:
            raise InvalidInput(f"{department!r} does not take part in this task", field="department")
        if acting_department and acting_department != department:
            raise Forbidden(f"only {department} acts on its own part (谁检查、谁录入、谁公开)",
                            field="department")
        if department not in self.parts:
            raise Conflict(f"no {department} result is recorded yet", field="status")
        return department, self.parts[department]

    def order_follow_up(self, department: str | None, kind: str, deadline_workdays: int,
                        note: str, today: date, by: str, acting_department: str | None) -> None:
        """责令公示 / 责令改正 Order the entity to publicise or correct within N working days."""
        department, part = self.part(department, acting_department)
        self._follow_up_ordered(department=department, by=by,
                                **follow_ups.order(part, kind, deadline_workdays, note, today))

    @event("FollowUpOrdered")
    def _follow_up_ordered(self, department: str, follow_up_no: int, kind: str,
                           deadline_workdays: int, ordered_on: date, due_on: date, note: str,
                           by: str) -> None:
        self._set_follow_ups(department, [*self.parts[department]["follow_ups"], {
            "kind": kind, "ordered_on": ordered_on, "due_on": due_on, "outcome": None}])

    def record_follow_up_outcome(self, department: str | None, outcome: str, on: date,
                                 note: str, today: date, by: str,
                                 acting_department: str | None) -> None:
        department, part = self.part(department, acting_department)
        f, number, note = follow_ups.closing(part, outcome, on, note, today)
        if outcome == "satisfied":
            self._follow_up_satisfied(department=department, follow_up_no=number, kind=f["kind"],
                                      satisfied_on=on, uscc=self.uscc, note=note, by=by)
            return
        # 企业信息公示暂行条例: not publicising within the ordered deadline is an abnormal-list ground
        self._follow_up_overdue(department=department, follow_up_no=number, kind=f["kind"],
                                due_on=f["due_on"], found_on=on, abnormal_list_ground=True,
                                uscc=self.uscc, note=note, by=by)

    @event("FollowUpSatisfied")
    def _follow_up_satisfied(self, department: str, follow_up_no: int, kind: str,
                             satisfied_on: date, uscc: str, note: str, by: str) -> None:
        self._close_follow_up(department, "satisfied")

    @event("FollowUpOverdue")
    def _follow_up_overdue(self, department: str, follow_up_no: int, kind: str, due_on: date,
                           found_on: date, abnormal_list_ground: bool, uscc: str, note: str,
                           by: str) -> None:
        self._close_follow_up(department, "overdue")

    def _close_follow_up(self, department: str, outcome: str) -> None:
        *done, last = self.parts[department]["follow_ups"]
        self._set_follow_ups(department, [*done, {**last, "outcome": outcome}])

    def _set_follow_ups(self, department: str, follow_ups: list[dict]) -> None:
        self.parts = {**self.parts, department: {**self.parts[department],
                                                 "follow_ups": follow_ups}}

    def publish(self, department: str | None, today: date, by: str,
                acting_department: str | None) -> None:
        """一公开 Publish the department's result on the public record (late ones say so)."""
        department, part = self.part(department, acting_department)
        if part["published_on"] is not None:
            raise Conflict(f"the {department} result was published on {part['published_on']}",
                           field="status")
        self._result_published(
            department=department, published_on=today, publish_by=part["publish_by"],
            late=today > part["publish_by"], result_code=part["result_code"],
            refusal=part["follow_up"] == FollowUp.PUBLICISE_REFUSAL.value, uscc=self.uscc,
            entity_no=self.entity_no, by=by)

    @event("ResultPublished")
    def _result_published(self, department: str, published_on: date, publish_by: date,
                          late: bool, result_code: str, refusal: bool, uscc: str, entity_no: int,
                          by: str) -> None:
        self.parts = {**self.parts, department: {**self.parts[department],
                                                 "published_on": published_on}}
        if all(p["published_on"] for p in self.parts.values()) and self.status == "inspected":
            self.status = "published"

    def withdraw_result(self, department: str, withdrawn_on: date, reason: str) -> bool:
        """Take a published result off the public record (its credit repair was approved, SAMR
        Order 107); False if it is off already (the reaction that calls this may run twice)."""
        part = self.parts.get(department)
        if part is None or part["published_on"] is None:
            raise Conflict(f"no published {department} result on this task", field="department")
        if part.get("withdrawn_on") is not None:
            return False
        self._result_withdrawn(department=department, withdrawn_on=withdrawn_on,
                               reason=text(reason, "reason"), uscc=self.uscc)
        return True

    @event("ResultWithdrawn")
    def _result_withdrawn(self, department: str, withdrawn_on: date, reason: str,
                          uscc: str) -> None:
        self.parts = {**self.parts, department: {**self.parts[department],
                                                 "withdrawn_on": withdrawn_on}}

    def flag_publication_overdue(self, department: str, today: date) -> bool:
        """The daily job: once per part, when its deadline has passed unpublished."""
        part = self.parts.get(department)
        if part is None or part["published_on"] or part["overdue_flagged"] \
                or today <= part["publish_by"]:
            return False
        self._publication_overdue(department=department, publish_by=part["publish_by"],
                                  flagged_on=today, uscc=self.uscc)
        return True

    @event("PublicationOverdue")
    def _publication_overdue(self, department: str, publish_by: date, flagged_on: date,
                             uscc: str) -> None:
        self.parts = {**self.parts, department: {**self.parts[department],
                                                 "overdue_flagged": True}}

    def refer(self, department: str | None, to_department: str, matter: str, today: date,
              by: str, known_departments: set[str], acting_department: str | None) -> int:
        """抄告 Copy a finding outside the department's remit to the competent department."""
        department, _ = self.part(department, acting_department)
        if to_department not in known_departments:
            raise InvalidInput(f"unknown department {to_department!r}", field="to_department")
        if to_department == department:
            raise InvalidInput("refer to another department", field="to_department")
        number = self.referrals + 1
        self._referred(referral_no=number, from_department=department,
                       to_department=to_department, matter=text(matter, "matter"),
                       referred_on=today, uscc=self.uscc, by=by)
        return number

    @event("Referred")
    def _referred(self, referral_no: int, from_department: str, to_department: str, matter: str,
                  referred_on: date, uscc: str, by: str) -> None:
        self.referrals = referral_no

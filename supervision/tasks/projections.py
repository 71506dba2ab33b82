"""Projections of inspection tasks: the task board and teams, results and their publication, the
drawer's cool-off table, and the inspectors' notifications."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from kernel.projections import Projection, Unit, handles
from supervision.directory.tables import entity_inspections
from supervision.plans.pool import epoch_day
from supervision.tasks.notification_reads import NotificationRead
from supervision.tasks.tables import (
    notification_reads,
    notifications,
    task_attachments,
    task_follow_ups,
    task_inspectors,
    task_item_results,
    task_referrals,
    task_results,
    tasks,
)
from supervision.tasks.task import InspectionTask

_INSERT_TASK = tasks.insert()
_INSERT_TEAM = task_inspectors.insert()


def _task_update(**values: object) -> sa.Update:
    """UPDATE one task's row (bound `b_task_id`) with `values`, its version and position too."""
    return (tasks.update().where(tasks.c.task_id == sa.bindparam("b_task_id"))
            .values(version=sa.bindparam("version"), updated_position=sa.bindparam("position"),
                    **values))


_TOUCH_TASK = _task_update()
_STARTED = _task_update(status="in_progress", started_on=sa.bindparam("started_on"))
_CANCELLED = _task_update(status="cancelled")
_STAFFED = _task_update(short_staffed=sa.bindparam("short"),
                        unassigned_reason=sa.bindparam("reason"))
# a result recorded or published: the counters move and the status follows them in the same
# statement (SET reads the row as it was), no read of the row first
_t = tasks.c
_parts = sa.func.length(_t.departments) - sa.func.length(
    sa.func.replace(_t.departments, ";", "")) + 1
_recorded = _t.results_recorded + sa.bindparam("recorded", type_=sa.Integer)
_published = _t.results_published + sa.bindparam("published", type_=sa.Integer)
_RESULT = _task_update(
    results_recorded=_recorded, results_published=_published,
    status=sa.case((sa.and_(_recorded >= _parts, _published >= _parts), "published"),
                   (_recorded >= _parts, "inspected"), else_="in_progress"))
_UPDATE_MEMBER = (task_inspectors.update()
                  .where(task_inspectors.c.task_id == sa.bindparam("b_task_id"),
                         task_inspectors.c.inspector_no == sa.bindparam("b_inspector_no"))
                  .values(active=sa.bindparam("active"),
                          acknowledged_on=sa.bindparam("acknowledged_on"),
                          recused_on=sa.bindparam("recused_on")))
_INSERT_RESULT = task_results.insert()
_INSERT_ITEM = task_item_results.insert()
_INSERT_ATTACHMENT = task_attachments.insert()
_PUBLISHED = (task_results.update()
              .where(task_results.c.task_id == sa.bindparam("b_task_id"),
                     task_results.c.department == sa.bindparam("b_department"))
              .values(published_on=sa.bindparam("published_on"),
                      published_by=sa.bindparam("published_by"), late=sa.bindparam("late")))
_OVERDUE = (task_results.update()
            .where(task_results.c.task_id == sa.bindparam("b_task_id"),
                   task_results.c.department == sa.bindparam("b_department"))
            .values(publication_overdue_on=sa.bindparam("flagged_on")))
_WITHDRAWN = (task_results.update()
              .where(task_results.c.task_id == sa.bindparam("b_task_id"),
                     task_results.c.department == sa.bindparam("b_department"))
              .values(withdrawn_on=sa.bindparam("withdrawn_on")))
_INSERT_FOLLOW_UP = task_follow_ups.insert()
_FOLLOW_UP_OUTCOME = (task_follow_ups.update()
                      .where(task_follow_ups.c.task_id == sa.bindparam("b_task_id"),
                             task_follow_ups.c.department == sa.bindparam("b_department"),
                             task_follow_ups.c.follow_up_no == sa.bindparam("b_no"))
                      .values(outcome=sa.bindparam("outcome"),
                              outcome_on=sa.bindparam("outcome_on"),
                              outcome_note=sa.bindparam("outcome_note")))
_INSERT_REFERRAL = task_referrals.insert()
_INSERT_NOTIFICATION = notifications.insert()
_INSERT_READ = notification_reads.insert()


class TaskBoard(Projection):
    """检查任务 Tasks and who is assigned to them (the inspectors' inboxes)."""

    name = "task_board"
    tables = (tasks, task_inspectors)

    @handles(InspectionTask.Assigned)
    def assigned(self, e, position: int, unit: Unit) -> None:
        tid = e.originator_id.hex
        unit.execute(_INSERT_TASK, {
            "task_id": tid, "plan_id": e.plan_id.hex, "draw_no": e.draw_no,
            "entity_no": e.entity_no, "uscc": e.uscc, "departments": ";".join(e.departments),
            "check_items": ";".join(e.check_items),
            "status": "assigned" if e.team and not e.unassigned_reason else "unstaffed",
            "unassigned_reason": e.unassigned_reason, "assigned_on": e.assigned_on,
            "due_on": e.due_on, "version": e.originator_version, "updated_position": position})
        for m in e.team:
            unit.execute(_INSERT_TEAM, {"task_id": tid, "inspector_no": m["inspector_no"],
                                        "department": m["department"],
                                        "assigned_on": e.assigned_on, "active": True,
                                        "acknowledged_on": None, "recused_on": None})

    @staticmethod
    def _touch(e, position: int, unit: Unit, stmt: sa.Update = _TOUCH_TASK,  # noqa: ANN001
               **values) -> None:
        unit.execute(stmt, {"b_task_id": e.originator_id.hex, "version": e.originator_version,
                            "position": position, **values})

    @handles(InspectionTask.Acknowledged)
    def acknowledged(self, e, position: int, unit: Unit) -> None:
        unit.execute(_UPDATE_MEMBER, {"b_task_id": e.originator_id.hex,
                                      "b_inspector_no": e.inspector_no, "active": True,
                                      "acknowledged_on": e.acknowledged_on, "recused_on": None})
        self._touch(e, position, unit)

    @handles(InspectionTask.InspectorRecused)
    def recused(self, e, position: int, unit: Unit) -> None:
        unit.execute(_UPDATE_MEMBER, {"b_task_id": e.originator_id.hex,
                                      "b_inspector_no": e.inspector_no, "active": False,
                                      "acknowledged_on": None, "recused_on": e.recused_on})
        self._touch(e, position, unit)

    @handles(InspectionTask.ReplacementAssigned)
    def replacement_assigned(self, e, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_TEAM, {"task_id": e.originator_id.hex, "inspector_no": e.inspector_no,
                                    "department": e.department, "assigned_on": e.assigned_on,
                                    "active": True, "acknowledged_on": None, "recused_on": None})
        if e.still_short:
            self._touch(e, position, unit)
        else:   # a later draw filled the last empty place (or there was none)
            self._touch(e, position, unit, _STAFFED, short=False, reason="")

    @handles(InspectionTask.LeftShortStaffed)
    def left_short_staffed(self, e, position: int, unit: Unit) -> None:
        self._touch(e, position, unit, _STAFFED, short=True, reason=e.reason)

    @handles(InspectionTask.Started)
    def started(self, e, position: int, unit: Unit) -> None:
        self._touch(e, position, unit, _STARTED, started_on=e.started_on)

    @handles(InspectionTask.Cancelled)
    def cancelled(self, e, position: int, unit: Unit) -> None:
        # the team stays on record (task_inspectors); inboxes leave out cancelled tasks
        self._touch(e, position, unit, _CANCELLED)

    @handles(InspectionTask.ResultRecorded)
    def result_recorded(self, e, position: int, unit: Unit) -> None:
        self._touch(e, position, unit, _RESULT, recorded=1, published=0)

    @handles(InspectionTask.ResultPublished)
    def result_published(self, e, position: int, unit: Unit) -> None:
        self._touch(e, position, unit, _RESULT, recorded=0, published=1)

    @handles(InspectionTask.FollowUpOrdered, InspectionTask.FollowUpSatisfied,
             InspectionTask.FollowUpOverdue, InspectionTask.PublicationOverdue,
             InspectionTask.Referred)
    def touched(self, e, position: int, unit: Unit) -> None:
        self._touch(e, position, unit)


class InspectionResults(Projection):
    """检查结果 Results per task and department, their follow-ups, publication and referrals."""

    name = "inspection_results"
    tables = (task_results, task_follow_ups, task_referrals, task_item_results, task_attachments)

    @handles(InspectionTask.ResultRecorded)
    def recorded(self, e, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_RESULT, {
            "task_id": e.originator_id.hex, "department": e.department, "plan_id": e.plan_id.hex,
            "entity_no": e.entity_no, "uscc": e.uscc, "result_code": e.result_code,
            "result_name_zh": e.result_name_zh, "result_name_en": e.result_name_en,
            "follow_up": e.follow_up, "problem_found": e.problem_found,
            "abnormal_list_ground": e.abnormal_list_ground, "findings": e.findings,
            "inspected_on": e.inspected_on, "recorded_on": e.recorded_on,
            "recorded_by": e.recorded_by, "signatures": ";".join(map(str, e.signatures)),
            "publish_by": e.publish_by, "published_on": None, "published_by": None,
            "late": False, "publication_overdue_on": None})
        key = {"task_id": e.originator_id.hex, "department": e.department}
        for seq, item in enumerate(getattr(e, "item_results", None) or []):
            unit.execute(_INSERT_ITEM, {**key, "seq": seq, **item})
        for seq, a in enumerate(getattr(e, "attachments", None) or []):
            unit.execute(_INSERT_ATTACHMENT, {**key, "seq": seq, **a})

    @handles(InspectionTask.ResultPublished)
    def published(self, e, position: int, unit: Unit) -> None:
        unit.execute(_PUBLISHED, {"b_task_id": e.originator_id.hex, "b_department": e.department,
                                  "published_on": e.published_on, "published_by": e.by,
                                  "late": e.late})

    @handles(InspectionTask.ResultWithdrawn)
    def withdrawn(self, e, position: int, unit: Unit) -> None:
        unit.execute(_WITHDRAWN, {"b_task_id": e.originator_id.hex, "b_department": e.department,
                                  "withdrawn_on": e.withdrawn_on})

    @handles(InspectionTask.PublicationOverdue)
    def overdue(self, e, position: int, unit: Unit) -> None:
        unit.execute(_OVERDUE, {"b_task_id": e.originator_id.hex, "b_department": e.department,
                                "flagged_on": e.flagged_on})

    @handles(InspectionTask.FollowUpOrdered)
    def follow_up_ordered(self, e, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_FOLLOW_UP, {
            "task_id": e.originator_id.hex, "department": e.department,
            "follow_up_no": e.follow_up_no, "kind": e.kind, "ordered_on": e.ordered_on,
            "deadline_workdays": e.deadline_workdays, "due_on": e.due_on, "note": e.note,
            "ordered_by": e.by, "outcome": "open", "outcome_on": None, "outcome_note": ""})

    @handles(InspectionTask.FollowUpSatisfied, InspectionTask.FollowUpOverdue)
    def follow_up_outcome(self, e, position: int, unit: Unit) -> None:
        satisfied = isinstance(e, InspectionTask.FollowUpSatisfied)
        unit.execute(_FOLLOW_UP_OUTCOME, {
            "b_task_id": e.originator_id.hex, "b_department": e.department,
            "b_no": e.follow_up_no, "outcome": "satisfied" if satisfied else "overdue",
            "outcome_on": e.satisfied_on if satisfied else e.found_on, "outcome_note": e.note})

    @handles(InspectionTask.Referred)
    def referred(self, e, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_REFERRAL, {
            "task_id": e.originator_id.hex, "referral_no": e.referral_no, "uscc": e.uscc,
            "from_department": e.from_department, "to_department": e.to_department,
            "matter": e.matter, "referred_on": e.referred_on, "referred_by": e.by})


class EntityInspections(Projection):
    """The last inspection day per entity and department: the drawer's cool-off input."""

    name = "entity_inspections"
    tables = (entity_inspections,)

    @handles(InspectionTask.ResultRecorded)
    def recorded(self, e, position: int, unit: Unit) -> None:
        unit.execute(_LAST_INSPECTED[unit.dialect.name], {
            "entity_no": e.entity_no, "department": e.department,
            "last_inspected_day": epoch_day(e.inspected_on)})


def _last_inspected() -> dict[str, sa.Insert]:
    """Per dialect: insert an entity's inspection day, or keep the later of the two (results
    may be recorded out of date order), one statement per event, no read first."""
    out = {}
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql)):
        stmt = dialect.insert(entity_inspections)
        day, new = entity_inspections.c.last_inspected_day, stmt.excluded.last_inspected_day
        out[name] = stmt.on_conflict_do_update(
            index_elements=["entity_no", "department"],
            set_={"last_inspected_day": sa.case((new > day, new), else_=day)})
    return out


_LAST_INSPECTED = _last_inspected()


class Notifications(Projection):
    """通知 A new assignment (or a replacement after a recusal), and the cancellation of a task,
    reach the inspector at once."""

    name = "notifications"
    tables = (notifications,)

    @handles(InspectionTask.Assigned)
    def assigned(self, e, position: int, unit: Unit) -> None:
        for m in e.team:
            self._notify(unit, m["inspector_no"], position, e.originator_id.hex, e.uscc,
                         e.due_on, e.assigned_on,
                         f"新检查任务 new inspection task: {e.uscc}, due {e.due_on.isoformat()}")

    @handles(InspectionTask.ReplacementAssigned)
    def replacement(self, e, position: int, unit: Unit) -> None:
        self._notify(unit, e.inspector_no, position, e.originator_id.hex, e.uscc, e.due_on,
                     e.assigned_on, f"回避替补 replacement after a recusal: {e.uscc}, "
                                    f"due {e.due_on.isoformat()}")

    @handles(InspectionTask.Cancelled)
    def cancelled(self, e, position: int, unit: Unit) -> None:
        message = f"任务已取消 task cancelled: {e.uscc}, {e.reason}"
        for inspector_no in e.team:
            self._notify(unit, inspector_no, position, e.originator_id.hex, e.uscc, e.due_on,
                         e.cancelled_on, _fits(message), kind="cancellation")

    @staticmethod
    def _notify(unit: Unit, inspector_no: int, position: int, task_id: str, uscc: str,
                due_on, created_on, message: str,  # noqa: ANN001
                kind: str = "assignment") -> None:
        unit.execute(_INSERT_NOTIFICATION, {
            "inspector_no": inspector_no, "position": position, "kind": kind,
            "task_id": task_id, "uscc": uscc, "due_on": due_on, "created_on": created_on,
            "message": message})


def _fits(message: str) -> str:
    """Within the notifications' message column (the full reason stays in the event)."""
    limit = notifications.c.message.type.length
    return message if len(message) <= limit else message[:limit - 1] + "…"


class NotificationReads(Projection):
    """已读 Which notifications each inspector has read (the inbox's read/unread)."""

    name = "notification_reads"
    tables = (notification_reads,)

    @handles(NotificationRead.MarkedRead)
    def marked(self, e, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_READ, {"inspector_no": e.inspector_no, "position": e.position,
                                    "read_at": e.read_at})

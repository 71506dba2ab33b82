"""Projections of inspection tasks: results and their publication, the drawer's cool-off table,
and the inspectors' notifications."""

from __future__ import annotations

import sqlalchemy as sa

from opencheck.projections import Projection, Unit, handles
from supervision.pool import epoch_day
from supervision.tables import entity_inspections
from supervision.notification_reads import NotificationRead
from supervision.task_tables import (notification_reads, notifications, task_follow_ups,
                                     task_referrals, task_results)
from supervision.tasks import InspectionTask

_INSERT_RESULT = task_results.insert()
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


class InspectionResults(Projection):
    """检查结果 Results per task and department, their follow-ups, publication and referrals."""

    name = "inspection_results"
    application = "supervision"
    tables = (task_results, task_follow_ups, task_referrals)

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
    application = "supervision"
    tables = (entity_inspections,)

    @handles(InspectionTask.ResultRecorded)
    def recorded(self, e, position: int, unit: Unit) -> None:
        day, key = epoch_day(e.inspected_on), (entity_inspections.c.entity_no == e.entity_no,
                                               entity_inspections.c.department == e.department)
        # results may be recorded out of date order: keep the latest inspection day
        done = unit.query(entity_inspections.update().where(*key).values(
            last_inspected_day=sa.case((entity_inspections.c.last_inspected_day < day, day),
                                       else_=entity_inspections.c.last_inspected_day)))
        if done.rowcount == 0:
            unit.query(entity_inspections.insert().values(
                entity_no=e.entity_no, department=e.department, last_inspected_day=day))


class Notifications(Projection):
    """通知 A new assignment (or a replacement after a recusal) reaches the inspector at once."""

    name = "notifications"
    application = "supervision"
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

    @staticmethod
    def _notify(unit: Unit, inspector_no: int, position: int, task_id: str, uscc: str,
                due_on, created_on, message: str) -> None:  # noqa: ANN001
        unit.execute(_INSERT_NOTIFICATION, {
            "inspector_no": inspector_no, "position": position, "kind": "assignment",
            "task_id": task_id, "uscc": uscc, "due_on": due_on, "created_on": created_on,
            "message": message})


class NotificationReads(Projection):
    """已读 Which notifications each inspector has read (the inbox's read/unread)."""

    name = "notification_reads"
    application = "supervision"
    tables = (notification_reads,)

    @handles(NotificationRead.MarkedRead)
    def marked(self, e, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_READ, {"inspector_no": e.inspector_no, "position": e.position,
                                    "read_at": e.read_at})

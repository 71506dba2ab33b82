"""Projections of plans and tasks: the plan board (with draw records) and the task board."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from kernel.projections import Projection, Unit, handles
from supervision.plans.plan import SpotCheckPlan
from supervision.plans.tables import plan_draws, plans, task_inspectors, tasks
from supervision.tasks.task import InspectionTask

_INSERT_PLAN = plans.insert()
_INSERT_DRAW = plan_draws.insert()
_INSERT_TASK = tasks.insert()
_INSERT_TEAM = task_inspectors.insert()
_TOUCH_TASK = (tasks.update().where(tasks.c.task_id == sa.bindparam("b_task_id"))
               .values(version=sa.bindparam("version"),
                       updated_position=sa.bindparam("position")))
_UPDATE_MEMBER = (task_inspectors.update()
                  .where(task_inspectors.c.task_id == sa.bindparam("b_task_id"),
                         task_inspectors.c.inspector_no == sa.bindparam("b_inspector_no"))
                  .values(active=sa.bindparam("active"),
                          acknowledged_on=sa.bindparam("acknowledged_on"),
                          recused_on=sa.bindparam("recused_on")))


def _plan(e) -> sa.ColumnElement:
    return plans.c.plan_id == e.originator_id.hex


class PlanBoard(Projection):
    """抽查计划 Plans with their published draw records ("one open")."""

    name = "plan_board"
    application = "supervision"
    tables = (plans, plan_draws)

    @handles(SpotCheckPlan.Drafted)
    def drafted(self, e, position: int, unit: Unit) -> None:
        t = e.terms
        unit.execute(_INSERT_PLAN, {
            "plan_id": e.originator_id.hex, "name": t["name"],
            "lead_department": t["lead_department"], "departments": ";".join(t["departments"]),
            "check_items": ";".join(t["check_items"]), "region_prefix": t["scope"]["region_prefix"],
            "directed": t["scope"]["directed"], "terms": t, "status": "drafted",
            "drafted_by": e.drafted_by, "drafted_on": e.drafted_on, "published_on": None,
            "due_on": date.fromisoformat(t["due_on"]),
            "closed_on": None, "draws": 0, "version": e.originator_version,
            "updated_position": position})

    @handles(SpotCheckPlan.Published)
    def published(self, e, position: int, unit: Unit) -> None:
        unit.query(plans.update().where(_plan(e)).values(
            status="published", published_on=e.published_on, version=e.originator_version,
            updated_position=position))

    @handles(SpotCheckPlan.EntitiesDrawn, SpotCheckPlan.EntitiesRedrawn)
    def drawn(self, e, position: int, unit: Unit) -> None:
        draw_no = e.record["draw_no"]
        unit.query(plans.update().where(_plan(e)).values(
            status="drawn", draws=draw_no, version=e.originator_version,
            updated_position=position))
        unit.execute(_INSERT_DRAW, {
            "plan_id": e.originator_id.hex, "draw_no": draw_no, "drawn_on": e.drawn_on,
            "drawn_by": e.by, "reason": getattr(e, "reason", ""), "record": e.record,
            "drawn": e.record["drawn"], "unassigned": len(e.record["unassigned"])})

    @handles(SpotCheckPlan.Closed)
    def closed(self, e, position: int, unit: Unit) -> None:
        unit.query(plans.update().where(_plan(e)).values(
            status="closed", closed_on=e.closed_on, version=e.originator_version,
            updated_position=position))


class TaskBoard(Projection):
    """检查任务 Tasks and who is assigned to them (the inspectors' inboxes)."""

    name = "task_board"
    application = "supervision"
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

    def _touch(self, e, position: int, unit: Unit, **values) -> None:  # noqa: ANN001
        unit.execute(_TOUCH_TASK, {"b_task_id": e.originator_id.hex,
                                   "version": e.originator_version, "position": position})
        if values:
            unit.query(tasks.update().where(tasks.c.task_id == e.originator_id.hex)
                       .values(**values))

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
            self._touch(e, position, unit, short_staffed=False, unassigned_reason="")

    @handles(InspectionTask.LeftShortStaffed)
    def left_short_staffed(self, e, position: int, unit: Unit) -> None:
        self._touch(e, position, unit, short_staffed=True, unassigned_reason=e.reason)

    @handles(InspectionTask.Started)
    def started(self, e, position: int, unit: Unit) -> None:
        self._touch(e, position, unit, status="in_progress", started_on=e.started_on)

    @handles(InspectionTask.ResultRecorded, InspectionTask.ResultPublished)
    def result(self, e, position: int, unit: Unit) -> None:
        row = unit.query(sa.select(tasks.c.departments, tasks.c.results_recorded,
                                   tasks.c.results_published)
                         .where(tasks.c.task_id == e.originator_id.hex)).one()
        parts = len(row.departments.split(";"))
        recorded = row.results_recorded + isinstance(e, InspectionTask.ResultRecorded)
        published = row.results_published + isinstance(e, InspectionTask.ResultPublished)
        status = "published" if recorded >= parts and published >= parts else (
            "inspected" if recorded >= parts else "in_progress")
        self._touch(e, position, unit, status=status, results_recorded=recorded,
                    results_published=published)

    @handles(InspectionTask.FollowUpOrdered, InspectionTask.FollowUpSatisfied,
             InspectionTask.FollowUpOverdue, InspectionTask.PublicationOverdue,
             InspectionTask.Referred)
    def touched(self, e, position: int, unit: Unit) -> None:
        self._touch(e, position, unit)

"""Cancelling inspection tasks (a redraw supersedes their draw): the transitions of the aggregate,
and the use cases that cancel a whole draw without saving it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from supervision.plans.plan import PlanScope, PlanTerms
from supervision.tasks.task import InspectionTask, task_id
from tests.factories import (
    after_lottery,
    confirm_lottery,
    inspector,
    known_codes,
    lottery,
)
from tests.unit.test_applications import DEPT, DEPTS, TODAY, World, region
from tests.unit.test_tasks import ASSIGNED, record, started, task

REASON = "第2次抽取取代第1次 draw 2 supersedes draw 1"
LATER = date(2025, 9, 24)


def test_an_assigned_task_is_cancelled_and_takes_no_further_command():
    t = task()
    t.cancel(REASON, LATER, "sup")
    assert t.status == "cancelled" and t.cancelled_on == LATER and t.cancel_reason == REASON
    for command in (lambda: t.acknowledge(11, LATER), lambda: t.start(11, LATER),
                    lambda: record(t), lambda: t.check_can_recuse(11, "亲属"),
                    lambda: t.vacancy(), lambda: t.cancel(REASON, LATER, "sup")):
        with pytest.raises(Conflict):
            command()
    with pytest.raises(Forbidden):          # still nobody else's task to act on
        t.acknowledge(99, LATER)
    cancelled = t.collect_events()[-1]
    assert isinstance(cancelled, InspectionTask.Cancelled)
    assert cancelled.team == [11, 12] and cancelled.reason == REASON and cancelled.by == "sup"


def test_acknowledged_and_unstaffed_tasks_can_be_cancelled():
    t = task()
    t.acknowledge(11, ASSIGNED)
    t.acknowledge(12, ASSIGNED)
    t.cancel(REASON, LATER, "sup")
    assert t.status == "cancelled"
    unstaffed = InspectionTask(plan_id=t.plan_id, draw_no=1, entity_no=502, uscc="X", departments=[
        "market_regulation"], check_items=["T-001"], team=[], unassigned_reason="no inspector",
        due_on=date(2025, 12, 31), assigned_on=ASSIGNED)
    assert unstaffed.status == "unstaffed"
    unstaffed.cancel(REASON, LATER, "sup")
    assert unstaffed.status == "cancelled"
    assert unstaffed.collect_events()[-1].team == []


def test_a_started_or_inspected_task_cannot_be_cancelled():
    t = started(task())
    with pytest.raises(Conflict, match="in_progress"):
        t.cancel(REASON, LATER, "sup")
    record(t)
    with pytest.raises(Conflict, match="inspected"):
        t.cancel(REASON, LATER, "sup")
    assert t.status == "inspected"


def test_a_cancellation_needs_a_reason():
    with pytest.raises(InvalidInput, match="reason"):
        task().cancel("  ", LATER, "sup")


@pytest.fixture
def world() -> World:
    w = World()
    w.register()
    return w


def test_cancelling_a_draw_returns_its_tasks_unsaved(world):
    app = world.supervision
    plan_id, record_ = world.drawn_plan()
    cancelled = app.cancel_tasks_of_draw(plan_id, 1, REASON, TODAY, "sup")
    assert len(cancelled) == record_["drawn"]
    assert {t.id for t in cancelled} == {task_id(plan_id, 1, no)
                                         for no in world.reads.tasks_of_draw(plan_id, 1)}
    assert all(t.status == "cancelled" for t in cancelled)
    # nothing saved yet: the stored tasks are still assigned (the redraw saves them with the plan)
    assert {app.get_task(t.id).status for t in cancelled} == {"assigned"}
    app.save(*cancelled)
    assert {app.get_task(t.id).status for t in cancelled} == {"cancelled"}
    # cancelling again changes nothing
    assert app.cancel_tasks_of_draw(plan_id, 1, REASON, TODAY, "sup") == []


def test_a_draw_with_a_started_task_is_not_cancellable_at_all(world):
    app = world.supervision
    plan_id, _ = world.drawn_plan()
    app.check_draw_cancellable(plan_id, 1)
    task_ = world.risky_task(plan_id)
    for member in app.get_task(task_).inspector_nos:
        app.acknowledge_task(task_, member, TODAY)
    app.start_task(task_, app.get_task(task_).inspector_nos[0], TODAY)
    uscc = app.get_task(task_).uscc
    with pytest.raises(Conflict, match=f"1 task\\(s\\) of draw 1 have started.*{uscc}"):
        app.check_draw_cancellable(plan_id, 1)
    with pytest.raises(Conflict):
        app.cancel_tasks_of_draw(plan_id, 1, REASON, TODAY, "sup")
    # all or none: the other tasks of the draw stay as they were
    others = [task_id(plan_id, 1, no) for no in world.reads.tasks_of_draw(plan_id, 1)]
    assert {app.get_task(t).status for t in others if t != task_} == {"assigned"}


def _joint_plan(app, inspectors_per_task: int = 2):
    plan_id = app.draft_plan(PlanTerms(
        name="2026年度部门联合双随机抽查", lead_department=DEPT,
        departments=("ecology_environment",), check_items=("T-001",), scope=PlanScope("3307"),
        ratios={"A": 0.0, "B": 0.5, "C": 0.0, "D": 1.0}, due_on=date(2026, 6, 30),
        inspectors_per_task=inspectors_per_task, randomness=lottery(TODAY)), TODAY, "sup", DEPTS)
    app.publish_plan(plan_id, TODAY, "sup")
    confirm_lottery(app, plan_id, TODAY)
    return plan_id


def test_a_joint_draw_short_of_a_departments_officers_is_refused_or_recorded(world):
    app = world.supervision
    app.register_inspector(inspector(30, department="ecology_environment", region=region(0),
                                     qualifications=("Q-MARKET",)), TODAY, known_codes())
    plan_id = _joint_plan(app)
    with pytest.raises(Conflict, match="needs 2 inspectors of ecology_environment per task, 1 "
                                       "available in group 3307") as refused:
        app.draw(plan_id, after_lottery(TODAY), "sup")
    assert refused.value.field == "accept_shortfall"
    assert app.get_plan(plan_id).status == "published" and len(world.reads.archive) == 1
    record_ = app.draw(plan_id, after_lottery(TODAY), "sup", accept_shortfall=True)
    assert record_["staffing"]["accepted_shortfall"] is True
    assert record_["staffing"]["shortfalls"][0]["department"] == "ecology_environment"
    assert record_["params"]["per_department"] == 2
    assert len(record_["unassigned"]) == record_["drawn"]      # every task unstaffed, on record
    assert app.verify_draw(plan_id)["verified"] is True


def test_a_joint_draw_staffs_two_officers_of_each_department(world):
    app = world.supervision
    known = known_codes()
    for i in range(30, 34):
        app.register_inspector(inspector(i, department="ecology_environment", region=region(i),
                                         qualifications=("Q-MARKET",)), TODAY, known)
    plan_id = _joint_plan(app)
    record_ = app.draw(plan_id, after_lottery(TODAY), "sup")
    assert record_["staffing"]["shortfalls"] == [] and not record_["unassigned"]
    for no in world.reads.tasks_of_draw(plan_id, 1):
        team = app.get_task(task_id(plan_id, 1, no)).team
        assert len(team) == 4
        assert sorted(m["department"] for m in team) == ["ecology_environment"] * 2 + [DEPT] * 2
    # a deployment that asks one officer per department draws the team of old
    app.draw_policy = replace(app.draw_policy, per_department=1)   # fixed at publication
    plan_id = _joint_plan(app)
    record_ = app.draw(plan_id, after_lottery(TODAY), "sup")
    assert "per_department" not in record_["params"] and record_["staffing"]["per_department"] == 1
    team = app.get_task(task_id(plan_id, 1, min(world.reads.tasks_of_draw(plan_id, 1)))).team
    assert len(team) == 2


def test_a_draw_is_cancelled_only_once_all_its_tasks_are_found(world):
    app = world.supervision
    plan_id, _ = world.drawn_plan()
    with pytest.raises(NotFound, match="1 draw"):
        app.check_draw_cancellable(plan_id, 2)
    world.reads.catch_up()
    missing = next(iter(world.reads.tasks))
    world.reads.tasks.pop(missing)               # the read model lags behind the draw
    with pytest.raises(Conflict, match="still being recorded"):
        app.cancel_tasks_of_draw(plan_id, 1, REASON, TODAY, "sup")

"""The inspection task's life cycle as pure domain: acknowledgement, recusal, results with
signatures, follow-ups, publication on working-day deadlines, referral."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from credit.rules import DEFAULT_RULES
from kernel import workdays
from kernel.errors import Conflict, Forbidden, InvalidInput
from kernel.workdays import CalendarCoverageWarning
from supervision.tasks import recusal
from supervision.tasks.task import InspectionTask

ASSIGNED = date(2025, 9, 22)
DEPTS = {"market_regulation", "ecology_environment", "health"}


def task(departments=("market_regulation",), team=None, assigned_on=ASSIGNED) -> InspectionTask:
    team = team or [{"inspector_no": 11, "department": departments[0]},
                    {"inspector_no": 12, "department": departments[-1]}]
    return InspectionTask(plan_id=uuid4(), draw_no=1, entity_no=501, uscc="91330702MA0000001X",
                          departments=list(departments), check_items=["T-001"], team=team,
                          unassigned_reason="", due_on=date(2025, 12, 31), assigned_on=assigned_on)


def started(t: InspectionTask, on: date = ASSIGNED) -> InspectionTask:
    for m in t.inspector_nos:
        t.acknowledge(m, on)
    t.start(t.inspector_nos[0], on)
    return t


def record(t: InspectionTask, by: int = 11, code: str = "1", findings: str = "",
           inspected_on: date = date(2025, 9, 26), signatures=(11, 12),
           today: date = date(2025, 9, 26)) -> None:
    t.record_result(by, code, findings, inspected_on, list(signatures), today,
                    DEFAULT_RULES.result, DEFAULT_RULES.publicity.inspection_result_deadline_workdays)


def test_acknowledge_then_start():
    t = task()
    with pytest.raises(Forbidden):
        t.acknowledge(99, ASSIGNED)                      # not on the team
    t.acknowledge(11, ASSIGNED)
    with pytest.raises(Conflict):
        t.acknowledge(11, ASSIGNED)
    with pytest.raises(Conflict, match="not acknowledged"):
        t.start(11, ASSIGNED)                            # 12 has not acknowledged yet
    t.acknowledge(12, ASSIGNED)
    t.start(12, ASSIGNED)
    assert t.status == "in_progress" and t.started_on == ASSIGNED


@pytest.mark.parametrize(("inspected_on", "publish_by"), [
    (date(2025, 9, 26), date(2025, 10, 30)),   # DOMAIN §11: National Day, 09-28 make-up day
    (date(2025, 12, 31), date(2026, 1, 29)),   # New Year 2026, Sunday 01-04 a make-up day
    (date(2026, 1, 30), date(2026, 3, 5)),     # Spring Festival 2026, two Saturday make-up days
])
def test_publication_deadline_is_20_working_days_from_the_inspection(inspected_on, publish_by):
    t = started(task())
    record(t, inspected_on=inspected_on, today=inspected_on)
    assert t.parts["market_regulation"]["publish_by"] == publish_by
    assert t.collect_events()[-1].publish_by == publish_by


def test_publication_deadline_in_an_uncovered_year_falls_back_with_a_warning():
    workdays._warned_years.clear()
    workdays._is_workday.cache_clear()
    try:
        t = started(task(assigned_on=date(2027, 2, 26)), date(2027, 2, 26))
        with pytest.warns(CalendarCoverageWarning, match="2027"):
            record(t, inspected_on=date(2027, 3, 1), today=date(2027, 3, 1))
        assert t.parts["market_regulation"]["publish_by"] == date(2027, 3, 29)  # Mon–Fri
    finally:
        workdays._warned_years.clear()
        workdays._is_workday.cache_clear()


@pytest.mark.parametrize(("over", "error", "field"), [
    ({"by": 99}, Forbidden, "task_id"),
    ({"code": "Z"}, InvalidInput, "result_code"),
    ({"inspected_on": date(2025, 9, 27)}, InvalidInput, "inspected_on"),   # after today
    ({"inspected_on": date(2025, 9, 21)}, InvalidInput, "inspected_on"),   # before assignment
    ({"signatures": (11,)}, InvalidInput, "signatures"),
    ({"signatures": (11, 11)}, InvalidInput, "signatures"),
    ({"signatures": (11, 77)}, InvalidInput, "signatures"),
    ({"by": 12, "signatures": (11, 13)}, InvalidInput, "signatures"),
    ({"code": "C", "findings": "  "}, InvalidInput, "findings"),
])
def test_bad_results_are_refused_and_record_nothing(over, error, field):
    t = started(task(team=[{"inspector_no": n, "department": "market_regulation"}
                           for n in (11, 12, 13)]))
    t.collect_events()
    with pytest.raises(error) as caught:
        record(t, **over)
    assert caught.value.field == field
    assert t.collect_events() == [] and t.parts == {}


def test_result_needs_a_started_task_and_one_part_per_department():
    t = task()
    with pytest.raises(Conflict):
        record(t)
    started(t)
    record(t, code="C", findings="年报资产总额与实际不符")
    event = t.collect_events()[-1]
    assert (event.result_code, event.follow_up, event.abnormal_list_ground) == \
        ("C", "order_correct", True)
    assert t.status == "inspected"
    with pytest.raises(Conflict):
        record(t)


def test_joint_task_each_department_records_and_publishes_its_own_part():
    t = started(task(departments=("market_regulation", "health")))
    record(t, by=11)                                       # 11 is market regulation
    assert t.status == "in_progress"
    with pytest.raises(Forbidden):                        # 谁公开: health cannot publish it
        t.publish("market_regulation", date(2025, 9, 29), "sup", "health")
    with pytest.raises(InvalidInput):                     # joint: the department must be named
        t.publish(None, date(2025, 9, 29), "sup", None)
    with pytest.raises(Conflict):                         # health has recorded nothing yet
        t.publish("health", date(2025, 9, 29), "sup", "health")
    t.publish("market_regulation", date(2025, 9, 29), "sup", "market_regulation")
    record(t, by=12, code="8", findings="拒不配合检查")
    assert t.status == "inspected"
    t.publish("health", date(2025, 11, 3), "sup", None)
    event = t.collect_events()[-1]
    assert event.refusal is True and event.late is True    # after 2025-10-30
    assert t.status == "published"


def test_follow_up_satisfied_or_overdue_after_its_working_day_deadline():
    t = started(task())
    record(t, code="B", findings="未公示年报")
    ordered_on = date(2025, 9, 26)
    t.order_follow_up(None, "order_publicise", 10, "", ordered_on, "sup", None)
    # National Day, with the make-up Sundays/Saturdays 09-28 and 10-11 counted
    assert t.parts["market_regulation"]["follow_ups"][0]["due_on"] == date(2025, 10, 16)
    with pytest.raises(Conflict):                          # one open follow-up at a time
        t.order_follow_up(None, "order_correct", 5, "", ordered_on, "sup", None)
    with pytest.raises(Conflict, match="has not passed"):
        t.record_follow_up_outcome(None, "overdue", date(2025, 10, 16), "", date(2025, 10, 16),
                                   "sup", None)
    with pytest.raises(InvalidInput) as caught:
        t.record_follow_up_outcome(None, "satisfied", date(2025, 10, 21), "",
                                   date(2025, 10, 20), "sup", None)
    assert caught.value.field == "on"
    t.record_follow_up_outcome(None, "overdue", date(2025, 10, 20), "逾期未公示",
                               date(2025, 10, 20), "sup", None)
    event = t.collect_events()[-1]
    assert event.kind == "order_publicise" and event.abnormal_list_ground is True
    clean = started(task())
    record(clean, code="1")
    with pytest.raises(Conflict):                          # nothing to follow up
        clean.order_follow_up(None, "order_correct", 5, "", ordered_on, "sup", None)


def test_publication_overdue_is_flagged_once():
    t = started(task())
    record(t)
    assert not t.flag_publication_overdue("market_regulation", date(2025, 10, 30))
    assert t.flag_publication_overdue("market_regulation", date(2025, 10, 31))
    assert not t.flag_publication_overdue("market_regulation", date(2025, 11, 1))
    t.publish(None, date(2025, 11, 3), "sup", None)
    assert not t.flag_publication_overdue("market_regulation", date(2025, 11, 4))


def test_recusal_with_and_without_replacement():
    t = task()
    t.acknowledge(11, ASSIGNED)
    with pytest.raises(InvalidInput):
        t.recuse(11, " ", ASSIGNED, None, "")
    draw = {"algorithm": recusal.ALGORITHM, "seed": "1", "inspector_no": 13, "candidates": [13]}
    t.recuse(11, "亲属关系", ASSIGNED, {"inspector_no": 13, "draw": draw}, "")
    assert t.inspector_nos == [12, 13] and t.former == [11] and 11 not in t.acknowledged
    with pytest.raises(Forbidden):
        t.acknowledge(11, ASSIGNED)                       # withdrawn: no longer on the team
    t.recuse(12, "曾任该企业顾问", ASSIGNED, None, "no eligible inspector")
    assert t.short_staffed and t.unassigned_reason == "no eligible inspector"
    t.acknowledge(13, ASSIGNED)
    with pytest.raises(Conflict, match="short-staffed"):
        t.start(13, ASSIGNED)
    names = [type(e).__name__ for e in t.collect_events()]
    assert names.count("InspectorRecused") == 2 and "ReplacementAssigned" in names
    assert "LeftShortStaffed" in names


def test_replacement_pick_is_reproducible():
    tid = uuid4()
    seed = recusal.replacement_seed(tid, 1)
    assert seed == recusal.replacement_seed(tid, 1) != recusal.replacement_seed(tid, 2)
    chosen = recusal.pick([40, 10, 30, 20], seed)
    assert chosen == recusal.pick([10, 20, 30, 40], seed)
    assert recusal.verify_pick({"algorithm": recusal.ALGORITHM, "seed": str(seed),
                                "inspector_no": chosen, "candidates": [10, 20, 30, 40]})
    picks = {recusal.pick(list(range(5)), recusal.replacement_seed(uuid4(), 1))
             for _ in range(200)}
    assert picks == set(range(5))                          # every candidate can be drawn


def test_referral_to_another_known_department():
    t = started(task())
    with pytest.raises(Conflict):
        t.refer(None, "health", "食品安全问题", ASSIGNED, "sup", DEPTS, None)
    record(t, code="A", findings="发现无证经营食品")
    for to, field in (("tax", "to_department"), ("market_regulation", "to_department")):
        with pytest.raises(InvalidInput) as caught:
            t.refer(None, to, "食品安全问题", ASSIGNED, "sup", DEPTS, None)
        assert caught.value.field == field
    assert t.refer(None, "health", "食品安全问题", ASSIGNED, "sup", DEPTS, None) == 1

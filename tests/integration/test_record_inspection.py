"""`record_inspection` (a history's inspection in one write) records the events, in order and
with the same content, that acknowledging, starting, recording and publishing one by one do;
`record_inspections` records many such inspections in one write, all or none."""

from __future__ import annotations

import json
from datetime import date, timedelta
from uuid import NAMESPACE_URL, uuid5

import pytest

from kernel.errors import Conflict, NotFound
from supervision.tasks.task import InspectionTask
from supervision.tasks.use_cases import Inspection
from tests.factories import entity
from tests.integration.credit_helpers import entity_no, register

DAY = date(2026, 5, 11)


def _task(platform, uscc: str, name: str) -> InspectionTask:
    t = InspectionTask(plan_id=uuid5(NAMESPACE_URL, f"plan:{name}"), draw_no=1,
                       entity_no=entity_no(platform, uscc), uscc=uscc,
                       departments=["market_regulation"], check_items=["T-001"],
                       team=[{"inspector_no": 1, "department": "market_regulation"},
                             {"inspector_no": 2, "department": "market_regulation"}],
                       unassigned_reason="", due_on=DAY + timedelta(days=60), assigned_on=DAY)
    platform.supervision.save(t)
    return t


def _events(platform, task_id) -> list[tuple[str, dict]]:
    out = []
    for e in platform.supervision.recorder.select_events(task_id):
        state = json.loads(e.state)
        state.pop("timestamp")
        state.pop("plan_id", None)   # the two tasks are of two plans
        out.append((e.topic, state))
    return out


class RecordInspectionScenario:
    backend = "sqlite"

    def test_one_write_records_what_four_use_cases_record(self, platform):
        register(platform, [1])
        app, uscc = platform.supervision, entity(1).uscc
        one_by_one, at_once = _task(platform, uscc, "a"), _task(platform, uscc, "b")
        for no in (1, 2):
            app.acknowledge_task(one_by_one.id, no, DAY - timedelta(days=2))
        app.start_task(one_by_one.id, 1, DAY)
        app.record_result(one_by_one.id, 1, "6", "现场核查记录 on-site record", DAY, [1, 2], DAY,
                          platform.rules)
        app.publish_result(one_by_one.id, None, DAY + timedelta(days=3), "supervisor", None)
        app.record_inspection(at_once.id, [1, 2], DAY - timedelta(days=2), "6",
                              "现场核查记录 on-site record", DAY, DAY + timedelta(days=3),
                              platform.rules)
        ours, theirs = _events(platform, at_once.id), _events(platform, one_by_one.id)
        # after the tasks' own creation: acknowledged twice, started, recorded, published
        assert len(ours) == 6 and ours[1:] == theirs[1:]
        assert app.get_task(at_once.id).status == app.get_task(one_by_one.id).status

    def test_many_in_one_write_all_or_none(self, platform):
        register(platform, [1])
        app, uscc = platform.supervision, entity(1).uscc
        single, first, second = (_task(platform, uscc, n) for n in ("s", "m1", "m2"))
        before = platform.supervision.recorder.max_notification_id()
        app.record_inspection(single.id, [1, 2], DAY, "1", "未发现问题 no problem found", DAY,
                              None, platform.rules)
        one = Inspection(first.id, [1, 2], DAY, "1", "未发现问题 no problem found", DAY, None)
        two = Inspection(second.id, [2, 1], DAY, "C", "现场核查记录 on-site record", DAY,
                         DAY + timedelta(days=1))
        unknown = Inspection(uuid5(NAMESPACE_URL, "no such task"), [1, 2], DAY, "1", "", DAY,
                             None)
        head = platform.supervision.recorder.max_notification_id()
        with pytest.raises(NotFound) as missing:
            app.record_inspections([one, unknown], platform.rules)
        assert missing.value.field == "task_id"
        with pytest.raises(Conflict):   # a task twice in one write: never applied twice
            app.record_inspections([one, one], platform.rules)
        assert platform.supervision.recorder.max_notification_id() == head   # nothing written
        app.record_inspections([one, two], platform.rules)
        # the same events as the single-task write, the second task's team order kept
        assert _events(platform, first.id)[1:] == _events(platform, single.id)[1:]
        assert [s["inspector_no"] for t, s in _events(platform, second.id)[1:3]] == [2, 1]
        assert app.get_task(second.id).status == "published"
        assert head - before == 4   # the single write: acknowledged twice, started, recorded
        with pytest.raises(Conflict):   # recorded already: the whole write is refused again
            app.record_inspections([one], platform.rules)


class TestRecordInspectionOnSQLite(RecordInspectionScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestRecordInspectionOnPostgres(RecordInspectionScenario):
    backend = "postgres"

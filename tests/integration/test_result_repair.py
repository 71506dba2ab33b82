"""Credit repair of a negative spot-check result (SAMR Order 107), on SQLite and PostgreSQL:
apply → approve (credit) → supervision withdraws the result (a reaction) → it leaves every public
view; what is not negative, unknown or malformed is refused; replays change nothing."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa

from credit.record.public import public_credit_record
from credit.record.views import timeline
from kernel.clock import today_in_china
from kernel.errors import Conflict, InvalidInput, NotFound
from supervision.tasks import views as task_views
from supervision.tasks.tables import task_results
from tests.integration.test_inspection_scenario import INSPECTED_ON, _tasks, _world

PUBLISHED_ON = INSPECTED_ON + timedelta(days=14)
DEPT = "market_regulation"


def _published(platform, task: dict, code: str) -> str:
    app, team = platform.supervision, [m["inspector_no"] for m in task["team"]]
    task_id = UUID(task["task_id"])
    for member in team:
        app.acknowledge_task(task_id, member, INSPECTED_ON)
    app.start_task(task_id, team[0], INSPECTED_ON)
    app.record_result(task_id, team[0], code, "现场检查记录", INSPECTED_ON, team, INSPECTED_ON,
                      platform.rules)
    app.publish_result(task_id, None, PUBLISHED_ON, "sup", None)
    return f"{task_id}:{DEPT}"


def _public_codes(platform, uscc: str) -> list[str]:
    with platform.engine.connect() as conn:
        record = public_credit_record(conn, uscc, today_in_china())
        listed = task_views.published_inspections(conn, uscc=uscc, limit=None)[1]
    assert [i["result_code"] for i in listed] == [i["result_code"] for i in record["inspections"]]
    return [i["result_code"] for i in record["inspections"]]


class ResultRepairScenario:
    backend = "sqlite"

    def test_repaired_negative_result_leaves_the_public_record(self, platform):
        first, second = _tasks(platform, _world(platform))[:2]
        negative, clean = _published(platform, first, "C"), _published(platform, second, "1")
        platform.catch_up()
        credit, today = platform.credit, today_in_china()
        assert _public_codes(platform, first["uscc"]) == ["C"]

        def apply(record_id: str):
            return credit.apply_for_repair("inspection_result", record_id, date(2025, 11, 3),
                                           "守信承诺书", ["整改报告.pdf"], today)

        # refused: a clean result, a result never published, a malformed key
        with pytest.raises(Conflict, match="only a negative"):
            apply(clean)
        with pytest.raises(NotFound):
            apply(f"{uuid4()}:{DEPT}")
        for malformed in ("not-a-task", f"{first['task_id']}", f"{first['task_id']}:"):
            with pytest.raises(InvalidInput, match="TASK_ID:DEPARTMENT"):
                apply(malformed)

        # approved: credit records the decision, supervision withdraws the result
        case = apply(negative)
        credit.decide_repair(case, True, date(2025, 11, 10), "sup", "已整改", today)
        platform.catch_up()
        assert _public_codes(platform, first["uscc"]) == []
        assert _public_codes(platform, second["uscc"]) == ["1"]
        with platform.engine.connect() as conn:
            withdrawn = conn.execute(sa.select(task_results.c.withdrawn_on).where(
                task_results.c.task_id == UUID(first["task_id"]).hex)).scalar_one()
        assert withdrawn == date(2025, 11, 10)
        with platform.engine.connect() as conn:   # the internal file keeps it, dated
            kinds = [i["kind"] for i in timeline(conn, first["uscc"], today)]
            before = [i["kind"] for i in timeline(conn, first["uscc"], date(2025, 11, 9))]
        assert "inspection.withdrawn" in kinds and "inspection.withdrawn" not in before
        assert "inspection.result" in before
        with pytest.raises(Conflict):
            apply(negative)

        # replaying the reaction or rebuilding the read model changes nothing
        recorded = platform.supervision.recorder.max_notification_id()
        platform.runners["supervision_on_credit"].rebuild()
        platform.runners["supervision"].rebuild(["inspection_results"])
        platform.catch_up()
        assert platform.supervision.recorder.max_notification_id() == recorded
        assert _public_codes(platform, first["uscc"]) == []


class TestResultRepairOnSQLite(ResultRepairScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestResultRepairOnPostgres(ResultRepairScenario):
    backend = "postgres"

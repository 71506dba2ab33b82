"""Inspection tasks end to end, on SQLite and PostgreSQL: draw → notifications → acknowledge →
recusal with a replacement drawn → start → result → overdue flag (daily job) → publication →
the public record; unpublished results stay private; rebuild equals incremental."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest
import sqlalchemy as sa

from kernel.errors import Conflict
from opencheck.scheduler import run_jobs
from supervision.directory.tables import (
    entities,
    entity_inspections,
    inspector_conflicts,
    inspectors,
)
from supervision.plans.plan import PlanScope, PlanTerms
from supervision.plans.pool import epoch_day
from supervision.tasks import recusal
from supervision.tasks import views as task_views
from supervision.tasks.tables import (
    notifications,
    task_follow_ups,
    task_inspectors,
    task_results,
    tasks,
)
from tests.factories import (
    check_item,
    entity,
    inspector,
    known_codes,
    lottery,
    lottery_draw,
)

DRAWN_ON = date(2025, 9, 22)          # a Monday
INSPECTED_ON = date(2025, 9, 26)      # + 20 working days (National Day) = 2025-10-30
DEPTS = {"market_regulation", "ecology_environment", "emergency_management", "health"}
JOB = "inspection-publication-overdue"


def _world(platform, n_entities: int = 40, n_inspectors: int = 12):
    app = platform.supervision
    app.register_entities([entity(i, region="330702" if i % 2 else "330703")
                           for i in range(n_entities)])
    app.register_inspectors([inspector(i, region="330702" if i % 2 else "330703")
                             for i in range(n_inspectors)], DRAWN_ON)
    app.add_check_item(check_item(1), known_codes())
    platform.settle()
    plan_id = app.draft_plan(PlanTerms(
        name="2025年度双随机抽查", lead_department="market_regulation", departments=(),
        check_items=("T-001",), scope=PlanScope("3307"),
        ratios={"A": 0.03, "B": 0.5, "C": 0.2, "D": 1.0}, due_on=date(2025, 12, 31),
        randomness=lottery(DRAWN_ON)), DRAWN_ON, "sup", DEPTS)
    lottery_draw(app, plan_id, DRAWN_ON)
    platform.settle()
    return plan_id


def _tasks(platform, plan_id) -> list[dict]:
    with platform.engine.connect() as conn:
        return task_views.list_tasks(conn, DRAWN_ON, plan_id=plan_id.hex, limit=500)[1]


def _dump(platform):
    with platform.engine.connect() as conn:
        return [sorted(tuple(map(str, r)) for r in conn.execute(sa.select(t)))
                for t in (tasks, task_inspectors, task_results, task_follow_ups, notifications,
                          entity_inspections)]


class InspectionScenario:
    backend = "sqlite"

    def test_draw_to_publication(self, platform):
        plan_id = _world(platform)
        app, engine = platform.supervision, platform.engine
        first = _tasks(platform, plan_id)[0]
        tid = first["task_id"]
        task_uuid = UUID(tid)
        a, b = (m["inspector_no"] for m in first["team"])

        # the assignment reached both inspectors at once, unread
        with engine.connect() as conn:
            for no in (a, b):
                _, notes = task_views.inspector_notifications(conn, no, unread=True, limit=500)
                assert tid in [n["task_id"] for n in notes]

        # both acknowledge; then a declares a conflict: a replacement is drawn by the rules
        app.acknowledge_task(task_uuid, a, DRAWN_ON)
        app.acknowledge_task(task_uuid, b, DRAWN_ON)
        assert app.recuse(task_uuid, a, "配偶在该企业任职", DRAWN_ON) is True
        platform.settle()
        task = app.get_task(task_uuid)
        c = next(no for no in task.inspector_nos if no != b)
        assert a not in task.inspector_nos and c != a
        drawn = [e for e in app.events.get(task_uuid) if type(e).__name__ ==
                 "ReplacementAssigned"][0]
        assert recusal.verify_pick(drawn.draw) and drawn.draw["inspector_no"] == c
        assert a not in drawn.draw["candidates"] and b not in drawn.draw["candidates"]
        with engine.connect() as conn:
            region = conn.execute(sa.select(entities.c.region_code)
                                  .where(entities.c.uscc == first["uscc"])).scalar_one()
            c_region = conn.execute(sa.select(inspectors.c.region_code)
                                    .where(inspectors.c.inspector_no == c)).scalar_one()
            declared = conn.execute(sa.select(inspector_conflicts.c.uscc)
                                    .where(inspector_conflicts.c.inspector_no == a)).scalars().all()
            _, notes = task_views.inspector_notifications(conn, c, limit=500)
            assert not task_views.on_team(conn, tid, a) and task_views.on_team(conn, tid, c)
            unacknowledged = task_views.list_tasks(conn, DRAWN_ON, view="unacknowledged",
                                                   limit=500)[1]
        assert c_region != region                            # 所所交叉: another station
        assert declared == [first["uscc"]]                   # recorded in the directory
        assert any(n["task_id"] == tid and "回避" in n["message"] for n in notes)
        assert tid in [t["task_id"] for t in unacknowledged]

        # the replacement acknowledges, the team starts and records the result
        with pytest.raises(Conflict):
            app.start_task(task_uuid, b, DRAWN_ON)
        app.acknowledge_task(task_uuid, c, DRAWN_ON)
        app.start_task(task_uuid, c, date(2025, 9, 25))
        app.record_result(task_uuid, b, "C", "年报资产数据与实际不符", INSPECTED_ON, [b, c],
                          INSPECTED_ON, platform.rules)
        platform.settle()
        with engine.connect() as conn:
            rec = task_views.task_record(conn, tid)
            assert task_views.published_inspections(conn, uscc=first["uscc"])[0] == 0
            last = conn.execute(sa.select(entity_inspections.c.last_inspected_day).where(
                entity_inspections.c.entity_no == first["entity_no"])).scalar_one()
        assert rec["status"] == "inspected" and rec["results"][0]["publish_by"] == \
            date(2025, 10, 30)
        assert last == epoch_day(INSPECTED_ON)               # the drawer's cool-off input

        # the daily job flags it once the deadline has passed, once
        assert "0 result" in run_jobs(platform, date(2025, 10, 30), {JOB})[JOB]
        assert "1 result" in run_jobs(platform, date(2025, 10, 31), {JOB})[JOB]
        assert "0 result" in run_jobs(platform, date(2025, 11, 1), {JOB})[JOB]
        with engine.connect() as conn:
            overdue = task_views.list_tasks(conn, date(2025, 10, 31), view="publication_overdue")
        assert [t["task_id"] for t in overdue[1]] == [tid]

        # a supervisor orders a correction, then publishes (late): the public sees it
        app.order_follow_up(task_uuid, None, "order_correct", 10, "", date(2025, 11, 3), "sup",
                            "market_regulation")
        app.publish_result(task_uuid, None, date(2025, 11, 3), "sup", "market_regulation")
        platform.settle()
        with engine.connect() as conn:
            total, public = task_views.published_inspections(conn, uscc=first["uscc"])
            by_plan = task_views.published_inspections(conn, plan_id=plan_id.hex)[0]
            rec = task_views.task_record(conn, tid)
        assert total == 1 and by_plan == 1
        assert public[0]["result_code"] == "C" and public[0]["published_on"] == date(2025, 11, 3)
        assert "findings" not in public[0] and "signatures" not in public[0]
        assert rec["status"] == "published" and rec["results"][0]["late"] is True

        # rebuilding every task read model from zero gives the same rows
        before = _dump(platform)
        platform.runners["supervision"].rebuild(["task_board", "inspection_results",
                                                 "notifications", "entity_inspections"])
        assert _dump(platform) == before

    def test_recusal_without_replacement_leaves_the_task_short_staffed(self, platform):
        plan_id = _world(platform, n_entities=6, n_inspectors=2)
        app, engine = platform.supervision, platform.engine
        first = _tasks(platform, plan_id)[0]
        task_uuid = UUID(first["task_id"])
        a = first["team"][0]["inspector_no"]
        assert app.recuse(task_uuid, a, "亲属关系", DRAWN_ON) is False
        platform.settle()
        with engine.connect() as conn:
            short = task_views.list_tasks(conn, DRAWN_ON, view="short_staffed")[1]
        assert [t["task_id"] for t in short] == [first["task_id"]]
        assert short[0]["short_staffed"] and "no eligible inspector" in \
            short[0]["unassigned_reason"]
        assert len(short[0]["team"]) == 1

        # a supervisor draws again: nobody yet; then a new inspector joins and fills the place
        with pytest.raises(Conflict, match="no eligible inspector"):
            app.refill(task_uuid, DRAWN_ON)
        app.register_inspectors([inspector(7, region="330702")], DRAWN_ON)
        platform.settle()
        app.refill(task_uuid, DRAWN_ON)
        platform.settle()
        task = app.get_task(task_uuid)
        new = next(no for no in task.inspector_nos if no != first["team"][1]["inspector_no"])
        drawn = [e for e in app.events.get(task_uuid)
                 if type(e).__name__ == "ReplacementAssigned"][-1]
        assert recusal.verify_pick(drawn.draw) and drawn.draw["candidates"] == [new]
        assert drawn.draw["seed"] == str(recusal.replacement_seed(task_uuid, 1, refill=True))
        with engine.connect() as conn:
            record = task_views.task_record(conn, first["task_id"])
            _, notes = task_views.inspector_notifications(conn, new, limit=500)
        assert not record["short_staffed"] and record["unassigned_reason"] == ""
        assert len(record["team"]) == 2 and first["task_id"] in [n["task_id"] for n in notes]
        with pytest.raises(Conflict, match="nothing to fill"):
            app.refill(task_uuid, DRAWN_ON)
        app.acknowledge_task(task_uuid, new, DRAWN_ON)   # a full team can start
        app.acknowledge_task(task_uuid, first["team"][1]["inspector_no"], DRAWN_ON)
        app.start_task(task_uuid, new, DRAWN_ON)


class TestInspectionsOnSQLite(InspectionScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestInspectionsOnPostgres(InspectionScenario):
    backend = "postgres"


def test_export_published_inspections_cli(platform, tmp_path):
    import csv
    import json

    from tests.integration.test_cli import _cli

    plan_id = _world(platform, n_entities=10, n_inspectors=4)
    app = platform.supervision
    drawn = _tasks(platform, plan_id)
    for t in drawn[:2]:                                   # two recorded, one of them published
        task_uuid, team = UUID(t["task_id"]), [m["inspector_no"] for m in t["team"]]
        for no in team:
            app.acknowledge_task(task_uuid, no, DRAWN_ON)
        app.start_task(task_uuid, team[0], DRAWN_ON)
        app.record_result(task_uuid, team[0], "1", "", INSPECTED_ON, team, INSPECTED_ON,
                          platform.rules)
    app.publish_result(UUID(drawn[0]["task_id"]), None, date(2025, 9, 29), "sup", None)
    platform.settle()
    out = tmp_path / "published.json"
    r = _cli(platform.settings, "export", "inspections", "--format", "json", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [(x["uscc"], x["result_code"], x["published_on"]) for x in rows] == \
        [(drawn[0]["uscc"], "1", "2025-09-29")]
    assert rows[0]["result_name_zh"] == "未发现问题" and "findings" not in rows[0]
    out = tmp_path / "published.csv"
    r = _cli(platform.settings, "export", "inspections", "--plan", str(plan_id), str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    with out.open(encoding="utf-8-sig") as f:
        assert [x["uscc"] for x in csv.DictReader(f)] == [drawn[0]["uscc"]]
    r = _cli(platform.settings, "export", "inspections", "--plan", "nope", str(out))
    assert r.returncode == 2 and "plan" in r.stderr

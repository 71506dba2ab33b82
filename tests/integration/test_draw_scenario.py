"""The double-random draw end to end, on SQLite and PostgreSQL: plan → publish → draw → tasks →
verification (and tamper detection) → redraw with a reason → rebuild equals incremental."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import pytest
import sqlalchemy as sa

from kernel.errors import Conflict, InvalidInput
from supervision.directory.tables import inspectors
from supervision.plans import views as plan_views
from supervision.plans.plan import PlanScope, PlanTerms
from supervision.plans.tables import draw_archives, plan_draws, plans
from supervision.tasks import views as task_views
from supervision.tasks.tables import task_inspectors, tasks
from tests.factories import check_item, credential, entity, inspector, known_codes

TODAY = date(2026, 3, 2)
DEPTS = {"market_regulation", "ecology_environment", "emergency_management", "health"}


def _setup(platform, n_entities=120):
    app = platform.supervision
    app.register_entities([entity(i, region="330702" if i % 2 else "330703")
                           for i in range(n_entities)])
    app.register_inspectors([inspector(i, region="330702" if i % 2 else "330703")
                             for i in range(12)], TODAY)
    app.add_check_item(check_item(1), known_codes())
    app.declare_conflict(credential(1, "330702"), entity(5, region="330702").uscc, "亲属关系",
                         date(2026, 1, 1), None, TODAY)
    platform.settle()


def _terms(**over) -> PlanTerms:
    fields = dict(name="2026年度双随机抽查", lead_department="market_regulation",
                  departments=(), check_items=("T-001",), scope=PlanScope("3307"),
                  ratios={"A": 0.03, "B": 0.5, "C": 0.2, "D": 1.0},
                  targeted=(entity(8, region="330703").uscc,), cool_off_days={"A": 365},
                  due_on=date(2026, 6, 30))
    fields.update(over)
    return PlanTerms(**fields)


def _dump(platform):
    with platform.engine.connect() as conn:
        return [sorted(tuple(map(str, r)) for r in conn.execute(sa.select(t)))
                for t in (plans, plan_draws, tasks, task_inspectors)]


class DrawScenario:
    backend = "sqlite"

    def test_draw_verify_redraw(self, platform):
        _setup(platform)
        app, engine = platform.supervision, platform.engine
        plan_id = app.draft_plan(_terms(), TODAY, "sup", DEPTS)
        with pytest.raises(Conflict):   # a drafted plan cannot be drawn
            app.draw(plan_id, "3D-2026059-123", TODAY, "sup")
        app.publish_plan(plan_id, TODAY, "sup")
        with pytest.raises(InvalidInput):
            app.draw(plan_id, "", TODAY, "sup")

        # draw: one task per drawn entity, ≥ 2 distinct inspectors, never a conflicted one
        record = app.draw(plan_id, "3D-2026059-123", TODAY, "sup")
        platform.settle()
        assert record["strata"]["targeted"]["drawn"] == 1
        assert record["strata"]["B"]["drawn"] in (59, 60)   # exact size: 0.5 × 119
        with engine.connect() as conn:
            total, items = task_views.plan_tasks(conn, plan_id.hex, limit=500)
            conflicted = conn.execute(sa.select(inspectors.c.inspector_no).where(
                inspectors.c.credential_no == credential(1, "330702"))).scalar_one()
        assert total == record["drawn"] == len(items)
        for t in items:
            team = [m["inspector_no"] for m in t["team"]]
            assert len(set(team)) >= 2, t
            if t["uscc"] == entity(5, region="330702").uscc:
                assert conflicted not in team
        # the inbox shows an inspector only their own tasks
        with engine.connect() as conn:
            _, mine = task_views.inspector_tasks(conn, conflicted, limit=500)
        assert mine and all(conflicted in [m["inspector_no"] for m in t["team"]] for t in mine)

        # anyone can recompute it from the recorded inputs
        assert app.verify_draw(plan_id)["verified"] is True
        with pytest.raises(Conflict):
            app.draw(plan_id, "another-value", TODAY, "sup")

        # a redraw is a second record with its reason; the first stays
        app.redraw(plan_id, "3D-2026060-777", "two inspectors retired after the draw", TODAY,
                   "sup")
        platform.settle()
        with engine.connect() as conn:
            records = plan_views.plan(conn, plan_id.hex)["draw_records"]
        assert [r["draw_no"] for r in records] == [1, 2] and records[1]["reason"]
        assert app.verify_draw(plan_id, 1)["verified"] is True

        # rebuilding the plan and task boards from zero gives the same rows
        before = _dump(platform)
        platform.runners["supervision"].rebuild(["plan_board", "task_board"])
        assert _dump(platform) == before

    def test_tampered_archive_or_seed_fails_verification(self, platform):
        _setup(platform)
        app, engine = platform.supervision, platform.engine
        plan_id = app.draft_plan(_terms(), TODAY, "sup", DEPTS)
        app.publish_plan(plan_id, TODAY, "sup")
        record = app.draw(plan_id, "lottery-42", TODAY, "sup")
        # someone swaps one entity of the frozen pool for another
        with engine.begin() as conn:
            payload = conn.execute(sa.select(draw_archives.c.payload)).scalar_one()
            z = dict(np.load(io.BytesIO(payload)))
            z["pool_entity_no"] = z["pool_entity_no"].copy()
            z["pool_entity_no"][-1] += 100_000
            buf = io.BytesIO()
            np.savez_compressed(buf, **z)
            conn.execute(draw_archives.update().values(payload=buf.getvalue()))
        result = app.verify_draw(plan_id)
        assert result["verified"] is False
        assert any(d.startswith("pool_digest") for d in result["differences"])
        assert record["pool_digest"] == result["pool_digest"]


    def test_a_draw_the_roster_cannot_staff_is_refused_then_recorded(self, platform):
        app, engine = platform.supervision, platform.engine
        app.register_entities([entity(i, region="330702" if i % 2 else "330703")
                               for i in range(40)])
        app.register_inspectors([inspector(i, region="330702" if i % 2 else "330703")
                                 for i in range(7)], TODAY)
        app.add_check_item(check_item(1), known_codes())
        platform.settle()
        plan_id = app.draft_plan(_terms(inspectors_per_task=10, targeted=()), TODAY, "sup",
                                 DEPTS)
        app.publish_plan(plan_id, TODAY, "sup")
        # 7 inspectors for 10 per task: refused with the numbers, nothing recorded
        with pytest.raises(Conflict, match="needs 10 inspectors per task, 7 available in "
                                           "group 3307") as refused:
            app.draw(plan_id, "3D-2026059-123", TODAY, "sup")
        assert "accept_shortfall" in refused.value.message
        platform.settle()
        with engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(tasks)).scalar() == 0
            assert plan_views.plan(conn, plan_id.hex)["status"] == "published"

        # accepted: drawn, every task unstaffed, the shortfall on the plan's and the public record
        record = app.draw(plan_id, "3D-2026059-123", TODAY, "sup", accept_shortfall=True)
        platform.settle()
        assert record["staffing"] == {
            "needed_per_task": 10, "per_department": None, "accepted_shortfall": True,
            "shortfalls": [{"group": "3307", "department": None, "needed": 10, "available": 7,
                            "entities": 40, "expected_tasks": 20.0}]}
        with engine.connect() as conn:
            drawn = plan_views.plan(conn, plan_id.hex)["draw_records"][0]
            public = plan_views.plan(conn, plan_id.hex, public=True)["draw_records"][0]
            short = task_views.list_tasks(conn, TODAY, view="short_staffed", limit=500)
            listed = task_views.plan_tasks(conn, plan_id.hex, limit=500)[1]
        assert drawn["unassigned"] == drawn["drawn"] == record["drawn"] == 20
        assert public["unassigned"] == 20 and public["record"]["staffing"] == record["staffing"]
        assert "unassigned" not in public["record"]           # reasons stay internal
        assert short[0] == 20 and all(t["short_staffed"] for t in listed)
        assert {t["status"] for t in listed} == {"unstaffed"} and listed[0]["team_needed"] == 10

    def test_cancelled_tasks_leave_the_inbox_and_tell_their_team(self, platform):
        _setup(platform, 40)
        app, engine = platform.supervision, platform.engine
        plan_id = app.draft_plan(_terms(), TODAY, "sup", DEPTS)
        app.publish_plan(plan_id, TODAY, "sup")
        app.draw(plan_id, "3D-2026059-123", TODAY, "sup")
        platform.settle()
        with engine.connect() as conn:
            member = conn.execute(sa.select(task_inspectors.c.inspector_no)).scalars().first()
            before = task_views.inspector_tasks(conn, member)[0]
        assert before > 0
        # the redraw's use case saves the cancelled tasks with the plan; here, on their own
        cancelled = app.cancel_tasks_of_draw(plan_id, 1, "第2次抽取取代第1次 superseded",
                                             TODAY, "sup")
        app.save(*cancelled)
        platform.settle()
        with engine.connect() as conn:
            assert task_views.inspector_tasks(conn, member)[0] == 0
            assert task_views.inspector_tasks(conn, member, status="cancelled")[0] == before
            assert task_views.list_tasks(conn, TODAY, view="unacknowledged")[0] == 0
            assert task_views.list_tasks(conn, TODAY, view="short_staffed")[0] == 0
            record = task_views.task_record(conn, cancelled[0].id.hex)
            _, told = task_views.inspector_notifications(conn, member, limit=500)
        assert record["status"] == "cancelled" and not record["short_staffed"]
        assert len(record["team"]) == len(cancelled[0].team)      # who was on it stays known
        news = [n for n in told if n["kind"] == "cancellation"]
        assert len(news) == before and "superseded" in news[0]["message"]
        # a rebuild gives the same rows
        dump = _dump(platform)
        platform.runners["supervision"].rebuild(["task_board", "notifications"])
        assert _dump(platform) == dump


class TestDrawOnSQLite(DrawScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestDrawOnPostgres(DrawScenario):
    backend = "postgres"


def test_verify_draw_cli(platform):
    from tests.integration.test_cli import _cli

    _setup(platform, 30)
    app = platform.supervision
    plan_id = app.draft_plan(_terms(), TODAY, "sup", DEPTS)
    app.publish_plan(plan_id, TODAY, "sup")
    app.draw(plan_id, "lottery-7", TODAY, "sup")
    r = _cli(platform.settings, "verify-draw", str(plan_id))
    assert r.returncode == 0 and "verified: true" in r.stdout, r.stdout + r.stderr
    r = _cli(platform.settings, "verify-draw", "not-a-plan")
    assert r.returncode == 2 and "error: plan: 'not-a-plan' is not a plan id" in r.stderr

"""The double-random draw end to end, on SQLite and PostgreSQL: plan → publish (commitment) →
draw with the committed value → tasks → verification (and tamper detection) → redraw that
supersedes → rebuild equals incremental; concurrent draws; the pool against the register."""

from __future__ import annotations

import io
import json
import threading
from datetime import date, timedelta

import numpy as np
import pytest
import sqlalchemy as sa

from dashboard.pages.plans import _task_rows
from kernel.errors import Conflict, InvalidInput
from supervision.directory.tables import entity_pool, inspectors
from supervision.plans import views as plan_views
from supervision.plans.commitment import RandomSource
from supervision.plans.plan import PlanScope, PlanTerms
from supervision.plans.tables import draw_archives, plan_commitments, plan_draws, plans
from supervision.tasks import views as task_views
from supervision.tasks.tables import task_inspectors, tasks
from tests.factories import (
    after_lottery,
    check_item,
    confirm_lottery,
    credential,
    drand_draw,
    entity,
    inspector,
    known_codes,
    lottery,
    lottery_draw,
)

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
                  due_on=date(2026, 6, 30), randomness=lottery(TODAY))
    fields.update(over)
    return PlanTerms(**fields)


def _dump(platform):
    with platform.engine.connect() as conn:
        return [sorted(tuple(map(str, r)) for r in conn.execute(sa.select(t)))
                for t in (plans, plan_draws, plan_commitments, tasks, task_inspectors)]


class DrawScenario:
    backend = "sqlite"

    def test_draw_verify_redraw(self, platform):
        _setup(platform)
        app, engine = platform.supervision, platform.engine
        plan_id = app.draft_plan(_terms(), TODAY, "sup", DEPTS)
        with pytest.raises(Conflict):   # a drafted plan cannot be drawn
            app.draw(plan_id, after_lottery(TODAY), "sup")

        # draw: one task per drawn entity, ≥ 2 distinct inspectors, never a conflicted one
        record = lottery_draw(app, plan_id, TODAY)
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
        with engine.connect() as conn:
            _, mine = task_views.inspector_tasks(conn, conflicted, limit=500)
        assert mine and all(conflicted in [m["inspector_no"] for m in t["team"]] for t in mine)

        # the auditor recomputes it from the archive; anyone checks the public part
        assert app.verify_draw(plan_id)["verified"] is True
        assert app.public_verification(plan_id, 1)["verified"] is True
        with pytest.raises(Conflict):
            app.draw(plan_id, after_lottery(TODAY), "sup")

        # a redraw supersedes: a reason, a new issue committed, the first draw's tasks cancelled
        with pytest.raises(InvalidInput):
            app.redraw(plan_id, "no", after_lottery(TODAY), "sup")
        day2 = TODAY + timedelta(days=1)
        app.redraw(plan_id, "two inspectors retired after the draw", after_lottery(TODAY), "sup",
                   lottery(day2, "2026002期"))
        platform.settle()
        with engine.connect() as conn:
            first = task_views.plan_tasks(conn, plan_id.hex, limit=500)[1]
            _, mine = task_views.inspector_tasks(conn, conflicted, limit=500)
        assert {t["status"] for t in first} == {"cancelled"}
        assert mine == []                                  # gone from every inbox
        with pytest.raises(Conflict):                      # the committed issue is not out yet
            app.enter_random_value(plan_id, "777", after_lottery(TODAY), "sup")
        app.enter_random_value(plan_id, "777", after_lottery(day2), "sup")
        app.confirm_random_value(plan_id, "777", after_lottery(day2), "sup2")
        app.draw(plan_id, after_lottery(day2), "sup")
        platform.settle()
        with engine.connect() as conn:
            found = plan_views.plan(conn, plan_id.hex, public=True)
        records = found["draw_records"]
        assert [r["draw_no"] for r in records] == [1, 2]
        assert [r["superseded"] for r in records] == [True, False]
        assert records[1]["reason"] == "two inspectors retired after the draw"
        assert [c["commitment_no"] for c in found["commitments"]] == [1, 2]
        assert app.verify_draw(plan_id, 1)["verified"] is True
        assert app.verify_draw(plan_id, 2)["verified"] is True

        # rebuilding the plan and task boards from zero gives the same rows
        before = _dump(platform)
        platform.runners["supervision"].rebuild(["plan_board", "task_board"])
        assert _dump(platform) == before

    def test_redraws_are_limited(self, platform):
        _setup(platform, 20)
        app = platform.supervision
        plan_id = app.draft_plan(_terms(), TODAY, "sup", DEPTS)
        lottery_draw(app, plan_id, TODAY)
        platform.settle()
        for n in range(app.draw_policy.max_redraws):
            day = TODAY + timedelta(days=n + 1)
            app.redraw(plan_id, f"redraw number {n + 1}", after_lottery(day - timedelta(days=1)),
                       "sup", lottery(day, f"20260{n + 2}期"))
            app.enter_random_value(plan_id, "123", after_lottery(day), "sup")
            app.confirm_random_value(plan_id, "123", after_lottery(day), "sup2")
            app.draw(plan_id, after_lottery(day), "sup")
            platform.settle()
        with pytest.raises(Conflict, match="limit"):
            app.redraw(plan_id, "one redraw too many", after_lottery(TODAY + timedelta(days=9)),
                       "sup", lottery(TODAY + timedelta(days=10), "2026099期"))

    def test_a_drand_draw_and_a_tampered_archive(self, platform):
        _setup(platform)
        app, engine = platform.supervision, platform.engine
        plan_id = app.draft_plan(_terms(randomness=RandomSource()), TODAY, "sup", DEPTS)
        drand_draw(app, plan_id)
        assert app.verify_draw(plan_id)["verified"] is True
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
        assert any(d.startswith("pool:") for d in result["differences"]), result

    def test_concurrent_draws_one_wins_the_other_gets_409(self, platform):
        _setup(platform, 30)
        app = platform.supervision
        plan_id = app.draft_plan(_terms(), TODAY, "sup", DEPTS)
        app.publish_plan(plan_id, TODAY, "sup")
        app.enter_random_value(plan_id, "381", after_lottery(TODAY), "sup")
        app.confirm_random_value(plan_id, "381", after_lottery(TODAY), "sup2")
        outcomes, start = [], threading.Barrier(2)

        def draw():
            start.wait()
            try:
                app.draw(plan_id, after_lottery(TODAY), "sup")
                outcomes.append("drawn")
            except Conflict:
                outcomes.append("409")

        threads = [threading.Thread(target=draw) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["409", "drawn"]
        platform.settle()
        with platform.engine.connect() as conn:
            assert conn.scalar(sa.select(sa.func.count()).select_from(plan_draws)) == 1

    def test_the_frozen_pool_is_checked_against_the_register(self, platform):
        _setup(platform, 30)
        app = platform.supervision
        plan_id = app.draft_plan(_terms(), TODAY, "sup", DEPTS)
        # someone deletes an active entity from the pool's read model before publication
        with platform.engine.begin() as conn:
            gone = conn.execute(sa.select(entity_pool.c.entity_no).limit(1)).scalar_one()
            conn.execute(entity_pool.delete().where(entity_pool.c.entity_no == gone))
        lottery_draw(app, plan_id, TODAY)
        result = app.verify_draw(plan_id)
        assert result["verified"] is False
        assert any("missing from the frozen pool" in d for d in result["differences"]), result


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
        confirm_lottery(app, plan_id, TODAY)
        # 7 inspectors for 10 per task: refused with the numbers, nothing recorded
        with pytest.raises(Conflict, match="needs 10 inspectors per task, 7 available in "
                                           "group 3307") as refused:
            app.draw(plan_id, after_lottery(TODAY), "sup")
        assert "accept_shortfall" in refused.value.message
        platform.settle()
        with engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(tasks)).scalar() == 0
            assert plan_views.plan(conn, plan_id.hex)["status"] == "published"

        # accepted: drawn, every task unstaffed, the shortfall on the plan's and the public record
        record = app.draw(plan_id, after_lottery(TODAY), "sup", accept_shortfall=True)
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
        assert public["unassigned"] == 20 and public["record"]["staffing"]["shortfalls"] == [
            {"group": "3307", "department": None, "needed": 10, "available": 7}]  # no classes
        assert "unassigned" not in public["record"]           # reasons stay internal
        assert short[0] == 20 and all(t["short_staffed"] for t in listed)
        assert {t["status"] for t in listed} == {"unstaffed"} and listed[0]["team_needed"] == 10
        # the supervisor's grid gives the gap in Chinese, the jurisdiction named, English alongside
        reason = _task_rows(platform, None, None, plan_id.hex)[1][0]["unassigned_reason"]
        assert reason == ("辖区 金华市 3307 仅有 7 名检查人员（需要 10 名） "
                          "only 7 inspector(s) in jurisdiction 3307 (10 needed)")

    def test_cancelled_tasks_leave_the_inbox_and_tell_their_team(self, platform):
        _setup(platform, 40)
        app, engine = platform.supervision, platform.engine
        plan_id = app.draft_plan(_terms(), TODAY, "sup", DEPTS)
        lottery_draw(app, plan_id, TODAY)
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


def test_verify_draw_cli(platform, tmp_path):
    from tests.integration.test_cli import _cli

    _setup(platform, 30)
    app = platform.supervision
    plan_id = app.draft_plan(_terms(), TODAY, "sup", DEPTS)
    lottery_draw(app, plan_id, TODAY)
    platform.settle()
    r = _cli(platform.settings, "verify-draw", str(plan_id))
    assert r.returncode == 0 and "verified: true" in r.stdout, r.stdout + r.stderr
    # a public record file, offline; with the auditor's archive; against the register
    record = tmp_path / "record.json"
    record.write_text(json.dumps(app.public_record_file(plan_id, 1)), encoding="utf-8")
    archive = tmp_path / "archive.npz"
    archive.write_bytes(app.archive_payload(plan_id, 1))
    r = _cli(platform.settings, "verify-draw", str(record), "--archive", str(archive),
             "--register")
    assert r.returncode == 0 and "verified: true" in r.stdout, r.stdout + r.stderr
    doc = json.loads(record.read_text(encoding="utf-8"))
    doc["record"]["entities"] = doc["record"]["entities"][1:]
    record.write_text(json.dumps(doc), encoding="utf-8")
    r = _cli(platform.settings, "verify-draw", str(record))
    assert r.returncode == 1 and "verified: false" in r.stdout, r.stdout + r.stderr
    r = _cli(platform.settings, "verify-draw", "not-a-plan")
    assert r.returncode == 2 and "is neither a record file nor a plan id" in r.stderr

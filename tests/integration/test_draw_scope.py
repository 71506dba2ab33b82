"""Scope is law, end to end on SQLite and PostgreSQL: the check-item list decides what a plan may
name and whom it may draw (each item's object scope and yearly frequency, a general item's ratio
limit), each task carries only the items covering its entity, the yearly coverage report counts
what was drawn against the national floor, and result 9 takes the entity out of the next pool."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from uuid import UUID

import pytest
import sqlalchemy as sa

from credit.rules import DEFAULT_RULES
from kernel.errors import InvalidInput
from supervision.directory.tables import entities, entity_pool
from supervision.plans import views as plan_views
from supervision.plans.plan import PlanScope, PlanTerms
from supervision.tasks import views as task_views
from tests.factories import (
    after_lottery,
    check_item,
    entity,
    inspector,
    known_codes,
    lottery,
    lottery_draw,
)

TODAY = date(2026, 3, 2)
DEPTS = {"market_regulation", "ecology_environment", "emergency_management", "health"}
CAP = DEFAULT_RULES.directory.general_item_max_ratio
ALL = {k: 1.0 for k in "ABCD"}
AT_CAP = {k: CAP for k in "ABCD"}
KINDS = ("enterprise", "individual", "cooperative")
INDUSTRIES = ("H6210", "F5211", "C1311")


def _entities():
    """60 entities in 舟山 (3309) and 12 in 金华 (3307): every type in every industry."""
    rows = [entity(i, KINDS[i % 3], region="330902" if i % 2 else "330903",
                   industry_code=INDUSTRIES[(i // 3) % 3]) for i in range(60)]
    rows += [entity(i, KINDS[i % 3], region="330702", industry_code=INDUSTRIES[(i // 3) % 3])
             for i in range(60, 72)]
    return rows


ENTITIES = _entities()
BY_USCC = {e.uscc: e for e in ENTITIES}


def _in(rows, region="3309", types=KINDS, sections="CFH"):
    return {e.uscc for e in rows if e.region_code.startswith(region)
            and e.entity_type in types and e.industry_code[0] in sections}


def _setup(platform):
    app, known = platform.supervision, known_codes()
    app.register_entities(ENTITIES)
    app.register_inspectors([inspector(i, region="330902") for i in range(8)]
                            + [inspector(i, "health", region="330902") for i in range(8, 12)],
                            TODAY)
    # 餐饮服务 catering (key): enterprises and individual businesses in industry H
    app.add_check_item(check_item(6, object_scope_industries=("H",)), known)
    # 企业公示信息 enterprise disclosures (general, once a year): enterprises of every industry
    app.add_check_item(check_item(1, object_scope_types=("enterprise",),
                                  object_scope_industries=(), category="general",
                                  default_ratio=0.03, frequency_per_year=1), known)
    # another department's item: 公共场所卫生 (health), H enterprises
    app.add_check_item(check_item(101, "health", object_scope_types=("enterprise",),
                                  object_scope_industries=("H",)), known)
    platform.settle()


def _plan(items, ratios=ALL, departments=(), scope=PlanScope("3309")) -> PlanTerms:
    return PlanTerms(name="舟山双随机抽查", lead_department="market_regulation",
                     departments=departments, check_items=tuple(items), scope=scope,
                     ratios=dict(ratios), due_on=date(2026, 6, 30))


def _draw(platform, terms: PlanTerms, on: date = TODAY, public_random: str = "123"):
    """Draft, publish and draw (a lottery result); the plan id, its draw record and its tasks."""
    app = platform.supervision
    plan_id = app.draft_plan(replace(terms, randomness=lottery(on)), on, "sup", DEPTS, CAP)
    record = lottery_draw(app, plan_id, on, public_random)
    platform.settle()
    return plan_id, record, _tasks(platform, plan_id, record["draw_no"])


def _tasks(platform, plan_id, draw_no):
    with platform.engine.connect() as conn:
        _, items = task_views.plan_tasks(conn, plan_id.hex, limit=1000)
    return [t for t in items if t["draw_no"] == draw_no]


class ScopeScenario:
    backend = "sqlite"

    def test_a_catering_item_draws_only_catering_entities_of_its_types(self, platform):
        _setup(platform)
        _, record, tasks = _draw(platform, _plan(["T-006"]))
        expected = _in(ENTITIES, types=("enterprise", "individual"), sections="H")
        assert record["pool_size"] == len(expected) == 14
        assert {t["uscc"] for t in tasks} == expected     # every class at 100 %: all of them
        assert {BY_USCC[t["uscc"]].industry_code[0] for t in tasks} == {"H"}
        assert all(t["check_items"] == ["T-006"] for t in tasks)

    def test_an_enterprise_only_item_draws_only_enterprises(self, platform):
        _setup(platform)
        _, record, tasks = _draw(platform, _plan(["T-001"], AT_CAP))
        assert record["pool_size"] == len(_in(ENTITIES, types=("enterprise",))) == 20
        assert len(tasks) == 4 and {BY_USCC[t["uscc"]].entity_type for t in tasks} == {
            "enterprise"}

    def test_a_joint_item_list_draws_the_union_and_each_task_carries_its_own_items(self, platform):
        _setup(platform)
        _, record, tasks = _draw(platform, _plan(["T-006", "T-001"], AT_CAP))
        union = _in(ENTITIES, types=("enterprise", "individual"), sections="H") | _in(
            ENTITIES, types=("enterprise",))
        assert record["pool_size"] == len(union) and tasks
        for t in tasks:
            e = BY_USCC[t["uscc"]]
            assert t["uscc"] in union
            assert t["check_items"] == [code for code, covers in (
                ("T-006", e.industry_code[0] == "H" and e.entity_type != "cooperative"),
                ("T-001", e.entity_type == "enterprise")) if covers]

    def test_items_off_the_list_of_another_department_or_over_the_limit_are_refused(
            self, platform):
        _setup(platform)
        app = platform.supervision
        refusals = [(_plan(["T-006", "ZZ-999"]), "check_items", "ZZ-999"),
                    (_plan(["T-101"]), "check_items", "health"),
                    (_plan(["T-001"]), "ratios", f"{CAP:.0%}")]
        for terms, field, named in refusals:
            with pytest.raises(InvalidInput) as e:
                app.draft_plan(terms, TODAY, "sup", DEPTS, CAP)
            assert e.value.field == field and named in e.value.message
        # the health item in a joint plan with health is lawful
        app.draft_plan(_plan(["T-101"], departments=("health",)), TODAY, "sup", DEPTS, CAP)
        app.withdraw_check_item("T-006", "并入其他事项 merged into another item")
        platform.settle()
        with pytest.raises(InvalidInput, match="withdrawn"):
            app.draft_plan(_plan(["T-006"]), TODAY, "sup", DEPTS, CAP)

    def test_a_general_items_yearly_frequency_is_used_up(self, platform):
        _setup(platform)
        app = platform.supervision
        enterprises = _in(ENTITIES, types=("enterprise",))
        first_id, _, first = _draw(platform, _plan(["T-001"], AT_CAP))
        drawn = {t["uscc"] for t in first}
        # once a year: a second plan's pool leaves out the four drawn for T-001 already
        _, record, second = _draw(platform, _plan(["T-001"], AT_CAP), public_random="619")
        assert record["pool_size"] == len(enterprises) - 4
        assert not drawn & {t["uscc"] for t in second}
        # a redraw replaces the plan's own draw: only the other plan's draw counts
        redraw = app.redraw(first_id, "两名检查人员调离 two inspectors left", after_lottery(TODAY),
                            "sup", lottery(TODAY + timedelta(days=1), "2026002期"))
        assert redraw["pool_size"] == len(enterprises) - len(second)
        platform.settle()
        # the frequency counts the calendar year of the draw: next year every enterprise again
        next_year = date(2027, 1, 11)
        _, record, _ = _draw(platform, PlanTerms(**{**vars(_plan(["T-001"], AT_CAP)),
                                                   "due_on": date(2027, 6, 30)}), on=next_year)
        assert record["pool_size"] == len(enterprises)

    def test_the_coverage_report_counts_each_departments_scope_against_the_floor(
            self, platform):
        _setup(platform)
        _, _, catering = _draw(platform, _plan(["T-006"]))
        _, _, disclosure = _draw(platform, _plan(["T-001"], AT_CAP), public_random="009")
        floor = DEFAULT_RULES.draw.national_floor_ratio
        with platform.engine.connect() as conn:
            rows = {r["department"]: r for r in plan_views.coverage(
                conn, 2026, sorted(DEPTS), floor)}
            zhoushan = {r["department"]: r for r in plan_views.coverage(
                conn, 2026, ["market_regulation"], floor, "3309")}
            last_year = plan_views.coverage(conn, 2025, ["market_regulation"], floor)[0]
        scope = (_in(ENTITIES, "33", ("enterprise", "individual"), "H")
                 | _in(ENTITIES, "33", ("enterprise",)))
        drawn = {t["uscc"] for t in catering + disclosure}
        market = rows["market_regulation"]
        assert (market["entities"], market["drawn"]) == (len(scope), len(drawn))
        assert market["ratio"] == len(drawn) / len(scope) and not market["below_floor"]
        assert zhoushan["market_regulation"]["entities"] == len(_in(ENTITIES, "3309",
                                                                    ("enterprise", "individual"),
                                                                    "H")
                                                                | _in(ENTITIES, "3309",
                                                                      ("enterprise",)))
        # health has H enterprises in scope and drew none: below the floor; emergency
        # management has no item on the list: no scope, no ratio
        health = rows["health"]
        assert health["entities"] == len(_in(ENTITIES, "33", ("enterprise",), "H"))
        assert (health["drawn"], health["ratio"], health["below_floor"]) == (0, 0.0, True)
        assert rows["emergency_management"] == {
            "department": "emergency_management", "entities": 0, "drawn": 0, "ratio": None,
            "floor": floor, "below_floor": False}
        assert last_year["drawn"] == 0 and last_year["below_floor"]

    def test_result_9_deregisters_the_entity_and_it_leaves_the_next_pool(self, platform):
        _setup(platform)
        app = platform.supervision
        _, record, tasks = _draw(platform, _plan(["T-006"]))
        task = tasks[0]
        team = [m["inspector_no"] for m in task["team"]]
        task_id = UUID(task["task_id"])
        for member in team:
            app.acknowledge_task(task_id, member, TODAY)
        app.start_task(task_id, team[0], date(2026, 3, 10))
        app.record_result(task_id, team[0], "9", "", date(2026, 3, 10), team,
                          date(2026, 3, 10), platform.rules)
        assert platform.settle_all()   # the reaction records the status; the pool follows
        assert app.get_entity(task["uscc"]).status == "deregistered"
        with platform.engine.connect() as conn:
            status, since, pooled = conn.execute(
                sa.select(entities.c.status, entities.c.status_since, entity_pool.c.status_code)
                .join(entity_pool, entity_pool.c.entity_no == entities.c.entity_no)
                .where(entities.c.uscc == task["uscc"])).one()
        assert (status, since, pooled) == ("deregistered", date(2026, 3, 10), 1)
        _, again, later = _draw(platform, _plan(["T-006"]), public_random="701")
        assert again["pool_size"] == record["pool_size"] - 1
        assert task["uscc"] not in {t["uscc"] for t in later}
        # replaying the reaction (at-least-once delivery, a rebuild) records nothing more
        recorded = app.recorder.max_notification_id()
        platform.runners["supervision_reactions"].rebuild()
        platform.catch_up()
        assert app.recorder.max_notification_id() == recorded


class TestScopeOnSQLite(ScopeScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestScopeOnPostgres(ScopeScenario):
    backend = "postgres"

"""Dashboard queries on SQLite and PostgreSQL: the pre-aggregated counts equal a direct count
(after status and detail changes, and after rebuilding only their projection), every overview
section works on empty tables, and coverage, results, publicity, commitments, lists, workload,
server-side pages and the entity file "as of" a day read what the application recorded."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from uuid import UUID

import pytest
import sqlalchemy as sa

from credit.rating.tables import red_list
from dashboard import credit_queries, entity_file, grids, queries
from dashboard.filters import Filters
from supervision.directory.tables import entities
from supervision.plans.plan import PlanScope, PlanTerms
from supervision.tasks.tables import task_inspectors, tasks
from tests.factories import (
    check_item,
    commitment,
    decision,
    entity,
    inspector,
    known_codes,
    listing_notice,
    lottery,
    lottery_draw,
)
from tests.integration.credit_helpers import commend

DRAWN_ON = date(2025, 9, 22)
TODAY = date(2025, 11, 20)
DEPTS = {"market_regulation", "ecology_environment", "emergency_management", "health"}
YEAR = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))


def _entity(i: int):
    return entity(i, "individual" if i % 5 == 0 else "enterprise",
                  region="330702" if i % 2 else "330703",
                  industry_code="H6210" if i % 3 == 0 else "F5211")


def _direct_counts(conn) -> Counter:
    e = entities.c
    section = sa.func.substr(e.industry_code, sa.literal_column("1"), sa.literal_column("1"))
    return Counter({(r.region_code, r.section, r.entity_type, r.status): r.n for r in conn.execute(
        sa.select(e.region_code, section.label("section"), e.entity_type, e.status,
                  sa.func.count().label("n"))
        .group_by(e.region_code, section, e.entity_type, e.status))})


def _counted(conn) -> Counter:
    from dashboard.tables import entity_counts as c
    from kernel.labels import SECTION_LETTERS
    from supervision.directory.entities import ENTITY_TYPES, STATUSES

    return Counter({(f"{r.region_int:06d}", SECTION_LETTERS[r.industry_section],
                     ENTITY_TYPES[r.type_code], STATUSES[r.status_code]): r.entities
                    for r in conn.execute(sa.select(c)) if r.entities})


class DashboardScenario:
    backend = "sqlite"

    def test_empty_store_every_section_explains_itself(self, platform):
        with platform.engine.connect() as conn:
            data = queries.overview(conn, YEAR, TODAY)
            assert grids.plans_page(conn, None) == (0, [])
            assert grids.workload_page(conn, YEAR, None) == (0, [])
        assert data["entities"]["total"] == 0 and data["coverage"]["ratio"] is None
        assert data["results"] == {"total": 0, "problems": 0, "rate": None, "by_code": {},
                                   "by_section": []}
        assert data["risk_classes"] is None
        assert {k: v["listed"] for k, v in data["lists"].items()} == {"abnormal": 0, "serious": 0,
                                                                     "red": 0}
        assert data["publication"]["results"] == {"on_time": 0, "late": 0, "overdue": 0,
                                                  "pending": 0}

    def test_counts_follow_registrations_status_and_detail_changes(self, platform):
        app = platform.supervision
        app.register_entities([_entity(i) for i in range(30)])
        app.change_entity_status(_entity(1).uscc, "deregistered", date(2025, 6, 1), "注销")
        app.change_entity_details(_entity(3).uscc, {"region_code": "330723",
                                                    "industry_code": "C1311"})
        app.change_entity_status(_entity(5).uscc, "revoked", date(2025, 7, 1), "吊销")
        app.change_entity_status(_entity(5).uscc, "active", date(2025, 8, 1), "撤销吊销")
        platform.settle("supervision", "dashboard")
        with platform.engine.connect() as conn:
            assert _counted(conn) == _direct_counts(conn)
            b = queries.entity_breakdown(conn, Filters())
            county = queries.entity_breakdown(conn, Filters(region_prefix="330702", industry="F"))
        assert b["total"] == 30 and b["active"] == 29 and b["by_status"]["deregistered"] == 1
        assert b["by_region"] == {"330700": 29} and b["by_section"]["C"] == 1
        # 330702 holds the odd numbers; 3 moved away, 1 deregistered, multiples of 3 are in H
        assert county["active"] == len([i for i in range(1, 30, 2) if i % 3 and i != 1])
        assert county["by_region"] == {"330702": county["active"]}
        # the projection is self-contained: rebuilt alone, it gives the same counts
        platform.runners["dashboard"].rebuild(["entity_counts"])
        with platform.engine.connect() as conn:
            assert _counted(conn) == _direct_counts(conn)
            file = entity_file.entity_file(conn, _entity(5).uscc, date(2025, 7, 15),
                                           platform.rules)
            later = entity_file.entity_file(conn, _entity(5).uscc, TODAY, platform.rules)
        assert file["status_on"] == "revoked" and later["status_on"] == "active"
        assert [e["kind"] for e in file["timeline"]][:1] == ["状态变更 Status changed"]
        assert len(later["timeline"]) == len(file["timeline"]) + 1

    def _drawn_world(self, platform) -> UUID:
        app = platform.supervision
        app.register_entities([_entity(i) for i in range(40)])
        app.register_inspectors([inspector(i, region="330702" if i % 2 else "330703")
                                 for i in range(8)], DRAWN_ON)
        # the item's object scope covers every entity here: retail (F) and catering (H)
        app.add_check_item(check_item(1, object_scope_industries=("F", "H")), known_codes())
        platform.settle("supervision", "dashboard")
        plan_id = app.draft_plan(PlanTerms(
            name="2025年度双随机抽查", lead_department="market_regulation", departments=(),
            check_items=("T-001",), scope=PlanScope("3307"),
            ratios={"A": 0.03, "B": 0.5, "C": 0.2, "D": 1.0}, due_on=date(2025, 12, 31),
            randomness=lottery(DRAWN_ON)), DRAWN_ON, "sup", DEPTS)
        lottery_draw(app, plan_id, DRAWN_ON)
        platform.settle("supervision", "dashboard")
        return plan_id

    def test_coverage_results_workload_and_pages_read_what_was_recorded(self, platform):
        plan_id = self._drawn_world(platform)
        with platform.engine.connect() as conn:
            team = conn.execute(sa.select(task_inspectors.c.task_id,
                                          task_inspectors.c.inspector_no)).all()
            data = queries.overview(conn, YEAR, TODAY)
        drawn = len({t for t, _ in team})
        cov = data["coverage"]
        assert cov["drawn"] == drawn == 20 and cov["ratio"] == drawn / 40
        assert cov["plans"][0]["population"] == 40 and cov["plans"][0]["ratio"] == 0.5
        assert {r["group"]: r["drawn"] for r in cov["by_department"]} == {"market_regulation": 20}
        assert sum(r["drawn"] for r in cov["by_section"]) == 20
        assert sum(p["tasks"] for p in data["workload"]) == len(team)
        assert data["results"]["rate"] is None
        # one result recorded (false information publicised): a problem found
        task_id, members = team[0][0], [no for t, no in team if t == team[0][0]]
        app = platform.supervision
        for no in members:
            app.acknowledge_task(UUID(task_id), no, DRAWN_ON)
        app.start_task(UUID(task_id), members[0], DRAWN_ON)
        app.record_result(UUID(task_id), members[0], "C", "年报资产数据不实", DRAWN_ON + timedelta(1),
                          members, DRAWN_ON + timedelta(1), platform.rules)
        platform.settle("supervision", "dashboard")
        with platform.engine.connect() as conn:
            res = queries.inspection_results(conn, YEAR)
            pub = credit_queries.publication(conn, YEAR, TODAY)
            other = queries.inspection_results(conn, Filters(department="health"))
            total, page = grids.my_tasks_page(conn, members[0], {"startRow": 0, "endRow": 3})
            mine = conn.execute(sa.select(sa.func.count()).select_from(task_inspectors).where(
                task_inspectors.c.inspector_no == members[0])).scalar_one()
            busiest = grids.workload_page(conn, YEAR, {"startRow": 0, "endRow": 50})[1]
            by_name = grids.workload_page(conn, YEAR, {"sortModel": [{"colId": "name",
                                                                      "sort": "asc"}]})[1]
            plans_total, plans_rows = grids.plans_page(conn, {"sortModel": [{"colId": "status",
                                                                             "sort": "desc"}]})
            tasks_total, _ = grids.plan_tasks_page(conn, plan_id.hex, None)
        assert res["by_code"] == {"C": 1} and res["rate"] == 1.0 and other["total"] == 0
        assert pub["results"] == {"on_time": 0, "late": 0, "overdue": 1, "pending": 0}
        assert total == mine and len(page) == min(3, mine)
        assert all(members[0] in r["team_nos"] for r in page)
        assert [r["tasks"] for r in busiest] == sorted((r["tasks"] for r in busiest), reverse=True)
        assert [r["name"] for r in by_name] == sorted(r["name"] for r in by_name)
        assert plans_total == 1 and plans_rows[0]["status"] == "drawn" and tasks_total == 20
        with platform.engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(tasks)).scalar_one() == 20

    def test_workspace_actions_call_the_task_use_cases(self, platform):
        from dashboard import actions
        from kernel.errors import Forbidden
        from kernel.http.auth import User
        from kernel.http.read_your_writes import command_scope
        from supervision.tasks import views as task_views

        self._drawn_world(platform)
        with platform.engine.connect() as conn:
            task_id, no = conn.execute(sa.select(task_inspectors.c.task_id,
                                                 task_inspectors.c.inspector_no).limit(1)).one()
        user = User(1, "insp", "inspector", "检查员", "market_regulation", no)
        with command_scope():   # as the dashboard's callbacks run them (session.guarded)
            actions.acknowledge_task(platform, user, task_id)
            replaced = actions.recuse(platform, user, task_id, "亲属关系 a relative works there")
        with platform.engine.connect() as conn:
            assert not task_views.on_team(conn, task_id, no)
            team = task_views.task_record(conn, task_id)["team"]
        assert len(team) == (2 if replaced else 1)
        with pytest.raises(Forbidden, match="not linked"):
            actions.start_task(platform, User(2, "x", "inspector", "x", None, None), task_id)

    def test_credit_sections_count_commitments_penalties_and_listings(self, platform):
        app = platform.supervision
        app.register_entities([_entity(i) for i in range(10)])
        platform.settle("supervision", "dashboard")
        credit = platform.credit
        credit.accept_commitment(commitment(7, committed_on=date(2025, 3, 3)), date(2025, 3, 3))
        credit.accept_commitment(commitment(9, committed_on=TODAY), TODAY)
        case = credit.open_penalty(_entity(3).uscc, "market_regulation", date(2025, 9, 1),
                                   date(2025, 9, 1))
        credit.decide_penalty(case, decision(1), date(2025, 9, 26))
        credit.give_listing_notice(_entity(4).uscc, listing_notice(1, ground="abnormal_three_years"),
                                   date(2025, 1, 6))
        platform.catch_up()
        with platform.engine.connect() as conn:
            comm = credit_queries.commitment_status(conn, YEAR, TODAY)
            pub = credit_queries.publication(conn, YEAR, TODAY)
            lists = credit_queries.list_status(conn, YEAR, TODAY)
            elsewhere = credit_queries.commitment_status(conn, Filters(region_prefix="3301"), TODAY)
            file = entity_file.entity_file(conn, _entity(3).uscc, TODAY, platform.rules)
            unflagged = credit_queries.overdue_penalty_publications(conn, YEAR, TODAY)
            before_due = credit_queries.overdue_penalty_publications(conn, YEAR,
                                                                     date(2025, 10, 13))
        assert before_due == {"count": 0, "oldest": []}
        assert unflagged["count"] == 1 and unflagged["oldest"][0]["publication_overdue_on"] is None
        # the daily job flags it (双公示, 7 working days); the panel shows deadline and days overdue
        from credit.jobs import flag_overdue_penalty_publications

        assert flag_overdue_penalty_publications(platform, TODAY) == 1
        assert flag_overdue_penalty_publications(platform, TODAY) == 0
        platform.catch_up()
        with platform.engine.connect() as conn:
            overdue = credit_queries.overdue_penalty_publications(conn, YEAR, TODAY)
            data = queries.overview(conn, YEAR, TODAY)
        row = overdue["oldest"][0]
        assert overdue["count"] == 1 and data["penalties_overdue"] == overdue
        assert (row["uscc"], row["decision_no"], row["publication_due_on"], row["days_overdue"],
                row["publication_overdue_on"], row["publication_due_basis"]) == \
            (_entity(3).uscc, "婺市监处罚〔2025〕1号", date(2025, 10, 13), 38, TODAY,
             "NDRC 双公示: 7 working days")
        assert comm["counts"] == {"awaiting": 1, "overdue": 1, "fulfilled": 0, "false": 0}
        assert comm["urgent"][0]["verify_by"] < TODAY
        assert sum(elsewhere["counts"].values()) == 0
        assert pub["penalties"]["overdue"] == 1            # decided 2025-09-26, due 2025-10-13
        assert lists["serious"]["noticed"] == 1 and lists["serious"]["listed"] == 0
        assert lists["abnormal"]["listed"] == 0 and lists["red"]["members"] == []
        assert "行政处罚 Penalty" in [e["kind"] for e in file["timeline"]]
        assert file["lists_on"] == {"abnormal": False, "serious": False, "red": False}

    def test_risk_classes_and_red_list_read_what_the_credit_jobs_wrote(self, platform):
        from credit.jobs import reclassify, refresh_red_list

        platform.supervision.register_entities([_entity(i) for i in range(12)])
        platform.settle("supervision", "dashboard")
        for i in range(0, 12, 3):   # 诚信典型: the red list's positive record
            commend(platform, _entity(i).uscc, date(2025, 1, 6))
        with platform.engine.connect() as conn:
            assert credit_queries.risk_class_counts(conn, YEAR) is None
        per_class = reclassify(platform, TODAY)
        refresh_red_list(platform, TODAY)
        # the counts are projections of what the jobs recorded
        platform.catch_up()
        with platform.engine.connect() as conn:
            classes = credit_queries.risk_class_counts(conn, YEAR)
            county = credit_queries.risk_class_counts(conn, Filters(region_prefix="330702"))
            lists = credit_queries.list_status(conn, YEAR, TODAY)
            red_county = credit_queries.list_status(conn, Filters(region_prefix="330702"), TODAY)
            members = conn.execute(sa.select(red_list.c.uscc, entities.c.region_code)
                                   .join(entities, entities.c.uscc == red_list.c.uscc)
                                   .where(red_list.c.until.is_(None))).all()
        assert list(classes["counts"].values()) == per_class.tolist()
        assert classes["classified_on"] == TODAY and sum(county["counts"].values()) == 6
        assert classes["history"] == [{"day": TODAY, **classes["counts"]}]
        assert members and lists["red"]["listed"] == len(members)
        assert red_county["red"]["listed"] == len([m for m in members if m.region_code == "330702"])
        # a month later: a new classification and a changed red list are counted again, the
        # earlier classification stays as the trend's first point
        later = date(2025, 12, 1)
        platform.supervision.change_entity_status(_entity(2).uscc, "deregistered", later, "注销")
        platform.settle("supervision", "dashboard")
        reclassify(platform, later)
        refresh_red_list(platform, later)
        platform.catch_up()
        with platform.engine.connect() as conn:
            classes = credit_queries.risk_class_counts(conn, YEAR)
            red = credit_queries.list_status(conn, YEAR, later)["red"]
            members = conn.execute(sa.select(sa.func.count()).select_from(red_list)
                                   .where(red_list.c.until.is_(None))).scalar_one()
        assert [h["day"] for h in classes["history"]] == [TODAY, later]
        assert red["listed"] == members and red["counted_on"] == later


class TestDashboardQueriesOnSQLite(DashboardScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestDashboardQueriesOnPostgres(DashboardScenario):
    backend = "postgres"

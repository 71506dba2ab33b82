"""Every dashboard grid filters, sorts and pages on the server, and its CSV and .xlsx exports hold
exactly the rows the grid's filter and sort select, as shown (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from credit.objections.aggregate import RecordRef
from dashboard import grids
from dashboard.pages.directories import CHECK_ITEMS, ENTITIES
from dashboard.pages.objections import GRID as OBJECTIONS_GRID
from dashboard.pages.plans import PLANS_GRID
from dashboard.pages.repairs import DECIDED_GRID, PENDING_GRID
from kernel.clock import today_in_china
from kernel.http import auth
from supervision.plans.schemas import PlanCreate
from tests.factories import (
    check_item,
    decision,
    entity,
    inspector,
    known_codes,
    licence,
)

NAMES = ("甲计划 Alpha", "乙计划 Beta", "丙计划 Gamma", "丁计划 Delta 100%_x")


def _plans(p) -> auth.User:
    today = today_in_china()
    p.supervision.register_entities([entity(i, region="330702") for i in range(5)])
    p.supervision.register_inspectors([inspector(i, region="330702") for i in range(4)], today)
    p.supervision.add_check_item(check_item(1), known_codes())
    p.settle()
    for n, name in enumerate(NAMES):
        body = PlanCreate(name=name, lead_department="market_regulation", check_items=["T-001"],
                          scope={"region_prefix": "3307"},
                          ratios={"A": 0.03, "B": 0.5, "C": 0.2, "D": 1.0},
                          due_on=today + timedelta(days=30 + n),
                          randomness={"source": "lottery", "lottery": "福彩3D",
                                      "issue": f"202638{n}期", "draw_date": today})
        p.supervision.draft_plan(body.to_terms(p.rules.draw), today, "sup",
                                 set(p.rules.directory.department_codes))
    p.settle()
    return auth.User(id=1, username="sup", role="supervisor", display_name="Sup",
                     department="market_regulation", inspector_no=None)


class GridScenario:
    def test_filter_sort_and_page_on_the_server(self, platform):
        user = _plans(platform)
        total, rows = PLANS_GRID.fetch(platform, user, {"startRow": 0, "endRow": 2,
                                                        "sortModel": [{"colId": "due_on",
                                                                       "sort": "desc"}]})
        assert total == 4 and [r["name"] for r in rows] == [NAMES[3], NAMES[2]]
        request = {"startRow": 0, "endRow": 50, "filterModel": {
            "name": {"filterType": "text", "type": "contains", "filter": "100%_"}}}
        total, rows = PLANS_GRID.fetch(platform, user, request)
        assert total == 1 and rows[0]["name"] == NAMES[3]   # % and _ are literal
        # a status column filters by the label it shows
        by_label = {"filterModel": {"status": {"filterType": "text", "type": "contains",
                                               "filter": "草拟"}}}
        assert PLANS_GRID.fetch(platform, user, by_label)[0] == 4
        none = {"filterModel": {"status": {"filterType": "text", "type": "contains",
                                           "filter": "已抽取"}}}
        assert PLANS_GRID.fetch(platform, user, none)[0] == 0
        first = today_in_china() + timedelta(days=31)
        dates = {"filterModel": {"due_on": {"filterType": "date", "type": "greaterThan",
                                            "dateFrom": f"{first} 00:00:00"}}}
        assert PLANS_GRID.fetch(platform, user, dates)[0] == 2

    def test_exports_hold_the_grid_rows(self, platform):
        user = _plans(platform)
        request = {"startRow": 0, "endRow": 2,   # the screen shows 2; the export holds all
                   "sortModel": [{"colId": "name", "sort": "asc"}],
                   "filterModel": {"name": {"filterType": "text", "type": "notContains",
                                            "filter": "Gamma"}}}
        total, shown = PLANS_GRID.fetch(platform, user, {**request, "endRow": 50})
        headers, rows, cut = grids.export_rows(PLANS_GRID, platform, user, request)
        assert total == 3 and not cut and len(rows) == 3
        assert headers[0] == "计划名称 Plan" and headers[1] == "状态 Status"
        names = [r[0] for r in rows]
        assert names == [r["name"] for r in shown] and NAMES[2] not in names
        assert rows[0][1] == "草拟 Drafted"   # as shown, not the stored code
        text = grids.to_csv(headers, rows).decode("utf-8")
        assert text.startswith("\ufeff")      # a BOM: Excel reads the Chinese right
        parsed = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        assert parsed[0] == headers and [r[0] for r in parsed[1:]] == names
        book = load_workbook(io.BytesIO(grids.to_xlsx(headers, rows, PLANS_GRID.title)))
        sheet = book.worksheets[0]
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert values[0] == headers and [r[0] for r in values[1:]] == names
        assert [r[5] for r in values[1:]] == [r[5] for r in rows]   # dates as shown

    def test_a_directory_export_holds_the_filtered_rows(self, platform):
        user = _plans(platform)   # entities 0-4, inspectors, check item T-001
        platform.supervision.register_entities(
            [entity(i, region="330702", registered_on=date(2021, 5, i - 9)) for i in
             range(10, 14)])
        platform.settle()
        grid = ENTITIES.grid
        request = {"startRow": 0, "endRow": 2,
                   "sortModel": [{"colId": "name", "sort": "desc"}],
                   "filterModel": {"name": {"filterType": "text", "type": "contains",
                                            "filter": "测试1"}}}
        total, shown = grid.fetch(platform, user, {**request, "endRow": 50})
        assert total == 5 and len(shown) == 5   # 测试1, 测试10 … 测试13
        headers, rows, cut = grids.export_rows(grid, platform, user, request)
        assert not cut and headers[0] == "统一社会信用代码 uscc"
        assert [r[1] for r in rows] == [r["name"] for r in shown] == sorted(
            (r["name"] for r in shown), reverse=True)
        assert all("测试1" in r[1] for r in rows)
        # a date column filters as a date; the export follows
        later = {**request, "filterModel": {**request["filterModel"], "registered_on": {
            "filterType": "date", "type": "greaterThan", "dateFrom": "2021-05-02 00:00:00"}}}
        headers, rows, _ = grids.export_rows(grid, platform, user, later)
        assert [r[1] for r in rows] == ["测试13号商贸有限公司", "测试12号商贸有限公司"]
        parsed = list(csv.reader(io.StringIO(grids.to_csv(headers, rows).decode("utf-8-sig"))))
        assert parsed[0] == headers and [r[1] for r in parsed[1:]] == [r[1] for r in rows]
        # check items: a number column filters as a number
        ratio = {"filterModel": {"default_ratio": {"filterType": "number", "type": "lessThan",
                                                   "filter": 0.0001}}}
        assert CHECK_ITEMS.grid.fetch(platform, user, ratio)[0] == 0
        assert CHECK_ITEMS.grid.fetch(platform, user, {})[1][0]["code"] == "T-001"


    def test_the_repair_grids_export_exactly_their_filtered_rows(self, platform):
        user, today = _plans(platform), today_in_china()
        platform.supervision.register_entities([entity(i) for i in range(10, 14)])
        platform.settle("supervision")
        credit, ago = platform.credit, (lambda n: today - timedelta(days=n))
        ids = []
        for i in range(10, 14):
            case = credit.open_penalty(entity(i).uscc, "market_regulation", ago(200), today)
            credit.decide_penalty(case, decision(1000 + i, decided_on=ago(190)), today)
            credit.publish_penalty(case, ago(185), today)
            for kind in ("fine_paid", "obligations_fulfilled"):
                credit.record_penalty_fulfilment(case, kind, ago(180), today)
            ids.append(credit.apply_for_repair("penalty", case.hex, ago(2), f"承诺 pledge {i}",
                                               [f"凭证 {i}"], today))
        credit.decide_repair(ids[0], True, today, "sup", "", today)
        credit.decide_repair(ids[1], False, today, "sup", "材料不全 incomplete", today)
        platform.catch_up()
        total, pending = PENDING_GRID.fetch(platform, user, {"startRow": 0, "endRow": 50})
        assert total == 2 and {r["uscc"] for r in pending} == {entity(12).uscc, entity(13).uscc}
        assert pending[0]["record_kind"] == "行政处罚 Penalty" and "凭证" in pending[0]["evidence"]
        request = {"sortModel": [{"colId": "uscc", "sort": "desc"}], "filterModel": {
            "pledge": {"filterType": "text", "type": "contains", "filter": "pledge 13"}}}
        headers, rows, cut = grids.export_rows(PENDING_GRID, platform, user, request)
        assert headers[0] == "统一社会信用代码 USCC" and not cut
        assert [r[0] for r in rows] == [entity(13).uscc]
        # the decided grid filters its status by the label it shows
        by_label = {"filterModel": {"status": {"filterType": "text", "type": "contains",
                                               "filter": "不予"}}}
        headers, rows, _ = grids.export_rows(DECIDED_GRID, platform, user, by_label)
        status = headers.index("决定 Decision")
        assert [(r[0], r[status]) for r in rows] == [(entity(11).uscc, "不予修复 Rejected")]
        assert len(grids.export_rows(DECIDED_GRID, platform, user, {})[1]) == 2
        parsed = list(csv.reader(io.StringIO(grids.to_csv(headers, rows).decode("utf-8-sig"))))
        assert parsed[1][0] == entity(11).uscc and "材料不全 incomplete" in parsed[1]

    def test_the_objection_queue_exports_exactly_its_filtered_rows_masked(self, platform):
        user, today = _plans(platform), today_in_china()
        platform.supervision.register_entities([entity(20)])
        platform.settle("supervision")
        found = platform.credit.grant_licence(licence(20, decided_on=today - timedelta(days=40),
                                                      valid_from=today - timedelta(days=40)),
                                              today)
        platform.credit.publish_licence(found, today - timedelta(days=35), today)
        platform.catch_up()
        ref = RecordRef("licence", entity(20).uscc, licence(20).decision_no)
        for n, (reason, contact) in enumerate((("有效期有误", "13800001111"),
                                               ("许可内容有误", "qian@example.cn"),
                                               ("地址有误", "13900002222"))):
            platform.credit.file_objection(ref, reason, "赵六六", contact,
                                           today - timedelta(days=30 - 14 * n))
        platform.catch_up()
        total, rows = OBJECTIONS_GRID.fetch(platform, user, {"startRow": 0, "endRow": 50})
        assert total == 3 and rows[0]["state"] == "逾期 Overdue"   # overdue first
        request = {"filterModel": {"reason": {"filterType": "text", "type": "notContains",
                                              "filter": "许可"}},
                   "sortModel": [{"colId": "filed_on", "sort": "desc"}]}
        headers, rows, cut = grids.export_rows(OBJECTIONS_GRID, platform, user, request)
        reason, contact = headers.index("理由 Reason"), headers.index("联系人 Contact")
        assert not cut and [r[reason] for r in rows] == ["地址有误", "有效期有误"]
        assert [r[contact] for r in rows] == ["赵** 139****22", "赵** 138****11"]
        book = load_workbook(io.BytesIO(grids.to_xlsx(headers, rows, OBJECTIONS_GRID.title)))
        values = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        assert values[0] == headers and [v[reason] for v in values[1:]] == ["地址有误", "有效期有误"]
        assert "13800001111" not in str(values)


    def test_small_summaries_export_the_rows_they_show(self, platform):
        import base64
        from datetime import datetime, timezone

        from dashboard import exports
        from dashboard.pages.plans import _coverage

        _plans(platform)
        shown = _coverage(platform)
        data = _store(shown, "plan-coverage")
        body = shown.children[1].children[1].children   # the table's rows, as rendered
        assert len(data["rows"]) == len(body) > 0 and data["headers"][0] == "部门 Department"
        assert [r[0] for r in data["rows"]] == [tr.children[0].children for tr in body]
        now = datetime(2026, 7, 1, 2, 0, tzinfo=timezone.utc)
        sent = exports.file("csv", "plan-coverage", data, now)
        assert sent["filename"] == "plan-coverage-20260701-1000.csv"
        text = base64.b64decode(sent["content"]).decode("utf-8-sig")
        assert list(csv.reader(io.StringIO(text))) == [
            data["headers"], *[["" if v is None else str(v) for v in r] for r in data["rows"]]]
        sent = exports.file("xlsx", "plan-coverage", data, now)
        book = load_workbook(io.BytesIO(base64.b64decode(sent["content"])))
        values = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        assert values == [data["headers"], *data["rows"]]

    def test_the_risk_plans_grid_pages_in_memory_and_exports_its_filtered_rows(
            self, platform, monkeypatch):
        from credit.risk.stats import GroupOutcome
        from dashboard.pages import risk

        user = _plans(platform)

        def group(name: str, inspected: int, found: int) -> GroupOutcome:
            rate = found / inspected
            return GroupOutcome(name, inspected, found, rate, rate / 2, min(1.0, rate * 2),
                                None, None, None)
        outcomes = [({"plan_id": f"p{n}", "name": f"计划 {n}", "drawn_on": f"2026-0{n}-01",
                      "inspected": 10, "drawn": 12},
                     [group("A", 4, n - 1), group("D", 6, n), group("control", 2, 1)])
                    for n in (1, 2, 3)]
        monkeypatch.setattr(risk, "plan_outcomes", lambda conn: outcomes)
        total, rows = risk.PLANS_GRID.fetch(platform, user, {"startRow": 0, "endRow": 4})
        assert total == 9 and len(rows) == 4 and rows[0]["plan"] == "计划 3"   # newest first
        request = {"startRow": 0, "endRow": 2,
                   "filterModel": {"group": {"filterType": "text", "type": "startsWith",
                                             "filter": "d"},
                                   "found": {"filterType": "number", "type": "greaterThan",
                                             "filter": 1}},
                   "sortModel": [{"colId": "rate_pct", "sort": "asc"}]}
        headers, exported, cut = grids.export_rows(risk.PLANS_GRID, platform, user, request)
        plan, found = headers.index("计划 Plan"), headers.index("发现问题 Found")
        assert not cut and [(r[plan], r[found]) for r in exported] == [("计划 2", 2), ("计划 3", 3)]
        dates = {"filterModel": {"drawn_on": {"filterType": "date", "type": "lessThan",
                                              "dateFrom": "2026-02-01 00:00:00"}}}
        assert [r[plan] for r in grids.export_rows(risk.PLANS_GRID, platform, user, dates)[1]] \
            == ["计划 1"] * 3


def _store(component, key: str) -> dict:
    """The data of the export store `key` inside a rendered component tree."""
    found = getattr(component, "id", None)
    if isinstance(found, dict) and found == {"type": "table-data", "key": key}:
        return component.data
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if hasattr(child, "to_plotly_json"):
            data = _store(child, key)
            if data is not None:
                return data
    return None


class TestGridsOnSQLite(GridScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestGridsOnPostgres(GridScenario):
    backend = "postgres"

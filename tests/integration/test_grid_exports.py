"""Every dashboard grid filters, sorts and pages on the server, and its CSV and .xlsx exports hold
exactly the rows the grid's filter and sort select, as shown (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from dashboard import grids
from dashboard.pages.directories import CHECK_ITEMS, ENTITIES
from dashboard.pages.plans import PLANS_GRID
from kernel.clock import today_in_china
from kernel.http import auth
from supervision.plans.schemas import PlanCreate
from tests.factories import check_item, entity, inspector, known_codes

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


class TestGridsOnSQLite(GridScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestGridsOnPostgres(GridScenario):
    backend = "postgres"

"""总览 The supervisor's overview: directory, coverage, results, publicity, credit, workload."""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import Input, Output, dcc, html

from dashboard import exports, figures, grids, queries
from dashboard import supervisor_queries as sq
from dashboard.filters import Filters
from dashboard.session import SUPERVISORS, guarded
from dashboard.widgets import card, chart, empty, percent, stat
from kernel.clock import today_in_china
from kernel.labels import (
    INDUSTRY_SECTIONS,
    LISTS,
    department_labels,
    options,
    region_label,
    region_options,
    result_labels,
)
from kernel.platform import Platform

WORKLOAD_COLUMNS = [
    {"field": "name", "headerName": "姓名 Name"},
    {"field": "credential_no", "headerName": "执法证号 Credential"},
    {"field": "department", "headerName": "部门 Department"},
    {"field": "station", "headerName": "所站 Station"},
    {"field": "tasks", "headerName": "任务 Tasks", "type": "numericColumn", "kind": "number"},
    {"field": "open", "headerName": "未完成 Open", "type": "numericColumn", "kind": "number"},
]


def layout(user, platform: Platform) -> html.Div:
    today = today_in_china()
    bar = html.Div([
        dcc.Dropdown(id="f-region", options=region_options(), placeholder="地区 Region (全省 all)",
                     clearable=True, className="filter"),
        dcc.Dropdown(id="f-department", options=options(department_labels(platform.rules)),
                     placeholder="部门 Department (全部 all)", clearable=True, className="filter"),
        dcc.Dropdown(id="f-industry", options=options(INDUSTRY_SECTIONS),
                     placeholder="行业 Industry (全部 all)", clearable=True, className="filter"),
        dcc.DatePickerRange(id="f-dates", start_date=date(today.year, 1, 1).isoformat(),
                            end_date=today.isoformat(), display_format="YYYY-MM-DD",
                            className="filter"),
    ], className="filters", id="overview-filters")
    return html.Div([html.H2("总览 Overview"), bar,
                     dcc.Loading(html.Div(id="overview-body"), type="dot")], id="overview")


def parse_filters(region: str | None, department: str | None, industry: str | None,
                  start: str | None, end: str | None) -> Filters:
    def day(value: str | None) -> date | None:
        return date.fromisoformat(value[:10]) if value else None

    return Filters(region_prefix=region or "", department=department or None,
                           industry=industry or None, date_from=day(start), date_to=day(end))


def body(platform: Platform, f: Filters, today: date) -> list[Any]:
    """The whole overview below the filters: what the callback returns (and the bench times).
    It only reads (the credit counts are projections, dashboard.credit_counts)."""
    with platform.read_engine.connect() as conn:
        data = queries.overview(conn, f, today)
    ents, cov, res = data["entities"], data["coverage"], data["results"]
    lists, comm = data["lists"], data["commitments"]
    floor = platform.rules.draw.national_floor_ratio
    departments = department_labels(platform.rules)
    planned = _planned(cov["plans"])
    cards = html.Div([
        stat("存续主体 Active entities", f"{ents['active']:,}", "stat-active"),
        stat("本期抽查主体 Entities drawn", f"{cov['drawn']:,}", "stat-drawn"),
        stat("抽查覆盖率 Coverage", percent(cov["ratio"]), "stat-coverage"),
        stat("发现问题率 Problem-found rate", percent(res["rate"]), "stat-problem-rate"),
        stat(LISTS["abnormal"], f"{lists['abnormal']['listed']:,}", "stat-abnormal"),
        stat(LISTS["serious"], f"{lists['serious']['listed']:,}", "stat-serious"),
        stat(LISTS["red"], f"{lists['red']['listed']:,}", "stat-red"),
        stat("承诺逾期未核查 Commitments overdue", f"{comm['counts']['overdue']:,}",
             "stat-commitments-overdue"),
        stat("处罚逾期未公示 Penalty publications overdue",
             f"{data['penalties_overdue']['count']:,}", "stat-penalties-overdue"),
    ], className="stats")
    no_draws = "本期尚无抽查任务 No entities drawn in this period: publish and draw a plan."
    no_results = ("本期尚无检查结果 No inspection results recorded in this period yet: rates "
                  "appear once inspectors record results.")
    return [
        cards,
        card("主体名录 Directory", [
            chart("fig-status", figures.entity_status(ents["by_status"]),
                  "名录为空 The directory is empty."),
            chart("fig-types", figures.entity_types(ents["by_type"]), "名录为空 No active entities."),
        ]),
        card("信用名单与分类 Credit lists and risk classes", [
            chart("fig-list-trend", figures.list_trend(lists),
                  "本期三类名单无变动 No list entries or removals in this period "
                  f"(serious-list notices pending decision: {lists['serious']['noticed']})."),
            chart("fig-red-list", figures.red_list(lists["red"]),
                  f"{LISTS['red']}: {lists['red']['listed']:,} 户 entities"
                  + (f" (counted {lists['red']['counted_on']}); 按月趋势 the monthly trend "
                     "appears after the next month start." if lists["red"]["counted_on"]
                     else "; 尚未评定 not evaluated yet — the daily credit job fills it.")),
            chart("fig-risk-classes", figures.risk_classes(data["risk_classes"]),
                  "信用风险分类尚未运行 A–D risk classes: not classified yet — the monthly "
                  "classification has not run (internal only; unclassified entities are drawn "
                  "as class B).", "empty-risk-classes"),
        ]),
        card("抽查覆盖率 Spot-check coverage", [
            chart("fig-coverage-region", figures.coverage(
                cov["by_region"], "按地区 By region", floor, planned, region_label), no_draws),
            chart("fig-coverage-department", figures.coverage(
                cov["by_department"], "按部门 By department", floor, planned,
                lambda d: departments.get(d, d)), no_draws),
            chart("fig-coverage-industry", figures.coverage(
                cov["by_section"], "按行业 By industry", floor, planned, figures.section_name),
                no_draws),
        ]),
        card("检查结果 Inspection results", [
            chart("fig-results", figures.results_by_code(res["by_code"],
                                                         result_labels(platform.rules)),
                  no_results, "empty-results"),
            chart("fig-problem-rate", figures.problem_rate(res["by_section"]), no_results),
        ] if res["total"] else [empty(no_results, "empty-results")]),
        card("公示与承诺 Publicity and commitments", [
            chart("fig-publication", figures.publication(data["publication"]),
                  "本期无应公示的检查结果或处罚 Nothing due for publication in this period."),
            chart("fig-commitments", figures.commitments(comm["counts"]),
                  "本期无告知承诺 No commitments in this period."),
            _urgent(comm["urgent"]),
            _overdue_penalties(data["penalties_overdue"]["count"]),
        ]),
        card("检查人员工作量 Inspector workload", [
            chart("fig-workload", figures.workload(data["workload"]),
                  "无在岗检查人员 No active inspectors in this scope."),
            grids.view(WORKLOAD_GRID),
        ]),
    ]


def _planned(plans: list[dict[str, Any]]) -> float | None:
    population = sum(p["population"] for p in plans)
    return sum(p["drawn"] for p in plans) / population if population else None


def _urgent(rows: list[dict[str, Any]]) -> html.Div:
    if not rows:
        return empty("无待核查承诺 No commitments awaiting verification.")
    heads = ["统一社会信用代码 USCC", "名称 Name", "许可 Permit", "核查期限 Verify by"]
    shown = [[r["uscc"], r["name"] or "", r["permit_type"], r["verify_by"].isoformat()]
             for r in rows]
    return html.Div([html.H4("最紧迫的待核查承诺 Most urgent commitments (全部见告知承诺页 all on "
                             "the commitments page)"),
                     exports.buttons("urgent-commitments", "待核查承诺 Urgent commitments",
                                     heads, shown),
                     html.Table([html.Thead(html.Tr([html.Th(h) for h in heads])),
                                 html.Tbody([html.Tr([html.Td(v) for v in r]) for r in shown])],
                                className="table")],
                    className="panel")


def _overdue_penalties(count: int) -> html.Div:
    if not count:
        return empty("无逾期未公示的处罚决定 No penalty decision is overdue for publication.",
                     "empty-penalties-overdue")
    return html.Div([html.H4("逾期未公示的处罚决定 Penalty decisions overdue for publication (双公示)"),
                     grids.view(OVERDUE_GRID, height=260, page_size=10)],
                    id="penalties-overdue", className="panel")


OVERDUE_COLUMNS = [
    {"field": "uscc", "headerName": "统一社会信用代码 USCC", "minWidth": 170},
    {"field": "entity_name", "headerName": "名称 Name", "minWidth": 150},
    {"field": "decision_no", "headerName": "决定书文号 Decision", "minWidth": 170},
    {"field": "department", "headerName": "部门 Department"},
    {"field": "publication_due_on", "headerName": "公示期限 Publish by", "kind": "date",
     "tooltipField": "publication_due_basis"},
    {"field": "days_overdue", "headerName": "逾期天数 Days overdue", "filter": False,
     "sortable": False},
]


def _overdue_rows(p: Platform, user, request, region, department, industry, start, end):
    f = parse_filters(region, department, industry, start, end)
    names = department_labels(p.rules)
    with p.read_engine.connect() as conn:
        total, rows = sq.overdue_penalty_publications(conn, f, today_in_china(), request, names)
    for r in rows:
        r["department"] = names.get(r["department"], r["department"])
    return total, rows


FILTER_STATES = (("f-region", "value"), ("f-department", "value"), ("f-industry", "value"),
                 ("f-dates", "start_date"), ("f-dates", "end_date"))
OVERDUE_GRID = grids.Grid(
    "penalties-overdue-grid", OVERDUE_COLUMNS, "case_id", _overdue_rows, SUPERVISORS,
    "逾期未公示的处罚决定 Overdue publications", states=FILTER_STATES)


def register(app, get_platform) -> None:
    filters = [Input("f-region", "value"), Input("f-department", "value"),
               Input("f-industry", "value"), Input("f-dates", "start_date"),
               Input("f-dates", "end_date")]

    @app.callback(Output("overview-body", "children"), *filters)
    @guarded(get_platform, SUPERVISORS)
    def render(user, region, department, industry, start, end):
        return body(get_platform(), parse_filters(region, department, industry, start, end),
                    today_in_china())

    grids.serve(app, get_platform, WORKLOAD_GRID)
    grids.serve(app, get_platform, OVERDUE_GRID)


def _workload_rows(p: Platform, user, request, region, department, industry, start, end):
    f = parse_filters(region, department, industry, start, end)
    with p.read_engine.connect() as conn:
        total, rows = grids.workload_page(conn, f, request)
    names = department_labels(p.rules)
    for r in rows:
        r["department"] = names.get(r["department"], r["department"])
    return total, rows


WORKLOAD_GRID = grids.Grid(
    "workload-grid", WORKLOAD_COLUMNS, "inspector_no", _workload_rows, SUPERVISORS,
    "检查人员工作量 Workload", states=(("f-region", "value"), ("f-department", "value"),
                                   ("f-industry", "value"), ("f-dates", "start_date"),
                                   ("f-dates", "end_date")),
    filterable=frozenset(("name", "credential_no", "station", "tasks", "open")))

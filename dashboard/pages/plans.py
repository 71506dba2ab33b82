"""抽查计划 Plans: draft and publish a plan (committing to a future random value), enter the
value, draw, verify, redraw with a reason."""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import Input, Output, State, ctx, dcc, html, no_update
from pydantic import ValidationError

from dashboard import actions, exports, grids, supervisor_actions
from dashboard.pages.plan_detail import awaited_value, detail, verification
from dashboard.session import SUPERVISORS, guarded
from dashboard.widgets import card, percent
from kernel.clock import today_in_china
from kernel.errors import DomainError
from kernel.i18n import translated
from kernel.labels import (
    ENTITY_TYPES,
    INDUSTRY_SECTIONS,
    PLAN_STATUSES,
    TASK_STATUSES,
    department_labels,
    options,
    region_label,
    region_options,
)
from kernel.platform import Platform
from supervision.directory.views import list_check_items
from supervision.plans import views as plan_views
from supervision.tasks import views as task_views

PLAN_COLUMNS = [
    {"field": "name", "headerName": "计划名称 Plan", "minWidth": 200},
    {"field": "status", "headerName": "状态 Status"},
    {"field": "lead_department", "headerName": "牵头部门 Lead department"},
    {"field": "region_prefix", "headerName": "地区 Region"},
    {"field": "drafted_on", "headerName": "拟定 Drafted", "kind": "date"},
    {"field": "due_on", "headerName": "完成期限 Due", "kind": "date"},
    {"field": "draws", "headerName": "抽取次数 Draws", "type": "numericColumn", "kind": "number"},
]


def layout(user, platform: Platform) -> html.Div:
    return html.Div([
        html.H2("抽查计划 Spot-check plans"),
        dcc.Store(id="plan-selected"), dcc.Store(id="plan-refresh", data=0),
        card("计划列表 Plans (点击一行查看 click a row)", [
            html.Div(grids.view(PLANS_GRID, height=280),
                     id="plans-grid-holder")]),
        card("新建计划 New plan", [_form(user, platform)], "plan-form-card"),
        card("年度抽查覆盖率 Yearly coverage", [_coverage(platform)], "plan-coverage-card"),
        card("计划详情 Plan detail", [
            html.Div(id="plan-detail", children=html.Div("请选择或新建计划 Select or create a plan.",
                                                         className="empty-state")),
            html.Div([
                html.Button("发布计划 Publish", id="plan-publish", className="button", disabled=True),
                html.Span(id="plan-awaiting", className="hint"),
            ], className="actions"),
            html.Div([
                dcc.Input(id="plan-random", type="text", className="input-wide",
                          placeholder="drand 轮次签名 round signature (hex) · 开奖号码 lottery "
                                      "result"),
                html.Button("录入开奖结果 Enter result", id="plan-enter", className="button-light",
                            disabled=True),
                html.Button("确认开奖结果 Confirm result (second user)", id="plan-confirm",
                            className="button-light", disabled=True),
                html.Button("抽取 Draw", id="plan-draw", className="button", disabled=True),
                dcc.Checklist(id="plan-accept-shortfall", className="checklist",
                              options=[{"label": " 人员不足仍抽取 draw despite a staffing "
                                                 "shortfall (recorded and published)",
                                        "value": "accept"}],
                              value=[]),
                html.Button("验证抽取 Verify draw", id="plan-verify", className="button-light",
                            disabled=True),
            ], className="actions"),
            html.Div([
                dcc.Input(id="plan-redraw-reason", type="text", className="input-wide",
                          placeholder="重抽原因 Redraw reason (cancels the draw's tasks)"),
                dcc.Input(id="plan-redraw-issue", type="text",
                          placeholder="新期号 New lottery issue"),
                dcc.Input(id="plan-redraw-date", type="date"),
                html.Button("重新抽取 Redraw", id="plan-redraw", className="button-light",
                            disabled=True),
                html.Button("结束计划 Close plan", id="plan-close", className="button-light"),
            ], className="actions"),
            html.Div(id="plan-action-msg", role="status"),
            html.Div(id="plan-verification"),
            html.H4("检查任务 Tasks of the latest draw (点击一行选择 click a row to select)"),
            html.Div(id="plan-tasks-holder"),
            dcc.Store(id="plan-task-selected"),
            html.Div([
                html.Span("未选择任务 No task selected.", id="plan-task-chosen"),
                html.Button("补充抽取 Staff the vacancy", id="plan-staff", className="button",
                            disabled=True),
            ], className="actions"),
            html.Div(id="plan-staff-msg", role="status"),
        ], "plan-detail-card", stack=True),
    ], id="plans-page")


def _form(user, platform: Platform) -> html.Div:
    rules = platform.rules
    with platform.engine.connect() as conn:
        _, items = list_check_items(conn, limit=500)
    departments = department_labels(rules)
    lead = user.department if user.department in departments else next(iter(departments))
    ratios = rules.draw.ratios

    def field(label: str, control: Any) -> html.Div:
        return html.Div([html.Label(label), control], className="field")

    return html.Div([
        field("计划名称 Plan name", dcc.Input(id="plan-name", type="text", className="input-wide")),
        field("牵头部门 Lead department", dcc.Dropdown(id="plan-lead", options=options(departments),
                                                   value=lead, clearable=False)),
        field("联合部门 Joint departments", dcc.Dropdown(id="plan-departments", multi=True,
                                                     options=options(departments))),
        field("抽查事项 Check items", dcc.Dropdown(id="plan-items", multi=True, options=[
            {"label": f"{i['code']} {i['name']} ({i['department']})", "value": i["code"]}
            for i in items])),
        field("地区范围 Region scope", dcc.Dropdown(id="plan-region", options=region_options(),
                                                placeholder="全省 whole province")),
        field("行业 Industries (定向 directed)", dcc.Dropdown(id="plan-industries", multi=True,
                                                         options=options(INDUSTRY_SECTIONS))),
        field("主体类型 Entity types (定向 directed)", dcc.Dropdown(
            id="plan-types", multi=True, options=options(ENTITY_TYPES))),
        html.Div([field(f"{k}类抽查比例 Ratio {k}", dcc.Input(
            id=f"plan-ratio-{k}", type="number", min=0, max=1, step=0.01,
            value=getattr(ratios, k))) for k in "ABCD"], className="row"),
        field("每项任务检查人员 Inspectors per task (≥ 2, 行政处罚法 Art 42)", dcc.Input(
            id="plan-inspectors", type="number", min=2, max=10, step=1,
            value=rules.draw.min_inspectors)),
        field("完成期限 Due on", dcc.DatePickerSingle(
            id="plan-due", date=date(today_in_china().year, 12, 31).isoformat(),
            display_format="YYYY-MM-DD")),
        html.Button("拟定计划 Draft plan", id="plan-create", className="button"),
        html.Div(id="plan-create-msg", role="status"),
    ], className="form")


def _coverage(platform: Platform) -> html.Div:
    """Each department's distinct entities drawn this year against the national floor."""
    rules, year = platform.rules, today_in_china().year
    floor = rules.draw.national_floor_ratio
    with platform.engine.connect() as conn:
        rows = plan_views.coverage(conn, year, [d.code for d in rules.directory.departments],
                                   floor)
    names = department_labels(rules)
    heads = ["部门 Department", "范围内存续主体 Active in scope", f"{year} 已抽查 Drawn",
             "覆盖率 Ratio", f"下限 Floor {floor:.0%} (企业公示信息抽查办法 Art 4)"]
    shown = [[names.get(r["department"], r["department"]), r["entities"], r["drawn"],
              percent(r["ratio"]), "低于下限 below the floor" if r["below_floor"] else "—"]
             for r in rows]
    table = html.Table([html.Thead(html.Tr([html.Th(h) for h in heads])), html.Tbody([html.Tr([
        html.Td(v[0]), html.Td(f"{v[1]:,}"), html.Td(f"{v[2]:,}"), html.Td(v[3]),
        html.Td(v[4], className="error" if r["below_floor"] else "")])
        for v, r in zip(shown, rows)])], id="plan-coverage", className="table")
    return html.Div([exports.buttons("plan-coverage", f"{year} 覆盖率 Coverage", heads, shown),
                     table])


def _grid() -> Any:
    return grids.view(PLANS_GRID, height=280)


def register(app, get_platform) -> None:
    grids.serve(app, get_platform, PLANS_GRID)
    grids.serve(app, get_platform, TASKS_GRID)

    @app.callback(Output("plan-selected", "data"), Input("plans-grid", "cellClicked"),
                  prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def select(user, clicked):
        return (clicked or {}).get("rowId") or no_update

    @app.callback(Output("plan-create-msg", "children"),
                  Output("plan-selected", "data", allow_duplicate=True),
                  Output("plans-grid-holder", "children"),
                  Input("plan-create", "n_clicks"),
                  State("plan-name", "value"), State("plan-lead", "value"),
                  State("plan-departments", "value"), State("plan-items", "value"),
                  State("plan-region", "value"), State("plan-industries", "value"),
                  State("plan-types", "value"),
                  *[State(f"plan-ratio-{k}", "value") for k in "ABCD"],
                  State("plan-inspectors", "value"), State("plan-due", "date"),
                  prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def create(user, clicks, name, lead, joint, items, region, industries, types,
               a, b, c, d, per_task, due):
        form = {"name": name or "", "lead_department": lead, "departments": joint or [],
                "check_items": items or [],
                "scope": {"region_prefix": region or "", "industries": industries or [],
                          "entity_types": types or []},
                "ratios": {"A": a, "B": b, "C": c, "D": d}, "inspectors_per_task": per_task,
                "due_on": (due or "")[:10] or None}
        try:
            plan_id = actions.draft_plan(get_platform(), user, form)
        except (ValidationError, DomainError) as e:
            return html.Div(f"未能拟定 Not drafted: {actions.message_of(e)}", className="error"), \
                no_update, no_update
        return html.Div("已拟定 Drafted: 请发布后再抽取 publish it, then draw.", className="ok",
                        id="plan-created"), plan_id, _grid()

    @app.callback(Output("plan-detail", "children"), Output("plan-publish", "disabled"),
                  Output("plan-draw", "disabled"), Output("plan-verify", "disabled"),
                  Output("plan-enter", "disabled"), Output("plan-confirm", "disabled"),
                  Output("plan-redraw", "disabled"), Output("plan-awaiting", "children"),
                  Output("plan-tasks-holder", "children"), Output("plan-verification", "children"),
                  Input("plan-selected", "data"), Input("plan-refresh", "data"),
                  prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def show(user, plan_id, _refresh):
        if not plan_id:
            return no_update
        p = get_platform()
        panel, status = detail(p, plan_id)
        tasks = (grids.view(TASKS_GRID)
                 if status in ("drawn", "closed") else html.Div("尚未抽取 Not drawn yet.",
                                                                className="empty-state"))
        drawn, awaiting = status in ("drawn", "closed"), status == "published"
        committed = actions.commitment_of(p, plan_id) if awaiting else None
        lottery = committed is not None and committed["source"] == "lottery"
        hint = f"待随机数 Awaiting: {awaited_value(committed)}" if committed else ""
        return (panel, status != "drafted", not awaiting, not drawn, not lottery, not lottery,
                status != "drawn", hint, tasks, None)

    @app.callback(Output("plan-action-msg", "children"),
                  Output("plan-refresh", "data"),
                  Output("plan-verification", "children", allow_duplicate=True),
                  Output("plans-grid-holder", "children", allow_duplicate=True),
                  Input("plan-publish", "n_clicks"), Input("plan-draw", "n_clicks"),
                  Input("plan-verify", "n_clicks"), Input("plan-enter", "n_clicks"),
                  Input("plan-confirm", "n_clicks"), Input("plan-redraw", "n_clicks"),
                  Input("plan-close", "n_clicks"), State("plan-selected", "data"), State("plan-random", "value"),
                  State("plan-accept-shortfall", "value"), State("plan-redraw-reason", "value"),
                  State("plan-redraw-issue", "value"), State("plan-redraw-date", "value"),
                  State("plan-refresh", "data"), prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def act(user, _publish, _draw, _verify, _enter, _confirm, _redraw, _close, plan_id, value,
            accept,
            reason, issue, redraw_date, refresh):
        p = get_platform()
        if not plan_id or ctx.triggered_id is None:
            return no_update
        try:
            if ctx.triggered_id == "plan-verify":
                return None, no_update, verification(actions.verify_draw(p, plan_id)), no_update
            if ctx.triggered_id == "plan-publish":
                c = actions.publish_plan(p, user, plan_id)
                done = (f"已发布 Published: 名录已冻结，承诺随机数 pool frozen, committed to "
                        f"{awaited_value(c)}.")
            elif ctx.triggered_id == "plan-enter":
                actions.enter_value(p, user, plan_id, value)
                done = "已录入 Entered: 请另一位监管人员确认 a second supervisor confirms it."
            elif ctx.triggered_id == "plan-confirm":
                actions.confirm_value(p, user, plan_id, value)
                done = "已确认 Confirmed: 现在可以抽取 now draw."
            elif ctx.triggered_id == "plan-close":
                supervisor_actions.close_plan(p, user, plan_id)
                done = "已结束 Closed: 不再抽取 no further draws."
            elif ctx.triggered_id == "plan-redraw":
                c = actions.redraw_plan(p, user, plan_id, reason, issue, redraw_date)
                done = (f"已作废原抽取 Superseded: 原任务已取消 its tasks are cancelled; 新承诺 "
                        f"new commitment: {awaited_value(c)}.")
            else:
                record = actions.draw_plan(p, user, plan_id, value,
                                           accept_shortfall="accept" in (accept or []))
                done = f"已抽取 Drawn: {record['drawn']} 户 entities from {record['pool_size']:,}."
                if record["unassigned"]:
                    done += (f" {len(record['unassigned'])} 项任务人员不足 tasks unstaffed "
                             "(见抽取记录 see the draw record).")
        except (ValidationError, DomainError) as e:
            failed = html.Div(actions.message_of(e), className="error")
            return failed, no_update, no_update, no_update
        return html.Div(done, className="ok"), (refresh or 0) + 1, None, _grid()

    @app.callback(Output("plan-task-selected", "data"), Output("plan-task-chosen", "children"),
                  Output("plan-staff", "disabled"), Input("plan-tasks-grid", "cellClicked"),
                  prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def pick_task(user, clicked):
        task_id = (clicked or {}).get("rowId")
        if not task_id:
            return no_update
        chosen = _chosen(get_platform(), task_id)
        return (task_id if chosen else None), chosen or "未选择任务 No task selected.", not chosen

    @app.callback(Output("plan-staff-msg", "children"),
                  Output("plan-refresh", "data", allow_duplicate=True),
                  Output("plan-task-chosen", "children", allow_duplicate=True),
                  Input("plan-staff", "n_clicks"), State("plan-task-selected", "data"),
                  State("plan-refresh", "data"), prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def staff(user, clicks, task_id, refresh):
        if not clicks or not task_id:
            return no_update
        try:
            actions.staff_task(get_platform(), user, task_id)
        except (ValidationError, DomainError) as e:
            return html.Div(actions.message_of(e), className="error", id="plan-staff-error"), \
                no_update, no_update
        return html.Div("已补充抽取 Staffed: 空缺已由随机抽取的检查人员补上 a randomly drawn "
                        "inspector took the empty place.", className="ok", id="plan-staffed"), \
            (refresh or 0) + 1, _chosen(get_platform(), task_id)


def _plan_rows(p: Platform, user, request) -> tuple[int, list[dict[str, Any]]]:
    with p.engine.connect() as conn:
        total, rows = grids.plans_page(conn, request)
    names = department_labels(p.rules)
    for r in rows:
        r["status"] = PLAN_STATUSES.get(r["status"], r["status"])
        r["lead_department"] = names.get(r["lead_department"], r["lead_department"])
        r["region_prefix"] = (region_label(r["region_prefix"]) if r["region_prefix"]
                              else "全省 all")
    return total, rows


def _task_rows(p: Platform, user, request, plan_id) -> tuple[int, list[dict[str, Any]]]:
    with p.engine.connect() as conn:
        total, rows = grids.plan_tasks_page(conn, plan_id or "", request)
    names = department_labels(p.rules)
    for r in rows:
        r["status"] = TASK_STATUSES.get(r["status"], r["status"])
        r["short_staffed"] = "缺员 short" if r["short_staffed"] else ""
        if r["unassigned_reason"]:   # the jurisdiction named, in Chinese with English alongside
            r["unassigned_reason"] = translated(r["unassigned_reason"], None, 409, names).render()
    return total, rows


def _chosen(platform: Platform, task_id: str) -> str | None:
    """The selected task in one line (whether it is short of inspectors), None if unknown."""
    with platform.engine.connect() as conn:
        task = task_views.task_record(conn, task_id)
    if task is None:
        return None
    if task["status"] == "cancelled":
        gap = "已取消 cancelled"
    elif task["short_staffed"]:     # the real staffing (task views): unstaffed, vacancies, too few
        gap = f"缺员 short-staffed ({len(task['team'])}/{task['team_needed']})"
    else:
        gap = "已配齐 fully staffed"
    return f"已选 Selected: {task['uscc']} · {gap}"


TASK_COLUMNS = [
    {"field": "uscc", "headerName": "统一社会信用代码 USCC", "minWidth": 180},
    {"field": "entity_name", "headerName": "名称 Name", "minWidth": 180},
    {"field": "status", "headerName": "状态 Status"},
    {"field": "team", "headerName": "检查人员 Team", "sortable": False, "minWidth": 160},
    {"field": "due_on", "headerName": "完成期限 Due", "kind": "date"},
    {"field": "short_staffed", "headerName": "缺员 Short-staffed", "sortable": False},
    {"field": "unassigned_reason", "headerName": "未配齐原因 Staffing gap", "sortable": False},
]


PLANS_GRID = grids.Grid("plans-grid", PLAN_COLUMNS, "plan_id", _plan_rows, SUPERVISORS,
                        "抽查计划 Plans", filterable=frozenset(
                            ("name", "status", "drafted_on", "due_on", "draws")))
TASKS_GRID = grids.Grid("plan-tasks-grid", TASK_COLUMNS, "task_id", _task_rows, SUPERVISORS,
                        "检查任务 Tasks", states=(("plan-selected", "data"),),
                        filterable=frozenset(("uscc", "entity_name", "status", "due_on")))

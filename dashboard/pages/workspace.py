"""我的任务 The inspector's workspace: notifications, work queues, own tasks, acknowledgement,
start, the result per check item with attachments, printed documents, recusal (回避)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from pydantic import ValidationError

from dashboard import actions, grids, inbox
from dashboard.pages import workspace_day as day
from dashboard.queries import OPEN_TASK
from dashboard.session import INSPECTORS, guarded
from dashboard.widgets import card, empty
from kernel.clock import today_in_china
from kernel.errors import DomainError
from kernel.i18n import translated
from kernel.labels import TASK_STATUSES, department_labels, result_labels
from kernel.platform import Platform
from supervision.directory.views import check_items, inspectors
from supervision.tasks import views as task_views

TASK_COLUMNS = [
    {"field": "due_on", "headerName": "完成期限 Due", "sort": "asc", "kind": "date",
     "cellClassRules": {"overdue-cell": "params.data && params.data.overdue"}},
    {"field": "entity_name", "headerName": "名称 Entity", "minWidth": 180},
    {"field": "uscc", "headerName": "统一社会信用代码 USCC", "minWidth": 170},
    {"field": "status", "headerName": "状态 Status"},
    {"field": "address", "headerName": "住所 Address", "sortable": False, "minWidth": 180},
    {"field": "team", "headerName": "检查组 Team", "sortable": False},
    {"field": "assigned_on", "headerName": "分派 Assigned", "kind": "date"},
]
ROW_RULES = {"row-overdue": "params.data && params.data.overdue"}


def layout(user, platform: Platform) -> html.Div:
    if user.inspector_no is None:
        return empty("此账号未关联检查人员 This account is not linked to an inspector record "
                     "(users.inspector_no); ask an administrator.", "not-linked")
    codes = result_labels(platform.rules)
    return html.Div([
        html.H2("我的任务 My tasks"),
        dcc.Store(id="ws-selected"), dcc.Store(id="ws-refresh", data=0),
        card("通知 Notifications (实时 live)", [day.notification_panel()], "notes-card"),
        card("检查任务 Inspection tasks (点击一行 click a row; 逾期任务标红 overdue in red)", [
            day.queue_picker(), html.Div(task_grid(), id="my-tasks-holder")], stack=True),
        card("任务详情 Task", [
            html.Div(empty("请选择任务 Select a task."), id="ws-detail"),
            html.Div([
                html.Button("签收 Acknowledge", id="ws-ack", className="button", disabled=True),
                html.Button("开始检查 Start inspection", id="ws-start", className="button",
                            disabled=True),
            ], className="actions"),
            day.print_buttons(),
            html.H4("检查结果 Result (谁检查、谁录入)"),
            html.Div([
                html.Label("逐项结果 Result per check item"),
                html.Div(id="ws-items", className="items"),
                html.Label("部门结果类别 Department's result (留空则按逐项结果 blank: from the "
                           "items — the first that found a problem)"),
                dcc.Dropdown(id="ws-code", options=[{"label": v, "value": k}
                                                    for k, v in codes.items()]),
                html.Label("检查情况 Findings (发现问题时必填 required when a problem is found)"),
                dcc.Textarea(id="ws-findings", className="textarea"),
                html.Label("检查日期 Inspected on"),
                dcc.DatePickerSingle(id="ws-inspected", date=today_in_china().isoformat(),
                                     display_format="YYYY-MM-DD"),
                html.Label("共同签名 Co-signers (≥ 2 officers, 行政处罚法 Art 42)"),
                dcc.Checklist(id="ws-cosigners", options=[], value=[], className="checklist"),
                day.file_form(),
                html.Button("提交结果 Submit result", id="ws-submit", className="button",
                            disabled=True),
            ], className="form"),
            html.H4("回避 Recusal (行政处罚法 Art 43)"),
            html.Div([
                dcc.Textarea(id="ws-recuse-reason", className="textarea",
                             placeholder="回避理由 Reason: relationship or interest"),
                html.Button("申请回避 Withdraw from this task", id="ws-recuse",
                            className="button-danger", disabled=True),
            ], className="form"),
            html.Div(id="ws-msg", role="status"),
        ], "task-card", stack=True),
    ], id="workspace")


def _detail(platform: Platform, user, task_id: str) -> tuple[Any, dict[str, Any] | None]:
    with platform.engine.connect() as conn:
        if not task_views.on_team(conn, task_id, user.inspector_no):
            return empty("不是您的任务 Not one of your tasks."), None
        task = task_views.task_record(conn, task_id)
        names = dict(conn.execute(sa_names([m["inspector_no"] for m in task["team"]])).all())
        task["item_names"] = dict(conn.execute(sa.select(check_items.c.code, check_items.c.name)
                                               .where(check_items.c.code.in_(task["check_items"])))
                                  .all())
    depts = department_labels(platform.rules)
    team = [html.Li(f"{names.get(m['inspector_no'], m['inspector_no'])} · "
                    f"{depts.get(m['department'], m['department'])} · "
                    + (f"已签收 acknowledged {m['acknowledged_on']}" if m.get("acknowledged_on")
                       else "未签收 not acknowledged")) for m in task["team"]]
    waiting = [names.get(m["inspector_no"], str(m["inspector_no"])) for m in task["team"]
               if not m.get("acknowledged_on") and m["inspector_no"] != user.inspector_no]
    results = [html.Li([f"{depts.get(r['department'], r['department'])}: {r['result_code']} {r['result_name_zh']} "
                        f"{r['result_name_en']} · {r['inspected_on']}",
                        html.Ul([html.Li(f"{i['check_item']} "
                                         f"{task['item_names'].get(i['check_item'], '')}: "
                                         f"{i['result_code']} {i['result_name_zh']}"
                                         + (f" — {i['findings']}" if i["findings"] else ""))
                                 for i in r["items"]]) if r["items"] else None,
                        day.attachment_links(task_id, r["attachments"])],
                       className="result-line") for r in task["results"]]
    overdue = task["status"] in OPEN_TASK and task["due_on"] < today_in_china()
    panel = html.Div([
        html.H4(f"{task['entity_name']} {task['uscc']}", id="ws-task-title"),
        html.P([f"{task['entity_address']} · 期限 due {task['due_on']} · 状态 "
                f"{TASK_STATUSES.get(task['status'], task['status'])}",
                html.Strong(" · 已逾期 OVERDUE", className="error") if overdue else None],
               id="ws-task-status"),
        html.P("部门 Departments: " + ", ".join(depts.get(d, d) for d in task["departments"])
               + " · 事项 Items: " + ", ".join(task["check_items"])),
        html.P("未配齐 Staffing gap: " + translated(task["unassigned_reason"], None, 409,
                                                   depts).render(), className="error")
        if task["unassigned_reason"] else None,
        html.P(f"等待同伴签收 Waiting for your partner to acknowledge: {'、'.join(waiting)}",
               id="ws-waiting", className="muted") if waiting and task["status"] == "assigned"
        else None,
        html.Ul(team, className="team"),
        html.Ul(results, id="ws-results") if results else None,
    ])
    task["names"] = names
    return panel, task


def _my_rows(p: Platform, user, request, queue) -> tuple[int, list[dict[str, Any]]]:
    with p.engine.connect() as conn:
        total, page = inbox.queue_page(conn, user.inspector_no, queue or "all",
                                       today_in_china(), request)
    for r in page:
        r["status"] = TASK_STATUSES.get(r["status"], r["status"]) + (
            " · 逾期 overdue" if r["overdue"] else "")
    return total, page


MY_TASKS_GRID = grids.Grid("my-tasks-grid", TASK_COLUMNS, "task_id", _my_rows, INSPECTORS,
                           "我的任务 My tasks", states=(("ws-queue", "value"),),
                           filterable=frozenset(
                               ("due_on", "entity_name", "uscc", "status", "assigned_on")),
                           row_class_rules=ROW_RULES)


def task_grid():
    return grids.view(MY_TASKS_GRID, height=300)


def _item_rows(task: dict[str, Any], codes: dict[str, str]) -> list:
    options = [{"label": v, "value": k} for k, v in codes.items()]
    return [html.Div([
        html.Span(f"{code} {task['item_names'].get(code, '')}", className="item-name"),
        dcc.Dropdown(id={"type": "ws-item-code", "index": code}, options=options,
                     placeholder="结果 Result", className="item-code"),
        dcc.Input(id={"type": "ws-item-findings", "index": code}, type="text",
                  placeholder="发现的问题 Findings for this item", className="item-findings"),
    ], className="item-row") for code in task["check_items"]]


def sa_names(numbers: list[int]) -> sa.Select:
    return sa.select(inspectors.c.inspector_no, inspectors.c.name).where(
        inspectors.c.inspector_no.in_(numbers))


def register(app, get_platform) -> None:
    grids.serve(app, get_platform, MY_TASKS_GRID)
    day.register(app, get_platform)

    @app.callback(Output("my-tasks-holder", "children", allow_duplicate=True),
                  Input("ws-queue", "value"), prevent_initial_call=True)
    @guarded(get_platform, INSPECTORS)
    def queue(user, _queue):
        return task_grid()

    @app.callback(Output("ws-selected", "data"), Input("my-tasks-grid", "cellClicked"),
                  prevent_initial_call=True)
    @guarded(get_platform, INSPECTORS)
    def select(user, clicked):
        return (clicked or {}).get("rowId") or no_update

    @app.callback(Output("ws-detail", "children"), Output("ws-cosigners", "options"),
                  Output("ws-cosigners", "value"), Output("ws-ack", "disabled"),
                  Output("ws-start", "disabled"), Output("ws-submit", "disabled"),
                  Output("ws-recuse", "disabled"), Output("ws-items", "children"),
                  Output("ws-print-notice", "disabled"), Output("ws-print-record", "disabled"),
                  Input("ws-selected", "data"), Input("ws-refresh", "data"),
                  prevent_initial_call=True)
    @guarded(get_platform, INSPECTORS)
    def show(user, task_id, _refresh):
        if not task_id:
            return no_update
        p = get_platform()
        panel, task = _detail(p, user, task_id)
        if task is None:
            return panel, [], [], True, True, True, True, [], True, True
        me = user.inspector_no
        others = [m["inspector_no"] for m in task["team"] if m["inspector_no"] != me]
        mine = next(m for m in task["team"] if m["inspector_no"] == me)
        recorded = mine["department"] in {r["department"] for r in task["results"]} or any(
            me in r["signatures"] for r in task["results"])
        return (panel,
                [{"label": f"{task['names'].get(n, n)}", "value": n} for n in others], others,
                bool(mine.get("acknowledged_on")),
                task["status"] != "assigned",
                task["status"] not in ("in_progress", "inspected") or recorded,
                task["status"] not in ("assigned", "in_progress") or recorded,
                [] if recorded else _item_rows(task, result_labels(p.rules)), False, False)

    @app.callback(Output("ws-msg", "children"), Output("ws-refresh", "data"),
                  Output("my-tasks-holder", "children"),
                  Output("ws-files", "data", allow_duplicate=True),
                  Output("ws-file-list", "children", allow_duplicate=True),
                  Input("ws-ack", "n_clicks"), Input("ws-start", "n_clicks"),
                  Input("ws-submit", "n_clicks"), Input("ws-recuse", "n_clicks"),
                  State("ws-selected", "data"), State("ws-code", "value"),
                  State("ws-findings", "value"), State("ws-inspected", "date"),
                  State("ws-cosigners", "value"), State("ws-recuse-reason", "value"),
                  State("ws-refresh", "data"), State("ws-files", "data"),
                  State({"type": "ws-item-code", "index": ALL}, "value"),
                  State({"type": "ws-item-code", "index": ALL}, "id"),
                  State({"type": "ws-item-findings", "index": ALL}, "value"),
                  prevent_initial_call=True)
    @guarded(get_platform, INSPECTORS)
    def act(user, _a, _s, _r, _w, task_id, code, findings, inspected, cosigners, reason, refresh,
            files, item_codes, item_ids, item_findings):
        p = get_platform()
        if not task_id or ctx.triggered_id is None:
            return no_update
        items = [{"check_item": i["index"], "result_code": c, "findings": f or ""}
                 for i, c, f in zip(item_ids, item_codes, item_findings, strict=False) if c]
        try:
            done = _run(p, user, ctx.triggered_id, task_id, code, findings, inspected,
                        cosigners, reason, items, files or [])
        except (ValidationError, DomainError) as e:
            return (html.Div(actions.message_of(e), className="error"), no_update, no_update,
                    no_update, no_update)
        submitted = ctx.triggered_id == "ws-submit"
        return (html.Div(done, className="ok", id="ws-done"), (refresh or 0) + 1, task_grid(),
                [] if submitted else no_update, [] if submitted else no_update)


def _run(p: Platform, user, button: str, task_id: str, code, findings, inspected, cosigners,
         reason, items: list[dict], files: list[dict]) -> str:
    if button == "ws-ack":
        actions.acknowledge_task(p, user, task_id)
        return "已签收 Acknowledged."
    if button == "ws-start":
        actions.start_task(p, user, task_id)
        return "已开始检查 Inspection started."
    if button == "ws-submit":
        if not code and not items:
            raise DomainError("请选择结果类别或逐项结果 choose a result category or the items' "
                              "results", field="result_code")
        day_ = date.fromisoformat(inspected[:10]) if inspected else today_in_china()
        actions.record_result(p, user, task_id, code or "", findings or "", day_,
                              cosigners or [], items, files)
        return "结果已提交 Result recorded; 待部门公示 the department publishes it."
    replaced = actions.recuse(p, user, task_id, reason or "")
    return ("已回避，已随机抽取替补 Withdrawn; a replacement was drawn at random." if replaced else
            "已回避，暂无替补 Withdrawn; no eligible replacement — the supervisor is alerted.")

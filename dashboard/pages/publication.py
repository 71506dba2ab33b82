"""一公开 Results awaiting publication, with their deadlines, published here; and the follow-ups
a result orders (责令公示 / 责令改正) with their rectification deadlines."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, ctx, html, no_update

from dashboard import forms, grids
from dashboard import supervisor_actions as act
from dashboard import supervisor_queries as q
from dashboard.session import SUPERVISORS, guarded
from dashboard.widgets import card
from kernel.clock import today_in_china
from kernel.labels import FOLLOW_UP_KINDS, FOLLOW_UP_OUTCOMES, department_labels
from kernel.platform import Platform

QUEUE_COLUMNS = [
    {"field": "entity_name", "headerName": "市场主体 Entity", "minWidth": 180},
    {"field": "uscc", "headerName": "统一社会信用代码 USCC", "minWidth": 170},
    {"field": "department", "headerName": "部门 Department", "filter": False},
    {"field": "result", "headerName": "检查结果 Result", "filter": False, "sortable": False},
    {"field": "inspected_on", "headerName": "检查日期 Inspected", "kind": "date"},
    {"field": "publish_by", "headerName": "公示期限 Publish by", "kind": "date", "sort": "asc"},
    {"field": "overdue", "headerName": "逾期 Overdue", "filter": False, "sortable": False},
    {"field": "plan_name", "headerName": "抽查计划 Plan", "minWidth": 160},
]
FOLLOW_COLUMNS = [
    {"field": "entity_name", "headerName": "市场主体 Entity", "minWidth": 180},
    {"field": "department", "headerName": "部门 Department", "filter": False},
    {"field": "kind", "headerName": "处置 Order"},
    {"field": "ordered_on", "headerName": "责令日期 Ordered", "kind": "date"},
    {"field": "due_on", "headerName": "整改期限 Deadline", "kind": "date"},
    {"field": "outcome", "headerName": "结果 Outcome"},
    {"field": "late", "headerName": "已逾期 Past deadline", "filter": False, "sortable": False},
    {"field": "note", "headerName": "说明 Note", "filter": False, "sortable": False},
]


def _queue_rows(p: Platform, user, request) -> tuple[int, list[dict[str, Any]]]:
    with p.read_engine.connect() as conn:
        total, rows = q.publication_queue(conn, request, today_in_china())
    names = department_labels(p.rules)
    for r in rows:
        r["department"] = names.get(r["department"], r["department"])
        r["result"] = f"{r['result_code']} {r['result_name_zh']}"
        r["overdue"] = "逾期 Overdue" if r["overdue"] else ""
    return total, rows


def _follow_rows(p: Platform, user, request) -> tuple[int, list[dict[str, Any]]]:
    with p.read_engine.connect() as conn:
        total, rows = q.follow_ups(conn, request, today_in_china())
    names = department_labels(p.rules)
    for r in rows:
        r["department"] = names.get(r["department"], r["department"])
        r["kind"] = FOLLOW_UP_KINDS.get(r["kind"], r["kind"])
        r["outcome"] = FOLLOW_UP_OUTCOMES.get(r["outcome"], r["outcome"])
        r["late"] = "逾期 Past deadline" if r["late"] else ""
    return total, rows


QUEUE = grids.Grid("publication-grid", QUEUE_COLUMNS, "key", _queue_rows, SUPERVISORS,
                   "待公示结果 Awaiting publication")
FOLLOW_UPS = grids.Grid("follow-ups-grid", FOLLOW_COLUMNS, "row", _follow_rows, SUPERVISORS,
                        "后续处置 Follow-ups")


def _result_options(p: Platform) -> list[dict[str, str]]:
    """Every result awaiting publication, named: entity · department · deadline."""
    _, rows = _queue_rows(p, None, {"startRow": 0, "endRow": 500})
    return [{"label": f"{r['entity_name']} · {r['department']} · {r['result']} · "
                      f"期限 by {r['publish_by']}", "value": r["key"]} for r in rows]


def _open_options(p: Platform) -> list[dict[str, str]]:
    """Results whose part may take a follow-up or its outcome (published or not)."""
    _, rows = _follow_rows(p, None, {"startRow": 0, "endRow": 500, "filterModel": {
        "outcome": {"filterType": "text", "type": "equals", "filter": "open"}}})
    return [{"label": f"{r['entity_name']} · {r['department']} · {r['kind']} · "
                      f"期限 by {r['due_on']}", "value": r["key"]} for r in rows]


def layout(user, platform: Platform) -> html.Div:
    return html.Div([
        html.H2("一公开 结果公示 Publication of results"),
        card("待公示的检查结果 Results awaiting publication (谁检查、谁公开)", [
            grids.view(QUEUE, height=300),
            html.Div([
                forms.field("检查结果 Result", forms.choice(
                    "pub-choice", _result_options(platform), "选择待公示的结果 Choose a result"),
                    wide=True),
                forms.button("公示 Publish", "pub-publish"),
            ], className="form"),
            html.Div(id="pub-msg"),
        ], stack=True),
        card("责令公示 / 责令改正 Follow-ups and rectification deadlines", [
            grids.view(FOLLOW_UPS, height=260),
            html.Div([
                forms.field("检查结果 Result (任务·部门 task·department)", forms.choice(
                    "fu-choice", _part_options(platform),
                    "选择结果 Choose a result"), wide=True),
                forms.field("处置 Order", forms.choice("fu-kind", FOLLOW_UP_KINDS,
                                                       value="order_correct")),
                forms.field("期限（工作日）Deadline (working days)",
                            forms.text("fu-days", "20")),
                forms.field("说明 Note", forms.text("fu-note", wide=True), wide=True),
                forms.button("责令 Order", "fu-order"),
            ], className="form"),
            html.Div([
                forms.field("未办结的处置 Open follow-up", forms.choice(
                    "fu-open", _open_options(platform), "选择 Choose"), wide=True),
                forms.field("结果 Outcome", forms.choice(
                    "fu-outcome", {k: v for k, v in FOLLOW_UP_OUTCOMES.items() if k != "open"},
                    value="satisfied")),
                forms.field("日期 On", forms.day("fu-on")),
                forms.button("记录结果 Record outcome", "fu-close", light=True),
            ], className="form"),
            html.Div(id="fu-msg"),
        ], stack=True),
    ], id="publication-page")


def _part_options(p: Platform) -> list[dict[str, str]]:
    """Results that found a problem: a follow-up may be ordered on them."""
    with p.read_engine.connect() as conn:
        rows = q.follow_up_targets(conn)
    names = department_labels(p.rules)
    return [{"label": f"{r['entity_name']} · {names.get(r['department'], r['department'])} · "
                      f"{r['result_code']} {r['result_name_zh']} · {r['inspected_on']}",
             "value": r["key"]} for r in rows]


def register(app, get_platform) -> None:
    grids.serve(app, get_platform, QUEUE)
    grids.serve(app, get_platform, FOLLOW_UPS)

    @app.callback(Output("pub-msg", "children"), Output("pub-choice", "options"),
                  Output("pub-choice", "value"), Output("publication-grid-box", "children"),
                  Input("pub-publish", "n_clicks"), State("pub-choice", "value"),
                  prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def publish(user, _clicks, key):
        p = get_platform()
        ok, said = forms.attempt(lambda: act.publish_result(p, user, key),
                                 "已公示 Published on the public credit record.", "pub", p)
        if not ok:
            return said, no_update, no_update, no_update
        return said, _result_options(p), None, grids.view(QUEUE, height=300).children

    @app.callback(Output("fu-msg", "children"), Output("fu-open", "options"),
                  Output("follow-ups-grid-box", "children"),
                  Input("fu-order", "n_clicks"), Input("fu-close", "n_clicks"),
                  State("fu-choice", "value"), State("fu-kind", "value"),
                  State("fu-days", "value"), State("fu-note", "value"),
                  State("fu-open", "value"), State("fu-outcome", "value"),
                  State("fu-on", "value"), prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def follow(user, _o, _c, key, kind, days, note, open_key, outcome, on):
        p = get_platform()
        if ctx.triggered_id == "fu-order":
            ok, said = forms.attempt(lambda: act.order_follow_up(p, user, key, {
                "kind": kind, "deadline_workdays": days or None, "note": note or ""}),
                "已责令，期限已起算 Ordered: the deadline runs.", "fu", p)
        else:
            ok, said = forms.attempt(lambda: act.follow_up_outcome(p, user, open_key, {
                "outcome": outcome, "on": on or None, "note": ""}), "已记录 Recorded.", "fu", p)
        if not ok:
            return said, no_update, no_update
        return said, _open_options(p), grids.view(FOLLOW_UPS, height=260).children

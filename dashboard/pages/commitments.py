"""告知承诺 Notification-commitments: record one (after the applicant's credit check), verify it
later, or find it false (the note is then required; a false commitment enters the credit file)."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, ctx, html, no_update

from dashboard import forms, grids
from dashboard import supervisor_actions as act
from dashboard import supervisor_queries as q
from dashboard.session import SUPERVISORS, guarded
from dashboard.widgets import card
from kernel.labels import COMMITMENT_STATUSES, department_labels
from kernel.platform import Platform

COLUMNS = [
    {"field": "entity_name", "headerName": "市场主体 Entity", "minWidth": 180},
    {"field": "uscc", "headerName": "统一社会信用代码 USCC", "minWidth": 170},
    {"field": "permit_type", "headerName": "许可事项 Permit", "minWidth": 160},
    {"field": "department", "headerName": "部门 Department", "filter": False},
    {"field": "committed_on", "headerName": "承诺日期 Committed", "kind": "date"},
    {"field": "verify_by", "headerName": "核查期限 Verify by", "kind": "date", "sort": "asc"},
    {"field": "status", "headerName": "状态 Status"},
    {"field": "verified_on", "headerName": "核查日期 Verified", "kind": "date"},
]
METHODS = {"written": "书面核查 Written", "online": "网上核查 Online", "onsite": "现场核查 On site"}
OUTCOMES = {"fulfilled": "承诺属实 Fulfilled", "false": "虚假承诺 False commitment"}


def _rows(p: Platform, user, request) -> tuple[int, list[dict[str, Any]]]:
    with p.read_engine.connect() as conn:
        total, rows = q.commitment_ledger(conn, request)
    names = department_labels(p.rules)
    for r in rows:
        r["status"] = COMMITMENT_STATUSES.get(r["status"], r["status"])
        r["department"] = names.get(r["department"], r["department"])
    return total, rows


GRID = grids.Grid("commitments-grid", COLUMNS, "commitment_id", _rows, SUPERVISORS,
                  "告知承诺 Commitments")


def _awaiting(p: Platform) -> list[dict[str, str]]:
    with p.read_engine.connect() as conn:
        _, rows = q.commitment_ledger(conn, {"startRow": 0, "endRow": 500})
    return [{"label": f"{r['entity_name'] or r['uscc']} · {r['permit_type']} · "
                      f"期限 by {r['verify_by']}", "value": r["commitment_id"]}
            for r in rows if r["status"] in ("awaiting", "overdue")]


def layout(user, platform: Platform) -> html.Div:
    return html.Div([
        html.H2("告知承诺 Notification-commitments"),
        card("承诺 Commitments", [grids.view(GRID, height=300)]),
        card("记录承诺 Record a commitment", [html.Div([
            forms.field("申请人 Applicant", forms.entity_picker("cmt-entity"), wide=True),
            forms.field("许可事项 Permit", forms.text("cmt-permit", wide=True)),
            forms.field("承诺内容 Content", forms.text("cmt-content", wide=True), wide=True),
            forms.field("部门 Department", forms.choice(
                "cmt-department", department_labels(platform.rules), value=user.department)),
            forms.field("承诺日期 Committed on", forms.day("cmt-on")),
            forms.button("记录 Record", "cmt-accept"),
        ], className="form")]),
        card("核查 Verify", [html.Div([
            forms.field("待核查的承诺 Awaiting verification",
                        forms.choice("cmt-choice", _awaiting(platform)), wide=True),
            forms.field("结果 Outcome", forms.choice("cmt-outcome", OUTCOMES,
                                                     value="fulfilled")),
            forms.field("方式 Method", forms.choice("cmt-method", METHODS, value="onsite")),
            forms.field("核查说明 Note (虚假承诺时必填 required if false)",
                        forms.text("cmt-note", wide=True), wide=True),
            forms.field("核查日期 Verified on", forms.day("cmt-verified")),
            forms.button("记录核查 Record verification", "cmt-verify"),
        ], className="form")]),
        html.Div(id="cmt-msg"),
    ], id="commitments-page")


def register(app, get_platform) -> None:
    grids.serve(app, get_platform, GRID)
    forms.serve_entity_picker(app, get_platform, "cmt-entity")

    @app.callback(Output("cmt-msg", "children"), Output("cmt-choice", "options"),
                  Output("commitments-grid-box", "children"),
                  Input("cmt-accept", "n_clicks"), Input("cmt-verify", "n_clicks"),
                  State("cmt-entity", "value"), State("cmt-permit", "value"),
                  State("cmt-content", "value"), State("cmt-department", "value"),
                  State("cmt-on", "value"), State("cmt-choice", "value"),
                  State("cmt-outcome", "value"), State("cmt-method", "value"),
                  State("cmt-note", "value"), State("cmt-verified", "value"),
                  prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def command(user, _a, _b, uscc, permit, content, department, on, chosen, outcome, method,
                note, verified):
        p = get_platform()
        if ctx.triggered_id == "cmt-accept":
            ok, said = forms.attempt(lambda: act.accept_commitment(p, user, {
                "uscc": uscc or "", "permit_type": permit or "", "content": content or "",
                "department": department or "", "committed_on": on}),
                "已记录承诺 Commitment recorded.", "cmt", p)
        else:
            ok, said = forms.attempt(lambda: act.verify_commitment(p, user, chosen, {
                "outcome": outcome, "verified_on": verified, "method": method,
                "note": note or ""}), OUTCOMES.get(outcome, "") + " 已记录 recorded.", "cmt", p)
        if not ok:
            return said, no_update, no_update
        return said, _awaiting(p), grids.view(GRID, height=300).children

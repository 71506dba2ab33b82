"""行政处罚 Penalty cases end to end (SAMR Order 45): open a case, decide, publish, and withdraw
the publicity of a decision changed, revoked or found invalid."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, ctx, dcc, html, no_update

from credit.penalties.case import PENALTY_KINDS, PROCEDURES
from dashboard import forms, grids
from dashboard import supervisor_actions as act
from dashboard import supervisor_queries as q
from dashboard.session import SUPERVISORS, guarded
from dashboard.widgets import card
from kernel.labels import PENALTY_STATUSES, department_labels
from kernel.platform import Platform

COLUMNS = [
    {"field": "entity_name", "headerName": "市场主体 Entity", "minWidth": 180},
    {"field": "uscc", "headerName": "统一社会信用代码 USCC", "minWidth": 170},
    {"field": "status", "headerName": "状态 Status"},
    {"field": "decision_no", "headerName": "决定书文号 Decision no."},
    {"field": "kinds", "headerName": "处罚种类 Kinds", "filter": False, "sortable": False},
    {"field": "fine_amount", "headerName": "罚款 Fine (CNY)", "filter": False},
    {"field": "opened_on", "headerName": "立案 Opened", "kind": "date"},
    {"field": "decided_on", "headerName": "决定 Decided", "kind": "date"},
    {"field": "publication_due_on", "headerName": "公示期限 Publish by", "kind": "date"},
    {"field": "published_on", "headerName": "公示 Published", "kind": "date"},
]
REVOCATION = {"changed": "变更 Changed", "revoked": "撤销 Revoked",
              "invalid": "确认无效 Found invalid"}


def _rows(p: Platform, user, request) -> tuple[int, list[dict[str, Any]]]:
    with p.read_engine.connect() as conn:
        total, rows = q.penalty_cases(conn, request)
    for r in rows:
        r["status"] = PENALTY_STATUSES.get(r["status"], r["status"])
        r["kinds"] = "、".join(PENALTY_KINDS.get(k, k).split(" ")[0]
                              for k in (r["kinds"] or "").split(",") if k)
        r["fine_amount"] = None if r["fine_amount"] is None else str(r["fine_amount"])
    return total, rows


GRID = grids.Grid("penalties-grid", COLUMNS, "case_id", _rows, SUPERVISORS, "行政处罚 Penalties")


def _cases(p: Platform, *statuses: str) -> list[dict[str, str]]:
    """Cases in these states, named: entity · decision number (or the day opened) · status."""
    with p.read_engine.connect() as conn:
        _, rows = q.penalty_cases(conn, {"startRow": 0, "endRow": 500})
    return [{"label": f"{r['entity_name'] or r['uscc']} · "
                      f"{r['decision_no'] or '立案 opened ' + str(r['opened_on'])} · "
                      f"{PENALTY_STATUSES.get(r['status'], r['status'])}",
             "value": r["case_id"]} for r in rows if r["status"] in statuses]


def _options(p: Platform) -> tuple[list, list, list]:
    return _cases(p, "opened"), _cases(p, "decided"), _cases(p, "decided", "published")


def layout(user, platform: Platform) -> html.Div:
    opened, decided, in_force = _options(platform)
    departments = department_labels(platform.rules)
    return html.Div([
        html.H2("行政处罚 Penalty cases"),
        card("处罚案件 Cases", [grids.view(GRID, height=300)]),
        card("立案 Open a case", [html.Div([
            forms.field("市场主体 Entity", forms.entity_picker("pen-entity"), wide=True),
            forms.field("处罚机关 Department", forms.choice(
                "pen-department", departments, value=user.department)),
            forms.field("立案编号 Case number", forms.text("pen-case-no")),
            forms.field("立案日期 Opened on", forms.day("pen-opened")),
            forms.button("立案 Open", "pen-open"),
        ], className="form")]),
        card("处罚决定 Decide", [html.Div([
            forms.field("案件 Case", forms.choice("pen-case", opened), wide=True),
            forms.field("决定书文号 Decision no.", forms.text("pen-decision-no")),
            forms.field("违法行为类型 Violation", forms.text("pen-violation", wide=True)),
            forms.field("处罚依据 Legal basis", forms.text("pen-basis", wide=True), wide=True),
            forms.field("处罚种类 Kinds", forms.choice("pen-kinds", PENALTY_KINDS, multi=True)),
            forms.field("程序 Procedure", forms.choice("pen-procedure", PROCEDURES,
                                                       value="ordinary")),
            forms.field("罚款金额 Fine (CNY)", forms.text("pen-fine")),
            dcc.Checklist(id="pen-heavier", value=[], options=[
                {"label": " 较重行政处罚 Heavier penalty (SAMR Order 44 Art 2)", "value": "yes"}]),
            forms.field("决定日期 Decided on", forms.day("pen-decided")),
            forms.button("作出决定 Decide", "pen-decide"),
        ], className="form")]),
        card("公示 Publish · 撤下 Withdraw", [html.Div([
            forms.field("已决定的案件 Decided case", forms.choice("pen-pub-case", decided),
                        wide=True),
            forms.field("公示日期 Published on", forms.day("pen-published")),
            forms.button("公示 Publish", "pen-publish"),
        ], className="form"), html.Div([
            forms.field("生效中的决定 Decision in force", forms.choice("pen-rev-case", in_force),
                        wide=True),
            forms.field("事由 Ground", forms.choice("pen-ground", REVOCATION,
                                                    value="revoked")),
            forms.field("理由 Reason", forms.text("pen-reason", wide=True), wide=True),
            forms.field("生效日期 Effective on", forms.day("pen-effective")),
            forms.button("撤销并撤下公示 Revoke and withdraw", "pen-revoke", light=True),
        ], className="form")], stack=True),
        html.Div(id="pen-msg"),
    ], id="penalties-page")


def register(app, get_platform) -> None:
    grids.serve(app, get_platform, GRID)
    forms.serve_entity_picker(app, get_platform, "pen-entity")

    @app.callback(Output("pen-msg", "children"), Output("pen-case", "options"),
                  Output("pen-pub-case", "options"), Output("pen-rev-case", "options"),
                  Output("penalties-grid-box", "children"),
                  Input("pen-open", "n_clicks"), Input("pen-decide", "n_clicks"),
                  Input("pen-publish", "n_clicks"), Input("pen-revoke", "n_clicks"),
                  State("pen-entity", "value"), State("pen-department", "value"),
                  State("pen-case-no", "value"), State("pen-opened", "value"),
                  State("pen-case", "value"), State("pen-decision-no", "value"),
                  State("pen-violation", "value"), State("pen-basis", "value"),
                  State("pen-kinds", "value"), State("pen-procedure", "value"),
                  State("pen-fine", "value"), State("pen-heavier", "value"),
                  State("pen-decided", "value"),
                  State("pen-pub-case", "value"), State("pen-published", "value"),
                  State("pen-rev-case", "value"), State("pen-ground", "value"),
                  State("pen-reason", "value"), State("pen-effective", "value"),
                  prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def command(user, _a, _b, _c, _d, uscc, department, case_no, opened, case, decision_no,
                violation, basis, kinds, procedure, fine, heavier, decided, pub_case, published,
                rev_case, ground, reason, effective):
        p, button = get_platform(), ctx.triggered_id
        if button == "pen-open":
            ok, said = forms.attempt(lambda: act.open_penalty(p, user, {
                "uscc": uscc or "", "department": department or "", "opened_on": opened,
                "case_no": case_no or None}), "已立案 Case opened.", "pen", p)
        elif button == "pen-decide":
            ok, said = forms.attempt(lambda: act.decide_penalty(p, user, case, {
                "decision_no": decision_no or "", "violation_type": violation or "",
                "legal_basis": basis or "", "kinds": kinds or [], "procedure": procedure,
                "decided_on": decided, "fine_amount": fine or None,
                "heavier_penalty": bool(heavier)}),
                "已作出处罚决定 Decided.", "pen", p)
        elif button == "pen-publish":
            ok, said = forms.attempt(lambda: act.publish_penalty(
                p, user, pub_case, {"published_on": published}),
                "已公示 Published (双公示).", "pen", p)
        else:
            ok, said = forms.attempt(lambda: act.revoke_penalty(p, user, rev_case, {
                "ground": ground, "effective_on": effective, "reason": reason or ""}),
                "已撤销，公示已撤下 Revoked; its publicity is withdrawn.", "pen", p)
        if not ok:
            return said, no_update, no_update, no_update, no_update
        return (said, *_options(p), grids.view(GRID, height=300).children)

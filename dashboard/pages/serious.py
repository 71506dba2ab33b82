"""严重违法失信名单 The serious-list procedure (SAMR Order 44): prior notice, the statement period,
the answer to the statement, the decision (listed for 3 years, or not)."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, ctx, dcc, html, no_update

from dashboard import forms, grids
from dashboard import supervisor_actions as act
from dashboard import supervisor_queries as q
from dashboard.session import SUPERVISORS, guarded
from dashboard.widgets import card
from kernel.labels import LISTING_GROUNDS, LISTING_STATUSES, PENALTY_STATUSES
from kernel.platform import Platform

COLUMNS = [
    {"field": "entity_name", "headerName": "市场主体 Entity", "minWidth": 180},
    {"field": "uscc", "headerName": "统一社会信用代码 USCC", "minWidth": 170},
    {"field": "status", "headerName": "状态 Status"},
    {"field": "ground", "headerName": "事由 Ground", "filter": False, "sortable": False},
    {"field": "notice_no", "headerName": "告知书 Notice no."},
    {"field": "noticed_on", "headerName": "告知 Noticed", "kind": "date"},
    {"field": "statement_on", "headerName": "陈述申辩 Statement", "filter": False},
    {"field": "answered_on", "headerName": "答复 Answered", "filter": False},
    {"field": "decided_on", "headerName": "决定 Decided", "kind": "date"},
    {"field": "auto_removal_on", "headerName": "届满移出 Removed on expiry", "filter": False},
]


def _rows(p: Platform, user, request) -> tuple[int, list[dict[str, Any]]]:
    with p.read_engine.connect() as conn:
        total, rows = q.serious_procedures(conn, request)
    for r in rows:
        r["status"] = LISTING_STATUSES.get(r["status"], r["status"])
        r["ground"] = LISTING_GROUNDS.get(r["ground"], r["ground"]).split(" ")[0]
    return total, rows


GRID = grids.Grid("serious-grid", COLUMNS, "listing_id", _rows, SUPERVISORS,
                  "严重违法失信名单 Serious list")


def _pending(p: Platform) -> list[dict[str, str]]:
    """Procedures noticed and not yet decided, by entity name."""
    with p.read_engine.connect() as conn:
        _, rows = q.serious_procedures(conn, {"startRow": 0, "endRow": 500})
    return [{"label": f"{r['entity_name'] or r['uscc']} · 告知书 {r['notice_no']} · "
                      f"{r['noticed_on']}", "value": r["uscc"]}
            for r in rows if r["status"] == "noticed"]


def _penalty_cases(p: Platform) -> list[dict[str, str]]:
    """Decided penalties a heavier-penalty listing may rest on, by entity and decision."""
    with p.read_engine.connect() as conn:
        _, rows = q.penalty_cases(conn, {"startRow": 0, "endRow": 500})
    return [{"label": f"{r['entity_name'] or r['uscc']} · {r['decision_no']} · "
                      f"{PENALTY_STATUSES.get(r['status'], r['status'])}",
             "value": r["case_id"]} for r in rows if r["status"] in ("decided", "published")]


def layout(user, platform: Platform) -> html.Div:
    pending = _pending(platform)
    return html.Div([
        html.H2("严重违法失信名单 Serious illegal and dishonest list"),
        card("列入程序 Procedures", [grids.view(GRID, height=280)]),
        card("告知 Prior notice (SAMR Order 44 Art 14)", [html.Div([
            forms.field("市场主体 Entity", forms.entity_picker("ser-entity"), wide=True),
            forms.field("告知书文号 Notice no.", forms.text("ser-notice-no")),
            forms.field("事由 Ground", forms.choice("ser-ground", LISTING_GROUNDS,
                                                    value="heavier_penalty")),
            forms.field("处罚案件 Penalty case", forms.choice(
                "ser-case", _penalty_cases(platform)), wide=True),
            forms.field("事实 Facts", forms.text("ser-facts", wide=True), wide=True),
            forms.field("告知日期 Noticed on", forms.day("ser-noticed")),
            forms.button("告知 Give notice", "ser-notice"),
        ], className="form")]),
        card("陈述申辩 · 答复 · 决定 Statement, answer, decision", [
            forms.field("待决定的程序 Pending procedure", forms.choice("ser-pending", pending),
                        wide=True),
            html.Div([
                forms.field("陈述申辩 Statement", forms.text("ser-statement", wide=True),
                            wide=True),
                forms.field("收到日期 Received on", forms.day("ser-received")),
                dcc.Checklist(id="ser-hearing", options=[
                    {"label": " 申请听证 Hearing requested", "value": "yes"}], value=[]),
                forms.button("记录陈述申辩 Record statement", "ser-record", light=True),
            ], className="form"),
            html.Div([
                forms.field("复核意见 Answer", forms.text("ser-reply", wide=True), wide=True),
                dcc.Checklist(id="ser-adopted", options=[
                    {"label": " 采纳 Adopted", "value": "yes"}], value=[]),
                forms.field("答复日期 Answered on", forms.day("ser-answered")),
                forms.button("答复 Answer", "ser-answer", light=True),
            ], className="form"),
            html.Div([
                forms.field("决定 Decision", forms.choice("ser-listed", {
                    "yes": "列入 List (3 years)", "no": "不予列入 Do not list"}, value="yes")),
                forms.field("决定书文号 Decision no.", forms.text("ser-decision-no")),
                forms.field("理由 Reason (不予列入时必填 required not to list)",
                            forms.text("ser-reason", wide=True), wide=True),
                forms.field("决定日期 Decided on", forms.day("ser-decided")),
                forms.button("作出决定 Decide", "ser-decide"),
            ], className="form"),
        ], stack=True),
        html.Div(id="ser-msg"),
    ], id="serious-page")


def register(app, get_platform) -> None:
    grids.serve(app, get_platform, GRID)
    forms.serve_entity_picker(app, get_platform, "ser-entity")

    @app.callback(Output("ser-msg", "children"), Output("ser-pending", "options"),
                  Output("serious-grid-box", "children"),
                  Input("ser-notice", "n_clicks"), Input("ser-record", "n_clicks"),
                  Input("ser-answer", "n_clicks"), Input("ser-decide", "n_clicks"),
                  State("ser-entity", "value"), State("ser-notice-no", "value"),
                  State("ser-ground", "value"), State("ser-case", "value"),
                  State("ser-facts", "value"), State("ser-noticed", "value"),
                  State("ser-pending", "value"), State("ser-statement", "value"),
                  State("ser-received", "value"), State("ser-hearing", "value"),
                  State("ser-reply", "value"), State("ser-adopted", "value"),
                  State("ser-answered", "value"), State("ser-listed", "value"),
                  State("ser-decision-no", "value"), State("ser-reason", "value"),
                  State("ser-decided", "value"), prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def command(user, _a, _b, _c, _d, uscc, notice_no, ground, case, facts, noticed, pending,
                statement, received, hearing, reply, adopted, answered, listed, decision_no,
                reason, decided):
        p, button = get_platform(), ctx.triggered_id
        if button == "ser-notice":
            ok, said = forms.attempt(lambda: act.give_listing_notice(p, user, uscc, {
                "notice_no": notice_no or "", "ground": ground, "facts": facts or "",
                "noticed_on": noticed, "penalty_case_id": case or None}),
                "已告知，陈述申辩期开始 Noticed: the statement period runs.", "ser", p)
        elif button == "ser-record":
            ok, said = forms.attempt(lambda: act.record_statement(p, user, pending, {
                "received_on": received, "statement": statement or "",
                "hearing_requested": bool(hearing)}), "已记录陈述申辩 Statement recorded.", "ser", p)
        elif button == "ser-answer":
            ok, said = forms.attempt(lambda: act.answer_statement(p, user, pending, {
                "answered_on": answered, "reply": reply or "", "adopted": bool(adopted)}),
                "已答复 Answered: a decision may follow.", "ser", p)
        else:
            ok, said = forms.attempt(lambda: act.decide_listing(p, user, pending, {
                "listed": listed != "no", "decision_no": decision_no or "",
                "decided_on": decided, "reason": reason or ""}),
                "已作出决定 Decided." if listed == "no"
                else "已列入严重违法失信名单 Listed for 3 years.", "ser", p)
        if not ok:
            return said, no_update, no_update
        return said, _pending(p), grids.view(GRID, height=280).children

"""信用修复 Credit repair: the applications awaiting a decision, approved or rejected here."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, ctx, dcc, html, no_update
from pydantic import ValidationError

from credit.repair.views import list_repair_applications
from dashboard import actions
from dashboard.session import SUPERVISORS, guarded
from dashboard.widgets import card, empty
from kernel.clock import today_in_china
from kernel.errors import DomainError
from kernel.platform import Platform

RECORD_KINDS = {"penalty": "行政处罚 Penalty", "serious_listing": "严重违法失信名单 Serious list",
                "abnormal_listing": "经营异常名录 Abnormal list",
                "false_commitment": "虚假承诺 False commitment",
                "inspection_result": "抽查检查结果 Spot-check result"}
STATUSES = {"pending": "待决定 Pending", "approved": "已修复 Approved",
            "rejected": "不予修复 Rejected"}


def layout(user, platform: Platform) -> html.Div:
    return html.Div([
        html.H2("信用修复 Credit repair"),
        card("待决定的申请 Applications awaiting a decision", [html.Div(
            _pending(platform), id="repairs-pending")]),
        card("决定 Decide (SAMR Order 107: 修复后不再公示 a repaired record leaves the public "
             "record)", [_form(platform)]),
        card("最近的决定 Recent decisions", [html.Div(_decided(platform), id="repairs-decided")]),
    ], id="repairs-page")


def _rows(platform: Platform, status: str) -> list[dict[str, Any]]:
    with platform.read_engine.connect() as conn:
        return list_repair_applications(conn, status=status, limit=200)[1]


def _table(rows: list[dict[str, Any]], id_: str, decided: bool = False) -> Any:
    heads = ["统一社会信用代码 USCC", "记录 Record", "申请日 Applied", "可修复日 Eligible from",
             "证明材料 Evidence"] + (["决定 Decision", "日期 On", "理由 Reason"] if decided
                                   else ["承诺 Pledge"])
    body = [html.Tr([html.Td(r["uscc"]), html.Td(RECORD_KINDS.get(r["record_kind"],
                                                                   r["record_kind"])),
                     html.Td(str(r["applied_on"])), html.Td(str(r["eligible_from"])),
                     html.Td("；".join(r["evidence"]))]
                    + ([html.Td(STATUSES.get(r["status"], r["status"])),
                        html.Td(str(r["decided_on"])), html.Td(r["decision_reason"] or "")]
                       if decided else [html.Td(r["pledge"])]))
            for r in rows]
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in heads])), html.Tbody(body)],
                      className="table", id=id_)


def _pending(platform: Platform) -> Any:
    rows = _rows(platform, "pending")
    return _table(rows, "repairs-table") if rows else \
        empty("没有待决定的申请 No application awaits a decision.", "repairs-none")


def _decided(platform: Platform) -> Any:
    rows = _rows(platform, "approved")[:25] + _rows(platform, "rejected")[:25]
    rows.sort(key=lambda r: r["decided_on"], reverse=True)
    return _table(rows, "repairs-decided-table", decided=True) if rows else \
        empty("尚无决定 No decision yet.")


def _options(platform: Platform) -> list[dict[str, str]]:
    return [{"label": f"{r['uscc']} · {RECORD_KINDS.get(r['record_kind'], r['record_kind'])} · "
                      f"{r['applied_on']}", "value": r["id"]}
            for r in _rows(platform, "pending")]


def _form(platform: Platform) -> html.Div:
    return html.Div([
        html.Div([html.Label("申请 Application"),
                  dcc.Dropdown(id="repair-choice", options=_options(platform),
                               placeholder="选择申请 Choose an application")], className="field"),
        html.Div([html.Label("理由 Reason (不予修复时必填 required to reject)"),
                  dcc.Input(id="repair-reason", type="text", className="input-wide")],
                 className="field"),
        html.Div([html.Button("准予修复 Approve", id="repair-approve", className="button"),
                  html.Button("不予修复 Reject", id="repair-reject", className="button-light")],
                 className="actions"),
        html.Div(id="repair-msg", role="status"),
    ], className="form")


def register(app, get_platform) -> None:
    @app.callback(Output("repair-msg", "children"), Output("repairs-pending", "children"),
                  Output("repairs-decided", "children"), Output("repair-choice", "options"),
                  Output("repair-choice", "value"),
                  Input("repair-approve", "n_clicks"), Input("repair-reject", "n_clicks"),
                  State("repair-choice", "value"), State("repair-reason", "value"),
                  prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def decide(user, approve_clicks, reject_clicks, repair_id, reason):
        if not repair_id or ctx.triggered_id not in ("repair-approve", "repair-reject"):
            return (html.Div("请选择申请 Choose an application first.", className="error",
                             id="repair-error"), no_update, no_update, no_update, no_update)
        p = get_platform()
        approve = ctx.triggered_id == "repair-approve"
        try:
            actions.decide_repair(p, user, repair_id, {
                "approve": approve, "decided_on": today_in_china().isoformat(),
                "reason": reason or ""})
        except (ValidationError, DomainError) as e:
            return (html.Div(actions.message_of(e), className="error", id="repair-error"),
                    no_update, no_update, no_update, no_update)
        done = "已准予修复 Approved: 该记录不再公示 the record is no longer public." if approve \
            else "已不予修复 Rejected."
        return (html.Div(done, className="ok", id="repair-done"), _pending(p), _decided(p),
                _options(p), None)

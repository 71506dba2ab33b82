"""信用修复 Credit repair: the applications awaiting a decision, approved or rejected here; both
lists are shared grids (paging, sorting, filtering, CSV/.xlsx export)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from dash import Input, Output, State, ctx, dcc, html, no_update
from pydantic import ValidationError

from credit.repair.views import (
    APPLICATION_COLUMNS,
    APPLICATION_TIE,
    APPLICATIONS,
    evidence_list,
    list_repair_applications,
)
from dashboard import actions, grids
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


PENDING_COLUMNS = [
    {"field": "uscc", "headerName": "统一社会信用代码 USCC", "minWidth": 170},
    {"field": "record_kind", "headerName": "记录 Record", "minWidth": 150},
    {"field": "applied_on", "headerName": "申请日 Applied", "kind": "date"},
    {"field": "eligible_from", "headerName": "可修复日 Eligible from", "kind": "date"},
    {"field": "evidence", "headerName": "证明材料 Evidence", "filter": False, "sortable": False,
     "minWidth": 180},
    {"field": "pledge", "headerName": "承诺 Pledge", "minWidth": 180},
]
DECIDED_COLUMNS = [
    *PENDING_COLUMNS[:5],
    {"field": "status", "headerName": "决定 Decision"},
    {"field": "decided_on", "headerName": "日期 On", "kind": "date"},
    {"field": "decision_reason", "headerName": "理由 Reason", "minWidth": 180},
]
DECIDED = ("approved", "rejected")


def applications(conn: sa.Connection, request: dict[str, Any] | None,
                 statuses: tuple[str, ...]) -> tuple[int, list[dict[str, Any]]]:
    """Repair applications in these states as the grids show them, newest first."""
    stmt = APPLICATIONS.where(APPLICATION_COLUMNS["status"].in_(statuses))
    newest = APPLICATION_COLUMNS["decided_on" if statuses == DECIDED else "applied_on"]
    total, rows = grids.page(conn, stmt, request, APPLICATION_COLUMNS, [newest.desc()],
                             APPLICATION_TIE, {"record_kind": RECORD_KINDS, "status": STATUSES})
    for r in rows:
        r["id"] = f"{r['repair_id']}-{r['attempt']}"
        r["record_kind"] = RECORD_KINDS.get(r["record_kind"], r["record_kind"])
        r["status"] = STATUSES.get(r["status"], r["status"])
        r["evidence"] = "；".join(evidence_list(r["evidence"]))
    return total, rows


def _fetch(statuses: tuple[str, ...]) -> grids.Fetch:
    def fetch(p: Platform, user, request) -> tuple[int, list[dict[str, Any]]]:
        with p.read_engine.connect() as conn:
            return applications(conn, request, statuses)
    return fetch


PENDING_GRID = grids.Grid("repairs-table", PENDING_COLUMNS, "id", _fetch(("pending",)),
                          SUPERVISORS, "待决定的修复申请 Pending repairs")
DECIDED_GRID = grids.Grid("repairs-decided-table", DECIDED_COLUMNS, "id", _fetch(DECIDED),
                          SUPERVISORS, "修复决定 Repair decisions")


def layout(user, platform: Platform) -> html.Div:
    return html.Div([
        html.H2("信用修复 Credit repair"),
        card("待决定的申请 Applications awaiting a decision", [html.Div(
            _pending(platform), id="repairs-pending")]),
        card("决定 Decide (SAMR Order 107: 修复后不再公示 a repaired record leaves the public "
             "record)", [_form(platform)]),
        card("已决定 Decisions", [html.Div(_decided(platform), id="repairs-decided")]),
    ], id="repairs-page")


def _rows(platform: Platform, status: str) -> list[dict[str, Any]]:
    with platform.read_engine.connect() as conn:
        return list_repair_applications(conn, status=status, limit=200)[1]


def _count(platform: Platform, statuses: tuple[str, ...]) -> int:
    with platform.read_engine.connect() as conn:
        return applications(conn, {"startRow": 0, "endRow": 1}, statuses)[0]


def _pending(platform: Platform, generation: int = 0) -> Any:
    """The grid in a wrapper whose id changes after each decision: the renderer mounts a fresh
    grid, which asks the server for its rows again."""
    if not _count(platform, ("pending",)):
        return empty("没有待决定的申请 No application awaits a decision.", "repairs-none")
    return html.Div(grids.view(PENDING_GRID, height=300), id=f"repairs-pending-{generation}")


def _decided(platform: Platform, generation: int = 0) -> Any:
    if not _count(platform, DECIDED):
        return empty("尚无决定 No decision yet.")
    return html.Div(grids.view(DECIDED_GRID, height=300), id=f"repairs-decided-{generation}")


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
    grids.serve(app, get_platform, PENDING_GRID)
    grids.serve(app, get_platform, DECIDED_GRID)

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
        generation = (approve_clicks or 0) + (reject_clicks or 0)
        return (html.Div(done, className="ok", id="repair-done"), _pending(p, generation),
                _decided(p, generation), _options(p), None)

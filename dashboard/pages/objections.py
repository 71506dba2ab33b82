"""异议 The objection queue: open objections by deadline (overdue first), handled here by the
responsible department; contacts masked (credit.objections.views). The queue is a shared grid
(paging, sorting, filtering, CSV/.xlsx export)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from dash import Input, Output, State, dcc, html, no_update
from pydantic import ValidationError

from credit.objections.rules import OUTCOMES, RECORD_KINDS
from credit.objections.schemas import OutcomeCreate
from credit.objections.views import list_objections, mask_contact, mask_name, objections
from dashboard import actions, grids
from dashboard.session import SUPERVISORS, guarded
from dashboard.widgets import card, empty
from kernel.clock import today_in_china
from kernel.errors import DomainError
from kernel.labels import department_labels
from kernel.platform import Platform

COLUMNS = [
    {"field": "uscc", "headerName": "统一社会信用代码 USCC", "minWidth": 170},
    {"field": "record", "headerName": "记录 Record", "minWidth": 180},
    {"field": "department", "headerName": "部门 Department"},
    {"field": "reason", "headerName": "理由 Reason", "minWidth": 160},
    {"field": "contact", "headerName": "联系人 Contact", "filter": False, "sortable": False},
    {"field": "filed_on", "headerName": "提出日 Filed", "kind": "date"},
    {"field": "handle_by", "headerName": "期限 Handle by", "kind": "date"},
    {"field": "state", "headerName": "状态 State", "filter": False},
]
OVERDUE, OPEN = "逾期 Overdue", "处理中 Open"


def queue(conn: sa.Connection, request: dict[str, Any] | None, today: date,
          departments: dict[str, str]) -> tuple[int, list[dict[str, Any]]]:
    """Open objections, overdue first then by deadline; contacts masked as the views mask them."""
    o = objections.c
    late = sa.case((o.handle_by < today, 1), else_=0)
    stmt = sa.select(o.objection_id, o.uscc, o.record_kind, o.record_key, o.department,
                     o.reason, o.contact_name, o.contact, o.filed_on, o.handle_by,
                     late.label("late")).where(o.status == "open")
    allowed = {"uscc": o.uscc, "record": o.record_key, "department": o.department,
               "reason": o.reason, "filed_on": o.filed_on, "handle_by": o.handle_by,
               "state": late}
    total, rows = grids.page(conn, stmt, request, allowed, [late.desc(), o.handle_by],
                             o.objection_id, {"department": departments})
    return total, [{
        "id": r["objection_id"], "uscc": r["uscc"],
        "record": f"{RECORD_KINDS[r['record_kind']].split(' (')[0]} · {r['record_key']}",
        "department": departments.get(r["department"], r["department"]),
        "reason": r["reason"],
        "contact": f"{mask_name(r['contact_name'])} {mask_contact(r['contact'])}",
        "filed_on": r["filed_on"], "handle_by": r["handle_by"],
        "state": OVERDUE if r["late"] else OPEN, "overdue": bool(r["late"])} for r in rows]


def _fetch(p: Platform, user, request) -> tuple[int, list[dict[str, Any]]]:
    with p.read_engine.connect() as conn:
        return queue(conn, request, today_in_china(), department_labels(p.rules))


GRID = grids.Grid("objections-table", COLUMNS, "id", _fetch, SUPERVISORS,
                  "待处理的异议 Open objections",
                  row_class_rules={"row-overdue": "params.data && params.data.overdue"})


def layout(user, platform: Platform) -> html.Div:
    return html.Div([
        html.H2("异议处理 Objections"),
        card("待处理的异议 Open objections (逾期在前 overdue first)",
             [html.Div(_queue(platform), id="objections-queue")]),
        card("处理 Handle (谁公示、谁处理: the record's department)", [_form(platform)]),
    ], id="objections-page")


def _open(platform: Platform) -> list[dict[str, Any]]:
    with platform.read_engine.connect() as conn:
        return list_objections(conn, today=today_in_china(), status="open", limit=200)[1]


def _queue(platform: Platform, generation: int = 0) -> Any:
    """The grid in a wrapper whose id changes after each outcome: the renderer mounts a fresh
    grid, which asks the server for its rows again."""
    with platform.read_engine.connect() as conn:
        any_open = queue(conn, {"startRow": 0, "endRow": 1}, today_in_china(), {})[0]
    if not any_open:
        return empty("没有待处理的异议 No open objection.", "objections-none")
    return html.Div(grids.view(GRID, height=320), id=f"objections-queue-{generation}")


def _options(platform: Platform) -> list[dict[str, str]]:
    return [{"label": f"{r['uscc']} · {r['record_key']} · {r['filed_on']}", "value": r["id"]}
            for r in _open(platform)]


def _form(platform: Platform) -> html.Div:
    return html.Div([
        html.Div([html.Label("异议 Objection"),
                  dcc.Dropdown(id="objection-choice", options=_options(platform),
                               placeholder="选择异议 Choose an objection")], className="field"),
        html.Div([html.Label("结果 Outcome"),
                  dcc.Dropdown(id="objection-outcome", options=[
                      {"label": label, "value": k} for k, label in OUTCOMES.items()])],
                 className="field"),
        html.Div([html.Label("理由 Reasons"),
                  dcc.Input(id="objection-reasons", type="text", className="input-wide")],
                 className="field"),
        html.Div([html.Button("记录结果 Record the outcome", id="objection-handle",
                              className="button")], className="actions"),
        html.Div(id="objection-msg", role="status"),
    ], className="form")


def handle(p: Platform, user, objection_id: str, form: dict[str, Any]) -> None:  # noqa: ANN001
    """Validate as the API's OutcomeCreate does, record the outcome as `user`."""
    body = OutcomeCreate.model_validate(form)
    p.credit.handle_objection(UUID(objection_id), body.outcome, body.handled_on, body.reasons,
                              today_in_china(), actor=user)


def register(app, get_platform) -> None:
    grids.serve(app, get_platform, GRID)

    @app.callback(Output("objection-msg", "children"), Output("objections-queue", "children"),
                  Output("objection-choice", "options"), Output("objection-choice", "value"),
                  Input("objection-handle", "n_clicks"),
                  State("objection-choice", "value"), State("objection-outcome", "value"),
                  State("objection-reasons", "value"), prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def decide(user, clicks, objection_id, outcome, reasons):
        if not objection_id:
            return (html.Div("请选择异议 Choose an objection first.", className="error",
                             id="objection-error"), no_update, no_update, no_update)
        p = get_platform()
        try:
            handle(p, user, objection_id, {"outcome": outcome or "", "reasons": reasons or "",
                                           "handled_on": today_in_china().isoformat()})
        except (ValidationError, DomainError) as e:
            return (html.Div(actions.message_of(e), className="error", id="objection-error"),
                    no_update, no_update, no_update)
        return (html.Div(f"已记录 Recorded: {OUTCOMES[outcome]}", className="ok",
                         id="objection-done"), _queue(p, clicks or 0), _options(p), None)

"""异议 The objection queue: open objections by deadline (overdue first), handled here by the
responsible department; contacts masked (credit.objections.views)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from dash import Input, Output, State, dcc, html, no_update
from pydantic import ValidationError

from credit.objections.rules import OUTCOMES, RECORD_KINDS
from credit.objections.schemas import OutcomeCreate
from credit.objections.views import list_objections
from dashboard import actions
from dashboard.session import SUPERVISORS, guarded
from dashboard.widgets import card, empty
from kernel.clock import today_in_china
from kernel.errors import DomainError
from kernel.platform import Platform


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


def _queue(platform: Platform) -> Any:
    rows = _open(platform)
    if not rows:
        return empty("没有待处理的异议 No open objection.", "objections-none")
    heads = ["统一社会信用代码 USCC", "记录 Record", "部门 Department", "理由 Reason",
             "联系人 Contact", "提出日 Filed", "期限 Handle by", "状态 State"]
    body = [html.Tr([html.Td(r["uscc"]),
                     html.Td(f"{RECORD_KINDS[r['record_kind']].split(' (')[0]} · "
                             f"{r['record_key']}"),
                     html.Td(r["department"]), html.Td(r["reason"]),
                     html.Td(f"{r['contact_name']} {r['contact']}"),
                     html.Td(str(r["filed_on"])), html.Td(str(r["handle_by"])),
                     html.Td("逾期 Overdue" if r["overdue"] else "处理中 Open",
                             className="error" if r["overdue"] else "")])
            for r in sorted(rows, key=lambda r: (not r["overdue"], r["handle_by"]))]
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in heads])), html.Tbody(body)],
                      className="table", id="objections-table")


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
                         id="objection-done"), _queue(p), _options(p), None)

"""风险核验 Risk measured: outcomes by class against the random control sample, the policy lab,
and complaints (投诉举报) as a risk input. INTERNAL: classes are never shown to the public."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html, no_update
from pydantic import ValidationError

from credit.risk import policy as lab
from credit.risk.complaint import CHANNELS
from credit.risk.queries import lab_population, plan_outcomes, pooled_outcomes
from credit.risk.stats import GroupOutcome
from dashboard import actions, exports, grid_memory, grids
from dashboard.session import SUPERVISORS, guarded
from dashboard.widgets import card, empty
from kernel.clock import today_in_china
from kernel.errors import DomainError
from kernel.labels import department_labels, options
from kernel.platform import Platform

_LABELS = {"hotline_12315": "12315 热线 hotline", "online_12315": "12315 平台 online",
           "letter": "来信 letter", "visit": "来访 visit", "referral": "移送 referral",
           "other": "其他 other"}
CHANNEL_LABELS = {c: _LABELS.get(c, c) for c in CHANNELS}


def layout(user, platform: Platform) -> html.Div:
    with platform.read_engine.connect() as conn:
        plans = plan_outcomes(conn)
        pooled = pooled_outcomes(conn)
    r = platform.rules.draw.ratios
    return html.Div([
        html.H2("风险核验 Risk measured (internal)"),
        card("分类结果对照 Outcomes by class against the random control sample (rate: Wilson "
             "95 %; lift over control: bootstrap 95 %)",
             _outcomes(pooled, plans) if plans else
             [empty("尚无抽取 No draw yet.", "risk-no-draw")], id_="risk-outcomes", stack=True),
        card("政策实验室 Policy lab: expected problems against inspector-days", [
            html.Div([_num(f"lab-{c}", f"{c} 类比例 class {c} ratio", v, 0, 1, 0.01)
                      for c, v in zip("ABCD", (r.A, r.B, r.C, r.D))]
                     + [_num("lab-control", "对照比例 Control share",
                             platform.rules.draw.control_share, 0, 0.99, 0.01),
                        _num("lab-budget", "人日预算 Inspector-days budget (blank: none)", None,
                             1, None, 1),
                        _num("lab-team", "每组人数 Team size", 2, 2, 10, 1),
                        _num("lab-days", "每人每次天数 Days per inspection", 0.5, 0.05, 10, 0.05)],
                     className="form"),
            html.Div(html.Button("计算 Run", id="lab-run", className="button"),
                     className="actions"),
            html.Div(id="lab-out", role="status")], id_="risk-lab", stack=True),
        card("投诉举报 Record a complaint or report", [_complaint_form(user, platform)],
             id_="risk-complaint", stack=True),
    ], id="risk-page")


def _pct(x: float | None) -> str:
    return "–" if x is None or x != x else f"{100 * x:.1f} %"


def _num(id_: str, label: str, value: Any, lo: float | None, hi: float | None,
         step: float) -> html.Div:
    return html.Div([html.Label(label, htmlFor=id_),
                     dcc.Input(id=id_, type="number", value=value, min=lo, max=hi, step=step)],
                    className="field")


HEADS = ["组 Group", "已检查 Inspected", "发现问题 Found", "发现率 Rate [95 %]",
         "相对对照 Lift [95 %]"]


def _cells(g: GroupOutcome) -> list[Any]:
    return ["对照 control" if g.group == "control" else f"{g.group} 类", g.inspected, g.found,
            f"{_pct(g.rate)} [{_pct(g.rate_low)}, {_pct(g.rate_high)}]",
            "–" if g.lift is None else f"{g.lift:.2f}" + (
                "" if g.lift_low is None else f" [{g.lift_low:.2f}, {g.lift_high:.2f}]")]


def _table(groups: list[GroupOutcome], id_: str | None = None) -> html.Table:
    body = [html.Tr([html.Td(v) for v in _cells(g)]) for g in groups]
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in HEADS])), html.Tbody(body)],
                      className="table", **({"id": id_} if id_ else {}))


def _outcomes(pooled: list[GroupOutcome], plans: list) -> list[Any]:
    """The pooled table (with its export), then every plan's outcomes in one shared grid."""
    return [_figure(pooled),
            exports.buttons("risk-pooled", "分类结果 Outcomes by class", HEADS,
                            [_cells(g) for g in pooled]),
            _table(pooled, "risk-pooled"),
            html.H4("各计划 Each plan (已检查/抽中 inspected of drawn)"),
            grids.view(PLANS_GRID, height=320, page_size=15)]


PLAN_COLUMNS = [
    {"field": "plan", "headerName": "计划 Plan", "minWidth": 170},
    {"field": "drawn_on", "headerName": "抽取日 Drawn on", "kind": "date"},
    {"field": "progress", "headerName": "已检查/抽中 Inspected/drawn", "filter": False,
     "sortable": False},
    {"field": "group", "headerName": "组 Group"},
    {"field": "inspected", "headerName": "已检查 Inspected", "kind": "number"},
    {"field": "found", "headerName": "发现问题 Found", "kind": "number"},
    {"field": "rate_pct", "headerName": "发现率 % Rate", "kind": "number"},
    {"field": "rate_ci", "headerName": "95 % 区间 Interval", "filter": False, "sortable": False},
    {"field": "lift", "headerName": "相对对照 Lift [95 %]", "filter": False, "sortable": False},
]
PLAN_FIELDS = frozenset(("plan", "drawn_on", "group", "inspected", "found", "rate_pct"))


def plan_rows(plans: list) -> list[dict[str, Any]]:
    """One row per plan and group, as the grid shows them (newest draw first)."""
    out = []
    for p, gs in sorted(plans, key=lambda pg: str(pg[0]["drawn_on"]), reverse=True):
        for g in gs:
            group, inspected, found, rate, lift = _cells(g)
            out.append({"id": f"{p['plan_id']}-{g.group}", "plan": p["name"],
                        "drawn_on": str(p["drawn_on"]),
                        "progress": f"{p['inspected']}/{p['drawn']}", "group": group,
                        "inspected": inspected, "found": found,
                        "rate_pct": None if g.rate is None or g.rate != g.rate
                        else round(100 * g.rate, 1),
                        "rate_ci": rate, "lift": lift})
    return out


def _plan_fetch(p: Platform, user, request) -> tuple[int, list[dict[str, Any]]]:
    with p.read_engine.connect() as conn:
        rows = plan_rows(plan_outcomes(conn))
    return grid_memory.page_rows(rows, request, PLAN_FIELDS)


PLANS_GRID = grids.Grid("risk-plans-grid", PLAN_COLUMNS, "id", _plan_fetch, SUPERVISORS,
                        "各计划结果 Outcomes by plan", filterable=PLAN_FIELDS)


def _figure(groups: list[GroupOutcome]) -> Any:
    shown = [g for g in groups if g.inspected]
    if not shown:
        return empty("尚无检查结果 No inspection result yet.", "risk-no-results")
    rates = [100 * g.rate for g in shown]
    fig = go.Figure(go.Bar(
        x=[g.group for g in shown], y=rates,
        error_y={"type": "data", "array": [100 * g.rate_high - r for g, r in zip(shown, rates)],
                 "arrayminus": [r - 100 * g.rate_low for g, r in zip(shown, rates)]}))
    fig.update_layout(height=260, margin={"l": 40, "r": 10, "t": 10, "b": 30},
                      yaxis_title="发现率 % problem-found rate")
    return dcc.Graph(figure=fig, id="risk-rates", config={"displayModeBar": False})


def _complaint_form(user, platform: Platform) -> html.Div:
    departments = department_labels(platform.rules)
    own = user.department if user.department in departments else next(iter(departments))

    def text(id_: str, label: str, kind: str = "text") -> html.Div:
        return html.Div([html.Label(label, htmlFor=id_), dcc.Input(id=id_, type=kind)],
                        className="field")
    return html.Div([
        text("complaint-uscc", "统一社会信用代码 USCC"),
        html.Div([html.Label("受理部门 Department"), dcc.Dropdown(
            id="complaint-department", options=options(departments), value=own,
            clearable=False)], className="field"),
        text("complaint-ref", "受理编号 Reference number"),
        html.Div([html.Label("受理日期 Received on"), dcc.DatePickerSingle(
            id="complaint-received", date=today_in_china().isoformat(),
            display_format="YYYY-MM-DD")], className="field"),
        html.Div([html.Label("渠道 Channel"), dcc.Dropdown(
            id="complaint-channel", options=options(CHANNEL_LABELS), value="hotline_12315",
            clearable=False)], className="field"),
        text("complaint-category", "类别 Category (食品安全, 价格, 产品质量 …)"),
        dcc.Checklist(id="complaint-substantiated",
                      options=[{"label": " 属实 Substantiated", "value": "yes"}], value=[]),
        text("complaint-summary", "摘要 Summary"),
        html.Button("登记 Record", id="complaint-record", className="button"),
        html.Div(id="complaint-msg", role="status")], className="form")


def _lab_result(p: Platform, form: dict[str, Any]) -> html.Div:
    with p.read_engine.connect() as conn:
        k, prob, base, sources = lab_population(conn, p.rules)
    alt = lab.Policy(ratios=tuple(float(form[c]) for c in "ABCD"),  # type: ignore[arg-type]
                     control_share=float(form["control"]),
                     budget_days=float(form["budget"]) if form["budget"] else None,
                     team_size=int(form["team"]), days_per_inspection=float(form["days"]))
    base = lab.Policy(base.ratios, base.control_share, alt.team_size, alt.days_per_inspection)
    rows = [("现行 Configured", lab.evaluate(k, prob, base)), ("设想 What-if",
                                                              lab.evaluate(k, prob, alt))]
    heads = ["策略 Policy", "比例 A/B/C/D", "对照 Control", "检查次数 Inspections",
             "人日 Inspector-days", "预期发现问题 Expected problems", "每百人日 Per 100 days"]
    body = [html.Tr([html.Td(name), html.Td("/".join(f"{v:.3g}" for v in o.policy.ratios)),
                     html.Td(_pct(o.policy.control_share)), html.Td(f"{o.inspections:,.0f}"),
                     html.Td(f"{o.inspector_days:,.0f}"), html.Td(f"{o.problems:,.1f}"),
                     html.Td(f"{o.problems_per_100_days:.2f}")]) for name, o in rows]
    curve = lab.frontier(k, prob, base)
    fig = go.Figure(go.Scatter(x=[c[0] for c in curve], y=[c[1] for c in curve],
                               mode="lines", name="现行比例缩放 configured, scaled"))
    fig.add_trace(go.Scatter(x=[rows[1][1].inspector_days], y=[rows[1][1].problems],
                             mode="markers", name="设想 what-if", marker={"size": 12}))
    fig.update_layout(height=280, margin={"l": 50, "r": 10, "t": 10, "b": 40},
                      xaxis_title="人日 inspector-days", yaxis_title="预期发现问题 problems")
    note = (f"{k.size:,} 户在册主体 active entities; 各类发现率来源 rate per class from: "
            + ", ".join(f"{c} {s}" for c, s in zip("ABCD", sources)))
    return html.Div([html.Table([html.Thead(html.Tr([html.Th(h) for h in heads])),
                                 html.Tbody(body)], className="table", id="lab-table"),
                     dcc.Graph(figure=fig, config={"displayModeBar": False}),
                     html.P(note)], id="lab-result")


def register(app, get_platform) -> None:
    grids.serve(app, get_platform, PLANS_GRID)

    @app.callback(Output("lab-out", "children"), Input("lab-run", "n_clicks"),
                  *(State(f"lab-{c}", "value") for c in ("A", "B", "C", "D", "control",
                                                         "budget", "team", "days")),
                  prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def run_lab(user, _clicks, a, b, c, d, control, budget, team, days):
        form = {"A": a, "B": b, "C": c, "D": d, "control": control, "budget": budget,
                "team": team, "days": days}
        missing = [k for k, v in form.items() if v is None and k != "budget"]
        if missing:
            return html.Div(f"请填写 Fill in: {', '.join(missing)}", className="error",
                            id="lab-error")
        try:
            return _lab_result(get_platform(), form)
        except ValueError as e:
            return html.Div(f"参数无效 Invalid: {e}", className="error", id="lab-error")

    @app.callback(Output("complaint-msg", "children"), Output("complaint-ref", "value"),
                  Input("complaint-record", "n_clicks"),
                  State("complaint-uscc", "value"), State("complaint-department", "value"),
                  State("complaint-ref", "value"), State("complaint-received", "date"),
                  State("complaint-channel", "value"), State("complaint-category", "value"),
                  State("complaint-substantiated", "value"), State("complaint-summary", "value"),
                  prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def record(user, _clicks, uscc, department, ref, received, channel, category, yes, summary):
        try:
            actions.record_complaint(get_platform(), user, {
                "uscc": uscc or "", "department": department or "", "reference_no": ref or "",
                "received_on": received, "channel": channel, "category": category or "",
                "substantiated": "yes" in (yes or []), "summary": summary or ""})
        except (ValidationError, DomainError) as e:
            return html.Div(actions.message_of(e), className="error",
                            id="complaint-error"), no_update
        return html.Div(f"已登记 Recorded: {ref}", className="ok", id="complaint-done"), ""

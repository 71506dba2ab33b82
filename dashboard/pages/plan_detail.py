"""One plan's terms, its draw records with strata counts, and a draw's verification result."""

from __future__ import annotations

from typing import Any

from dash import html

from kernel.labels import PLAN_STATUSES, STRATA, department_labels, region_label
from kernel.platform import Platform
from supervision.plans import views as plan_views


def _pairs(rows: list[tuple[str, Any]]) -> html.Dl:
    out: list[Any] = []
    for k, v in rows:
        out += [html.Dt(k), html.Dd(str(v) if v not in (None, "") else "—")]
    return html.Dl(out, className="pairs")


def detail(platform: Platform, plan_id: str) -> tuple[Any, str]:
    """(the panel, the plan's status) read from the plan board."""
    with platform.engine.connect() as conn:
        plan = plan_views.plan(conn, plan_id)
    if plan is None:
        return html.Div("计划不存在 No such plan.", className="empty-state"), "missing"
    names = department_labels(platform.rules)
    terms = plan["terms"]
    ratios = terms.get("ratios", {})
    info = _pairs([
        ("计划 Plan", plan["name"]),
        ("状态 Status", PLAN_STATUSES.get(plan["status"], plan["status"])),
        ("部门 Departments", ", ".join(names.get(d, d) for d in plan["departments"])),
        ("抽查事项 Check items", ", ".join(plan["check_items"])),
        ("地区 Region", region_label(plan["region_prefix"]) if plan["region_prefix"] else "全省 all"),
        ("方式 Mode", "定向 directed" if plan["directed"] else "不定向 undirected"),
        ("比例 Ratios A/B/C/D", " / ".join(f"{ratios.get(k, 0):.0%}" for k in "ABCD")),
        ("重点对象 Targeted entities", f"{len(terms.get('targeted', []))} · "
                                      f"{terms.get('targeted_ratio', 1):.0%}"
         if terms.get("targeted") else None),
        ("每项任务人数 Inspectors per task", terms.get("inspectors_per_task")),
        ("拟定 Drafted", f"{plan['drafted_on']} · {plan['drafted_by']}"),
        ("发布 Published", plan["published_on"]),
        ("完成期限 Due", plan["due_on"]),
    ])
    records = [_record(r) for r in plan["draw_records"]]
    return html.Div([html.H4(plan["name"], id="plan-title"),
                     html.Span(PLAN_STATUSES.get(plan["status"], plan["status"]),
                               id="plan-status", className=f"badge badge-{plan['status']}"),
                     info, *records], id="plan-panel"), plan["status"]


def _record(draw: dict[str, Any]) -> html.Div:
    rec = draw["record"]
    strata = rec.get("strata", {})
    head = html.Tr([html.Th(t) for t in ("层 Stratum", "总体 Population",
                                         "冷却期排除 Excluded (cool-off)", "抽中 Drawn")])
    rows = [html.Tr([html.Td(STRATA.get(k, k)), html.Td(f"{s['population']:,}"),
                     html.Td(f"{s['excluded_cool_off']:,}"), html.Td(f"{s['drawn']:,}")])
            for k, s in strata.items()]
    return html.Div([
        html.H4(f"抽取记录 Draw record #{draw['draw_no']}"),
        _pairs([("日期 Drawn on", draw["drawn_on"]), ("重抽原因 Redraw reason", draw["reason"]),
                ("公开随机数 Public random value", rec.get("public_random")),
                ("种子 Seed", rec.get("seed")), ("算法 Algorithm", rec.get("algorithm_version")),
                ("名录摘要 Pool digest", rec.get("pool_digest")),
                ("指纹 Fingerprint", rec.get("fingerprint")),
                ("名录规模 Pool size", f"{rec.get('pool_size', 0):,}"),
                ("检查人员库 Roster size", rec.get("roster_size")),
                ("抽中 Drawn", draw["drawn"]), ("未配齐 Not fully staffed", draw["unassigned"]),
                ("人员配备 Staffing", _staffing(rec.get("staffing")))]),
        html.Table([html.Thead(head), html.Tbody(rows)], className="table", id="strata-table"),
    ], className="panel draw-record")


def verification(result: dict[str, Any]) -> html.Div:
    """验证 verified, or exactly what differs."""
    if result["verified"]:
        return html.Div([
            html.Strong("验证通过 verified ✓", id="verification-status"),
            html.Span(f" — 抽取 #{result['draw_no']} 可由公开数据复算 recomputed from the archived "
                      f"pool and the public random value {result['public_random']!r}."),
        ], id="verification-result", className="ok")
    return html.Div([html.Strong("验证失败 not verified ✗", id="verification-status"),
                     html.Ul([html.Li(d) for d in result["differences"]])],
                    id="verification-result", className="error")


def _staffing(staffing: dict[str, Any] | None) -> str:
    """The draw's staffing pre-check in one line: its needs, and any shortfall accepted."""
    if not staffing:
        return "—"
    need = f"每个任务 {staffing['needed_per_task']} 人 per task"
    if staffing.get("per_department"):
        need += f", 每个部门至少 {staffing['per_department']} 人 per department"
    if not staffing["shortfalls"]:
        return need
    gaps = "; ".join(f"{s['group']} {s['department'] or ''} {s['available']}/{s['needed']}"
                     .replace("  ", " ") for s in staffing["shortfalls"][:5])
    more = f" …(+{len(staffing['shortfalls']) - 5})" if len(staffing["shortfalls"]) > 5 else ""
    return f"{need}; 缺员已接受 shortfall accepted: {gaps}{more}"

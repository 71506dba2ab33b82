"""One plan's terms, its commitments, its draw records with strata counts (internal), and a
draw's verification result."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard import exports
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
    commitments = [_commitment(c) for c in plan["commitments"]]
    records = [_record(r) for r in plan["draw_records"]]
    return html.Div([html.H4(plan["name"], id="plan-title"),
                     html.Span(PLAN_STATUSES.get(plan["status"], plan["status"]),
                               id="plan-status", className=f"badge badge-{plan['status']}"),
                     info, *commitments, *records], id="plan-panel"), plan["status"]


def awaited_value(c: dict[str, Any]) -> str:
    """What the plan waits for, in words: the committed drand round or lottery issue."""
    if c["source"] == "drand":
        return (f"drand {c['chain']} 第 {c['round']} 轮 round {c['round']} "
                f"({c['round_time'][:19].replace('T', ' ')} UTC)")
    return f"{c['lottery']} {c['issue']} ({c['draws_at'][:16].replace('T', ' ')})"


def _commitment(c: dict[str, Any]) -> html.Div:
    value = ("已确认 confirmed" if c["value_confirmed"] else
             "已录入，待第二人确认 entered, awaiting a second user" if c["value_entered"] else
             "未录入 not entered")
    rows = [("承诺时间 Committed at", c["committed_at"][:19].replace("T", " ") + " UTC"),
            ("随机数来源 Random source", awaited_value(c)),
            ("名录公开摘要 Public pool digest", c["public_pool_digest"]),
            ("名录与人员库摘要 Pool + roster digest (salted)", c["pool_digest"]),
            ("名录规模 Pool size", f"{c['pool_size']:,}"),
            ("检查人员库 Roster size", c["roster_size"])]
    if c["source"] == "lottery":
        rows.append(("开奖结果 Lottery result", value))
    return html.Div([html.H4(f"公开承诺 Commitment #{c['commitment_no']}"), _pairs(rows)],
                    className="panel commitment")


def _record(draw: dict[str, Any]) -> html.Div:
    rec = draw["record"]
    strata = rec.get("strata", {})
    heads = ["层 Stratum", "总体 Population", "冷却期排除 Excluded (cool-off)", "抽中 Drawn"]
    head = html.Tr([html.Th(t) for t in heads])
    rows = [html.Tr([html.Td(STRATA.get(k, k)), html.Td(f"{s['population']:,}"),
                     html.Td(f"{s['excluded_cool_off']:,}"), html.Td(f"{s['drawn']:,}")])
            for k, s in strata.items()]
    public = rec.get("public", {})
    title = f"抽取记录 Draw record #{draw['draw_no']}"
    if draw["superseded"]:
        title += " · 已作废 superseded (任务已取消 tasks cancelled)"
    return html.Div([
        html.H4(title),
        _pairs([("日期 Drawn on", draw["drawn_on"]), ("重抽原因 Redraw reason", draw["reason"]),
                ("承诺 Commitment", f"#{draw['commitment_no']}"),
                ("随机数 Random value", rec.get("randomness")),
                ("算法 Algorithm", rec.get("algorithm_version")),
                ("指纹 Fingerprint", rec.get("fingerprint")),
                ("名录规模 Pool size", f"{rec.get('pool_size', 0):,}"),
                ("检查人员库 Roster size", rec.get("roster_size")),
                ("对照样本 Control sample", public.get("control_drawn")),
                ("抽中 Drawn", draw["drawn"]),
                ("未配齐 Not fully staffed", draw["unassigned"]),
                ("人员配备 Staffing", _staffing(rec.get("staffing")))]),
        html.Table([html.Thead(head), html.Tbody(rows)], className="table", id="strata-table"),
        exports.buttons(f"strata-{draw['draw_no']}", f"分层 Strata #{draw['draw_no']}", heads, [
            [STRATA.get(k, k), s["population"], s["excluded_cool_off"], s["drawn"]]
            for k, s in strata.items()]),
    ], className="panel draw-record")


def verification(result: dict[str, Any]) -> html.Div:
    """验证 verified, or exactly what differs."""
    if result["verified"]:
        return html.Div([
            html.Strong("验证通过 verified ✓", id="verification-status"),
            html.Span(f" — 抽取 #{result['draw_no']} 已按存档全量复算 recomputed in full from the "
                      "committed archive (classes and salt included), the committed random value "
                      f"{result['randomness']!r} and the register as of the commitment."),
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

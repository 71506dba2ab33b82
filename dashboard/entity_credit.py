"""信用档案 The credit file's sections on the entity page, as of the page's day (internal).

Deadlines counted in working days carry the Monday–Friday fallback marker where their count
crossed a year without an official holiday schedule (`<deadline>_provisional`, kernel.workdays).
"""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.widgets import card, empty
from kernel.labels import RISK_CLASSES, risk_reason

PROVISIONAL = "⚠ 暂按周一至周五计算 provisional (Mon–Fri fallback)"


def deadline(row: dict[str, Any], name: str) -> Any:
    """A deadline cell: the date, and the fallback marker if it rests on it."""
    value = row.get(name)
    if value is None:
        return "—"
    if row.get(f"{name}_provisional"):
        return html.Span([str(value), " ", html.Span(PROVISIONAL, className="provisional")])
    return str(value)


def _cell(value: Any) -> Any:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是 Yes" if value else "否 No"
    return value if isinstance(value, html.Span) else str(value)


def _table(id_: str, heads: tuple[str, ...], rows: list[list[Any]], none: str) -> Any:
    if not rows:
        return empty(none, f"{id_}-empty")
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in heads])),
                       html.Tbody([html.Tr([html.Td(_cell(v)) for v in r]) for r in rows])],
                      className="table", id=id_)


def _lists(f: dict[str, Any]) -> list[Any]:
    abnormal = [[a["cycle"], a["status"], a["listed_on"], a["removed_on"], a["removal_reason"],
                 "；".join(f"{g['ground']} ({g['status']})" for g in a["grounds"]),
                 html.Span([deadline(g, "decide_by") for g in a["grounds"][:1]] or "—")]
                for a in f["abnormal_listings"]]
    serious = [[s["cycle"], s["status"], s["noticed_on"], s["statement_on"], s["decision_no"],
                s["listed_on"], s["auto_removal_on"], s["removed_on"]]
               for s in f["serious_listings"]]
    red = [[r["since"], r["until"], r.get("commendation")] for r in f["red_list"]]
    return [
        html.H4("经营异常名录 Abnormal list"),
        _table("asof-abnormal", ("周期 Cycle", "状态 Status", "列入 Listed", "移出 Removed",
                                 "原因 Reason", "情形 Grounds", "列入期限 Decide by"),
               abnormal, "无 None."),
        html.H4("严重违法失信名单 Serious list"),
        _table("asof-serious", ("周期 Cycle", "状态 Status", "告知 Noticed", "陈述 Statement",
                                "决定书 Decision", "列入 Listed", "届满 Expires",
                                "移出 Removed"), serious, "无 None."),
        html.H4("守信激励名单 Red list"),
        _table("asof-red", ("自 Since", "至 Until", "依据 Commendation"), red, "无 None."),
    ]


def sections(f: dict[str, Any]) -> html.Div:
    """The file's sections as of `f["as_of"]`: lists, penalties, results, commitments,
    licensing decisions, objections (contacts masked), class."""
    day = f["as_of"]
    risk = f["risk"]
    penalties = [[p["decision_no"] or p["id"][:8], p["status"], p["decided_on"],
                  deadline(p, "publication_due_on"), p["published_on"], p["publicity_ends_on"],
                  p["in_publicity"]] for p in f["penalties"]]
    results = [[r["task_id"][:8], r["department"], f"{r['result_code']} {r['result_name_zh']}",
                r["inspected_on"], deadline(r, "publish_by"), r["published_on"], r["public"]]
               for r in f["inspections"]]
    commitments = [[c["permit_type"], c["committed_on"], deadline(c, "verify_by"), c["status"],
                    c["verified_on"]] for c in f["commitments"]]
    licences = [[x["decision_no"], x["licence_name"], x["department"], x["decided_on"],
                 x["status"], deadline(x, "publication_due_on"), x["published_on"], x["overdue"]]
                for x in f.get("licences", [])]
    # the objector's contact arrives masked (credit.objections.views.mask_contact)
    objections = [[x["record_kind"], x["record_key"], x["department"], x["filed_on"],
                   deadline(x, "handle_by"), x["status_label"], x["handled_on"],
                   f"{x['contact_name']} {x['contact']}"] for x in f.get("objections", [])]
    reasons = [html.Li(risk_reason(x)) for x in risk["reasons"]]
    return html.Div([
        card(f"名单（截至 {day}）Lists as of {day}", _lists(f), "asof-lists"),
        card(f"行政处罚（截至 {day}）Penalties as of {day}", [_table(
            "asof-penalties", ("决定书 Decision", "状态 Status", "决定 Decided",
                               "公示期限 Publish by", "公示 Published", "公示至 Until",
                               "公示中 In publicity"), penalties, "无 None.")]),
        card(f"抽查结果（截至 {day}）Inspection results as of {day}", [_table(
            "asof-results", ("任务 Task", "部门 Department", "结果 Result", "检查 Inspected",
                             "公示期限 Publish by", "公示 Published", "公开 Public"),
            results, "无 None.")]),
        card(f"告知承诺（截至 {day}）Commitments as of {day}", [_table(
            "asof-commitments", ("许可 Permit", "承诺 Committed", "核查期限 Verify by",
                                 "状态 Status", "核查 Verified"), commitments, "无 None.")]),
        card(f"行政许可（截至 {day}）Licensing decisions as of {day}", [_table(
            "asof-licences", ("决定书 Decision", "许可 Licence", "部门 Department",
                              "决定 Decided", "状态 Status", "公示期限 Publish by",
                              "公示 Published", "逾期 Overdue"), licences, "无 None.")]),
        card(f"异议（截至 {day}）Objections as of {day}", [_table(
            "asof-objections", ("对象 Record", "编号 Key", "部门 Department", "提出 Filed",
                                "处理期限 Handle by", "状态 Status", "处理 Handled",
                                "联系人 Contact (masked)"), objections, "无 None.")]),
        card(f"信用风险分类（截至 {day}，内部）Risk class as of {day} (internal)", [
            html.P(f"{RISK_CLASSES.get(risk['risk_class'], risk['risk_class'])}"
                   + (f" · {risk['classified_on']} · score {risk['score']:g}"
                      if risk["classified_on"] else " · 尚未分类 not classified"),
                   id="asof-risk"),
            html.Ul(reasons) if reasons else None]),
    ], id="entity-credit-asof")

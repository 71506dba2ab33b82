"""The credit report as a PDF (reportlab): Chinese text in a CJK font, the number, the as-of time
and the verification code on every page.

Font: kernel.pdf_fonts.cjk_font (a configured or installed TrueType CJK font, else STSong-Light).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from credit.penalties.case import PENALTY_KINDS
from kernel.clock import CHINA
from kernel.labels import ENTITY_STATUSES, ENTITY_TYPES
from kernel.pdf_fonts import cjk_font


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    return {"title": ParagraphStyle("title", parent=base, fontSize=18, leading=26,
                                    alignment=1, spaceAfter=4),
            "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10, alignment=1,
                                       textColor=colors.grey, spaceAfter=8),
            "h": ParagraphStyle("h", parent=base, fontSize=12, leading=18, spaceBefore=10,
                                spaceAfter=4),
            "body": base,
            "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=12),
            "note": ParagraphStyle("note", parent=base, fontSize=8, leading=12,
                                   textColor=colors.grey)}


def _text(value: Any) -> str:
    return "—" if value in (None, "", []) else escape(str(value))


def _table(rows: Sequence[Sequence[Any]], header: Sequence[str], widths: Sequence[float],
           style: ParagraphStyle, font: str) -> Table:
    cells = [[Paragraph(h, style) for h in header]]
    cells += [[Paragraph(_text(v), style) for v in row] for row in rows]
    table = Table(cells, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font),
                               ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _section(title: str, rows: list[list[Any]], header: Sequence[str],
             widths: Sequence[float], s: dict[str, ParagraphStyle], font: str) -> list[Any]:
    out: list[Any] = [Paragraph(title, s["h"])]
    if rows:
        out.append(_table(rows, header, widths, s["cell"], font))
    else:
        out.append(Paragraph("无 None on the public record", s["body"]))
    return out


UNDER_REVIEW = "异议处理中 Objection under review"


def _marked(text: Any, item: dict[str, Any]) -> str:
    """The item's first cell, with "异议处理中" when an objection to it is open."""
    return f"{text}（{UNDER_REVIEW}）" if item.get("objection_under_review") else str(text)


def render_report(report: dict[str, Any], record: dict[str, Any], verify_url: str,
                  labels: Callable[[str], str] = str, font_path: str | None = None) -> bytes:
    """The PDF of `record` (the public credit record, credit.record.public) issued as `report`
    ({report_no, as_of, digest}); `labels` turns a department code into its name."""
    font = cjk_font(font_path)
    s = _styles(font)
    as_of: datetime = report["as_of"]
    stamp = as_of.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")
    e = record["entity"]
    story: list[Any] = [
        Paragraph("公共信用信息报告", s["title"]),
        Paragraph("Public Credit Information Report", s["subtitle"]),
        _table([["报告编号 Report no.", report["report_no"]],
                ["信息截止时间 As of (北京时间 China time)", stamp],
                ["校验码 Verification code (SHA-256)", report["digest"]],
                ["核验 Verify at", verify_url]],
               ["项目 Item", "内容 Value"], (55, 120), s["cell"], font),
        Paragraph("一、登记信息 Registration", s["h"]),
        _table([["企业名称 Name", e["name"]], ["统一社会信用代码 USCC", e["uscc"]],
                ["类型 Type", ENTITY_TYPES.get(e["entity_type"], e["entity_type"])],
                ["法定代表人 Legal representative", e.get("legal_representative")],
                ["成立日期 Registered on", e["registered_on"]],
                ["住所 Address", e.get("address")],
                ["登记机关 Registering authority", e.get("registering_authority")],
                ["登记状态 Status", ENTITY_STATUSES.get(e["status"], e["status"])]],
               ["项目 Item", "内容 Value"], (55, 120), s["cell"], font)]
    if record.get("objections_under_review"):
        story.append(Paragraph(f"{UNDER_REVIEW}：本报告中{record['objections_under_review']}项信息"
                               f"正在异议处理中 {record['objections_under_review']} record(s) "
                               "below are under objection review", s["note"]))
    story += _section("二、列入名单信息 List entries", [
        [_marked(x["label"], x), x["reason"], x["decision_no"], x["authority"], x["since"],
         x["until"]] for x in record["lists"]],
        ["名单 List", "事由 Reason", "决定书文号 Decision no.", "作出决定机关 Authority",
         "列入日期 Since", "届满移出 Expires on"], (30, 40, 30, 30, 22, 23), s, font)
    story += _section("三、行政处罚信息 Administrative penalties in publicity", [
        [_marked(p["decision_no"], p), labels(p["department"]), p["violation_type"],
         "、".join(PENALTY_KINDS.get(k, k) for k in p["kinds"]),
         p["fine_amount"], p["decided_on"], p["publicity_ends_on"]]
        for p in record["penalties"]],
        ["决定书文号 Decision no.", "处罚机关 Department", "违法行为 Violation",
         "处罚种类 Kinds", "罚款 Fine (元)", "决定日期 Decided", "公示截止 Public until"],
        (28, 25, 30, 30, 18, 22, 22), s, font)
    story += _section("四、行政许可信息 Licensing decisions", [
        [_marked(x["decision_no"], x), x["licence_name"], x["category_label"], x["authority"],
         x["decided_on"], f"{x['valid_from']} – {x['valid_to'] or '长期 open-ended'}",
         x["state_label"]] for x in record.get("licences", [])],
        ["决定书文号 Decision no.", "许可证名称 Licence", "许可类别 Category",
         "许可机关 Authority", "决定日期 Decided", "有效期 Valid", "状态 State"],
        (28, 30, 22, 28, 20, 30, 22), s, font)
    story += _section("五、信用承诺信息 Commitments", [
        [_marked(labels(c["department"]), c), c["permit_type"], c["committed_on"],
         c["verified_on"], c["state_label"] + ("，已撤销决定 decision revoked"
                                               if c["decision_revoked"] else "")]
        for c in record.get("commitments", [])],
        ["部门 Department", "事项 Matter", "承诺日期 Committed", "核查日期 Verified",
         "履行情况 Kept or not"], (30, 45, 25, 25, 50), s, font)
    story += _section("六、抽查检查结果 Published inspection results", [
        [_marked(i["plan_name"], i), labels(i["department"]), f"{i['result_code']} "
         f"{i['result_name_zh']} {i['result_name_en']}", i["inspected_on"], i["published_on"]]
        for i in record["inspections"]],
        ["抽查计划 Plan", "检查部门 Department", "检查结果 Result", "检查日期 Inspected",
         "公示日期 Published"], (45, 30, 50, 25, 25), s, font)
    story += [Spacer(1, 8 * mm), Paragraph(
        "说明 Note：本报告仅载明截至上述时间依法公示的信用信息（登记信息、列入名单、公示期内的行政处罚、"
        "行政许可、信用承诺、已公示的抽查检查结果）；标注“异议处理中”的信息正在异议处理中；"
        "已届满、已修复或未公示的信息不予载明。校验码为报告内容的SHA-256摘要，"
        "可凭报告编号与校验码在核验地址查验真伪。 This report holds only the information public "
        "on the record at the time above (records marked 异议处理中 are under objection review); "
        "expired, repaired or unpublished records are not shown. The verification code is the "
        "SHA-256 digest of the report's content: check the number and the code at the address "
        "above.", s["note"])]

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(15 * mm, 10 * mm, f"报告编号 {report['report_no']} · 校验码 "
                                            f"{report['digest'][:16]}… · 第 {doc.page} 页")
        canvas.restoreState()

    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                      topMargin=15 * mm, bottomMargin=18 * mm, title="公共信用信息报告",
                      author="OpenCheck", subject=report["report_no"]
                      ).build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()

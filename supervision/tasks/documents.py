"""Printable documents of an inspection task, as PDF: 检查通知书 (the inspection notice handed
to the entity) and 检查记录表 (the inspection record the officers sign).

Chinese text needs a CJK font: kernel.pdf_fonts.cjk_font (WenQuanYi when installed, else
reportlab's built-in STSong-Light).
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

import sqlalchemy as sa
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kernel.labels import department_labels
from kernel.pdf_fonts import cjk_font
from supervision.directory.views import check_items, inspectors
from supervision.tasks import views as task_views

NOTICE_TITLE = "检查通知书"
RECORD_TITLE = "检查记录表"


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return {"title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=1),
            "sub": ParagraphStyle("sub", parent=base, fontSize=9, alignment=1,
                                  textColor=colors.grey),
            "body": base, "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=13)}


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows: list[list[Any]], widths: list[float], st: dict) -> Table:
    t = Table([[_p(c, st["cell"]) for c in r] for r in rows], colWidths=widths, repeatRows=0)
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                           ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke)]))
    return t


def _context(conn: sa.Connection, task_id: str, rules: Any) -> dict[str, Any] | None:
    task = task_views.task_record(conn, task_id)
    if task is None:
        return None
    numbers = [m["inspector_no"] for m in task["team"]]
    people = {r.inspector_no: r for r in conn.execute(
        sa.select(inspectors.c.inspector_no, inspectors.c.name, inspectors.c.credential_no,
                  inspectors.c.department).where(inspectors.c.inspector_no.in_(numbers)))}
    items = dict(conn.execute(sa.select(check_items.c.code, check_items.c.name).where(
        check_items.c.code.in_(task["check_items"]))).all())
    return {"task": task, "people": people, "items": items,
            "depts": department_labels(rules)}


def _render(title: str, story: list, subject: str) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm, title=title,
                            subject=subject, author="OpenCheck", creator="OpenCheck")
    doc.build(story)
    return buf.getvalue()


def inspection_notice(conn: sa.Connection, task_id: str, rules: Any, today: date) -> bytes | None:
    """检查通知书: which items will be checked, by whom (names and credentials), on what basis."""
    c = _context(conn, task_id, rules)
    if c is None:
        return None
    t, st = c["task"], _styles()
    officers = "；".join(f"{c['people'][m['inspector_no']].name}（执法证号 "
                        f"{c['people'][m['inspector_no']].credential_no}）"
                        for m in t["team"] if m["inspector_no"] in c["people"])
    items = "\n".join(f"{code} {c['items'].get(code, '')}" for code in t["check_items"])
    story = [
        _p(NOTICE_TITLE, st["title"]), _p("Inspection notice · 双随机、一公开", st["sub"]),
        Spacer(1, 8 * mm),
        _p(f"{t['entity_name']}（统一社会信用代码 {t['uscc']}）：", st["body"]), Spacer(1, 3 * mm),
        _p("根据“双随机、一公开”监管工作要求，经随机抽取，本机关决定对你单位开展检查。"
           "请按时做好准备，如实提供有关材料，配合检查。检查人员不少于两名，并出示执法证件"
           "（《中华人民共和国行政处罚法》第四十二条）；如认为检查人员与你单位存在利害关系，"
           "可以申请回避（第四十三条）。", st["body"]), Spacer(1, 5 * mm),
        _table([["检查事项 Check items", items],
                ["检查部门 Departments", "、".join(c["depts"].get(d, d) for d in t["departments"])],
                ["检查人员 Inspectors", officers or "—"],
                ["住所 Address", t["entity_address"]],
                ["完成期限 Due by", t["due_on"].isoformat()]], [45 * mm, 125 * mm], st),
        Spacer(1, 12 * mm), _p(f"（检查机关盖章）　　　　{today.year}年{today.month}月{today.day}日",
                               st["body"]),
    ]
    return _render(NOTICE_TITLE, story, f"{t['entity_name']} {t['uscc']}")


def inspection_record(conn: sa.Connection, task_id: str, rules: Any, today: date) -> bytes | None:
    """检查记录表: each department's result, item by item, the attachments by hash, signatures."""
    c = _context(conn, task_id, rules)
    if c is None:
        return None
    t, st = c["task"], _styles()
    story = [_p(RECORD_TITLE, st["title"]), _p("Inspection record · 双随机、一公开", st["sub"]),
             Spacer(1, 6 * mm),
             _table([["检查对象 Entity", f"{t['entity_name']}  {t['uscc']}"],
                     ["住所 Address", t["entity_address"]],
                     ["检查事项 Items", "\n".join(f"{k} {c['items'].get(k, '')}"
                                                 for k in t["check_items"])]],
                    [40 * mm, 130 * mm], st)]
    if not t["results"]:
        story += [Spacer(1, 5 * mm), _p("尚未录入检查结果 No result recorded yet.", st["body"])]
    for r in t["results"]:
        signed = "、".join(c["people"][n].name if n in c["people"] else f"No. {n}"
                          for n in r["signatures"])
        rows = [["部门 Department", c["depts"].get(r["department"], r["department"])],
                ["检查日期 Inspected on", r["inspected_on"].isoformat()],
                ["检查结果 Result", f"{r['result_code']} {r['result_name_zh']} "
                                    f"{r['result_name_en']}"],
                ["检查情况 Findings", r["findings"] or "—"]]
        rows += [[f"事项 {i['check_item']} {c['items'].get(i['check_item'], '')}",
                  f"{i['result_code']} {i['result_name_zh']}"
                  + (f"：{i['findings']}" if i["findings"] else "")] for i in r["items"]]
        rows += [["附件 Attachment", f"{a['filename']} ({a['media_type']}, {a['size']:,} B)\n"
                                     f"SHA-256 {a['sha256']}"] for a in r["attachments"]]
        rows.append(["检查人员签名 Signed by", signed])
        story += [Spacer(1, 5 * mm), _table(rows, [40 * mm, 130 * mm], st)]
    story += [Spacer(1, 10 * mm),
              _p("被检查单位意见及签字 The entity's remarks and signature：", st["body"]),
              Spacer(1, 14 * mm), _p(f"打印日期 Printed on {today.isoformat()}", st["sub"])]
    return _render(RECORD_TITLE, story, f"{t['entity_name']} {t['uscc']}")

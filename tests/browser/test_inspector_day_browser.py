"""The inspector's day in Chromium: a notification opens the task → acknowledge → start → a
result per check item with a photo attached → the printed inspection record (PDF) downloaded."""

from __future__ import annotations

import hashlib
import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from dashboard import inbox
from supervision.tasks.tables import task_inspectors, tasks
from tests.e2e.test_inspection_day_http import png

pytestmark = pytest.mark.browser


def _target(live) -> tuple[str, str]:
    """One of insp1's tasks of the seeded plan that insp1 has not acknowledged yet (the partners
    have), and not the first one, which the dashboard test takes."""
    me = live.world.inspector_no
    with live.platform.engine.connect() as conn:
        listed = conn.execute(
            sa.select(tasks.c.task_id, tasks.c.uscc, tasks.c.plan_id, tasks.c.status,
                      task_inspectors.c.acknowledged_on)
            .join(task_inspectors, task_inspectors.c.task_id == tasks.c.task_id)
            .where(task_inspectors.c.inspector_no == me, task_inspectors.c.active.is_(True),
                   tasks.c.status != "cancelled")).all()
        _, shown = inbox.latest_notifications(conn, me)   # what the panel lists
    first = next(r.task_id for r in listed if r.plan_id == live.world.plan_id)
    noted = {n["task_id"] for n in shown}
    free = sorted((r for r in listed if r.plan_id == live.world.plan_id and r.task_id != first
                   and r.status == "assigned" and r.acknowledged_on is None
                   and r.task_id in noted), key=lambda r: r.task_id)
    assert free, "the seeded plan gives insp1 at least two tasks"
    return free[-1].task_id, free[-1].uscc


def test_notification_acknowledge_result_with_attachment_printed_record(page, live, tmp_path):
    live.platform.settings.attachments_dir = str(tmp_path / "attachments")
    task_id, uscc = _target(live)
    page.login("insp1")
    # the live panel lists the assignment; opening it selects the task and marks it read
    note = f"#ws-notes button[id*='{task_id}']"
    page.page.wait_for_selector(note)
    assert "unread" in page.page.get_attribute(note, "class")
    page.page.click(note)
    page.page.wait_for_selector(f"#ws-task-title:has-text('{uscc}')")
    page.page.wait_for_selector(f"{note}:not(.unread)")
    # acknowledge, start
    page.page.click("#ws-ack")
    page.page.wait_for_selector("#ws-start:not([disabled])")
    page.page.click("#ws-start")
    page.page.wait_for_selector("#ws-submit:not([disabled])")
    page.shot("workspace")
    # the result item by item: T-001 found a problem (B 未按规定公示), with its findings
    page.page.click(".item-row .item-code")
    page.page.wait_for_selector(".dash-dropdown-options")
    page.page.keyboard.type("未按规定公示")
    page.page.click(".dash-dropdown-options [role=option]:has-text('未按规定公示')")
    page.page.keyboard.press("Escape")
    page.page.fill(".item-row .item-findings input", "未在规定期限内公示年度报告")
    # a photo of the premises
    photo = png(4)
    page.page.set_input_files("#ws-upload input[type=file]", files=[
        {"name": "现场照片.png", "mimeType": "image/png", "buffer": photo}])
    page.page.wait_for_selector("#ws-uploaded")
    assert hashlib.sha256(photo).hexdigest()[:16] in page.page.inner_text("#ws-file-list")
    page.page.click("#ws-submit")
    page.page.wait_for_selector("#ws-done")
    page.page.wait_for_selector("#ws-results a")
    results = page.page.inner_text("#ws-results")
    assert "T-001" in results and "未按规定公示" in results and "未在规定期限内公示年度报告" in results
    # the attachment is served to the signed-in team member, by its hash
    href = page.page.get_attribute("#ws-results a", "href")
    served = page.page.request.get(f"{live.base}/dashboard/{href}")
    assert served.status == 200 and served.body() == photo
    # the printed record: a PDF with the Chinese title, the item and the photo's hash
    with page.page.expect_download() as got:
        page.page.click("#ws-print-record")
    pdf = got.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "检查记录表" in text and "未在规定期限内公示年度报告" in text
    assert hashlib.sha256(photo).hexdigest()[:16] in text.replace("\n", "")
    page.shot("workspace-result-recorded")
    assert page.errors == []

"""双公示 and 异议 in Chromium at phone width: a published licence on its page, the objection
filed through the form, the marker on the record, the outcome recorded on the dashboard."""

from __future__ import annotations

from datetime import timedelta

from kernel.clock import today_in_china
from tests.factories import entity, licence

CODE = entity(3, region="330702").uscc
NUMBER = "婺市监许〔2026〕88号"


def _published(live) -> None:
    credit, today = live.platform.credit, today_in_china()
    found = credit.grant_licence(licence(88, uscc=CODE, decision_no=NUMBER,
                                         decided_on=today - timedelta(days=10),
                                         valid_from=today - timedelta(days=10)), today)
    credit.publish_licence(found, today - timedelta(days=5), today)
    live.platform.catch_up()


def test_a_licence_is_objected_to_through_the_form_and_handled_on_the_dashboard(page, live):
    _published(live)
    p = page.page
    p.set_viewport_size({"width": 390, "height": 844})
    p.goto(f"{live.base}/licences?uscc={CODE}")
    assert NUMBER in p.inner_text("main") and "有效 valid" in p.inner_text("main")
    # no horizontal scrolling at phone width
    assert p.evaluate("document.documentElement.scrollWidth") <= 390
    p.click("text=提出异议 Object to this record")
    assert p.input_value("input[name=record_key]") == NUMBER
    p.fill("textarea[name=reason]", "有效期登记有误 the validity is wrong")
    p.fill("input[name=contact_name]", "赵六六")
    p.fill("input[name=contact]", "13800001111")
    p.click("button[type=submit]")
    p.wait_for_selector("text=异议已受理 Objection received")
    assert "13800001111" not in p.content()
    p.goto(f"{live.base}/licences?uscc={CODE}")
    assert "异议处理中 Objection under review" in p.inner_text("main")
    page.shot("licence-under-objection")
    # the department handles it on the dashboard (masked contact), and the marker goes
    p.set_viewport_size({"width": 1400, "height": 1000})
    page.login("sup")
    p.click("text=异议处理 Objections")
    p.wait_for_selector("#objections-table .ag-row:has-text('138****11')")
    assert "13800001111" not in p.content()
    page.choose("objection-choice", NUMBER)
    page.choose("objection-outcome", "维持原记录")
    p.fill("#objection-reasons", "经核实有效期无误")
    p.click("#objection-handle")
    p.wait_for_selector("#objection-done")
    p.goto(f"{live.base}/licences?uscc={CODE}")
    assert "异议处理中" not in p.inner_text("main")
    assert page.errors == []

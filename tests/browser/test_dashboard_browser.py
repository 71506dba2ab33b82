"""The dashboard in Chromium: supervisor overview, a plan drafted, published, drawn and verified
through the form, and the inspector's workspace down to a recorded result."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from kernel import workdays
from kernel.clock import china_date
from supervision.tasks.tables import task_inspectors, tasks
from tests.factories import before_round, drand_round

pytestmark = pytest.mark.browser

PLOT_POINTS = """id => {
  const g = document.querySelector('#' + id + ' .js-plotly-plot');
  if (!g || !g.data) return 0;
  return g.data.reduce((n, t) => n + ((t.y || t.values || []).length), 0);
}"""


def _rows_sent(response) -> dict:
    """The getRowsResponse a grid callback sent to the browser."""
    return next(v["getRowsResponse"] for v in response.json()["response"].values()
                if "getRowsResponse" in v)


def test_supervisor_overview_renders_charts_and_filters(page, live):
    # log in as a supervisor: the overview is the landing page
    page.login("sup")
    page.page.wait_for_selector("#fig-status .js-plotly-plot")
    # a missing official holiday schedule is said where supervisors work
    said = workdays.coverage(china_date(live.platform.clock()),
                             live.platform.rules.calendar.warn_days_before_year_end)["message"]
    assert (page.page.locator("#calendar-warning").count() == 1) is (said is not None)
    for fig in ("fig-status", "fig-types", "fig-coverage-region", "fig-coverage-industry",
                "fig-risk-classes", "fig-commitments", "fig-workload"):
        page.page.wait_for_selector(f"#{fig} .js-plotly-plot")
        assert page.page.evaluate(PLOT_POINTS, fig) > 0, fig
    assert page.page.inner_text("#stat-active") == "59"
    # no results yet: an explanatory empty state, not a chart of zeros
    assert "No inspection results" in page.page.inner_text("#empty-results")
    assert page.page.inner_text("#stat-problem-rate") == "—"
    # the region filter applies across the overview (婺城区 has 29 active entities)
    page.choose("f-region", "婺城区")
    page.page.wait_for_function("document.querySelector('#stat-active')?.innerText === '29'")
    page.shot("overview-supervisor")
    assert page.errors == []


def test_plan_drafted_published_drawn_and_verified_through_the_form(page, live):
    page.login("sup")
    page.page.click("text=抽查计划 Plans")
    page.page.fill("#plan-name", "浏览器测试计划 Browser plan")
    page.choose("plan-items", "T-001")
    page.page.fill("#plan-ratio-B input, input#plan-ratio-B", "0.2")
    page.page.click("#plan-create")
    page.page.wait_for_selector("#plan-created")
    # the new plan is selected: publishing commits to a future drand round (a recorded one:
    # the server's clock is set just before it)
    live.platform.clock = lambda: before_round(0)
    page.page.wait_for_selector("#plan-publish:not([disabled])")
    page.page.click("#plan-publish")
    v = drand_round(0)
    page.page.wait_for_selector(f"#plan-awaiting:has-text('round {v['round']}')")
    page.page.wait_for_selector("#plan-draw:not([disabled])")
    page.page.fill("#plan-random", v["signature"])
    page.page.click("#plan-draw")   # the round is not out yet: refused
    page.page.wait_for_selector("#plan-action-msg .error")
    assert "cannot run before" in page.page.inner_text("#plan-action-msg")
    live.platform.clock = lambda: v["time"] + timedelta(seconds=2)
    page.page.click("#plan-draw")
    page.page.wait_for_selector("#strata-table")
    assert "已抽取" in page.page.inner_text("#plan-status")
    page.page.click("#plan-verify")
    page.page.wait_for_selector("#verification-status")
    assert "verified ✓" in page.page.inner_text("#verification-status")
    # drill into the plan's tasks
    page.page.wait_for_selector("#plan-tasks-grid .ag-center-cols-container .ag-row")
    page.shot("plan-drawn-verified")
    # a redraw needs a reason; it supersedes the draw and commits to a later round
    page.page.wait_for_selector("#plan-redraw:not([disabled])")
    page.page.fill("#plan-redraw-reason", "浏览器测试：抽查名录有误 pool error")
    page.page.click("#plan-redraw")
    page.page.wait_for_selector("#plan-action-msg:has-text('Superseded')")
    page.page.wait_for_selector("#plan-panel:has-text('superseded')")
    page.shot("plan-redraw-committed")
    assert page.errors == []


def test_inspector_sees_only_own_tasks_and_records_a_result(page, live):
    with live.platform.engine.connect() as conn:
        mine = conn.execute(
            sa.select(tasks.c.task_id, tasks.c.uscc, tasks.c.plan_id)
            .join(task_inspectors, task_inspectors.c.task_id == tasks.c.task_id)
            .where(task_inspectors.c.inspector_no == live.world.inspector_no,
                   task_inspectors.c.active.is_(True),
                   tasks.c.status != "cancelled")).all()   # a redraw cancelled some
    # the inspector lands on the workspace, whose grid the server pages: only own tasks
    with page.page.expect_response(lambda r: "_dash-update-component" in r.url
                                   and "my-tasks-grid" in (r.request.post_data or "")) as sent:
        page.login("insp1")
    rows = _rows_sent(sent.value)
    assert rows["rowCount"] == len(mine)
    assert sorted(r["uscc"] for r in rows["rowData"]) == sorted(r.uscc for r in mine)
    assert "Overview" not in page.page.inner_text(".topbar")
    # a task of the seeded plan, whose other inspectors have already acknowledged
    target = next(r for r in mine if r.plan_id == live.world.plan_id)
    page.page.click(f"#my-tasks-grid [col-id='uscc']:text-is('{target.uscc}')")
    page.page.wait_for_selector("#ws-ack:not([disabled])")
    page.page.click("#ws-ack")
    page.page.wait_for_selector("#ws-start:not([disabled])")
    page.page.click("#ws-start")
    page.page.wait_for_selector("#ws-submit:not([disabled])")
    page.choose("ws-code", "未发现问题")
    page.page.click("#ws-submit")
    page.page.wait_for_selector("#ws-results")
    assert "1 未发现问题 no problem found" in page.page.inner_text("#ws-results")
    page.shot("inspector-result-recorded")
    page.page.goto(f"{live.base}/dashboard/plans")
    page.page.wait_for_selector("#forbidden")
    assert page.errors == []


def test_entity_file_as_of_a_day(page, live):
    page.login("sup")
    page.page.click("text=主体档案 Entity file")
    page.page.fill("#entity-query", "测试59号")
    page.page.click("#entity-search")
    page.page.wait_for_selector("#entity-timeline")
    # deregistered on 2025-06-01: the file as of today says so, and the timeline shows it
    assert "注销 Deregistered" in page.page.inner_text("#entity-record")
    assert "状态变更 Status changed" in page.page.inner_text("#entity-timeline")
    page.shot("entity-file")
    assert page.errors == []


def test_commendation_recorded_and_revoked_on_the_entity_file(page, live):
    page.login("sup")
    page.page.click("text=主体档案 Entity file")
    page.page.fill("#entity-query", "测试3号")
    page.page.click("#entity-search")
    page.page.wait_for_selector("#commendation-table")
    assert "守合同重信用企业" in page.page.inner_text("#commendation-table")   # from the world
    # bad input: one readable line naming the field; nothing recorded
    page.page.fill("#com-number", "金市监信用〔2026〕88号")
    page.page.click("#com-grant")
    page.page.wait_for_selector("#com-error")
    assert "title" in page.page.inner_text("#com-error")
    page.page.fill("#com-title", "诚信经营示范单位")
    page.page.fill("#com-number", "金市监信用〔2026〕88号")
    page.page.click("#com-grant")
    page.page.wait_for_selector("#com-done")
    assert "诚信经营示范单位" in page.page.inner_text("#commendation-table")
    assert "诚信典型 commended" in page.page.inner_text("#entity-timeline")
    page.choose("com-revoke-no", "88号")
    page.page.fill("#com-revoke-reason", "骗取荣誉 obtained by deception")
    page.page.click("#com-revoke")
    page.page.wait_for_selector("#com-done:has-text('已撤销')")
    assert "已撤销 Revoked" in page.page.inner_text("#commendation-table")
    page.shot("entity-commendations")
    assert page.errors == []


def test_supervisor_staffs_a_vacancy_left_by_recusals(page, live):
    page.login("sup")
    page.page.click("text=抽查计划 Plans")
    page.page.click("#plans-grid .ag-row:has-text('补员计划')")
    page.page.click("#plan-tasks-grid .ag-row:has-text('缺员 short')")
    assert "重点对象 Targeted entities" in page.page.inner_text("#plan-panel")
    page.page.wait_for_selector("#plan-task-chosen:has-text('short-staffed')")
    page.page.click("#plan-staff")
    page.page.wait_for_selector("#plan-staffed")
    # the new inspector took the place; a second click finds no empty place: 409's reason
    page.page.wait_for_selector("#plan-tasks-grid .ag-row:has-text('检查员8')")
    assert "缺员 short" not in page.page.inner_text("#plan-tasks-grid")
    assert "fully staffed" in page.page.inner_text("#plan-task-chosen")
    page.page.click("#plan-staff")
    page.page.wait_for_selector("#plan-staff-error")
    assert "not short-staffed" in page.page.inner_text("#plan-staff-error")
    page.shot("plan-staffed")
    assert page.errors == []


def test_supervisor_decides_a_credit_repair(page, live):
    page.login("sup")
    page.page.click("text=信用修复 Credit repair")
    page.page.wait_for_selector("#repairs-table .ag-row:has-text('行政处罚 Penalty')")
    # a rejection needs a reason: one readable line, nothing decided
    page.choose("repair-choice", "行政处罚")
    page.page.click("#repair-reject")
    page.page.wait_for_selector("#repair-error")
    assert "reason" in page.page.inner_text("#repair-error")
    page.page.click("#repair-approve")
    page.page.wait_for_selector("#repair-done")
    page.page.wait_for_selector("#repairs-none")
    page.page.wait_for_selector("#repairs-decided-table .ag-row:has-text('已修复 Approved')")
    page.shot("repairs-decided")
    assert page.errors == []


def test_supervisor_runs_the_policy_lab_and_records_a_complaint(page, live):
    page.login("sup")
    page.page.click("text=风险核验 Risk")
    page.page.wait_for_selector("#risk-page")
    # the policy lab: A 3 % and a 20 % control share beside the configured policy
    page.page.fill("#lab-A", "0.03")
    page.page.fill("#lab-control", "0.2")
    page.page.click("#lab-run")
    page.page.wait_for_selector("#lab-table")
    assert "What-if" in page.page.inner_text("#lab-table")
    # a complaint without a USCC: one readable line naming the field
    page.page.fill("#complaint-ref", "12315-B-1")
    page.page.fill("#complaint-category", "价格")
    page.page.click("#complaint-record")
    page.page.wait_for_selector("#complaint-error")
    assert "uscc" in page.page.inner_text("#complaint-error")
    page.shot("risk-page")
    assert page.errors == []

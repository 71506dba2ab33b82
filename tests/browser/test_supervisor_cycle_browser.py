"""The supervisor's full cycle in Chromium: a plan drafted, published and drawn through the form,
a result recorded by the team, published from the 一公开 queue, a penalty opened, decided and
published, the entity noticed, heard and listed on the serious list, and its risk class moving
to D on the entity file. Grids export what they show; errors read Chinese first."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from uuid import UUID

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from kernel.clock import today_in_china
from supervision.directory.tables import entities
from supervision.plans.tables import plans
from supervision.tasks.tables import task_inspectors, tasks
from tests.browser.conftest import serve_world
from tests.factories import before_round, drand_round

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A world of its own: the cycle records results, penalties and listings that the other
    browser tests' empty states and counts must not see."""
    yield from serve_world(tmp_path_factory, "cycle")


def _draw_a_plan(page, live) -> str:
    """Draft, publish (committing to a recorded drand round) and draw through the form."""
    page.page.click("text=抽查计划 Plans")
    page.page.fill("#plan-name", "全周期计划 Full cycle plan")
    page.choose("plan-items", "T-001")
    page.page.fill("#plan-ratio-B input, input#plan-ratio-B", "0.2")
    page.page.click("#plan-create")
    page.page.wait_for_selector("#plan-created")
    live.platform.clock = lambda: before_round(0)
    page.page.wait_for_selector("#plan-publish:not([disabled])")
    page.page.click("#plan-publish")
    v = drand_round(0)
    page.page.wait_for_selector("#plan-draw:not([disabled])")
    live.platform.clock = lambda: v["time"] + timedelta(seconds=2)
    page.page.fill("#plan-random", v["signature"])
    page.page.click("#plan-draw")
    page.page.wait_for_selector("#strata-table")
    with live.platform.engine.connect() as conn:
        return conn.scalar(sa.select(plans.c.plan_id).where(
            plans.c.name == "全周期计划 Full cycle plan"))


def _team_records_a_problem(live, plan_id: str) -> tuple[str, str]:
    """The inspectors' part (their own browser journey is tested with the workspace): every
    member acknowledges, one starts, two sign result A (problem found, further action)."""
    p, today = live.platform, today_in_china()
    with p.engine.connect() as conn:
        task_id, name, uscc = conn.execute(
            sa.select(tasks.c.task_id, entities.c.name, tasks.c.uscc)
            .join(entities, entities.c.entity_no == tasks.c.entity_no)
            .where(tasks.c.plan_id == plan_id, tasks.c.status == "assigned")
            .order_by(tasks.c.uscc)).first()
        team = list(conn.scalars(sa.select(task_inspectors.c.inspector_no).where(
            task_inspectors.c.task_id == task_id, task_inspectors.c.active.is_(True))))
    app = p.supervision
    for no in team:
        app.acknowledge_task(UUID(task_id), no, today)
    app.start_task(UUID(task_id), team[0], today)
    app.record_result(UUID(task_id), team[0], "A", "无证经营 operating without a licence",
                      today, team[:2], today, p.rules)
    p.catch_up()
    return name, uscc


def _choose(page, dropdown: str, text: str) -> None:
    """Pick the option containing `text` (the entity picker's options come from the server as
    the user types). The popover may still be settling, and an option list re-rendered by the
    server's answer can swallow a click: click once the option is visible, and pick again
    (at most three times) until the dropdown shows the choice."""
    for _ in range(3):
        page.page.click(f"#{dropdown}")
        page.page.wait_for_selector(".dash-dropdown-search")
        page.page.fill(".dash-dropdown-search", text)
        option = page.page.locator(
            f".dash-dropdown-options [role=option]:has-text('{text}')").first
        option.wait_for(state="visible")
        option.click(force=True)
        page.page.keyboard.press("Escape")
        page.page.wait_for_selector(".dash-dropdown-options", state="detached")
        if text in page.page.inner_text(f"#{dropdown}"):
            return
    assert text in page.page.inner_text(f"#{dropdown}"), dropdown


_pick_entity = _choose


def _export(page, grid: str, kind: str) -> bytes:
    with page.page.expect_download() as got:
        page.page.click(f"#{grid}-{kind}")
    return open(got.value.path(), "rb").read()


def test_supervisor_full_cycle(page, live):
    clock = live.platform.clock
    try:
        page.login("sup")
        plan_id = _draw_a_plan(page, live)
        name, uscc = _team_records_a_problem(live, plan_id)
        # 一公开: the result waits in the queue with its deadline, named, and is published
        page.page.click("text=结果公示 Publication")
        page.page.wait_for_selector(f"#publication-grid .ag-row:has-text('{name}')")
        assert page.page.evaluate("document.documentElement.lang") == "zh-CN"
        csv_rows = list(csv.reader(io.StringIO(
            _export(page, "publication-grid", "csv").decode("utf-8-sig"))))
        assert csv_rows[0][0] == "市场主体 Entity" and name in [r[0] for r in csv_rows[1:]]
        sheet = load_workbook(io.BytesIO(_export(page, "publication-grid", "xlsx"))).active
        assert name in [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
        _choose(page, "pub-choice", name)
        page.page.click("#pub-publish")
        page.page.wait_for_selector("#pub-done")
        assert page.page.locator(f"#publication-grid .ag-row:has-text('{name}')").count() == 0
        # a follow-up with a rectification deadline
        _choose(page, "fu-choice", name)
        page.page.fill("#fu-days", "15")
        page.page.click("#fu-order")
        page.page.wait_for_selector("#fu-done")
        page.page.wait_for_selector(f"#follow-ups-grid .ag-row:has-text('{name}')")
        page.shot("supervisor-publication")
        # 行政处罚: open, decide (a heavier fine), publish; a bad form says why in Chinese
        page.page.click("text=行政处罚 Penalties")
        _pick_entity(page, "pen-entity", name)
        page.page.fill("#pen-case-no", "金市监立〔2026〕1号")
        page.page.click("#pen-open")
        page.page.wait_for_selector("#pen-done")
        _choose(page, "pen-case", name)
        page.page.click("#pen-decide")   # nothing filled in: 422 naming the fields
        page.page.wait_for_selector("#pen-error")
        said = page.page.inner_text("#pen-error")
        assert "决定书文号" in said and "decision_no" in said
        page.page.fill("#pen-decision-no", "金市监罚〔2026〕9号")
        page.page.fill("#pen-violation", "无证经营 unlicensed business")
        page.page.fill("#pen-basis", "《无证无照经营查处办法》第十三条")
        _choose(page, "pen-kinds", "罚款")
        page.page.fill("#pen-fine", "50000")
        page.page.check("#pen-heavier input")
        page.page.click("#pen-decide")
        page.page.wait_for_selector("#pen-done")
        _choose(page, "pen-pub-case", "9号")
        page.page.click("#pen-publish")
        page.page.wait_for_selector("#pen-done:has-text('Published')")
        page.page.wait_for_selector("#penalties-grid .ag-row:has-text('已公示 Published')")
        page.shot("supervisor-penalty")
        # 严重违法失信名单: notice, statement, answer, decision
        page.page.click("text=严重失信 Serious list")
        _pick_entity(page, "ser-entity", name)
        page.page.fill("#ser-notice-no", "金市监告〔2026〕3号")
        _choose(page, "ser-case", "9号")
        page.page.fill("#ser-facts", "无证经营，处以较重行政处罚 heavier penalty for unlicensed business")
        page.page.click("#ser-notice")
        page.page.wait_for_selector("#ser-done")
        _choose(page, "ser-pending", name)
        page.page.fill("#ser-decision-no", "金市监列〔2026〕3号")
        page.page.click("#ser-decide")   # inside the statement period: refused, Chinese first
        page.page.wait_for_selector("#ser-error")
        assert "陈述申辩" in page.page.inner_text("#ser-error")
        page.page.fill("#ser-statement", "已停止经营 we stopped")
        page.page.click("#ser-record")
        page.page.wait_for_selector("#ser-done:has-text('Statement recorded')")
        page.page.fill("#ser-reply", "理由不成立，不予采纳 not adopted")
        page.page.click("#ser-answer")
        page.page.wait_for_selector("#ser-done:has-text('Answered')")
        page.page.click("#ser-decide")
        page.page.wait_for_selector("#ser-done:has-text('Listed')")
        page.page.wait_for_selector("#serious-grid .ag-row:has-text('已列入 Listed')")
        page.shot("supervisor-serious-list")
        # the class moves to D (the listing's reaction), on the entity file
        page.page.click("text=主体档案 Entity file")
        page.page.fill("#entity-query", uscc)
        page.page.click("#entity-search")
        page.page.wait_for_selector("#entity-timeline")
        assert "D 高风险 High" in page.page.inner_text("#entity-record")
        page.shot("supervisor-entity-class-d")
        # the plan's work is done: close it (a closed plan draws no more)
        page.page.click("text=抽查计划 Plans")
        page.page.click("#plans-grid .ag-row:has-text('全周期计划')")
        page.page.wait_for_selector("#plan-panel:has-text('全周期计划')")
        page.page.click("#plan-close")
        page.page.wait_for_selector("#plan-action-msg:has-text('Closed')")
        page.page.wait_for_selector("#plans-grid .ag-row:has-text('已结束 Closed')")
        assert page.errors == []
    finally:
        live.platform.clock = clock


def test_admin_manages_users_and_supervisors_cannot(page, live):
    page.login("admin")
    page.page.click("text=用户 Users")
    page.page.wait_for_selector("#users-grid .ag-row:has-text('insp2')")
    page.page.fill("#usr-name", "clerk1")
    page.page.fill("#usr-display", "办事员1")
    page.page.fill("#usr-password", "short")
    page.page.click("#usr-add")   # the password policy: Chinese with English alongside
    page.page.wait_for_selector("#usr-error")
    assert "口令" in page.page.inner_text("#usr-error")
    page.page.fill("#usr-password", "clerk1-pass-9876")
    page.page.click("#usr-add")
    page.page.wait_for_selector("#usr-done")
    _choose(page, "usr-choice", "办事员1")
    page.page.click("#usr-deactivate")
    page.page.wait_for_selector("#usr-done:has-text('Deactivated')")
    page.page.wait_for_selector("#users-grid .ag-row:has-text('停用 Deactivated')")
    _choose(page, "usr-choice", "办事员1")
    page.page.fill("#usr-new-password", "clerk1-new-pass-5432")
    page.page.click("#usr-reset")
    page.page.wait_for_selector("#usr-done:has-text('Password reset')")
    assert page.errors == []
    page.page.click("#logout")
    page.page.wait_for_url("**/dashboard/login")
    page.page.wait_for_selector("#login-username")
    page.login("sup")
    page.page.goto(f"{live.base}/dashboard/users")
    page.page.wait_for_selector("#forbidden")

"""Screenshots of the main screens, kept in docs/screens/ and shown in the README: the overview,
a plan with its draw, the inspector's workspace, an entity file and the public entity page.

Each screen is checked for what makes it readable (its charts drawn, no console error) before it
is taken; rerun this module to refresh the pictures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import entity

pytestmark = pytest.mark.browser

SCREENS = Path(__file__).parents[2] / "docs" / "screens"


def _shot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)
    assert (SCREENS / f"{name}.png").stat().st_size > 10_000


def test_screens(page, live, browser):
    page.login("sup")
    page.page.wait_for_selector("#fig-status .js-plotly-plot")
    page.page.wait_for_selector("#fig-workload .js-plotly-plot")
    # Plotly draws tick labels as SVG text: none may leave the figure (no clipped label)
    clipped = page.page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
      .flatMap(g => { const box = g.getBoundingClientRect();
        return [...g.querySelectorAll('.xtick text, .ytick text')].filter(t => {
          const r = t.getBoundingClientRect();
          return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1
                                 || r.bottom > box.bottom + 1); }).map(t => t.textContent); })""")
    assert clipped == []
    _shot(page, "overview")
    page.page.click("text=抽查计划 Plans")
    page.page.click("#plans-grid .ag-row:has-text('种子计划')")
    page.page.wait_for_selector("#plan-panel:has-text('种子计划')")
    _shot(page, "plan")
    page.page.click("text=主体档案 Entity file")
    page.page.fill("#entity-query", "测试13号")
    page.page.click("#entity-search")
    page.page.wait_for_selector("#entity-timeline")
    assert "分类依据 Reasons for the class" in page.page.inner_text("#entity-record")
    _shot(page, "entity-file")
    assert page.errors == []
    # the inspector's day
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    try:
        from tests.browser.conftest import Page

        inspector = Page(context.new_page(), live.base)
        inspector.login("insp1")
        inspector.page.wait_for_selector("#ws-notes .note")
        inspector.page.wait_for_selector("#my-tasks-grid .ag-row")
        _shot(inspector, "workspace")
        # the public page: no login (the browser's own favicon request is not the page's)
        inspector.page.route("**/favicon.ico", lambda r: r.fulfill(status=204, body=""))
        inspector.page.goto(f"{live.base}/entity/{entity(13, region='330702').uscc}")
        inspector.page.wait_for_selector("text=统一社会信用代码")
        _shot(inspector, "public-entity")
        assert inspector.errors == []
    finally:
        context.close()

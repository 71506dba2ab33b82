"""The public pages in Chromium at phone width with JavaScript off: each renders its content,
nothing overflows sideways, the navigation reaches every page; and /docs and /redoc render with
every request outside the app refused (no CDN)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

import pytest

from kernel.clock import today_in_china
from tests.browser.conftest import ARTIFACTS
from tests.factories import entity, heavier_penalty, known_codes, listing_notice

pytestmark = pytest.mark.browser

REDOC_BADGE = "https://cdn.redoc.ly/redoc/logo-mini.svg"
PHONE = {"width": 390, "height": 844}
NAV = ("经营异常名录 Abnormal list", "严重违法失信名单 Serious list", "守信激励名单 Red list",
       "抽查结果 Inspection results", "抽查事项清单 Check items", "抽查计划 Plans and draws")


@pytest.fixture(scope="module")
def public_world(live):
    """What the shared seed lacks for these pages: a published check-item list and a serious
    listing (added after the dashboard's tests, which count neither)."""
    p, today = live.platform, today_in_china()
    p.supervision.publish_check_list("market_regulation", today, today, known_codes())
    code = entity(21, region="330702").uscc
    case = heavier_penalty(p.credit, code, 1, today - timedelta(days=70), today)
    p.credit.give_listing_notice(code, listing_notice(noticed_on=today - timedelta(days=60),
                                                      penalty_case_id=case), today)
    p.credit.decide_listing(code, True, "婺市监失信〔2026〕9号", today - timedelta(days=50),
                            "较重处罚", today)
    p.catch_up()
    return {"serious": code}


@pytest.fixture
def phone(browser, live):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.set_default_timeout(15_000)
    try:
        yield page, errors
    finally:
        context.close()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("path, expect", [
    ("/lists/abnormal", "经营异常名录 Abnormal operation list"),
    ("/lists/serious", "婺市监失信〔2026〕9号"),
    ("/lists/red", "守信激励名单 Red list (good credit)"),
    ("/inspections", "抽查检查结果 Published inspection results"),
    ("/check-items", "测试抽查事项1"),
    ("/plans", "种子计划 Seed plan"),
])
def test_each_public_page_renders_at_phone_width_without_script(phone, live, public_world,
                                                                path, expect):
    page, errors = phone
    r = page.goto(f"{live.base}{path}")
    assert r.status == 200
    assert expect in page.inner_text("main")
    assert _fits(page), path
    for label in NAV:
        assert page.locator(f"nav a:has-text('{label}')").count() == 1, label
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"public{path.replace('/', '-')}.png"), full_page=True)
    assert errors == []


def test_list_search_plan_and_draw_verification_by_links(phone, live, public_world):
    page, errors = phone
    # the serious list, searched by the member's code; its page names the deciding authority
    page.goto(f"{live.base}/")
    page.click("nav a:has-text('严重违法失信名单 Serious list')")
    page.fill("input[name=q]", public_world["serious"])
    page.click("button[type=submit]")
    main = page.inner_text("main")
    assert "共 1 条" in main and "市场监管局" in main and "届满移出 Expires on" in main
    # the plans page → the seed plan → its first draw, verified from public data
    page.click("nav a:has-text('抽查计划 Plans and draws')")
    page.click("a:has-text('种子计划 Seed plan')")
    assert "测试抽查事项1" in page.inner_text("main") and _fits(page)
    page.click("a:has-text('验证本次抽取 Verify this draw')")
    assert "验证通过 Verified" in page.inner_text("main") and _fits(page)
    page.screenshot(path=str(ARTIFACTS / "public-draw-verified.png"), full_page=True)
    # the red list's first member → its public record
    page.click("nav a:has-text('守信激励名单 Red list')")
    page.locator("main .card a").first.click()
    assert "统一社会信用代码 Credit code" in page.inner_text("main") and _fits(page)
    assert errors == []


@pytest.mark.parametrize("path, ready", [("/docs", ".swagger-ui .info .title"),
                                         ("/redoc", "h1:has-text('OpenCheck')")])
def test_api_docs_render_offline(browser, live, path, ready):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    outside: list[str] = []

    def only_the_app(route):
        if urlparse(route.request.url).netloc == urlparse(live.base).netloc:
            route.continue_()
        else:   # what a machine without internet would answer
            outside.append(route.request.url)
            route.abort()

    try:
        page = context.new_page()
        page.route("**/*", only_the_app)
        page.goto(f"{live.base}{path}")
        page.wait_for_selector(ready, timeout=30_000)
        assert "OpenCheck" in page.inner_text(ready)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"api{path.replace('/', '-')}.png"))
        # ReDoc's "powered by" badge is an <img> from its CDN that hides itself when it fails
        # to load (its onError): refused here as offline, the page is whole without it
        assert set(outside) <= {REDOC_BADGE}, outside
    finally:
        context.close()

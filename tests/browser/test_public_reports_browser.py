"""The public pages of this branch at phone width, in Chromium: download an entity's credit
report from its page, verify it on the verification page, browse the open data."""

from __future__ import annotations

import sqlalchemy as sa

from kernel.clock import today_in_china
from opencheck.scheduler import run_jobs
from supervision.directory.tables import entities

PHONE = {"width": 390, "height": 844}


def _watch(page) -> list[str]:
    """The URLs answered 4xx/5xx, but the browser's own favicon probe (the public pages have
    none); console errors of those loads are dropped from page.errors at the end."""
    failed: list[str] = []
    page.page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
                 and failed.append(f"{r.status} {r.url}"))
    return failed


def _errors(page) -> list[str]:
    return [e for e in page.errors if not e.startswith("Failed to load resource")]


def _an_entity(live) -> str:
    with live.platform.engine.connect() as conn:
        return conn.scalar(sa.select(entities.c.uscc).order_by(entities.c.entity_no).limit(1))


def test_report_downloaded_from_the_entity_page_verifies(page, live):
    code, failed = _an_entity(live), _watch(page)
    page.page.set_viewport_size(PHONE)
    page.page.goto(f"{live.base}/entity/{code}")
    with page.page.expect_download() as download:
        page.page.click("text=下载公共信用信息报告")
    assert download.value.suggested_filename.startswith("XYBG")
    # the number and code as printed on the report (the same report again: same day, content)
    r = page.page.request.get(f"{live.base}/api/v1/public/credit/{code}/report.pdf")
    number, digest = r.headers["x-report-no"], r.headers["x-report-digest"]
    assert download.value.suggested_filename == f"{number}.pdf"
    live.platform.catch_up()
    page.page.click("text=报告核验")
    page.page.fill("input[name=report_no]", number)
    page.page.fill("input[name=code]", digest)
    page.page.click("button[type=submit]")
    status = page.page.wait_for_selector("[role=status]")
    assert "真实 Genuine" in status.inner_text() and code in status.inner_text()
    page.shot("report-verified-phone")
    # a mistyped code: not genuine, the entity not named
    page.page.fill("input[name=code]", "0" * 64)
    page.page.click("button[type=submit]")
    assert "不符 Not genuine" in page.page.wait_for_selector("[role=status]").inner_text()
    width = page.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width   # no sideways scrolling at phone width
    assert _errors(page) == [] and failed == []


def test_open_data_page_lists_the_dump_and_its_files_download(page, live, tmp_path):
    failed = _watch(page)
    live.platform.settings.open_data_dir = str(tmp_path / "open-data")
    run_jobs(live.platform, today_in_china(), {"open-data-dump"})
    page.page.set_viewport_size(PHONE)
    page.page.goto(f"{live.base}/open-data")
    assert "抽查检查结果" in page.page.inner_text("main")
    link = page.page.locator("a", has_text="CSV").first
    r = page.page.request.get(f"{live.base}{link.get_attribute('href')}")
    assert r.status == 200 and r.headers["content-type"].startswith("text/csv")
    href = page.page.locator("a", has_text="manifest.json").first.get_attribute("href")
    manifest = page.page.request.get(f"{live.base}{href}").json()
    assert manifest["schema_version"] == 2 and manifest["datasets"]
    page.shot("open-data-phone")
    assert _errors(page) == [] and failed == []

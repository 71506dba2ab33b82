"""Screenshots of the main screens (overview, a plan, the inspector's workspace, an entity file,
the public entity page), taken with headless Debian Chromium.

Used by tests/browser/test_screens_browser.py over the browser tests' small world, and as a
script over the demo province (what docs/screens/ shows):

    .venv/bin/python -m tests.browser.screens     # loads the demo into a temporary store

Each screen is checked for what makes it readable (charts drawn, no tick label outside its
figure, no console error) before it is taken.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SCREENS = Path(__file__).parents[2] / "docs" / "screens"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
CLIPPED = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .flatMap(g => { const box = g.getBoundingClientRect();
    return [...g.querySelectorAll('.xtick text, .ytick text')].filter(t => {
      const r = t.getBoundingClientRect();
      return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1
                             || r.bottom > box.bottom + 1); }).map(t => t.textContent); })"""


@dataclass
class Who:
    """Whom and what to show."""

    supervisor: tuple[str, str]
    inspector: tuple[str, str]
    plan_text: str          # a plan grid row containing this
    entity_query: str       # what to type in the entity search
    public_uscc: str


def _login(page, base: str, user: tuple[str, str]) -> None:
    page.goto(f"{base}/dashboard/login")
    page.fill("#login-username", user[0])
    page.fill("#login-password", user[1])
    page.click("#login-submit")
    page.wait_for_selector("#whoami")


def _shot(page, out: Path, name: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
    return out / f"{name}.png"


def take(browser, base: str, who: Who, out: Path = SCREENS) -> list[str]:
    """Take the five screens; returns the console errors seen (none expected)."""
    errors: list[str] = []
    for role in ("supervisor", "inspector"):
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        # the browser's own favicon request is not the page's
        page.route("**/favicon.ico", lambda r: r.fulfill(status=204, body=""))
        try:
            if role == "supervisor":
                _login(page, base, who.supervisor)
                page.wait_for_selector("#fig-status .js-plotly-plot")
                page.wait_for_selector("#fig-workload .js-plotly-plot")
                clipped = page.evaluate(CLIPPED)
                if clipped:
                    errors.append(f"clipped tick labels: {clipped}")
                _shot(page, out, "overview")
                page.click("text=抽查计划 Plans")
                page.click(f"#plans-grid .ag-row:has-text('{who.plan_text}')")
                page.wait_for_selector(f"#plan-panel:has-text('{who.plan_text}')")
                _shot(page, out, "plan")
                page.click("text=主体档案 Entity file")
                page.fill("#entity-query", who.entity_query)
                page.click("#entity-search")
                page.wait_for_selector("#entity-timeline")
                _shot(page, out, "entity-file")
            else:
                _login(page, base, who.inspector)
                page.wait_for_selector("#ws-notes .note")
                page.wait_for_selector("#my-tasks-grid .ag-row")
                _shot(page, out, "workspace")
                page.goto(f"{base}/entity/{who.public_uscc}")
                page.wait_for_selector("text=统一社会信用代码")
                _shot(page, out, "public-entity")
        finally:
            context.close()
    return errors


def _demo() -> None:
    """Load the demo province into a temporary store, serve it, take the screens."""
    import uvicorn
    from playwright.sync_api import sync_playwright
    from rich.progress import Progress

    from opencheck import demo
    from opencheck.app import create_app
    from opencheck.bootstrap import bootstrap
    from opencheck.demo.story import SAMPLE_USCC
    from opencheck.migrate import upgrade
    from tests.conftest import make_settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = make_settings("sqlite", Path(tmp))
        upgrade(settings)
        platform = bootstrap(settings)
        with Progress() as bar:
            demo.load_if_empty(platform, "small", bar)
        server = uvicorn.Server(uvicorn.Config(create_app(platform=platform), host="127.0.0.1",
                                               port=8765, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.1)
        users = {u: p for u, p, *_ in demo.DEMO_USERS}
        who = Who(("supervisor", users["supervisor"]), ("inspector", users["inspector"]),
                  "定向抽查", SAMPLE_USCC, SAMPLE_USCC)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
                errors = take(browser, "http://127.0.0.1:8765", who)
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            platform.close()
    if errors:
        sys.exit(f"console errors: {errors}")
    print(f"screens written to {SCREENS}")


if __name__ == "__main__":
    _demo()

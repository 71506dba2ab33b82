"""Browser fixtures: the real app under uvicorn over a seeded SQLite store, driven by Chromium.

Debian's /usr/bin/chromium (``make system-deps``) is driven by Playwright for Python; no browser
download. One server and one browser serve the whole module; each test gets a fresh context, so
cookies never leak from one test to the next.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from opencheck.bootstrap import Platform, bootstrap
from opencheck.migrate import upgrade
from tests.browser.world import PASSWORDS, World, seed
from tests.conftest import make_settings

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium "
                "fonts-wqy-microhei) to run the browser tests", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Live:
    base: str
    world: World
    platform: Platform


def serve_world(tmp_path_factory, name: str = "browser") -> Iterator[Live]:
    """The real ASGI app served by uvicorn in a thread, over a store seeded through the app."""
    import uvicorn

    from opencheck.app import create_app

    settings = make_settings("sqlite", tmp_path_factory.mktemp(name))
    upgrade(settings)
    platform = bootstrap(settings)
    world = seed(platform)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(platform=platform), host="127.0.0.1",
                                           port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", world, platform)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        platform.close()


@pytest.fixture(scope="session")
def live(tmp_path_factory) -> Iterator[Live]:
    """One seeded world for the session's tests (a module that changes it a lot brings its own
    through `serve_world`)."""
    yield from serve_world(tmp_path_factory)


@pytest.fixture(scope="session")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


class Page:
    """A Playwright page plus the console errors and failed requests it has seen."""

    def __init__(self, page, base: str) -> None:
        self.page, self.base, self.errors = page, base, []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.set_default_timeout(15_000)

    def login(self, username: str) -> None:
        self.page.goto(f"{self.base}/dashboard/login")
        self.page.fill("#login-username", username)
        self.page.fill("#login-password", PASSWORDS[username])
        self.page.click("#login-submit")
        self.page.wait_for_selector("#whoami")

    def choose(self, dropdown: str, text: str) -> None:
        """Pick the option containing `text` in a dcc.Dropdown (single or multi)."""
        self.page.click(f"#{dropdown}")
        self.page.wait_for_selector(".dash-dropdown-options")
        self.page.keyboard.type(text)
        self.page.click(f".dash-dropdown-options [role=option]:has-text('{text}')")
        self.page.keyboard.press("Escape")
        self.page.wait_for_selector(".dash-dropdown-options", state="detached")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def page(browser, live) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    try:
        yield Page(context.new_page(), live.base)
    finally:
        context.close()

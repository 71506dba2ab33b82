"""The screenshot helper (tests/browser/screens.py, which makes docs/screens/ from the demo)
works over the browser tests' world: five screens, charts drawn, no clipped tick label, no
console error, the entity file with the reasons for the class."""

from __future__ import annotations

import pytest

from tests.browser import screens
from tests.browser.world import PASSWORDS
from tests.factories import entity

pytestmark = pytest.mark.browser


def test_screens(browser, live, tmp_path):
    code = entity(13, region="330702").uscc
    who = screens.Who(("sup", PASSWORDS["sup"]), ("insp1", PASSWORDS["insp1"]), "种子计划",
                      code, code)
    errors = screens.take(browser, live.base, who, tmp_path)
    assert errors == []
    for name in ("overview", "plan", "workspace", "entity-file", "public-entity"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000, name

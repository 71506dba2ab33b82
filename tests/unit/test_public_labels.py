"""Labels of the public pages: an end ahead is an expiry, one passed a removal; departments and
penalty kinds in words; the search's grams."""

from __future__ import annotations

from datetime import date

from credit.rules import Rules
from kernel.labels import PENALTY_KINDS, department_label, until_label
from supervision.directory.search import _name_query, name_grams


def test_until_label_says_expires_ahead_and_removed_once_passed():
    today = date(2026, 12, 4)
    assert until_label(date(2029, 11, 5), today) == "届满移出 Expires on 2029-11-05"
    assert until_label(date(2026, 12, 4), today) == "已移出 Removed on 2026-12-04"
    assert until_label(None, today) == ""


def test_departments_and_penalty_kinds_in_words():
    rules = Rules()
    assert department_label(rules, "market_regulation") == "市场监管局 Market regulation"
    assert department_label(rules, "unknown_dept") == "unknown_dept"
    assert department_label(rules, None) == ""
    assert PENALTY_KINDS["business_restricted"].startswith("限制开展生产经营活动")


def test_grams_of_a_name_and_of_queries():
    assert name_grams("明辉明辉") == {"^明", "明辉", "辉明"}
    assert name_grams("") == set()
    # one character and two: holding the gram is the match (no name check)
    assert _name_query("明") == ({"^明"}, None)
    assert _name_query("明辉") == ({"明辉"}, None)
    assert _name_query("a_%") == ({"a_", "_%"}, "%a\\_\\%%")

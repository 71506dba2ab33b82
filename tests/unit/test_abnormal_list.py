"""The abnormal operation list as a pure aggregate: grounds, listing window, cures, repair."""

from __future__ import annotations

from datetime import date

import pytest

from credit.lists.abnormal import AbnormalListing
from credit.rules import DEFAULT_RULES
from kernel.errors import Conflict, InvalidInput
from tests.factories import uscc

RULES = DEFAULT_RULES.abnormal_list
TODAY = date(2030, 1, 1)
JULY_1 = date(2026, 7, 1)          # + 10 working days = 2026-07-15


def listing(marked: bool = False) -> AbnormalListing:
    a = AbnormalListing.open(uscc(1), marked)
    assert a.raise_ground("annual_report:2025", "annual_report", JULY_1, RULES, TODAY)
    return a


def names(a: AbnormalListing) -> list[str]:
    return [type(e).__name__ for e in a.collect_events()]


def test_a_ground_is_listed_on_the_last_day_of_the_ten_working_day_window():
    a = listing()
    assert not a.raise_ground("annual_report:2025", "annual_report", JULY_1, RULES, TODAY)
    assert a.decide_by() == date(2026, 7, 15) and a.status == "pending"
    assert not a.list_if_due(date(2026, 7, 14), RULES)
    assert a.list_if_due(date(2026, 8, 1), RULES)
    assert (a.status, a.listed_on, a.escalation_on) == ("listed", date(2026, 7, 15),
                                                         date(2029, 7, 15))
    assert names(a) == ["Opened", "GroundArisen", "Listed"]


def test_cured_within_the_window_is_never_listed():
    a = listing()
    assert a.cure("annual_report:2025", date(2026, 7, 15), "filed", RULES, TODAY)
    assert a.status == "clear" and not a.list_if_due(TODAY, RULES)
    assert not a.cure("annual_report:2025", date(2026, 7, 16), "again", RULES, TODAY)


def test_a_late_cure_lists_first_then_removes_on_the_cure_day():
    a = listing()
    a.raise_ground("result:t:d", "unreachable", date(2026, 7, 2), RULES, TODAY)
    # a run after downtime: cured on 07-20, so the 07-15 listing happened before
    a.cure("annual_report:2025", date(2026, 7, 20), "filed", RULES, TODAY)
    assert a.status == "listed" and a.listed_on == date(2026, 7, 15)
    a.cure("result:t:d", date(2026, 7, 22), "reachable", RULES, TODAY)
    assert a.status == "clear"
    assert names(a)[-3:] == ["GroundCured", "GroundCured", "Removed"]


def test_individual_businesses_are_marked_and_never_escalated():
    a = listing(marked=True)
    a.list_if_due(TODAY, RULES)
    assert a.status == "listed" and a.escalation_on is None
    assert not a.escalation_due(date(2040, 1, 1))


def test_repair_closes_the_cycle_and_a_new_ground_opens_the_next():
    a = listing()
    with pytest.raises(Conflict, match="not on the abnormal"):
        a.repair_target(date(2026, 7, 10))
    a.list_if_due(TODAY, RULES)
    target = a.repair_target(date(2026, 8, 1))
    assert target.eligible_from == date(2026, 7, 15) and target.record_key == f"{uscc(1)}#1"
    with pytest.raises(InvalidInput):
        a.remove(date(2026, 8, 1), "cured", TODAY)
    a.remove(date(2026, 8, 1), "repaired", TODAY)
    assert a.status == "clear" and a.grounds["annual_report:2025"]["closed"]
    assert not a.cure("annual_report:2025", date(2026, 8, 2), "filed", RULES, TODAY)
    a.raise_ground("annual_report:2026", "annual_report", date(2027, 7, 1), RULES, TODAY)
    assert (a.cycle, a.status) == (2, "pending")


def test_bad_grounds_are_refused():
    a = AbnormalListing.open(uscc(1), False)
    with pytest.raises(InvalidInput) as e:
        a.raise_ground("k", "no_such_ground", JULY_1, RULES, TODAY)
    assert e.value.field == "ground"
    with pytest.raises(InvalidInput) as e:
        a.raise_ground("k", "annual_report", date(2031, 1, 1), RULES, TODAY)
    assert e.value.field == "arose_on"

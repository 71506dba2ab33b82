"""The serious-list procedure of SAMR Order 44 and who may decide credit records (pure domain)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

import pytest

from credit.authority import Authority, authorise, checked_department, department_zh
from credit.lists.abnormal import AbnormalListing
from credit.lists.serious import SeriousListing
from credit.rules import DEFAULT_RULES, Rules
from kernel.errors import Conflict, Forbidden, InvalidInput
from tests.factories import listing_notice, uscc

TODAY = date(2026, 11, 23)
CASE = UUID("0b7e5c4a9d1f4e0c8a2b3c4d5e6f7081")
SAMR = Authority("market_regulation", "市场监管局")


@dataclass(frozen=True)
class User:
    username: str
    role: str
    department: str | None


def noticed(on: date) -> SeriousListing:
    listing = SeriousListing.open(uscc(1))
    listing.give_notice(listing_notice(noticed_on=on, penalty_case_id=CASE), TODAY, SAMR)
    return listing


@pytest.mark.parametrize("noticed_on, period_ends, possible", [
    (date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 10)),     # an ordinary week
    # National Day 1–7 October is no working day; Saturday 10 October is a make-up working day
    (date(2026, 9, 28), date(2026, 10, 10), date(2026, 10, 12)),
    (date(2026, 4, 30), date(2026, 5, 11), date(2026, 5, 12)),    # Labour Day 1–5 May
])
def test_no_decision_inside_the_statement_period(noticed_on, period_ends, possible):
    listing = noticed(noticed_on)
    assert listing.decision_possible_on(DEFAULT_RULES) == possible
    with pytest.raises(Conflict) as e:
        listing.decide(True, "决1", period_ends, "", DEFAULT_RULES, TODAY, SAMR)
    assert e.value.field == "decided_on" and possible.isoformat() in e.value.message
    with pytest.raises(Conflict):
        listing.decide(True, "决1", noticed_on, "", DEFAULT_RULES, TODAY, SAMR)   # notice day
    listing.decide(True, "决1", possible, "", DEFAULT_RULES, TODAY, SAMR)
    assert listing.status == "listed" and listing.listed_on == possible
    event = listing.collect_events()[-1]
    assert (event.decision_no, event.department, event.authority) == \
        ("决1", "market_regulation", "市场监管局")


def test_a_statement_must_be_answered_and_then_the_decision_may_come_early():
    listing = noticed(date(2026, 3, 2))
    listing.record_statement(date(2026, 3, 4), "已整改 corrected", True, TODAY)
    with pytest.raises(Conflict) as e:    # after the period, but the statement awaits its answer
        listing.decide(True, "决1", date(2026, 3, 16), "", DEFAULT_RULES, TODAY, SAMR)
    assert e.value.field == "decided_on" and "not answered" in e.value.message
    with pytest.raises(InvalidInput) as e:
        listing.answer_statement(date(2026, 3, 3), "复核 reviewed", False, "sup", TODAY)
    assert e.value.field == "answered_on"          # before the statement came in
    listing.answer_statement(date(2026, 3, 5), "复核：不予采纳 not adopted", False, "sup", TODAY)
    with pytest.raises(Conflict, match="already answered"):
        listing.answer_statement(date(2026, 3, 6), "again", False, "sup", TODAY)
    with pytest.raises(Conflict) as e:
        listing.decide(True, "决1", date(2026, 3, 4), "", DEFAULT_RULES, TODAY, SAMR)
    assert "2026-03-05" in e.value.message
    listing.decide(True, "决1", date(2026, 3, 5), "", DEFAULT_RULES, TODAY, SAMR)
    assert listing.status == "listed"


def test_the_heavier_penalty_ground_names_its_case():
    listing = SeriousListing.open(uscc(1))
    with pytest.raises(InvalidInput) as e:
        listing.give_notice(listing_notice(), TODAY)
    assert e.value.field == "penalty_case_id"
    with pytest.raises(InvalidInput) as e:
        listing.give_notice(listing_notice(ground="abnormal_three_years", penalty_case_id=CASE),
                            TODAY)
    assert e.value.field == "penalty_case_id"


def test_an_abnormal_listing_decision_carries_its_number_and_authority():
    listing = AbnormalListing.open(uscc(2), False)
    rules = DEFAULT_RULES.abnormal_list
    listing.raise_ground("annual_report:2025", "annual_report", date(2026, 7, 1), rules, TODAY,
                         SAMR)
    assert listing.list_if_due(date(2026, 8, 1), rules, SAMR)
    event = listing.collect_events()[-1]
    assert event.decision_no == f"异常列入〔2026〕{uscc(2)}-1号"
    assert (event.department, event.authority) == ("market_regulation", "市场监管局")


def test_only_the_deciding_department_an_admin_or_a_delegate_acts():
    health = User("h", "supervisor", "health")
    with pytest.raises(Forbidden) as e:
        authorise(health, "market_regulation", "penalties", "revoke_penalty", DEFAULT_RULES)
    assert "市场监管局" in e.value.message and "卫生健康委" in e.value.message
    assert "market regulation" in e.value.message and "health" in e.value.message
    with pytest.raises(Forbidden):
        authorise(User("n", "supervisor", None), "health", "penalties", "open_penalty",
                  DEFAULT_RULES)
    authorise(User("m", "supervisor", "market_regulation"), "market_regulation", "penalties",
              "revoke_penalty", DEFAULT_RULES)
    authorise(User("a", "admin", "health"), "market_regulation", "penalties", "revoke_penalty",
              DEFAULT_RULES)
    authorise(None, "market_regulation", "serious_list", "decide_listing", DEFAULT_RULES)
    delegated = Rules.model_validate({"authority": {"delegations": [{
        "from_department": "market_regulation", "to_department": "health",
        "areas": ["penalties"], "commands": ["publish_penalty"],
        "source": "委托书 市监委〔2026〕1号 (行政处罚法 Art 20)"}]}})
    authorise(health, "market_regulation", "penalties", "publish_penalty", delegated)
    with pytest.raises(Forbidden):          # the delegation covers publication only
        authorise(health, "market_regulation", "penalties", "revoke_penalty", delegated)


def test_departments_are_the_configured_ones():
    assert checked_department(DEFAULT_RULES, " health ") == "health"
    with pytest.raises(InvalidInput) as e:
        checked_department(DEFAULT_RULES, "市场监管局")
    assert e.value.field == "department"
    assert department_zh(DEFAULT_RULES, "market_regulation") == "市场监管局"
    assert DEFAULT_RULES.list_department == "market_regulation"
    with pytest.raises(ValueError, match="unknown departments"):
        Rules.model_validate({"authority": {"delegations": [{
            "from_department": "market_regulation", "to_department": "tax",
            "source": "委托书"}]}})
    with pytest.raises(ValueError, match="list_department"):
        Rules.model_validate({"authority": {"list_department": "tax"}})
    other = Rules.model_validate({"directory": {"departments": [
        {"code": "amr", "name_zh": "市场监督管理局", "name_en": "market regulation"}]}})
    assert other.list_department == "amr"


def test_a_pending_listing_shows_its_first_decision_day_flagged_when_counted_on_the_fallback():
    from credit.lists.views import _with_decision_day

    row = {"status": "noticed", "noticed_on": date(2026, 9, 28), "statement_on": None,
           "answered_on": None}
    # National Day 2026 (official schedule): the same day check_procedure refuses before
    got = _with_decision_day(dict(row), 5)
    assert got["decision_possible_on"] == date(2026, 10, 12)
    assert got["decision_possible_on_provisional"] is False
    # 2027 without a schedule: counted Monday to Friday, so flagged
    assert _with_decision_day({**row, "noticed_on": date(2027, 2, 4)}, 5)[
        "decision_possible_on_provisional"] is True
    # a statement awaiting its answer: no day yet; answered: the answer's day
    assert _with_decision_day({**row, "statement_on": date(2026, 9, 30)}, 5)[
        "decision_possible_on"] is None
    assert _with_decision_day({**row, "statement_on": date(2026, 9, 30),
                               "answered_on": date(2026, 10, 9)}, 5)[
        "decision_possible_on"] == date(2026, 10, 9)
    assert _with_decision_day({**row, "status": "listed"}, 5)["decision_possible_on"] is None

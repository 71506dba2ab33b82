"""Penalty cases: decision rules, publication deadlines and publicity periods (SAMR Order 45)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from credit.penalties.case import PenaltyCase
from credit.penalties.publicity import is_minor, publicity_ends
from credit.rules import DEFAULT_RULES
from kernel.errors import Conflict, InvalidInput
from tests.factories import decision, uscc

RULES = DEFAULT_RULES
TODAY = date(2026, 11, 23)


def opened(opened_on: date = date(2024, 1, 2)) -> PenaltyCase:
    return PenaltyCase.open(uuid4(), uscc(1), "market_regulation", opened_on, None,
                            "internal: informant's name", TODAY)


def decided(**over) -> PenaltyCase:
    case = opened()
    case.decide(decision(**over), RULES.publicity, TODAY)
    return case


def last_event(case: PenaltyCase):
    """The newest pending event (collecting drains them: call once per check)."""
    return case.collect_events()[-1]


def test_publication_is_due_20_working_days_after_the_decision_across_national_day():
    # DOMAIN §11: 2025-09-26 + 20 working days = 2025-10-30 (holiday skipped, 09-28 make-up counted)
    case = decided(decided_on=date(2025, 9, 26))
    assert case.publicisable and case.publication_due_on == date(2025, 10, 30)


def test_publishing_on_the_deadline_is_in_time_and_after_it_late_but_allowed():
    in_time = decided(decided_on=date(2025, 9, 26))
    in_time.publish(date(2025, 10, 30), RULES.publicity, TODAY)
    assert last_event(in_time).late is False
    late = decided(decided_on=date(2025, 9, 26))
    late.publish(date(2025, 10, 31), RULES.publicity, TODAY)
    assert last_event(late).late is True and late.status == "published"


@pytest.mark.parametrize("over,published_on,ends_on,why", [
    ({}, date(2025, 10, 9), date(2028, 10, 9), "fine above the threshold: 3 years"),
    ({"kinds": ["circulated_criticism"], "fine_amount": None}, date(2025, 11, 30),
     date(2026, 2, 28), "通报批评: 3 months, clamped to February's end"),
    ({"fine_amount": Decimal("10000")}, date(2025, 8, 31), date(2025, 11, 30),
     "fine at the threshold is low: 3 months, clamped to 30 November"),
    ({"kinds": ["warning", "fine"], "fine_amount": Decimal("800")}, date(2025, 5, 6),
     date(2025, 8, 6), "a warning with a low fine is still minor"),
    ({"kinds": ["circulated_criticism", "fine"], "fine_amount": Decimal("10000.01")},
     date(2025, 5, 6), date(2028, 5, 6), "criticism with a fine above the threshold"),
    ({"kinds": ["confiscation"], "fine_amount": None}, date(2025, 5, 6), date(2028, 5, 6),
     "confiscation is not minor"),
    ({"decided_on": date(2024, 2, 28)}, date(2024, 2, 29), date(2027, 2, 28),
     "29 February + 3 years clamps to 28 February"),
    ({"kinds": ["fine", "business_restricted"], "restriction_months": 48}, date(2025, 10, 9),
     date(2029, 10, 9), "a 4-year restriction lengthens publicity"),
    ({"kinds": ["business_restricted"], "fine_amount": None, "restriction_months": 12},
     date(2025, 10, 9), date(2028, 10, 9), "a shorter restriction keeps 3 years"),
])
def test_publicity_period_from_publication(over, published_on, ends_on, why):
    case = decided(**{"decided_on": date(2024, 2, 1), **over})
    case.publish(published_on, RULES.publicity, TODAY)
    assert case.publicity_ends_on == ends_on, why


def test_low_fine_threshold_comes_from_the_rules():
    stricter = RULES.publicity.model_copy(update={"low_fine_threshold_yuan": Decimal(500)})
    assert is_minor(["fine"], Decimal(800), RULES.publicity)
    assert not is_minor(["fine"], Decimal(800), stricter)
    assert publicity_ends(date(2025, 1, 31), ["fine"], Decimal(800), None, stricter) == \
        date(2028, 1, 31)


@pytest.mark.parametrize("over,says", [
    ({"kinds": ["warning"], "fine_amount": None}, "warning-only"),
    ({"kinds": ["warning"], "fine_amount": None, "procedure": "simple"}, "simple-procedure"),
    ({"fine_amount": Decimal("200"), "procedure": "simple"}, "simple-procedure"),
])
def test_warning_only_and_simple_procedure_penalties_are_never_public(over, says):
    case = decided(**over)
    assert not case.publicisable and case.publication_due_on is None
    with pytest.raises(Conflict) as e:
        case.publish(date(2025, 10, 9), RULES.publicity, TODAY)
    assert says in e.value.message and "SAMR Order 45" in e.value.message
    assert case.status == "decided"


def test_withdrawal_is_due_3_working_days_after_revocation_across_national_day():
    # revoked 2025-09-30: 10-01..10-08 off, 10-09 (1), 10-10 (2), make-up Saturday 10-11 (3)
    case = decided(decided_on=date(2025, 9, 1))
    case.publish(date(2025, 9, 5), RULES.publicity, TODAY)
    case.revoke("revoked", date(2025, 9, 30), "复议撤销 revoked on review", date(2025, 10, 11),
                RULES.publicity, TODAY)
    event = last_event(case)
    assert event.withdrawal_due_on == date(2025, 10, 11) and event.withdrawn_late is False
    assert case.status == "revoked"
    late = decided(decided_on=date(2025, 9, 1))
    late.publish(date(2025, 9, 5), RULES.publicity, TODAY)
    late.revoke("invalid", date(2025, 9, 30), "确认无效", date(2025, 10, 13), RULES.publicity, TODAY)
    event = last_event(late)
    assert event.withdrawn_late is True and event.withdrawn_on == date(2025, 10, 13)


def test_withdrawal_defaults_to_today_and_cannot_precede_the_revocation():
    case = decided(decided_on=date(2025, 9, 1))
    case.publish(date(2025, 9, 5), RULES.publicity, TODAY)
    with pytest.raises(InvalidInput) as e:
        case.revoke("revoked", date(2025, 9, 30), "撤销", date(2025, 9, 29), RULES.publicity,
                    TODAY)
    assert e.value.field == "withdrawn_on"
    case.revoke("revoked", date(2025, 9, 30), "撤销", None, RULES.publicity, TODAY)
    event = last_event(case)
    assert event.withdrawn_on == TODAY and event.withdrawn_late is True


def test_unpublished_revocation_needs_no_withdrawal_and_a_changed_decision_is_decided_again():
    case = decided(decided_on=date(2025, 9, 1))
    case.revoke("changed", date(2025, 9, 10), "变更 changed on review", None, RULES.publicity,
                TODAY)
    assert last_event(case).withdrawal_due_on is None and case.status == "changed"
    case.decide(decision(2, decided_on=date(2025, 9, 12), fine_amount=Decimal("30000")),
                RULES.publicity, TODAY)
    assert case.status == "decided" and case.decision.fine_amount == Decimal("30000")
    assert case.decision_numbers == ["婺市监处罚〔2025〕1号", "婺市监处罚〔2025〕2号"]
    with pytest.raises(Conflict):
        case.decide(decision(3), RULES.publicity, TODAY)


def test_a_revoked_decision_is_final():
    case = decided(decided_on=date(2025, 9, 1))
    case.revoke("revoked", date(2025, 9, 10), "撤销", None, RULES.publicity, TODAY)
    for command in (lambda: case.decide(decision(2), RULES.publicity, TODAY),
                    lambda: case.publish(date(2025, 9, 11), RULES.publicity, TODAY),
                    lambda: case.pay_fine(date(2025, 9, 11), TODAY)):
        with pytest.raises(Conflict):
            command()


@pytest.mark.parametrize("over,field", [
    ({"fine_amount": None}, "fine_amount"),
    ({"kinds": ["warning"]}, "fine_amount"),
    ({"kinds": ["licence_suspended"], "fine_amount": None}, "restriction_months"),
    ({"restriction_months": 6}, "restriction_months"),
    ({"kinds": ["warning"], "fine_amount": None, "heavier_penalty": True}, "heavier_penalty"),
    ({"kinds": ["business_closed"], "fine_amount": None, "procedure": "simple"}, "procedure"),
    ({"procedure": "summary"}, "procedure"),
    ({"kinds": ["detention"]}, "kinds"),
    ({"kinds": []}, "kinds"),
    ({"decided_on": date(2023, 12, 31)}, "decided_on"),
    ({"decided_on": date(2026, 11, 24)}, "decided_on"),
    ({"decision_no": "  "}, "decision_no"),
    ({"legal_basis": ""}, "legal_basis"),
])
def test_decision_rules_name_the_field(over, field):
    case = opened()
    with pytest.raises(InvalidInput) as e:
        case.decide(decision(**over), RULES.publicity, TODAY)
    assert e.value.field == field
    assert case.status == "opened" and not case.collect_events()[1:]


def test_decision_numbers_are_canonical():
    case = decided(decision_no=" 婺市监处罚〔２０２５〕 7号 ")
    assert case.decision.decision_no == "婺市监处罚〔2025〕7号"


def test_fulfilment_needs_the_fine_paid_first():
    case = decided(decided_on=date(2025, 9, 1))
    with pytest.raises(Conflict):
        case.fulfil(date(2025, 9, 20), TODAY)
    case.pay_fine(date(2025, 9, 15), TODAY)
    with pytest.raises(Conflict):
        case.pay_fine(date(2025, 9, 16), TODAY)
    with pytest.raises(InvalidInput):
        case.fulfil(date(2025, 9, 14), TODAY)
    case.fulfil(date(2025, 9, 20), TODAY)
    assert case.fulfilled_on == date(2025, 9, 20)


def test_repair_waits_3_months_for_a_general_and_12_for_a_heavier_penalty():
    general = decided(decided_on=date(2025, 9, 1))
    general.publish(date(2025, 9, 5), RULES.publicity, TODAY)
    with pytest.raises(Conflict, match="not fulfilled"):
        general.repair_target(RULES, date(2025, 12, 5))
    general.pay_fine(date(2025, 9, 6), TODAY)
    general.fulfil(date(2025, 9, 6), TODAY)
    assert general.repair_target(RULES, date(2025, 12, 5)).eligible_from == date(2025, 12, 5)
    heavy = decided(decided_on=date(2025, 9, 1), heavier_penalty=True)
    heavy.publish(date(2025, 9, 5), RULES.publicity, TODAY)
    heavy.pay_fine(date(2025, 9, 6), TODAY)
    heavy.fulfil(date(2025, 9, 6), TODAY)
    target = heavy.repair_target(RULES, date(2025, 12, 5))
    assert target.serious and target.eligible_from == date(2026, 9, 5)


def test_minor_and_unpublished_penalties_need_no_repair():
    minor = decided(kinds=["circulated_criticism"], fine_amount=None, decided_on=date(2025, 9, 1))
    minor.publish(date(2025, 9, 5), RULES.publicity, TODAY)
    with pytest.raises(Conflict, match="stops by itself"):
        minor.repair_target(RULES, date(2025, 10, 5))
    with pytest.raises(Conflict, match="published"):
        decided().repair_target(RULES, date(2025, 10, 5))

"""Penalty cases: decision rules, publication deadlines and publicity periods (SAMR Order 45)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from credit.penalties.case import PenaltyCase
from credit.penalties.publicity import is_minor, publicity_ends
from credit.publicity_rules import ORDER_45, ORDER_107
from credit.rules import DEFAULT_RULES, load_rules
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


def test_publication_is_due_7_working_days_after_the_decision_across_national_day_2026():
    # 双公示 (NDRC), stricter than SAMR Order 45's 20: 09-29, 09-30, (10-01..10-07 off), 10-08,
    # 10-09, make-up Saturday 10-10, 10-12, 10-13
    case = decided(decided_on=date(2026, 9, 28))
    assert case.publicisable and case.publication_due_on == date(2026, 10, 13)
    assert last_event(case).publication_due_basis == "NDRC 双公示: 7 working days"


def test_the_deadline_that_applies_is_data():
    # DOMAIN §11: 2025-09-26 + 20 working days = 2025-10-30 (holiday skipped, 09-28 make-up counted)
    samr_only = RULES.publicity.model_copy(
        update={"penalty_publication_deadlines": ("penalty_publication_workdays",)})
    case = opened()
    case.decide(decision(decided_on=date(2025, 9, 26)), samr_only, TODAY)
    assert case.publication_due_on == date(2025, 10, 30)
    assert last_event(case).publication_due_basis == "SAMR Order 45: 20 working days"
    assert decided(decided_on=date(2025, 9, 26)).publication_due_on == date(2025, 10, 13)


def test_publishing_on_the_deadline_is_in_time_and_after_it_late_but_allowed():
    in_time = decided(decided_on=date(2025, 9, 26))
    in_time.publish(date(2025, 10, 13), RULES.publicity, TODAY)
    assert last_event(in_time).late is False
    late = decided(decided_on=date(2025, 9, 26))
    late.publish(date(2025, 10, 14), RULES.publicity, TODAY)
    assert last_event(late).late is True and late.status == "published"


def test_overdue_is_flagged_the_day_after_the_deadline_once_and_publishing_later_is_late():
    case = decided(decided_on=date(2026, 9, 28))          # due 2026-10-13
    case.collect_events()
    assert not case.flag_publication_overdue(date(2026, 10, 13))
    assert case.flag_publication_overdue(date(2026, 10, 14))
    event = last_event(case)
    assert type(event).__name__ == "PublicationOverdue"
    assert (event.publish_by, event.flagged_on, event.decision_no) == \
        (date(2026, 10, 13), date(2026, 10, 14), "婺市监处罚〔2025〕1号")
    assert not case.flag_publication_overdue(date(2026, 10, 15))   # once
    case.publish(date(2026, 10, 20), RULES.publicity, TODAY)
    assert last_event(case).late is True and case.status == "published"
    assert not case.flag_publication_overdue(date(2026, 10, 21))   # published: nothing to flag
    warning = decided(kinds=["warning"], fine_amount=None, decided_on=date(2026, 9, 28))
    assert not warning.flag_publication_overdue(date(2026, 12, 1))  # never publicised


def test_a_changed_decision_decided_afresh_gets_a_new_deadline_and_flag():
    case = decided(decided_on=date(2026, 9, 28))
    assert case.flag_publication_overdue(date(2026, 10, 14))
    case.revoke("changed", date(2026, 10, 15), "变更 changed on review", None, RULES.publicity,
                TODAY)
    case.decide(decision(decided_on=date(2026, 10, 16)), RULES.publicity, TODAY)
    assert case.publication_overdue_on is None
    assert not case.flag_publication_overdue(date(2026, 10, 20))


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
    assert publicity_ends(date(2025, 1, 31), date(2025, 1, 20), ["fine"], Decimal(800), False,
                          None, stricter) == (date(2028, 1, 31), ORDER_45)


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


# -- publicity periods by the rule version in force on the decision date (Order 45 / 107) ----

@pytest.mark.parametrize("decided_on,over,published_on,ends_on,rule", [
    (date(2025, 12, 24), {}, date(2026, 1, 6), date(2029, 1, 6), "SAMR Order 45"),
    (date(2025, 12, 24), {"fine_amount": Decimal("3000")}, date(2026, 1, 6), date(2026, 4, 6),
     "SAMR Order 45"),
    (date(2025, 12, 25), {}, date(2026, 1, 6), date(2027, 1, 6), "SAMR Order 107"),
    (date(2026, 1, 6), {}, date(2026, 1, 6), date(2027, 1, 6), "SAMR Order 107"),
    (date(2026, 1, 6), {"fine_amount": Decimal("3000")}, date(2026, 1, 6), date(2026, 4, 6),
     "SAMR Order 107"),
    # heavier (serious) penalties: 3 years on both sides; the restriction lengthens only Order 45
    (date(2025, 12, 24), {"heavier_penalty": True, "kinds": ["fine", "business_restricted"],
                          "restriction_months": 48}, date(2026, 1, 6), date(2030, 1, 6),
     "SAMR Order 45"),
    (date(2025, 12, 25), {"heavier_penalty": True, "kinds": ["fine", "business_restricted"],
                          "restriction_months": 48}, date(2026, 1, 6), date(2029, 1, 6),
     "SAMR Order 107"),
    (date(2026, 1, 6), {"heavier_penalty": True}, date(2026, 1, 6), date(2029, 1, 6),
     "SAMR Order 107"),
])
def test_publicity_follows_the_rule_in_force_on_the_decision_date(decided_on, over, published_on,
                                                                  ends_on, rule):
    case = decided(decided_on=decided_on, **over)
    case.publish(published_on, RULES.publicity, TODAY)
    event = last_event(case)
    assert (event.publicity_ends_on, event.publicity_rule) == (ends_on, rule)
    assert (case.publicity_ends_on, case.publicity_rule) == (ends_on, rule)


def test_order_107_general_fine_published_2026_01_06_is_no_longer_public_after_a_year():
    # repair can end it after 3 months; at 2027-01-06 publicity has ended by itself
    case = decided(decided_on=date(2026, 1, 6))
    case.publish(date(2026, 1, 6), RULES.publicity, TODAY)
    case.pay_fine(date(2026, 2, 1), TODAY)
    case.fulfil(date(2026, 2, 2), TODAY)
    assert case.repair_target(RULES, date(2026, 6, 1)).eligible_from == date(2026, 4, 6)
    with pytest.raises(Conflict, match="publicity already ended on 2027-01-06"):
        case.repair_target(RULES, date(2027, 1, 6))


def test_the_version_is_chosen_by_decision_date_not_publication_date():
    # decided under Order 45, published long after Order 107 took effect: still Order 45
    case = decided(decided_on=date(2025, 12, 1))
    case.publish(date(2026, 3, 2), RULES.publicity, TODAY)
    assert (case.publicity_ends_on, case.publicity_rule) == (date(2029, 3, 2), "SAMR Order 45")


def test_decisions_before_the_first_version_take_it():
    assert RULES.publicity.penalty_periods_on(date(2019, 1, 1)) == ORDER_45
    assert RULES.publicity.penalty_periods_on(date(2025, 12, 24)) == ORDER_45
    assert RULES.publicity.penalty_periods_on(date(2025, 12, 25)) == ORDER_107


def test_a_rules_file_overrides_the_versions(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("""
[[publicity.penalty_periods]]
name = "SAMR Order 45"
source = "市场监督管理行政处罚信息公示规定"
effective_from = 2021-09-01
minor_months = 3
general_months = 36
serious_months = 36
restriction_lengthens = true

[[publicity.penalty_periods]]
name = "Local rule 2026"
source = "a provincial rule (test)"
effective_from = 2026-01-01
minor_months = 3
general_months = 6
serious_months = 24
restriction_lengthens = false
""", encoding="utf-8")
    rules = load_rules(path)
    case = decided(decided_on=date(2025, 12, 25))   # Order 107 by default, Order 45 here
    case.publish(date(2026, 1, 6), rules.publicity, TODAY)
    assert (case.publicity_ends_on, case.publicity_rule) == (date(2029, 1, 6), "SAMR Order 45")
    case = decided(decided_on=date(2026, 1, 6))
    case.publish(date(2026, 1, 6), rules.publicity, TODAY)
    assert (case.publicity_ends_on, case.publicity_rule) == (date(2026, 7, 6), "Local rule 2026")
    as_json = tmp_path / "rules.json"
    as_json.write_text('{"publicity": {"penalty_periods": [%s]}}' % ORDER_45.model_dump_json(),
                       encoding="utf-8")
    case = decided(decided_on=date(2026, 1, 6))
    case.publish(date(2026, 1, 6), load_rules(as_json).publicity, TODAY)
    assert case.publicity_ends_on == date(2029, 1, 6)

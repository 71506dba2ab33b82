"""Commitments, the serious dishonest list and credit repair as pure domain objects."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest

from credit.commitments.commitment import (
    Commitment,
    CommitmentLedger,
    why_commitment_refused,
)
from credit.lists.serious import SeriousListing
from credit.repair.case import RepairCase
from credit.rules import DEFAULT_RULES
from kernel.errors import Conflict, InvalidInput
from tests.factories import commitment, listing_notice, uscc

RULES = DEFAULT_RULES
TODAY = date(2026, 11, 23)
CASE = UUID("0b7e5c4a9d1f4e0c8a2b3c4d5e6f7081")   # the heavier penalty a notice cites


def notice(no: int = 1, **over):
    return listing_notice(no, penalty_case_id=CASE, **over)


def listed(listed_on: date = date(2025, 1, 20)) -> SeriousListing:
    listing = SeriousListing.open(uscc(1))
    listing.give_notice(notice(noticed_on=listed_on - timedelta(days=14)), TODAY)
    listing.decide(True, "婺市监失信决〔2025〕1号", listed_on, "", RULES, TODAY)
    return listing


def test_commitment_is_verified_within_30_working_days():
    # 2025-09-26 + 30 working days: National Day skipped, make-up days 09-28 and 10-11 counted
    c = Commitment.accept(commitment(1, committed_on=date(2025, 9, 26)).validated(TODAY), RULES)
    assert c.verify_by == date(2025, 11, 13) and c.status == "awaiting"


def test_marking_overdue_is_idempotent_and_verification_still_possible_and_late():
    c = Commitment.accept(commitment(1, committed_on=date(2025, 9, 26)).validated(TODAY), RULES)
    assert not c.mark_overdue(date(2025, 11, 13))  # the last day of the window is in time
    assert c.mark_overdue(date(2025, 11, 14))
    assert not c.mark_overdue(date(2025, 11, 15))
    assert [type(e).__name__ for e in c.collect_events()] == ["Accepted", "MarkedOverdue"]
    c.verify("fulfilled", date(2025, 11, 20), "onsite", "", TODAY)
    (event,) = c.collect_events()
    assert event.late is True and c.status == "fulfilled"
    assert not c.mark_overdue(date(2025, 12, 1))
    with pytest.raises(Conflict):
        c.verify("false", date(2025, 11, 21), "onsite", "虚假", TODAY)


def test_a_false_commitment_needs_findings_and_revokes_the_decision():
    c = Commitment.accept(commitment(1).validated(TODAY), RULES)
    with pytest.raises(InvalidInput) as e:
        c.verify("false", date(2025, 3, 10), "onsite", " ", TODAY)
    assert e.value.field == "note"
    c.verify("false", date(2025, 3, 10), "onsite", "场所不符合条件 premises unfit", TODAY)
    assert c.collect_events()[-1].decision_revoked is True and c.status == "false"
    assert c.repair_target(RULES).eligible_from == date(2025, 6, 10)


def test_refusal_reasons_listing_then_false_commitment():
    listing = listed()
    assert "serious dishonest list" in why_commitment_refused(listing, None, date(2025, 3, 1))
    assert why_commitment_refused(listing, None, date(2025, 1, 19)) is None  # before listing
    assert why_commitment_refused(listing, None, date(2028, 1, 20)) is None  # expired
    ledger = CommitmentLedger.open(uscc(1))
    ledger.record_false(listing.id, date(2025, 2, 1))
    ledger.record_false(listing.id, date(2025, 2, 1))  # recorded once only
    assert "false commitment" in why_commitment_refused(None, ledger, date(2025, 3, 1))
    ledger.record_repaired(listing.id, date(2025, 6, 1))
    assert why_commitment_refused(None, ledger, date(2025, 7, 1)) is None
    assert len(ledger.collect_events()) == 3


def test_listing_runs_3_years_and_repair_is_possible_after_1_year():
    listing = listed(date(2024, 2, 29))
    assert listing.auto_removal_on == date(2027, 2, 28)  # calendar years, leap day clamped
    assert listing.repair_possible_on == date(2025, 2, 28)
    assert listing.is_listed(date(2027, 2, 27)) and not listing.is_listed(date(2027, 2, 28))
    with pytest.raises(Conflict) as e:
        listing.remove(date(2025, 2, 27), "repaired", TODAY)
    assert "2025-02-28" in e.value.message
    with pytest.raises(Conflict, match="2027-02-28"):
        listing.remove(date(2026, 1, 5), "expired", TODAY)
    listing.remove(date(2027, 2, 28), "expired", date(2027, 3, 1))
    assert listing.status == "clear" and not listing.is_listed(date(2027, 3, 1))


def test_listing_procedure_order_and_a_second_procedure():
    listing = SeriousListing.open(uscc(1))
    with pytest.raises(Conflict):
        listing.decide(True, "决1", date(2025, 1, 20), "", RULES, TODAY)
    listing.give_notice(notice(), TODAY)
    with pytest.raises(Conflict):
        listing.give_notice(notice(2), TODAY)
    listing.record_statement(date(2025, 1, 10), "申辩 we object", True, TODAY)
    with pytest.raises(InvalidInput) as e:
        listing.decide(True, "决1", date(2025, 1, 9), "", RULES, TODAY)
    assert e.value.field == "decided_on"
    listing.answer_statement(date(2025, 1, 17), "听证后复核：申辩成立 upheld", True, "sup", TODAY)
    listing.decide(False, "决1", date(2025, 1, 20), "申辩成立 statement accepted", RULES, TODAY)
    assert listing.status == "clear"
    listing.give_notice(notice(3, noticed_on=date(2025, 5, 6)), TODAY)
    assert listing.cycle == 2 and listing.status == "noticed"


def test_repair_waits_then_reject_reapply_approve():
    listing = listed(date(2025, 1, 20))
    target = listing.repair_target(RULES, date(2025, 6, 1))
    case = RepairCase.open(target)
    with pytest.raises(Conflict) as e:
        case.apply(target, date(2025, 6, 1), "守信承诺书", ["罚款缴纳凭证"], TODAY)
    assert "possible from 2026-01-20" in e.value.message and e.value.field == "applied_on"
    with pytest.raises(InvalidInput) as e:
        case.apply(target, date(2026, 1, 20), "守信承诺书", [" "], TODAY)
    assert e.value.field == "evidence"
    case.apply(target, date(2026, 1, 20), "守信承诺书", ["罚款缴纳凭证"], TODAY)
    with pytest.raises(Conflict, match="awaiting"):
        case.apply(target, date(2026, 1, 21), "守信承诺书", ["凭证"], TODAY)
    with pytest.raises(InvalidInput) as e:
        case.decide(False, date(2026, 1, 25), "supervisor", "", TODAY)
    assert e.value.field == "reason"
    case.decide(False, date(2026, 1, 25), "supervisor", "证据不足 insufficient evidence", TODAY)
    case.apply(target, date(2026, 2, 2), "守信承诺书", ["整改报告"], TODAY)
    case.decide(True, date(2026, 2, 9), "supervisor", "", TODAY)
    assert case.status == "approved" and case.attempt == 2
    with pytest.raises(Conflict, match="already repaired"):
        case.apply(target, date(2026, 3, 1), "守信承诺书", ["凭证"], TODAY)

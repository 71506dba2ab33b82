"""The credit scenarios, run on SQLite and on PostgreSQL (same class, two backends)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from credit.commitments.tables import commitments
from credit.commitments.views import commitment_record, list_commitments
from credit.lists.tables import serious_listings
from credit.lists.views import serious_listings_of
from credit.penalties.tables import penalties
from credit.penalties.views import list_penalties, penalty_record, public_penalties
from credit.repair.tables import repair_applications
from credit.repair.views import list_repair_applications, repair_application
from kernel.errors import Conflict, InvalidInput, NotFound
from tests.factories import (
    commitment,
    decision,
    entity,
    heavier_penalty,
    listing_notice,
)

TODAY = date(2026, 11, 23)
PLEDGE = "守信承诺书：本单位承诺依法诚信经营 we pledge to operate honestly"


def _dump(platform) -> list[tuple]:
    with platform.engine.connect() as conn:
        return [tuple(r) for t, key in ((penalties, penalties.c.case_id),
                                        (commitments, commitments.c.commitment_id),
                                        (serious_listings, serious_listings.c.listing_id),
                                        (repair_applications, repair_applications.c.repair_id))
                for r in conn.execute(sa.select(t).order_by(key))]


class CreditScenario:
    backend = "sqlite"

    @pytest.fixture
    def credit(self, platform):
        platform.supervision.register_entities([entity(i) for i in range(1, 4)])
        assert platform.settle("supervision")
        return platform.credit

    def _last(self, platform) -> int:
        return platform.credit.recorder.max_notification_id() or 0

    def _list(self, credit, i: int, listed_on: date = date(2025, 1, 20)) -> None:
        case = heavier_penalty(credit, entity(i).uscc, i, listed_on - timedelta(days=30), TODAY)
        notice = listing_notice(noticed_on=listed_on - timedelta(days=14), penalty_case_id=case)
        credit.give_listing_notice(entity(i).uscc, notice, TODAY)
        credit.record_listing_statement(entity(i).uscc, listed_on - timedelta(days=10), "", True,
                                        TODAY)
        credit.answer_listing_statement(entity(i).uscc, listed_on - timedelta(days=3),
                                        "听证后复核 reviewed after the hearing", False, TODAY)
        credit.decide_listing(entity(i).uscc, True, "婺市监失信决〔2025〕1号", listed_on, "", TODAY)

    def test_penalty_is_public_only_while_published_in_publicity_and_in_force(self, platform,
                                                                              credit):
        # open, decide on 2025-09-26 and publish late; the read model shows the deadline
        case = credit.open_penalty(entity(1).uscc, "market_regulation", date(2025, 9, 1), TODAY,
                                   notes="举报人 internal informant")
        credit.decide_penalty(case, decision(decided_on=date(2025, 9, 26)), TODAY)
        platform.settle("credit")
        with platform.engine.connect() as conn:
            total, overdue = list_penalties(conn, today=date(2025, 10, 14),
                                            overdue_for_publication=True)
            assert total == 1 and overdue[0]["publication_due_on"] == date(2025, 10, 13)
            assert public_penalties(conn, entity(1).uscc, date(2025, 10, 31)) == []
        credit.publish_penalty(case, date(2025, 10, 31), TODAY)
        platform.settle("credit")
        with platform.engine.connect() as conn:
            record = penalty_record(conn, case)
            shown = public_penalties(conn, entity(1).uscc, date(2026, 1, 5))
            ended = public_penalties(conn, entity(1).uscc, date(2028, 10, 31))
        assert record["published_late"] and record["publicity_ends_on"] == date(2028, 10, 31)
        assert record["publicity_rule"] == "SAMR Order 45"
        assert record["fine_amount"] == Decimal("50000.00") and record["kinds"] == ["fine"]
        assert [p["decision_no"] for p in shown] == ["婺市监处罚〔2025〕1号"] and ended == []
        assert "notes" not in shown[0] and "revocation_reason" not in shown[0]
        # revocation takes it off the public record; due on make-up Saturday 10-10, Monday is late
        credit.revoke_penalty(case, "revoked", date(2026, 9, 30), "复议撤销", TODAY,
                              withdrawn_on=date(2026, 10, 12))
        platform.settle("credit")
        with platform.engine.connect() as conn:
            record = penalty_record(conn, case)
            assert public_penalties(conn, entity(1).uscc, date(2026, 10, 12)) == []
        assert record["withdrawal_due_on"] == date(2026, 10, 10) and record["withdrawn_late"]
        assert record["status"] == "revoked" and record["revocation_ground"] == "revoked"

    def test_publicity_by_decision_date_and_the_double_publicity_deadline(self, platform,
                                                                          credit):
        from credit.penalties.views import publications_awaited
        from opencheck.scheduler import run_jobs

        # a general fine decided the day before Order 107 and one decided the day it took effect
        before = credit.open_penalty(entity(1).uscc, "market_regulation", date(2025, 12, 1), TODAY)
        credit.decide_penalty(before, decision(1, decided_on=date(2025, 12, 24)), TODAY)
        after = credit.open_penalty(entity(2).uscc, "market_regulation", date(2025, 12, 1), TODAY)
        credit.decide_penalty(after, decision(2, decided_on=date(2025, 12, 25)), TODAY)
        # 7 working days: 2026-01-05 and 2026-01-06 (New Year's Day off); due, nothing flagged
        run_jobs(platform, date(2026, 1, 5), {"credit-daily"})
        platform.settle("credit")
        with platform.engine.connect() as conn:
            total, waiting = publications_awaited(conn, today=date(2026, 1, 5))
        assert total == 2 and [w["publication_due_on"] for w in waiting] == \
            [date(2026, 1, 5), date(2026, 1, 6)]
        assert [w["publication_overdue_on"] for w in waiting] == [None, None]
        assert waiting[0]["publication_due_basis"] == "NDRC 双公示: 7 working days"
        # the day after its deadline the daily job flags the first one only, once
        run_jobs(platform, date(2026, 1, 6), {"credit-daily"})
        run_jobs(platform, date(2026, 1, 6), {"credit-daily"})
        platform.settle("credit")
        with platform.engine.connect() as conn:
            total, overdue = publications_awaited(conn, today=date(2026, 1, 6), overdue=True)
        assert total == 1 and overdue[0]["id"] == before.hex
        assert overdue[0]["publication_overdue_on"] == date(2026, 1, 6)
        assert overdue[0]["days_overdue"] == 1
        # both published on 2026-01-06: the first late, by Order 45 (3 years), the second on
        # time, by Order 107 (1 year): no longer public from 2027-01-06
        credit.publish_penalty(before, date(2026, 1, 6), TODAY)
        credit.publish_penalty(after, date(2026, 1, 6), TODAY)
        platform.settle("credit")
        with platform.engine.connect() as conn:
            first, second = penalty_record(conn, before), penalty_record(conn, after)
            assert publications_awaited(conn, today=date(2026, 1, 7))[0] == 0
            in_2026 = public_penalties(conn, entity(2).uscc, date(2027, 1, 5))
            in_2027 = public_penalties(conn, entity(2).uscc, date(2027, 1, 6))
            still = public_penalties(conn, entity(1).uscc, date(2027, 1, 6))
        assert first["published_late"] and first["publication_overdue_on"] == date(2026, 1, 6)
        assert (first["publicity_ends_on"], first["publicity_rule"]) == \
            (date(2029, 1, 6), "SAMR Order 45")
        assert not second["published_late"] and second["publication_overdue_on"] is None
        assert (second["publicity_ends_on"], second["publicity_rule"]) == \
            (date(2027, 1, 6), "SAMR Order 107")
        assert len(in_2026) == 1 and in_2027 == [] and len(still) == 1
        # a rebuild recreates the flag and the rule applied from the events
        rows = _dump(platform)
        platform.runners["credit"].rebuild()
        assert _dump(platform) == rows

    def test_warning_only_penalty_is_decided_but_never_published(self, platform, credit):
        case = credit.open_penalty(entity(1).uscc, "market_regulation", date(2025, 9, 1), TODAY)
        credit.decide_penalty(case, decision(kinds=["warning"], fine_amount=None), TODAY)
        before = self._last(platform)
        with pytest.raises(Conflict, match="warning-only"):
            credit.publish_penalty(case, date(2025, 10, 9), TODAY)
        assert self._last(platform) == before

    def test_unknown_entity_is_not_found_and_nothing_is_recorded(self, platform, credit):
        stranger = entity(99).uscc
        for command in (
            lambda: credit.open_penalty(stranger, "market_regulation", date(2025, 9, 1), TODAY),
            lambda: credit.accept_commitment(commitment(99), TODAY),
            lambda: credit.give_listing_notice(stranger, listing_notice(), TODAY),
        ):
            with pytest.raises(NotFound) as e:
                command()
            assert e.value.field == "uscc"
        assert self._last(platform) == 0

    def test_decision_number_is_unique_across_cases_and_task_cases_are_unique(self, platform,
                                                                              credit):
        first = credit.open_penalty(entity(1).uscc, "market_regulation", date(2025, 9, 1), TODAY,
                                    inspection_task_id="task-7")
        with pytest.raises(Conflict):
            credit.open_penalty(entity(1).uscc, "market_regulation", date(2025, 9, 2), TODAY,
                                inspection_task_id="task-7")
        second = credit.open_penalty(entity(2).uscc, "market_regulation", date(2025, 9, 1), TODAY)
        credit.decide_penalty(first, decision(1), TODAY)
        before = self._last(platform)
        with pytest.raises(Conflict) as e:
            credit.decide_penalty(second, decision(1, decision_no="婺市监处罚〔２０２５〕1号"), TODAY)
        assert e.value.field == "decision_no" and self._last(platform) == before
        # a changed decision may be decided again under its old number or a new one
        credit.revoke_penalty(first, "changed", date(2025, 10, 1), "变更", TODAY)
        credit.decide_penalty(first, decision(1, decided_on=date(2025, 10, 2)), TODAY)
        credit.decide_penalty(second, decision(2), TODAY)

    def test_listing_on_a_penalty_needs_a_heavier_penalty_of_the_same_entity(self, platform,
                                                                            credit):
        plain = credit.open_penalty(entity(1).uscc, "market_regulation", date(2025, 9, 1), TODAY)
        credit.decide_penalty(plain, decision(1), TODAY)
        heavy = credit.open_penalty(entity(1).uscc, "market_regulation", date(2025, 9, 1), TODAY)
        credit.decide_penalty(heavy, decision(2, heavier_penalty=True), TODAY)
        with pytest.raises(Conflict, match="heavier penalty") as e:
            credit.give_listing_notice(entity(1).uscc, listing_notice(penalty_case_id=plain),
                                       TODAY)
        assert e.value.field == "penalty_case_id"
        with pytest.raises(InvalidInput, match="another entity"):
            credit.give_listing_notice(entity(2).uscc, listing_notice(penalty_case_id=heavy),
                                       TODAY)
        credit.give_listing_notice(entity(1).uscc, listing_notice(penalty_case_id=heavy), TODAY)
        platform.settle("credit")
        with platform.engine.connect() as conn:
            (listing,) = serious_listings_of(conn, entity(1).uscc, 5)
        assert listing["penalty_case_id"] == heavy.hex and listing["status"] == "noticed"

    def test_blacklisted_entity_is_refused_then_accepted_after_repair(self, platform, credit):
        # listed on the serious dishonest list on 2025-01-20
        self._list(credit, 1)
        before = self._last(platform)
        with pytest.raises(Conflict, match="serious dishonest list") as e:
            credit.accept_commitment(commitment(1), TODAY)
        assert e.value.field == "uscc" and self._last(platform) == before
        # repair before a year on the list is refused with the date it becomes possible
        with pytest.raises(Conflict, match="possible from 2026-01-20"):
            credit.apply_for_repair("serious_listing", entity(1).uscc, date(2025, 12, 1), PLEDGE,
                                    ["整改报告"], TODAY)
        repair = credit.apply_for_repair("serious_listing", entity(1).uscc, date(2026, 1, 20),
                                         PLEDGE, ["整改报告", "罚款缴纳凭证"], TODAY)
        credit.decide_repair(repair, True, date(2026, 1, 26), "supervisor", "", TODAY)
        credit.accept_commitment(commitment(1, committed_on=date(2026, 2, 2)), TODAY)
        platform.settle("credit")
        with platform.engine.connect() as conn:
            (listing,) = serious_listings_of(conn, entity(1).uscc, 5)
            application = repair_application(conn, repair)
            total, _ = list_commitments(conn, today=TODAY, uscc=entity(1).uscc)
        assert listing["status"] == "removed" and listing["removal_reason"] == "repaired"
        assert listing["auto_removal_on"] == date(2028, 1, 20)
        assert application["status"] == "approved" and application["evidence"][1] == "罚款缴纳凭证"
        assert total == 1

    def test_false_commitment_blocks_the_next_one_until_repaired(self, platform, credit):
        first = credit.accept_commitment(commitment(2), TODAY)
        credit.verify_commitment(first, "false", date(2025, 4, 1), "onsite",
                                 "场所不符合条件 premises unfit", TODAY)
        with pytest.raises(Conflict, match="false commitment"):
            credit.accept_commitment(
                commitment(2, permit_type="其他许可", committed_on=date(2025, 5, 6)), TODAY)
        with pytest.raises(Conflict, match="possible from 2025-07-01"):
            credit.apply_for_repair("false_commitment", first.hex, date(2025, 6, 30), PLEDGE,
                                    ["整改报告"], TODAY)
        repair = credit.apply_for_repair("false_commitment", str(first), date(2025, 7, 1),
                                         PLEDGE, ["整改报告"], TODAY)
        credit.decide_repair(repair, False, date(2025, 7, 3), "supervisor", "材料不全", TODAY)
        with pytest.raises(Conflict):
            credit.accept_commitment(commitment(2, committed_on=date(2025, 7, 4)), TODAY)
        credit.apply_for_repair("false_commitment", str(first), date(2025, 7, 10), PLEDGE,
                                ["整改报告", "补充材料"], TODAY)
        credit.decide_repair(repair, True, date(2025, 7, 15), "supervisor", "", TODAY)
        credit.accept_commitment(commitment(2, committed_on=date(2025, 7, 16)), TODAY)
        platform.settle("credit")
        with platform.engine.connect() as conn:
            record = commitment_record(conn, first)
            total, attempts = list_repair_applications(conn, uscc=entity(2).uscc)
        assert record["status"] == "false" and record["decision_revoked"]
        assert record["repaired_on"] == date(2025, 7, 15)
        assert total == 2 and {a["status"] for a in attempts} == {"approved", "rejected"}

    def test_overdue_commitments_are_marked_once(self, platform, credit):
        late = credit.accept_commitment(commitment(1, committed_on=date(2025, 9, 26)), TODAY)
        credit.accept_commitment(commitment(2, committed_on=date(2025, 11, 3)), TODAY)
        platform.settle("credit")
        with platform.engine.connect() as conn:
            total, items = list_commitments(conn, today=date(2025, 11, 14), overdue=True)
        assert total == 1 and items[0]["id"] == late.hex
        assert credit.mark_overdue_commitments(date(2025, 11, 14)) == 1
        platform.settle("credit")
        assert credit.mark_overdue_commitments(date(2025, 11, 14)) == 0
        with platform.engine.connect() as conn:
            assert commitment_record(conn, late)["status"] == "overdue"
        credit.verify_commitment(late, "fulfilled", date(2025, 11, 20), "written", "", TODAY)
        platform.settle("credit")
        with platform.engine.connect() as conn:
            record = commitment_record(conn, late)
            total, _ = list_commitments(conn, today=date(2025, 11, 21),
                                        awaiting_verification=True)
        assert record["status"] == "fulfilled" and record["verified_late"] and total == 1

    def test_expired_listings_are_removed_once(self, platform, credit):
        self._list(credit, 3, listed_on=date(2023, 1, 20))
        platform.settle("credit")
        assert credit.expire_serious_listings(date(2026, 1, 19)) == 0
        assert credit.expire_serious_listings(date(2026, 1, 20)) == 1
        platform.settle("credit")
        assert credit.expire_serious_listings(date(2026, 1, 21)) == 0
        with platform.engine.connect() as conn:
            (listing,) = serious_listings_of(conn, entity(3).uscc, 5)
        assert listing["removed_on"] == date(2026, 1, 20) and listing["removal_reason"] == "expired"

    def test_repaired_penalty_leaves_the_public_record_and_rebuild_equals_incremental(
            self, platform, credit):
        case = credit.open_penalty(entity(2).uscc, "market_regulation", date(2025, 9, 1), TODAY)
        credit.decide_penalty(case, decision(3, decided_on=date(2025, 9, 26)), TODAY)
        credit.publish_penalty(case, date(2025, 10, 9), TODAY)
        credit.record_penalty_fulfilment(case, "fine_paid", date(2025, 10, 10), TODAY)
        with pytest.raises(Conflict, match="not fulfilled"):
            credit.apply_for_repair("penalty", case.hex, date(2026, 1, 9), PLEDGE, ["凭证"], TODAY)
        credit.record_penalty_fulfilment(case, "obligations_fulfilled", date(2025, 10, 11), TODAY)
        repair = credit.apply_for_repair("penalty", case.hex, date(2026, 1, 9), PLEDGE, ["凭证"],
                                         TODAY)
        credit.decide_repair(repair, True, date(2026, 1, 12), "supervisor", "", TODAY)
        platform.catch_up()
        with platform.engine.connect() as conn:
            assert public_penalties(conn, entity(2).uscc, date(2026, 1, 11)) != []
            assert public_penalties(conn, entity(2).uscc, date(2026, 1, 13)) == []
            assert penalty_record(conn, case)["repaired_on"] == date(2026, 1, 12)
        self._list(credit, 1)
        credit.accept_commitment(commitment(3), TODAY)
        platform.catch_up()
        incremental = _dump(platform)
        platform.runners["credit"].rebuild()
        # two penalties (the repaired one, the heavier one the listing cites), a commitment,
        # a listing, a repair
        assert _dump(platform) == incremental and len(incremental) == 5


class TestCreditOnSQLite(CreditScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestCreditOnPostgres(CreditScenario):
    backend = "postgres"

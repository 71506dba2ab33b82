"""Credit decisions that follow the law, on SQLite and PostgreSQL (issue 17, parts 1–2): the
serious-list procedure of SAMR Order 44 with dated cases, the heavier-penalty ground, the
deciding department's authority, and decision numbers and authorities on the public lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

import pytest

from credit.lists.serious import serious_listing_id
from kernel.errors import Conflict, Forbidden, InvalidInput
from tests.factories import decision, entity, heavier_penalty, listing_notice
from tests.integration.credit_helpers import (
    daily,
    listing_rows,
    public_lists,
    register,
    state,
)

FAR = date(2033, 1, 1)   # "today" for commands recorded in the scenario's future


@dataclass(frozen=True)
class User:
    username: str
    role: str
    department: str | None


MARKET = User("m", "supervisor", "market_regulation")
HEALTH = User("h", "supervisor", "health")


class LawfulCreditScenario:
    backend = "sqlite"

    @pytest.fixture
    def credit(self, platform):
        register(platform, range(1, 8))
        return platform.credit

    def _notice(self, credit, i: int, noticed_on: date) -> None:
        case = heavier_penalty(credit, entity(i).uscc, i, date(2026, 2, 2), FAR)
        credit.give_listing_notice(entity(i).uscc, listing_notice(
            i, noticed_on=noticed_on, penalty_case_id=case), FAR, actor=MARKET)

    def test_no_decision_inside_the_statement_period(self, platform, credit):
        # notice Monday 2026-09-28: 5 working days skip National Day (1–7 October) and count
        # the make-up Saturday 10 October, so the period ends then; a decision from 12 October
        code = entity(1).uscc
        self._notice(credit, 1, date(2026, 9, 28))
        for day in (date(2026, 9, 28), date(2026, 10, 10)):
            with pytest.raises(Conflict) as e:
                credit.decide_listing(code, True, "决1", day, "", FAR, actor=MARKET)
            assert e.value.field == "decided_on" and "2026-10-12" in e.value.message
        credit.decide_listing(code, True, "浙市监失信决〔2026〕1号", date(2026, 10, 12), "", FAR,
                              actor=MARKET)
        listing = credit.repository.get(serious_listing_id(code))
        assert listing.status == "listed" and listing.listed_on == date(2026, 10, 12)

    def test_a_statement_is_answered_before_the_decision(self, platform, credit):
        code = entity(2).uscc
        self._notice(credit, 2, date(2026, 3, 2))
        credit.record_listing_statement(code, date(2026, 3, 4), "已整改 corrected", True, FAR,
                                        actor=MARKET)
        with pytest.raises(Conflict) as e:   # the period is over, but the statement awaits
            credit.decide_listing(code, True, "决2", date(2026, 3, 20), "", FAR, actor=MARKET)
        assert e.value.field == "decided_on" and "not answered" in e.value.message
        with pytest.raises(Forbidden):
            credit.answer_listing_statement(code, date(2026, 3, 6), "复核", False, FAR,
                                            actor=HEALTH)
        credit.answer_listing_statement(code, date(2026, 3, 6), "听证后复核：不予采纳 not adopted",
                                        False, FAR, actor=MARKET)
        # answered: the decision may come before the period would have ended (10 March)
        credit.decide_listing(code, True, "浙市监失信决〔2026〕2号", date(2026, 3, 6), "", FAR,
                              actor=MARKET)
        platform.settle("credit")
        (row,) = [r for r in _serious(platform, code)]
        assert row["answered_on"] == date(2026, 3, 6) and row["statement_adopted"] is False
        assert (row["department"], row["authority"]) == ("market_regulation", "市场监管局")

    def test_the_heavier_penalty_ground_needs_a_decided_heavier_penalty_of_the_entity(
            self, platform, credit):
        code, other = entity(3).uscc, entity(4).uscc

        def notice(case):
            credit.give_listing_notice(code, listing_notice(
                3, noticed_on=date(2026, 3, 2), penalty_case_id=case), FAR, actor=MARKET)

        with pytest.raises(InvalidInput) as e:
            notice(None)
        assert e.value.field == "penalty_case_id"
        with pytest.raises(InvalidInput) as e:      # no such case
            notice(UUID(int=1))
        assert e.value.field == "penalty_case_id"
        with pytest.raises(InvalidInput, match="another entity"):
            notice(heavier_penalty(credit, other, 4, date(2026, 2, 2), FAR))
        plain = credit.open_penalty(code, "market_regulation", date(2026, 1, 5), FAR)
        with pytest.raises(Conflict) as e:          # opened, not decided
            notice(plain)
        assert e.value.field == "penalty_case_id"
        credit.decide_penalty(plain, decision(31, decided_on=date(2026, 2, 2)), FAR)
        with pytest.raises(Conflict, match="heavier penalty"):   # decided, not heavier
            notice(plain)
        heavy = heavier_penalty(credit, code, 3, date(2026, 2, 3), FAR)
        notice(heavy)
        # the penalty is revoked before the decision: the listing has no ground left
        credit.revoke_penalty(heavy, "revoked", date(2026, 3, 5), "复议撤销", FAR)
        with pytest.raises(Conflict) as e:
            credit.decide_listing(code, True, "决3", date(2026, 3, 16), "", FAR, actor=MARKET)
        assert e.value.field == "penalty_case_id"
        credit.decide_listing(code, False, "决3", date(2026, 3, 16), "处罚已撤销 revoked", FAR,
                              actor=MARKET)

    def test_only_the_list_department_acts_on_the_serious_list(self, platform, credit):
        code = entity(5).uscc
        case = heavier_penalty(credit, code, 5, date(2026, 2, 2), FAR)
        with pytest.raises(Forbidden) as e:
            credit.give_listing_notice(code, listing_notice(
                5, noticed_on=date(2026, 3, 2), penalty_case_id=case), FAR, actor=HEALTH)
        assert "市场监管局" in e.value.message and "卫生健康委" in e.value.message
        with pytest.raises(Forbidden):   # a health supervisor revokes a market penalty
            credit.revoke_penalty(case, "revoked", date(2026, 3, 5), "x", FAR, actor=HEALTH)
        with pytest.raises(InvalidInput) as e:
            credit.open_penalty(code, "市场监管局", date(2026, 3, 2), FAR, actor=MARKET)
        assert e.value.field == "department"

    def test_decision_numbers_and_authorities_are_public_on_both_lists(self, platform, credit):
        # 6 never files its 2025 report: listed by the daily job on 15 July 2026
        code, listed = entity(6).uscc, entity(7).uscc
        daily(platform, date(2026, 7, 1), date(2026, 7, 1))
        daily(platform, date(2026, 7, 16))
        (row,) = listing_rows(platform, code)
        assert row["status"] == "listed" and row["listed_on"] == date(2026, 7, 15)
        assert row["decision_no"] == f"异常列入〔2026〕{code}-1号"
        abnormal = next(e for e in public_lists(platform, code, date(2026, 7, 16))
                        if e["list"] == "abnormal")
        assert abnormal["decision_no"] == row["decision_no"]
        assert abnormal["authority"] == "市场监管局"
        self._notice(credit, 7, date(2026, 3, 2))
        credit.decide_listing(listed, True, "浙市监失信决〔2026〕7号", date(2026, 3, 10), "", FAR,
                              actor=MARKET)
        platform.settle("credit")
        serious = next(e for e in public_lists(platform, listed, date(2026, 3, 10))
                       if e["list"] == "serious")
        assert serious["decision_no"] == "浙市监失信决〔2026〕7号"
        assert serious["authority"] == "市场监管局"
        # every column is a projection of the events: a rebuild writes the same rows
        before = state(platform)
        platform.runners["credit"].rebuild()
        assert state(platform) == before


def _serious(platform, uscc: str) -> list[dict]:
    from credit.lists.views import serious_listings_of

    with platform.engine.connect() as conn:
        return serious_listings_of(conn, uscc, 5)


class TestLawfulCreditOnSQLite(LawfulCreditScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestLawfulCreditOnPostgres(LawfulCreditScenario):
    backend = "postgres"

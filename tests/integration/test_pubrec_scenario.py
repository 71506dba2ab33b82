"""双公示 and 异议 on SQLite and PostgreSQL: a licensing decision's 7-working-day deadline, who may
record it, the daily job's overdue flag, what the public sees; every commitment public by the
rule; an objection's deadline, its marker on the public record, its outcome and overdue flag."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

import pytest

from credit.commitments.views import public_commitments
from credit.licensing import views as licence_views
from credit.objections import views as objection_views
from credit.objections.aggregate import RecordRef
from credit.record.public import public_credit_record
from credit.rules import Rules
from kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.factories import commitment, decision, licence
from tests.integration.credit_helpers import daily, inspect, register

FAR = date(2030, 1, 1)   # "today" for commands recorded in the scenario's past


@dataclass
class Officer:
    username: str
    department: str
    role: str = "supervisor"


HEALTH = Officer("wang", "health")
MARKET = Officer("li", "market_regulation")


def _licences(platform, **filters):
    with platform.engine.connect() as conn:
        return licence_views.list_licences(conn, **filters)[1]


def _public(platform, today: date, **filters):
    with platform.engine.connect() as conn:
        total, items = licence_views.public_licences(conn, today=today, **filters)
        return objection_views.mark_under_review(conn, "licence", items, "decision_no")


class PubrecScenario:
    backend = "sqlite"

    def test_licensing_decisions_deadline_authority_overdue_and_publicity(self, platform):
        credit = platform.credit
        register(platform, range(1, 4))
        # only the licensing department (or an admin, a delegate) records the decision
        with pytest.raises(Forbidden) as refused:
            credit.grant_licence(licence(1), FAR, actor=HEALTH)
        assert "市场监管局" in refused.value.message and "卫生健康委" in refused.value.message
        first = credit.grant_licence(licence(1), FAR, actor=MARKET)
        # 2026-03-02 (Mon) + 7 working days; across National Day 2025 the make-up days count
        second = credit.grant_licence(licence(2, decided_on=date(2025, 9, 26),
                                              valid_from=date(2025, 9, 26)), FAR)
        third = credit.grant_licence(licence(3), FAR)
        with pytest.raises(Conflict):   # a decision number names one decision
            credit.grant_licence(licence(3), FAR)
        with pytest.raises(InvalidInput) as bad:
            credit.grant_licence(licence(4, valid_to=date(2020, 1, 1)), FAR)
        assert bad.value.field == "valid_to"
        platform.catch_up()
        rows = {r["id"]: r for r in _licences(platform, today=date(2026, 3, 11))}
        assert rows[first.hex]["publication_due_on"] == date(2026, 3, 11)
        assert rows[first.hex]["publication_due_basis"] == "NDRC 双公示: 7 working days"
        assert rows[second.hex]["publication_due_on"] == date(2025, 10, 13)
        assert rows[first.hex]["authority"] == "市场监管局"
        # on time: published the deadline day; nothing is public before publication
        assert _public(platform, date(2026, 3, 11)) == []
        credit.publish_licence(first, date(2026, 3, 11), FAR, actor=MARKET)
        # the daily job the day after the deadline flags the unpublished ones (once each)
        daily(platform, date(2026, 3, 12))
        overdue = _licences(platform, today=date(2026, 3, 12), overdue=True)
        assert [r["id"] for r in overdue] == [second.hex, third.hex]
        assert {r["publication_overdue_on"] for r in overdue} == {date(2026, 3, 12)}
        daily(platform, date(2026, 3, 13))
        assert {r["publication_overdue_on"] for r in _licences(
            platform, today=date(2026, 3, 13), overdue=True)} == {date(2026, 3, 12)}
        # published late: recorded as late; cancelled afterwards: public as no longer valid
        credit.publish_licence(third, date(2026, 3, 16), FAR)
        credit.end_licence(third, "cancelled", date(2026, 4, 1), "END-REASON-SECRET", FAR)
        with pytest.raises(Conflict):
            credit.publish_licence(third, date(2026, 4, 2), FAR)
        credit.end_licence(second, "revoked", date(2025, 10, 20), "撤销", FAR)   # never public
        platform.catch_up()
        rows = {r["id"]: r for r in _licences(platform, today=date(2026, 4, 2))}
        assert rows[third.hex]["published_late"] and not rows[first.hex]["published_late"]
        public = {r["decision_no"]: r for r in _public(platform, date(2026, 4, 2))}
        assert set(public) == {licence(1).decision_no, licence(3).decision_no}
        assert public[licence(1).decision_no]["valid"]
        assert public[licence(3).decision_no]["state_label"] == "注销 cancelled"
        assert "END-REASON-SECRET" not in repr(public) and "end_reason" not in public[
            licence(3).decision_no]

    def test_commitments_are_public_by_the_rule(self, platform):
        credit = platform.credit
        register(platform, range(1, 3))
        kept = credit.accept_commitment(commitment(1, committed_on=date(2026, 3, 2)), FAR)
        awaiting = credit.accept_commitment(commitment(
            1, permit_type="其他许可 other permit", committed_on=date(2026, 3, 3)), FAR)
        false = credit.accept_commitment(commitment(2, committed_on=date(2026, 3, 2)), FAR)
        credit.verify_commitment(kept, "fulfilled", date(2026, 3, 20), "written", "VNOTE", FAR)
        credit.verify_commitment(false, "false", date(2026, 3, 20), "onsite", "VNOTE", FAR)
        platform.catch_up()
        with platform.engine.connect() as conn:
            total, items = public_commitments(conn, platform.rules, today=date(2026, 4, 1))
            states = {i["id"]: i["state"] for i in items}
            assert total == 3 and states == {kept.hex: "fulfilled", awaiting.hex: "awaiting",
                                             false.hex: "false"}
            assert all("content" not in i and "verification_note" not in i for i in items)
            only_false = Rules.model_validate({"commitment": {"publish_all": False}})
            assert [i["id"] for i in public_commitments(conn, only_false,
                                                        today=date(2026, 4, 1))[1]] == [false.hex]
            within = Rules.model_validate({"commitment": {"publicity_months": 1}})
            assert public_commitments(conn, within, today=date(2026, 4, 2))[0] == 2  # false stays

    def test_objections_deadline_marker_outcome_and_overdue(self, platform):
        credit = platform.credit
        register(platform, range(1, 3))
        code = licence(1).uscc
        case = credit.open_penalty(code, "market_regulation", date(2026, 2, 20), FAR)
        credit.decide_penalty(case, decision(1, decided_on=date(2026, 2, 25)), FAR)
        credit.publish_penalty(case, date(2026, 2, 27), FAR)
        unpublished = credit.grant_licence(licence(1), FAR)
        platform.catch_up()
        penalty_no = decision(1).decision_no
        # an unpublished licence is no public record: nothing to object to
        with pytest.raises(NotFound):
            credit.file_objection(RecordRef("licence", code, licence(1).decision_no), "wrong",
                                  "赵六六", "13800001111", date(2026, 3, 4))
        filed = credit.file_objection(RecordRef("penalty", code, penalty_no), "处罚对象错误",
                                      "赵六六", "13800001111", date(2026, 3, 4))
        platform.catch_up()
        with platform.engine.connect() as conn:
            record = public_credit_record(conn, code, date(2026, 3, 5))
            row = objection_views.objection_record(conn, filed, date(2026, 3, 5))
            full = objection_views.objection_record(conn, filed, date(2026, 3, 5), reveal=True)
        # 10 working days from 2026-03-04; contact masked unless revealed; marker on the record
        assert row["handle_by"] == date(2026, 3, 18) and row["department"] == "market_regulation"
        assert row["contact"] == "138****11" and row["contact_name"] == "赵**"
        assert full["contact"] == "13800001111"
        assert record["penalties"][0]["objection_under_review"] is True
        assert record["objections_under_review"] == 1
        assert "13800001111" not in repr(record) and "赵六六" not in repr(record)
        # another department may not handle it; the daily job flags it once past the deadline
        with pytest.raises(Forbidden):
            credit.handle_objection(filed, "upheld", date(2026, 3, 19), "ok", FAR, actor=HEALTH)
        daily(platform, date(2026, 3, 18))
        with platform.engine.connect() as conn:
            assert objection_views.list_objections(conn, today=date(2026, 3, 18),
                                                   overdue=True)[0] == 0
        daily(platform, date(2026, 3, 19), date(2026, 3, 20))
        with platform.engine.connect() as conn:
            total, late = objection_views.list_objections(conn, today=date(2026, 3, 20),
                                                          overdue=True)
        assert total == 1 and late[0]["overdue_on"] == date(2026, 3, 19)
        # the outcome, with handler and reasons; the marker goes
        credit.handle_objection(filed, "corrected", date(2026, 3, 20), "更正处罚对象", FAR,
                                actor=MARKET)
        with pytest.raises(Conflict):
            credit.handle_objection(filed, "upheld", date(2026, 3, 20), "again", FAR)
        platform.catch_up()
        with platform.engine.connect() as conn:
            row = objection_views.objection_record(conn, filed, date(2026, 3, 20))
            record = public_credit_record(conn, code, date(2026, 3, 21))
        assert (row["status"], row["handler"], row["handled_late"]) == ("corrected", "li", True)
        assert row["outcome_reasons"] == "更正处罚对象"
        assert record["penalties"][0]["objection_under_review"] is False
        # a published licence can be objected to; the public list marks it
        credit.publish_licence(unpublished, date(2026, 3, 10), FAR)
        platform.catch_up()
        credit.file_objection(RecordRef("licence", code, licence(1).decision_no), "有效期有误",
                              "李四", "li@example.cn", date(2026, 3, 23))
        platform.catch_up()
        shown = _public(platform, date(2026, 3, 23))
        assert [i["objection_under_review"] for i in shown] == [True]
        assert isinstance(UUID(shown[0]["id"]), UUID)


    def test_an_objection_to_a_list_entry(self, platform):
        credit = platform.credit
        register(platform, range(1, 3))
        code = licence(1).uscc
        # unreachable at the registered address: listed by the daily job within 10 working days
        inspect(platform, code, "6", date(2026, 3, 2))
        daily(platform, date(2026, 3, 3), date(2026, 3, 17))
        with platform.engine.connect() as conn:
            record = public_credit_record(conn, code, date(2026, 3, 18))
        assert [e["list"] for e in record["lists"]] == ["abnormal"]
        credit.file_objection(RecordRef("list", code, "abnormal"), "地址可以联系", "赵六六",
                              "13800001111", date(2026, 3, 18))
        with pytest.raises(NotFound):   # not on the serious list: nothing to object to
            credit.file_objection(RecordRef("list", code, "serious"), "x", "赵六六",
                                  "13800001111", date(2026, 3, 18))
        platform.catch_up()
        with platform.engine.connect() as conn:
            record = public_credit_record(conn, code, date(2026, 3, 18))
            queue = objection_views.list_objections(conn, today=date(2026, 3, 18))[1]
        assert record["lists"][0]["objection_under_review"] is True
        assert record["objections_under_review"] == 1
        # the list department (rules.authority) answers for a list entry
        assert [o["department"] for o in queue] == [platform.rules.list_department]


class TestPubrecOnSQLite(PubrecScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestPubrecOnPostgres(PubrecScenario):
    backend = "postgres"

"""The supervisor pages' commands and grids on SQLite and PostgreSQL: each form validates as the
API does (a 422's field named in Chinese and English), calls the API's use case, and the grid
shows the result by entity name with its labels, filterable by them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from dashboard import actions
from dashboard import supervisor_actions as act
from dashboard.pages import commitments, penalties, serious, users
from kernel.clock import today_in_china
from kernel.errors import DomainError
from kernel.http import auth
from tests.factories import entity

ALL = {"startRow": 0, "endRow": 50}


def _world(p):
    p.supervision.register_entities([entity(i, region="330702") for i in range(4)])
    p.settle()
    auth.add_user(p.engine, "sup", "super-pass-123", "supervisor", display_name="监管员",
                  department="market_regulation")
    return auth.active_user(p.engine, "sup")


class SupervisorPagesScenario:
    def test_penalty_end_to_end_and_the_serious_list(self, platform):
        p, today = platform, today_in_china()
        sup, target = _world(p), entity(1, region="330702")
        case = act.open_penalty(p, sup, {"uscc": target.uscc, "department": "market_regulation",
                                         "opened_on": (today - timedelta(days=5)).isoformat()})
        with pytest.raises(ValidationError) as refused:   # the API's schema: fields named
            act.decide_penalty(p, sup, case, {"procedure": "ordinary"})
        said = actions.message_of(refused.value)
        assert "决定书文号：必填" in said and "decision_no: Field required" in said
        act.decide_penalty(p, sup, case, {
            "decision_no": "金市监罚〔2026〕1号", "violation_type": "无证经营",
            "legal_basis": "第十三条", "kinds": ["fine"], "procedure": "ordinary",
            "decided_on": (today - timedelta(days=3)).isoformat(), "fine_amount": "80000",
            "heavier_penalty": True})
        act.publish_penalty(p, sup, case, {"published_on": today.isoformat()})
        p.catch_up()
        total, rows = penalties.GRID.fetch(p, sup, ALL)
        assert total == 1 and rows[0]["entity_name"] == target.name
        assert rows[0]["status"] == "已公示 Published" and rows[0]["kinds"] == "罚款"
        by_label = {**ALL, "filterModel": {"status": {"filterType": "text", "type": "contains",
                                                      "filter": "已公示"}}}
        assert penalties.GRID.fetch(p, sup, by_label)[0] == 1
        # the serious list: notice; a decision inside the statement period is refused
        act.give_listing_notice(p, sup, target.uscc, {
            "notice_no": "金市监告〔2026〕1号", "ground": "heavier_penalty", "facts": "较重处罚",
            "noticed_on": today.isoformat(), "penalty_case_id": case})
        p.catch_up()
        decide = {"listed": True, "decision_no": "金市监列〔2026〕1号",
                  "decided_on": today.isoformat()}
        with pytest.raises(DomainError) as early:
            act.decide_listing(p, sup, target.uscc, decide)
        assert "陈述申辩期未届满" in actions.message_of(early.value)
        act.record_statement(p, sup, target.uscc, {"received_on": today.isoformat(),
                                                   "statement": "申辩"})
        act.answer_statement(p, sup, target.uscc, {"answered_on": today.isoformat(),
                                                   "reply": "不予采纳"})
        act.decide_listing(p, sup, target.uscc, decide)
        p.catch_up()
        total, rows = serious.GRID.fetch(p, sup, ALL)
        assert total == 1 and rows[0]["entity_name"] == target.name
        assert rows[0]["status"] == "已列入 Listed" and rows[0]["ground"] == "较重行政处罚"
        with pytest.raises(DomainError):
            act.revoke_penalty(p, sup, None, {"ground": "revoked", "reason": "x",
                                              "effective_on": today.isoformat()})
        act.revoke_penalty(p, sup, case, {"ground": "revoked", "reason": "复议撤销",
                                          "effective_on": today.isoformat()})
        p.catch_up()
        assert penalties.GRID.fetch(p, sup, ALL)[1][0]["status"] == "已撤销 Revoked"

    def test_commitments_recorded_verified_and_false(self, platform):
        p, today = platform, today_in_china()
        sup = _world(p)
        ids = [act.accept_commitment(p, sup, {
            "uscc": entity(i, region="330702").uscc, "permit_type": "食品经营许可",
            "content": "符合条件", "department": "market_regulation",
            "committed_on": (today - timedelta(days=10)).isoformat()}) for i in (1, 2)]
        with pytest.raises(DomainError) as noted:   # a false commitment needs its findings
            act.verify_commitment(p, sup, ids[1], {"outcome": "false", "method": "onsite",
                                                   "verified_on": today.isoformat()})
        assert "note" in actions.message_of(noted.value)
        act.verify_commitment(p, sup, ids[0], {"outcome": "fulfilled", "method": "onsite",
                                               "verified_on": today.isoformat()})
        act.verify_commitment(p, sup, ids[1], {"outcome": "false", "method": "onsite",
                                               "verified_on": today.isoformat(),
                                               "note": "现场核查不符 not as promised"})
        p.catch_up()
        _, rows = commitments.GRID.fetch(p, sup, {**ALL, "sortModel": [
            {"colId": "entity_name", "sort": "asc"}]})
        assert {r["entity_name"]: r["status"] for r in rows} == {
            entity(1, region="330702").name: "承诺属实 Fulfilled",
            entity(2, region="330702").name: "虚假承诺 False commitment"}

    def test_users_added_deactivated_and_reset(self, platform):
        p = platform
        _world(p)
        auth.add_user(p.engine, "admin", "admin-pass-123", "admin")
        admin = auth.active_user(p.engine, "admin")
        with pytest.raises(DomainError) as weak:
            act.add_user(p, {"username": "clerk", "password": "short", "role": "inspector"})
        assert "口令长度不足" in actions.message_of(weak.value)
        act.add_user(p, {"username": "clerk", "password": "clerk-pass-987", "role": "inspector",
                         "display_name": "办事员"})
        with pytest.raises(DomainError):
            act.set_active(p, admin, "admin", False)    # not oneself
        act.set_active(p, admin, "clerk", False)
        act.reset_password(p, "clerk", "clerk-new-pass-654")
        assert auth.authenticate(p.engine, "clerk", "clerk-new-pass-654") is None   # inactive
        act.set_active(p, admin, "clerk", True)
        assert auth.authenticate(p.engine, "clerk", "clerk-new-pass-654") is not None
        _, rows = users.GRID.fetch(p, admin, {**ALL, "filterModel": {"role": {
            "filterType": "text", "type": "contains", "filter": "检查"}}})
        assert [(r["username"], r["display_name"], r["active"]) for r in rows] == [
            ("clerk", "办事员", "启用 Active")]


class TestSupervisorPagesOnSQLite(SupervisorPagesScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestSupervisorPagesOnPostgres(SupervisorPagesScenario):
    backend = "postgres"

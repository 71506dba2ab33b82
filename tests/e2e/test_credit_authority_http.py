"""谁决定、谁负责 Every credit write route, table-driven: a supervisor of another department gets 403
naming both departments and records nothing; an administrator passes; so does a department
holding a configured delegation (rules.authority.delegations)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from credit.rules import Rules
from kernel.clock import today_in_china
from kernel.http import auth
from tests.e2e.conftest import token
from tests.factories import (
    commitment,
    decision,
    decision_json,
    entity,
    heavier_penalty,
    licence,
    licence_json,
)

TODAY = today_in_china()
PASSWORD = "other-pass-123"
PLEDGE = "守信承诺书：本单位承诺依法诚信经营 we pledge to operate honestly"


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def ago(days: int):
    return TODAY - timedelta(days=days)


# Each row: the command, and a setup that prepares entity i (as market regulation, directly
# through the application) and returns the route and body of the command on it.
def _penalty(p, i: int, stage: str = "decided"):
    credit, code = p.credit, entity(i).uscc
    case = credit.open_penalty(code, "market_regulation", ago(200), TODAY)
    if stage == "opened":
        return case
    credit.decide_penalty(case, decision(1000 + i, decided_on=ago(190)), TODAY)
    if stage == "published":
        credit.publish_penalty(case, ago(185), TODAY)
        for kind in ("fine_paid", "obligations_fulfilled"):
            credit.record_penalty_fulfilment(case, kind, ago(180), TODAY)
    return case


def _noticed(p, i: int, days_ago: int = 60):
    case = heavier_penalty(p.credit, entity(i).uscc, i, ago(days_ago + 10), TODAY)
    from tests.factories import listing_notice

    p.credit.give_listing_notice(entity(i).uscc, listing_notice(
        100 + i, noticed_on=ago(days_ago), penalty_case_id=case), TODAY)
    return case


def _stated(p, i: int):
    _noticed(p, i)
    p.credit.record_listing_statement(entity(i).uscc, ago(58), "申辩 we object", False, TODAY)


def _listed(p, i: int):
    _noticed(p, i)
    p.credit.decide_listing(entity(i).uscc, True, f"婺市监失信决〔2026〕{i}号", ago(30), "", TODAY)


def _commitment(p, i: int):
    return p.credit.accept_commitment(commitment(i, committed_on=ago(5)), TODAY)


def _commendation_body(i: int) -> dict:
    return {"uscc": entity(i).uscc, "title": "守合同重信用企业", "department": "market_regulation",
            "document_no": f"金市监信用〔2026〕{i}号", "granted_on": day(-40)}


def _repair(p, i: int):
    case = _penalty(p, i, "published")
    return p.credit.apply_for_repair("penalty", case.hex, ago(2), PLEDGE, ["凭证"], TODAY)


def _licence(p, i: int, published: bool = False):
    found = p.credit.grant_licence(licence(7000 + i, uscc=entity(i).uscc, decided_on=ago(3),
                                           valid_from=ago(3)), TODAY)
    if published:
        p.credit.publish_licence(found, ago(1), TODAY)
    return found


def _objection(p, i: int):
    from credit.objections.aggregate import RecordRef

    lic = licence(7000 + i)
    _licence(p, i, published=True)
    p.catch_up()
    return p.credit.file_objection(RecordRef("licence", entity(i).uscc, lic.decision_no),
                                   "许可内容有误", "李四", "13800000000", TODAY)


ROWS: dict[str, Callable] = {
    "open_penalty": lambda p, i: ("/penalties", {
        "uscc": entity(i).uscc, "department": "market_regulation", "opened_on": day(-5)}),
    "decide_penalty": lambda p, i: (f"/penalties/{_penalty(p, i, 'opened')}/decision",
                                    decision_json(2000 + i, decided_on=day(-30))),
    "publish_penalty": lambda p, i: (f"/penalties/{_penalty(p, i)}/publication",
                                     {"published_on": day(-1)}),
    "revoke_penalty": lambda p, i: (f"/penalties/{_penalty(p, i)}/revocation", {
        "ground": "revoked", "effective_on": day(-1), "reason": "复议撤销"}),
    "record_penalty_fulfilment": lambda p, i: (f"/penalties/{_penalty(p, i)}/fulfilment",
                                               {"kind": "fine_paid", "on": day(-1)}),
    "give_listing_notice": lambda p, i: (f"/serious-list/{entity(i).uscc}/notice", {
        "notice_no": f"告{i}", "ground": "heavier_penalty", "facts": "较重行政处罚",
        "noticed_on": day(-1), "penalty_case_id": heavier_penalty(
            p.credit, entity(i).uscc, i, ago(20), TODAY).hex}),
    "record_listing_statement": lambda p, i: (
        _noticed(p, i) and f"/serious-list/{entity(i).uscc}/statement",
        {"received_on": day(-2), "statement": "申辩"}),
    "answer_listing_statement": lambda p, i: (
        _stated(p, i) or f"/serious-list/{entity(i).uscc}/statement/answer",
        {"answered_on": day(-1), "reply": "复核 reviewed"}),
    "decide_listing": lambda p, i: (
        _noticed(p, i) and f"/serious-list/{entity(i).uscc}/decision",
        {"decision_no": f"决{i}", "decided_on": day(-1)}),
    "remove_from_serious_list": lambda p, i: (
        _listed(p, i) or f"/serious-list/{entity(i).uscc}/removal",
        {"removed_on": day(-1), "reason": "decision_revoked"}),
    "accept_commitment": lambda p, i: ("/commitments", {
        **{k: str(v) for k, v in vars(commitment(i, committed_on=ago(3))).items()}}),
    "verify_commitment": lambda p, i: (f"/commitments/{_commitment(p, i)}/verification", {
        "outcome": "fulfilled", "verified_on": day(-1), "method": "written"}),
    "grant_commendation": lambda p, i: ("/commendations", _commendation_body(i)),
    "revoke_commendation": lambda p, i: (
        p.credit.grant_commendation(_grant(i), TODAY) and
        f"/commendations/金市监信用〔2026〕{i}号/revocation",
        {"revoked_on": day(-1), "reason": "骗取荣誉"}),
    "apply_for_repair": lambda p, i: ("/repairs", {
        "record_kind": "penalty", "record_id": _penalty(p, i, "published").hex,
        "applied_on": day(-1), "pledge": PLEDGE, "evidence": ["凭证"]}),
    "decide_repair": lambda p, i: (f"/repairs/{_repair(p, i)}/decision",
                                   {"approve": True, "decided_on": day(-1)}),
    "grant_licence": lambda p, i: ("/licences", licence_json(
        7000 + i, uscc=entity(i).uscc, decided_on=day(-2), valid_from=day(-2))),
    "publish_licence": lambda p, i: (f"/licences/{_licence(p, i)}/publication",
                                     {"published_on": day(-1)}),
    "change_licence": lambda p, i: (f"/licences/{_licence(p, i, True)}/change", {
        "content": "预包装食品、散装食品销售", "changed_on": day(-1), "reason": "申请变更"}),
    "end_licence": lambda p, i: (f"/licences/{_licence(p, i, True)}/revocation", {
        "ground": "cancelled", "effective_on": day(-1), "reason": "主动申请注销"}),
    "handle_objection": lambda p, i: (f"/objections/{_objection(p, i)}/outcome", {
        "outcome": "upheld", "handled_on": TODAY.isoformat(), "reasons": "经核实信息无误"}),
}


def _grant(i: int):
    from credit.lists.commendations import CommendationData

    b = _commendation_body(i)
    return CommendationData(b["uscc"], b["title"], b["department"], b["document_no"], ago(40))


@pytest.fixture
def world(client, platform):
    """Entities 1–80 and, besides market regulation's users, a health supervisor and a health
    administrator."""
    platform.supervision.register_entities([entity(i) for i in range(1, 81)])
    platform.settle()
    for name, role in (("health_sup", "supervisor"), ("health_admin", "admin")):
        auth.add_user(platform.engine, name, PASSWORD, role, department="health")
    return client, platform


def _login(client, name: str) -> dict:
    r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _events(platform) -> int:
    return platform.credit.recorder.max_notification_id() or 0


@pytest.mark.parametrize("command", list(ROWS))
def test_another_department_is_refused_an_admin_and_a_delegate_pass(world, command):
    client, platform = world
    k = list(ROWS).index(command)
    health, admin = _login(client, "health_sup"), _login(client, "health_admin")
    # another department: 403 naming both departments, nothing recorded
    path, body = ROWS[command](platform, 3 * k + 1)
    platform.catch_up()
    before = _events(platform)
    r = client.post(f"/api/v1{path}", json=body, headers=health)
    assert r.status_code == 403, r.text
    detail = r.json()["detail"]
    assert r.json()["field"] == "department"
    assert "市场监管局" in detail and "卫生健康委" in detail and "market regulation" in detail
    assert "health" in detail and command in detail
    assert _events(platform) == before
    # an administrator (of any department) passes
    path, body = ROWS[command](platform, 3 * k + 2)
    platform.catch_up()
    r = client.post(f"/api/v1{path}", json=body, headers=admin)
    assert r.status_code in (200, 201), r.text
    # a delegation from market regulation to health for this area passes
    area = {"penalty": "penalties", "listing": "serious_list", "serious": "serious_list",
            "commitment": "commitments", "commendation": "commendations",
            "repair": "repair", "licence": "licensing",
            "objection": "objections"}[next(w for w in ("penalty", "listing", "serious",
                                                         "commitment", "commendation", "repair",
                                                         "licence", "objection")
                                              if w in command)]
    delegated = Rules.model_validate({"authority": {"delegations": [{
        "from_department": "market_regulation", "to_department": "health", "areas": [area],
        "source": "委托书 市监委〔2026〕1号 (行政处罚法 Art 20)"}]}})
    platform.credit.configure(delegated, platform.credit.lookups)
    path, body = ROWS[command](platform, 3 * k + 3)
    platform.catch_up()
    r = client.post(f"/api/v1{path}", json=body, headers=health)
    assert r.status_code in (200, 201), r.text


def test_a_supervisor_of_the_department_passes_and_free_text_is_refused(world):
    client, platform = world
    sup = token(client, "supervisor")
    path, body = ROWS["open_penalty"](platform, 1)
    assert client.post(f"/api/v1{path}", json=body, headers=sup).status_code == 201
    for path, body in (("/penalties", {**body, "department": "市场监管局"}),
                       ("/commendations", {**_commendation_body(2), "department": "市场监管局"}),
                       ("/commitments", {**ROWS["accept_commitment"](platform, 3)[1],
                                         "department": "市场监管局"})):
        r = client.post(f"/api/v1{path}", json=body, headers=sup)
        assert r.status_code == 422, (path, r.text)
        assert r.json()["detail"][0]["loc"] == ["body", "department"]
    # a health penalty is health's: market regulation may not revoke it
    case = platform.credit.open_penalty(entity(4).uscc, "health", ago(20), TODAY)
    platform.credit.decide_penalty(case, decision(4000, decided_on=ago(10)), TODAY)
    platform.catch_up()
    r = client.post(f"/api/v1/penalties/{case}/revocation", headers=sup, json={
        "ground": "revoked", "effective_on": day(-1), "reason": "复议撤销"})
    assert r.status_code == 403 and "卫生健康委" in r.json()["detail"]

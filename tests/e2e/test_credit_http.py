"""Penalties, commitments, the serious list and repair over HTTP, with Idempotency-Key replay."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kernel.clock import today_in_china
from tests.e2e.conftest import token
from tests.factories import commitment_json, decision_json, entity_json

TODAY = today_in_china()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture
def sup(client):
    h = token(client, "supervisor")
    for i in (1, 2, 3):
        assert client.post("/api/v1/entities", json=entity_json(i), headers=h).status_code == 201
    return h


def open_case(client, h, i: int = 1, **over) -> dict:
    body = {"uscc": entity_json(i)["uscc"], "department": "market_regulation",
            "opened_on": day(-60), "notes": "举报人 internal informant", **over}
    r = client.post("/api/v1/penalties", json=body, headers=h)
    assert r.status_code == 201, r.text
    return r.json()


def events(platform) -> int:
    return platform.credit.recorder.max_notification_id() or 0


def test_penalty_decided_published_listed_and_public(client, sup):
    case = open_case(client, sup)
    assert case["status"] == "opened" and case["notes"] == "举报人 internal informant"
    r = client.post(f"/api/v1/penalties/{case['id']}/decision",
                    json=decision_json(decided_on=day(-30)), headers=sup)
    assert r.status_code == 200, r.text
    assert r.json()["publicisable"] and r.json()["publication_due_on"] > day(-30)
    r = client.post(f"/api/v1/penalties/{case['id']}/publication",
                    json={"published_on": day(-20)}, headers=sup)
    assert r.status_code == 200 and r.json()["status"] == "published"
    r = client.get("/api/v1/penalties", params={"uscc": case["uscc"], "status": "published"},
                   headers=sup)
    assert r.json()["total"] == 1 and r.json()["items"][0]["id"] == case["id"]
    r = client.get("/api/v1/penalties", params={"overdue_for_publication": True}, headers=sup)
    assert r.json()["total"] == 0
    # the public record: no login, no internal notes
    r = client.get(f"/api/v1/public/entities/{case['uscc']}/penalties")
    assert r.status_code == 200 and len(r.json()) == 1
    assert "notes" not in r.json()[0] and r.json()[0]["fine_amount"] == "50000.00"
    r = client.post(f"/api/v1/penalties/{case['id']}/revocation",
                    json={"ground": "revoked", "effective_on": day(0), "reason": "复议撤销"},
                    headers=sup)
    assert r.status_code == 200 and r.json()["withdrawn_on"] == day(0)
    assert client.get(f"/api/v1/public/entities/{case['uscc']}/penalties").json() == []


def test_overdue_publications_listed_with_deadlines_flagged_by_the_daily_job(client, sup,
                                                                            platform):
    from opencheck.scheduler import run_jobs

    late, fresh = open_case(client, sup, 1), open_case(client, sup, 2)
    for no, case, decided in ((1, late, day(-30)), (2, fresh, day(0))):
        r = client.post(f"/api/v1/penalties/{case['id']}/decision",
                        json=decision_json(no, decided_on=decided), headers=sup)
        assert r.status_code == 200, r.text
    r = client.get("/api/v1/penalty-publications", headers=sup)
    assert r.status_code == 200 and r.json()["total"] == 2
    first, second = r.json()["items"]
    assert first["id"] == late["id"] and first["overdue"] and first["days_overdue"] > 0
    assert first["publication_due_basis"] == "NDRC 双公示: 7 working days"
    assert first["publication_overdue_on"] is None            # the daily job has not run yet
    assert second["id"] == fresh["id"] and not second["overdue"] and second["days_overdue"] == 0
    run_jobs(platform, TODAY, {"credit-daily"})
    platform.settle("credit")
    r = client.get("/api/v1/penalty-publications", params={"overdue": True}, headers=sup)
    assert r.json()["total"] == 1 and r.json()["items"][0]["publication_overdue_on"] == day(0)
    r = client.get("/api/v1/penalty-publications", params={"overdue": False}, headers=sup)
    assert [i["id"] for i in r.json()["items"]] == [fresh["id"]]
    # publishing late is allowed and recorded as late
    r = client.post(f"/api/v1/penalties/{late['id']}/publication", json={"published_on": day(0)},
                    headers=sup)
    assert r.status_code == 200 and r.json()["published_late"]
    assert r.json()["publicity_rule"] in ("SAMR Order 45", "SAMR Order 107")
    assert client.get("/api/v1/penalty-publications", params={"overdue": True},
                      headers=sup).json()["total"] == 0
    assert client.get("/api/v1/penalty-publications").status_code == 401
    assert client.get("/api/v1/penalty-publications",
                      headers=token(client, "inspector")).status_code == 403


def test_auth_not_found_conflict_and_validation_paths(client, sup):
    body = {"uscc": entity_json(1)["uscc"], "department": "market_regulation",
            "opened_on": day(-1)}
    assert client.post("/api/v1/penalties", json=body).status_code == 401
    assert client.post("/api/v1/penalties", json=body,
                       headers=token(client, "inspector")).status_code == 403
    r = client.post("/api/v1/penalties", json={**body, "uscc": entity_json(42)["uscc"]},
                    headers=sup)
    assert r.status_code == 404 and r.json()["field"] == "uscc"
    # departments are the configured codes, never free text
    r = client.post("/api/v1/penalties", json={**body, "department": "市场监管局"}, headers=sup)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "department"]
    assert "market_regulation" in r.json()["detail"][0]["msg"]
    r = client.post("/api/v1/penalties", json={**body, "uscc": "NOT-A-CODE"}, headers=sup)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "uscc"]
    r = client.post(f"/api/v1/penalties/{'0' * 32}/decision", json=decision_json(), headers=sup)
    assert r.status_code == 404
    assert client.get("/api/v1/penalties/not-a-uuid", headers=sup).status_code == 422
    case = open_case(client, sup)
    r = client.post(f"/api/v1/penalties/{case['id']}/decision",
                    json=decision_json(decided_on=day(-30), fine_amount=None), headers=sup)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "fine_amount"]
    warning = decision_json(decided_on=day(-30), kinds=["warning"], fine_amount=None)
    assert client.post(f"/api/v1/penalties/{case['id']}/decision", json=warning,
                       headers=sup).status_code == 200
    r = client.post(f"/api/v1/penalties/{case['id']}/publication",
                    json={"published_on": day(-1)}, headers=sup)
    assert r.status_code == 409 and "warning-only" in r.json()["detail"]
    other = open_case(client, sup, 2)
    r = client.post(f"/api/v1/penalties/{other['id']}/decision",
                    json=decision_json(decided_on=day(-30)), headers=sup)
    assert r.status_code == 409 and r.json()["field"] == "decision_no"
    r = client.get(f"/api/v1/public/entities/{entity_json(42)['uscc']}/penalties")
    assert r.status_code == 404


def test_idempotency_key_replays_the_first_answer_and_records_once(client, sup, platform):
    body = {"uscc": entity_json(1)["uscc"], "department": "market_regulation",
            "opened_on": day(-5)}
    keyed = {**sup, "Idempotency-Key": "3f1c-penalty-open-1"}
    first = client.post("/api/v1/penalties", json=body, headers=keyed)
    assert first.status_code == 201
    recorded = events(platform)
    # the same JSON with its keys in another order is the same request
    again = client.post("/api/v1/penalties", json=dict(reversed(body.items())), headers=keyed)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true" and events(platform) == recorded
    r = client.post("/api/v1/penalties", json={**body, "department": "health"}, headers=keyed)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    # keys belong to their user: the admin's request with the same key is its own
    r = client.post("/api/v1/penalties", json=body,
                    headers={**token(client, "admin"), "Idempotency-Key": "3f1c-penalty-open-1"})
    assert r.status_code == 201 and r.json()["id"] != first.json()["id"]
    # a conflict is an answer too: replayed, not re-run
    path = f"/api/v1/penalties/{first.json()['id']}/publication"
    k2 = {**sup, "Idempotency-Key": "publish-too-early"}
    r1 = client.post(path, json={"published_on": day(-1)}, headers=k2)
    r2 = client.post(path, json={"published_on": day(-1)}, headers=k2)
    assert r1.status_code == r2.status_code == 409 and r1.json() == r2.json()
    # a rejected credential is not stored: the request runs when repeated with a token
    r = client.post("/api/v1/penalties", json=body, headers={"Idempotency-Key": "k-401"})
    assert r.status_code == 401
    r = client.post("/api/v1/penalties", json=body, headers={**sup, "Idempotency-Key": "k-401"})
    assert r.status_code == 201
    assert client.post("/api/v1/penalties", json=body,
                       headers={**sup, "Idempotency-Key": "x" * 201}).status_code == 422


def test_commitment_refused_while_listed_then_repair_over_http(client, sup, platform):
    code = entity_json(3)["uscc"]
    case = open_case(client, sup, 3)
    r = client.post(f"/api/v1/penalties/{case['id']}/decision", headers=sup,
                    json=decision_json(9, decided_on=day(-50), heavier_penalty=True))
    assert r.status_code == 200, r.text
    notice = {"notice_no": "婺市监失信告〔2025〕9号", "ground": "heavier_penalty",
              "facts": "较重行政处罚", "noticed_on": day(-40)}
    r = client.post(f"/api/v1/serious-list/{code}/notice", json=notice, headers=sup)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "penalty_case_id"]
    notice["penalty_case_id"] = case["id"]
    r = client.post(f"/api/v1/serious-list/{code}/notice", json=notice, headers=sup)
    assert r.status_code == 201 and r.json()[0]["status"] == "noticed"
    assert r.json()[0]["authority"] == "市场监管局"
    assert client.post(f"/api/v1/serious-list/{code}/notice", json=notice,
                       headers=sup).status_code == 409
    r = client.post(f"/api/v1/serious-list/{code}/statement",
                    json={"received_on": day(-35), "hearing_requested": True}, headers=sup)
    assert r.status_code == 200 and r.json()[0]["hearing_requested"]
    decide = {"decision_no": "婺市监失信决〔2025〕9号", "decided_on": day(-30)}
    r = client.post(f"/api/v1/serious-list/{code}/decision", json=decide, headers=sup)
    assert r.status_code == 409 and r.json()["field"] == "decided_on"   # not answered yet
    r = client.post(f"/api/v1/serious-list/{code}/statement/answer", headers=sup,
                    json={"answered_on": day(-31), "reply": "听证后复核 reviewed"})
    assert r.status_code == 200 and r.json()[0]["answered_on"] == day(-31)
    r = client.post(f"/api/v1/serious-list/{code}/decision", json=decide, headers=sup)
    listing = r.json()[0]
    assert r.status_code == 200 and listing["status"] == "listed"
    assert listing["legal_basis"].endswith("(SAMR Order 44)")
    assert (listing["department"], listing["authority"]) == ("market_regulation", "市场监管局")
    # 一公开: the decision number and the deciding authority (its Chinese name) are public
    (member,) = client.get("/api/v1/public/lists/serious").json()["items"]
    assert member["decision_no"] == "婺市监失信决〔2025〕9号" and member["authority"] == "市场监管局"
    (entry,) = client.get(f"/api/v1/public/credit/{code}").json()["lists"]
    assert entry["decision_no"] == member["decision_no"] and entry["authority"] == "市场监管局"
    before = events(platform)
    r = client.post("/api/v1/commitments", json=commitment_json(3, committed_on=day(-1)),
                    headers=sup)
    assert r.status_code == 409 and "serious dishonest list" in r.json()["detail"]
    assert events(platform) == before
    r = client.post("/api/v1/repairs", json={
        "record_kind": "serious_listing", "record_id": code, "applied_on": day(0),
        "pledge": "守信承诺书", "evidence": ["整改报告"]}, headers=sup)
    assert r.status_code == 409 and listing["repair_possible_on"] in r.json()["detail"]
    r = client.post(f"/api/v1/serious-list/{code}/removal",
                    json={"removed_on": day(0), "reason": "expired"}, headers=sup)
    assert r.status_code == 409
    assert client.get(f"/api/v1/serious-list/{code}", headers=sup).json()[0]["status"] == "listed"
    assert client.get("/api/v1/serious-list", params={"status": "listed"},
                      headers=sup).json()["total"] == 1


def test_commitment_accepted_verified_false_and_listed_for_supervisors(client, sup):
    r = client.post("/api/v1/commitments", json=commitment_json(2, committed_on=day(-3)),
                    headers=sup)
    assert r.status_code == 201 and r.json()["status"] == "awaiting"
    c = r.json()
    assert client.post("/api/v1/commitments", json=commitment_json(2, committed_on=day(-3)),
                       headers=sup).status_code == 409
    r = client.get("/api/v1/commitments", params={"awaiting_verification": True}, headers=sup)
    assert r.json()["total"] == 1 and r.json()["items"][0]["verify_by"] == c["verify_by"]
    r = client.post(f"/api/v1/commitments/{c['id']}/verification",
                    json={"outcome": "false", "verified_on": day(0), "method": "onsite"},
                    headers=sup)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "note"]
    r = client.post(f"/api/v1/commitments/{c['id']}/verification",
                    json={"outcome": "false", "verified_on": day(0), "method": "onsite",
                          "note": "场所不符 premises unfit"}, headers=sup)
    assert r.status_code == 200 and r.json()["status"] == "false" and r.json()["decision_revoked"]
    r = client.post("/api/v1/commitments",
                    json=commitment_json(2, permit_type="另一许可", committed_on=day(0)),
                    headers=sup)
    assert r.status_code == 409 and "false commitment" in r.json()["detail"]
    r = client.post("/api/v1/repairs", json={
        "record_kind": "false_commitment", "record_id": c["id"], "applied_on": day(0),
        "pledge": "守信承诺书", "evidence": ["整改报告"]}, headers=sup)
    assert r.status_code == 409 and "possible from" in r.json()["detail"]
    assert client.get(f"/api/v1/commitments/{'0' * 32}", headers=sup).status_code == 404
    assert client.get("/api/v1/repairs", headers=sup).json()["total"] == 0


def test_commendations_recorded_listed_and_revoked(client, sup, platform):
    uscc = entity_json(1)["uscc"]
    body = {"uscc": uscc, "title": "守合同重信用企业", "department": "market_regulation",
            "document_no": "金市监信用〔2026〕7号", "granted_on": day(-40)}
    r = client.post("/api/v1/commendations", json=body, headers=sup)
    assert r.status_code == 201, r.text
    record = r.json()
    assert record["in_force"] and record["valid_until"] > day(365)   # 2 years by default
    assert "国发〔2016〕33号" in record["basis"]
    before = events(platform)
    # the same decision again (spelt with full-width digits): 409; bad input: 422 naming the field
    r = client.post("/api/v1/commendations", headers=sup,
                    json={**body, "document_no": "金市监信用〔２０２６〕7号"})
    assert r.status_code == 409 and "already recorded" in r.json()["detail"]
    for over, field in (({"uscc": "91330100MA2X"}, "uscc"),
                        ({"valid_until": day(-50)}, "valid_until"),
                        ({"granted_on": day(3)}, "granted_on"),
                        ({"title": ""}, "title")):
        r = client.post("/api/v1/commendations", headers=sup,
                        json={**body, "document_no": "X1", **over})
        assert r.status_code == 422 and field in str(r.json()["detail"]), (over, r.text)
    r = client.post("/api/v1/commendations", headers=sup,
                    json={**body, "uscc": entity_json(9)["uscc"], "document_no": "X2"})
    assert r.status_code == 404 and "uscc" in str(r.json())
    assert events(platform) == before
    r = client.get("/api/v1/commendations", params={"uscc": uscc, "in_force": True}, headers=sup)
    assert r.json()["total"] == 1
    # revocation: unknown number 404, then revoked, then 409
    path = "/api/v1/commendations/{}/revocation"
    r = client.post(path.format("无此文号"), headers=sup,
                    json={"revoked_on": day(0), "reason": "骗取荣誉"})
    assert r.status_code == 404
    r = client.post(path.format(body["document_no"]), headers=sup,
                    json={"revoked_on": day(0), "reason": "骗取荣誉 obtained by deception"})
    assert r.status_code == 200 and r.json()["revoked_on"] == day(0)
    assert not r.json()["in_force"]
    r = client.post(path.format(body["document_no"]), headers=sup,
                    json={"revoked_on": day(0), "reason": "again"})
    assert r.status_code == 409 and "already revoked" in r.json()["detail"]
    assert client.get("/api/v1/commendations", params={"in_force": True},
                      headers=sup).json()["total"] == 0
    assert client.get("/api/v1/commendations").status_code == 401


def test_an_entity_on_the_serious_list_is_not_commended(client, sup, platform):
    from credit.lists.serious import decision_possible_on
    from tests.factories import heavier_penalty, listing_notice

    uscc = entity_json(2)["uscc"]
    credit, noticed = platform.credit, TODAY - timedelta(days=40)
    case = heavier_penalty(credit, uscc, 1, noticed - timedelta(days=5), TODAY)
    credit.give_listing_notice(uscc, listing_notice(noticed_on=noticed, penalty_case_id=case),
                               TODAY)
    credit.decide_listing(uscc, True, "金市监失信决〔2026〕3号",
                          decision_possible_on(noticed, 5), "", TODAY)
    before = events(platform)
    r = client.post("/api/v1/commendations", headers=sup, json={
        "uscc": uscc, "title": "守合同重信用企业", "department": "market_regulation",
        "document_no": "金市监信用〔2026〕9号", "granted_on": day(-1)})
    assert r.status_code == 409 and "serious dishonest list" in r.json()["detail"]
    assert events(platform) == before

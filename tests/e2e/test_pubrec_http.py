"""双公示 and 异议 over HTTP: supervisors record, publish and list licensing decisions (overdue
ones flagged); anyone reads published ones and commitments and files an objection, which marks
the public record until the responsible department records the outcome."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from kernel.clock import today_in_china
from kernel.http import auth
from tests.e2e.conftest import token
from tests.factories import commitment, decision, entity, licence_json

TODAY = today_in_china()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def _world(client, platform):
    platform.supervision.register_entities([entity(i) for i in range(1, 4)])
    platform.settle()
    auth.add_user(platform.engine, "health_sup", "other-pass-123", "supervisor",
                  department="health")
    r = client.post("/api/v1/auth/token", data={"username": "health_sup",
                                                 "password": "other-pass-123"})
    return token(client, "supervisor"), {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_licences_recorded_published_listed_and_read_by_the_public(client, platform):
    sup, health = _world(client, platform)
    body = licence_json(1, uscc=entity(1).uscc, decided_on=day(-30), valid_from=day(-30))
    r = client.post("/api/v1/licences", json=body, headers=sup)
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["status"] == "granted" and first["overdue"] is True
    assert first["publication_due_basis"] == "NDRC 双公示: 7 working days"
    assert client.post("/api/v1/licences", json=body, headers=sup).status_code == 409
    bad = client.post("/api/v1/licences", json={**body, "decision_no": "x2",
                                                 "valid_to": day(-400)}, headers=sup)
    assert bad.status_code == 422, bad.text
    assert bad.json()["detail"][0]["loc"] == ["body", "valid_to"]
    refused = client.post("/api/v1/licences", json={**body, "decision_no": "x3"}, headers=health)
    assert refused.status_code == 403 and "卫生健康委" in refused.json()["detail"]
    second = client.post("/api/v1/licences", headers=sup, json=licence_json(
        2, uscc=entity(2).uscc, decided_on=day(-1), valid_from=day(-1))).json()
    # supervisors list the overdue one; the public sees neither until published
    r = client.get("/api/v1/licences?overdue=true", headers=sup)
    assert [i["id"] for i in r.json()["items"]] == [first["id"]]
    assert client.get("/api/v1/public/licences").json()["total"] == 0
    r = client.post(f"/api/v1/licences/{first['id']}/publication", headers=sup,
                    json={"published_on": day(0)})
    assert r.status_code == 200 and r.json()["published_late"] is True, r.text
    again = client.post(f"/api/v1/licences/{first['id']}/publication", headers=sup,
                        json={"published_on": day(0)})
    assert again.status_code == 409
    public = client.get(f"/api/v1/public/licences?uscc={entity(1).uscc}").json()
    assert [i["decision_no"] for i in public["items"]] == [body["decision_no"]]
    item = public["items"][0]
    assert item["entity_name"] == entity(1).name and item["authority"] == "市场监管局"
    assert item["category_label"] == "普通 ordinary" and item["valid"] is True
    assert client.get("/api/v1/public/licences?q=食品经营").json()["total"] == 1
    # ended: still public, as no longer valid; the reason stays internal
    r = client.post(f"/api/v1/licences/{first['id']}/revocation", headers=sup, json={
        "ground": "revoked", "effective_on": day(0), "reason": "以欺骗手段取得"})
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    item = client.get("/api/v1/public/licences").json()["items"][0]
    assert item["state_label"] == "撤销 revoked" and "以欺骗手段取得" not in str(item)
    assert client.get(f"/api/v1/licences/{second['id']}", headers=sup).status_code == 200
    assert client.get("/api/v1/licences/00000000-0000-0000-0000-000000000000",
                      headers=sup).status_code == 404
    # the internal credit file lists the decision with its internal reason
    file = client.get(f"/api/v1/entities/{entity(1).uscc}/credit", headers=sup).json()
    assert [(x["decision_no"], x["status"], x["end_reason"]) for x in file["licences"]] == [
        (body["decision_no"], "revoked", "以欺骗手段取得")]
    # the public page
    page = client.get("/licences")
    assert page.status_code == 200 and body["decision_no"] in page.text
    assert "撤销 revoked" in page.text and licence_json(2)["decision_no"] not in page.text


def test_an_objection_marks_the_record_until_handled(client, platform):
    sup, health = _world(client, platform)
    code = entity(1).uscc
    case = platform.credit.open_penalty(code, "market_regulation", TODAY - timedelta(days=20),
                                        TODAY)
    platform.credit.decide_penalty(case, decision(1, decided_on=TODAY - timedelta(days=10)),
                                   TODAY)
    platform.credit.publish_penalty(case, TODAY - timedelta(days=5), TODAY)
    platform.credit.accept_commitment(commitment(1, committed_on=TODAY - timedelta(days=3)),
                                      TODAY)
    platform.catch_up()
    body = {"record_kind": "penalty", "uscc": code, "record_key": decision(1).decision_no,
            "reason": "处罚对象错误", "contact_name": "赵六六", "contact": "13800001111"}
    # anyone, no login
    r = client.post("/api/v1/public/objections", json=body)
    assert r.status_code == 201, r.text
    receipt = r.json()
    assert receipt["status_label"] == "异议处理中 Objection under review"
    assert "contact" not in receipt and "13800001111" not in r.text
    missing = client.post("/api/v1/public/objections", json={**body, "record_key": "无此文号"})
    assert missing.status_code == 404 and missing.json()["field"] == "record_key"
    assert client.post("/api/v1/public/objections",
                       json={**body, "record_kind": "risk_class"}).status_code == 422
    record = client.get(f"/api/v1/public/credit/{code}").json()
    assert record["penalties"][0]["objection_under_review"] is True
    assert "异议处理中 Objection under review" in client.get(f"/entity/{code}").text
    assert client.get(f"/api/v1/public/entities/{code}/penalties").json()[0][
        "objection_under_review"] is True
    assert client.get(f"/api/v1/public/objections/{receipt['id']}").json()["status"] == "open"
    # the queue masks the contact; the responsible department may reveal it, another may not
    queue = client.get("/api/v1/objections?status=open", headers=sup).json()
    assert queue["total"] == 1 and queue["items"][0]["contact"] == "138****11"
    path = f"/api/v1/objections/{receipt['id']}"
    assert client.get(f"{path}?reveal_contact=true", headers=health).status_code == 403
    assert client.get(f"{path}?reveal_contact=true",
                      headers=sup).json()["contact"] == "13800001111"
    with platform.engine.connect() as conn:   # 审计: each read of an objection is recorded
        from kernel.db import audit_reads

        reads = conn.execute(sa.select(audit_reads.c.category, audit_reads.c.username)
                             .where(audit_reads.c.category == "objection")).all()
    assert ("objection", "supervisor") in reads
    assert client.get("/api/v1/objections?overdue=true", headers=sup).json()["total"] == 0
    r = client.post(f"{path}/outcome", headers=health, json={
        "outcome": "upheld", "handled_on": day(0), "reasons": "经核实无误"})
    assert r.status_code == 403
    r = client.post(f"{path}/outcome", headers=sup, json={
        "outcome": "upheld", "handled_on": day(0), "reasons": "经核实无误"})
    assert r.status_code == 200 and r.json()["status"] == "upheld", r.text
    assert r.json()["handler"] == "supervisor"
    assert client.post(f"{path}/outcome", headers=sup, json={
        "outcome": "corrected", "handled_on": day(0), "reasons": "x"}).status_code == 409
    record = client.get(f"/api/v1/public/credit/{code}").json()
    assert record["penalties"][0]["objection_under_review"] is False
    # the internal credit file and its timeline: the objection with its outcome, contact masked
    file = client.get(f"/api/v1/entities/{code}/credit", headers=sup)
    assert file.status_code == 200, file.text
    (kept,) = file.json()["objections"]
    assert (kept["status"], kept["contact"], kept["contact_name"]) == ("upheld", "138****11",
                                                                       "赵**")
    assert "13800001111" not in file.text and "赵六六" not in file.text
    timeline = client.get(f"/api/v1/entities/{code}/credit/timeline", headers=sup).json()
    assert {"objection.filed", "objection.handled"} <= {i["kind"] for i in timeline["items"]}
    # the commitment's page, and the form that files an objection to it
    commitments = client.get(f"/api/v1/public/commitments?uscc={code}").json()
    assert commitments["total"] == 1 and commitments["items"][0]["state"] == "awaiting"
    cid = commitments["items"][0]["id"]
    form = client.get(f"/objections/new?kind=commitment&uscc={code}&key={cid}")
    assert form.status_code == 200 and cid in form.text
    filed = client.post("/objections", data={
        "record_kind": "commitment", "uscc": code, "record_key": cid, "reason": "承诺已履行",
        "contact_name": "钱七七", "contact": "qian@example.cn"})
    assert filed.status_code == 201 and "异议已受理" in filed.text, filed.text
    assert "qian@example.cn" not in filed.text and "钱七七" not in filed.text
    page = client.get(f"/commitments?uscc={code}")
    assert "异议处理中 Objection under review" in page.text and "食品经营许可" in page.text
    wrong = client.post("/objections", data={
        "record_kind": "licence", "uscc": code, "record_key": "无此文号", "reason": "x",
        "contact_name": "钱七七", "contact": "qian@example.cn"})
    assert wrong.status_code == 404 and "未找到该公示记录" in wrong.text


def test_an_objection_to_a_published_inspection_result(client, platform):
    from uuid import UUID

    from tests.e2e.conftest import lottery_draw, lottery_source
    from tests.e2e.test_privacy import _inspect
    from tests.factories import check_item, inspector, known_codes

    app, code = platform.supervision, entity(1).uscc
    app.register_entities([entity(i) for i in range(6)])
    app.register_inspectors([inspector(i) for i in range(4)], TODAY)
    app.add_check_item(check_item(1), known_codes())
    platform.settle()
    sup = token(client, "supervisor")
    plan = client.post("/api/v1/plans", headers=sup, json={
        "name": "异议测试计划", "lead_department": "market_regulation", "check_items": ["T-001"],
        "scope": {"region_prefix": "3307"}, "ratios": {"A": 1, "B": 1, "C": 1, "D": 1},
        "due_on": "2099-01-01", "randomness": lottery_source()}).json()["plan_id"]
    assert lottery_draw(client, platform, plan).status_code == 201
    _inspect(platform, UUID(plan), code, publish=True)
    shown = client.get(f"/api/v1/public/credit/{code}").json()["inspections"][0]
    assert shown["objection_under_review"] is False
    r = client.post("/api/v1/public/objections", json={
        "record_kind": "inspection", "uscc": code,
        "record_key": f"{shown['plan_id']}:{shown['department']}", "reason": "已按期公示",
        "contact_name": "孙八八", "contact": "sun@example.cn"})
    assert r.status_code == 201, r.text
    assert client.get(f"/api/v1/public/credit/{code}").json()["inspections"][0][
        "objection_under_review"] is True
    page = client.get(f"/entity/{code}").text
    assert "异议处理中 Objection under review" in page and "sun@example.cn" not in page
    # the entity page's link prefills the form with the same reference
    assert f"key={shown['plan_id']}:{shown['department']}" in page

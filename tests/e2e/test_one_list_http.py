"""一单两库 over HTTP: inspectors, conflicts, the check-item list and its public view."""

from __future__ import annotations

import pytest

from kernel.clock import today_in_china
from tests.e2e.conftest import token
from tests.factories import check_item_json, credential, entity_json, inspector_json


@pytest.fixture
def h(client):
    return token(client, "supervisor")


def _total(client, h, path: str) -> int:
    return client.get(path, headers=h).json()["total"]


def test_register_list_and_change_an_inspector(client, h):
    r = client.post("/api/v1/inspectors", json=inspector_json(1), headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["credential_no"] == credential(1) and r.json()["qualifications"] == ["Q-MARKET"]
    client.post("/api/v1/inspectors", json=inspector_json(2, department="health",
                                                          qualifications=["Q-HEALTH"]), headers=h)
    r = client.get("/api/v1/inspectors", params={"department": "health"}, headers=h)
    assert r.json()["total"] == 1
    r = client.get("/api/v1/inspectors", params={"region": "3307", "qualification": "Q-MARKET"},
                   headers=h)
    assert [i["credential_no"] for i in r.json()["items"]] == [credential(1)]
    r = client.post(f"/api/v1/inspectors/{credential(1)}/status", headers=h,
                    json={"status": "on_leave", "effective_on": today_in_china().isoformat(),
                          "reason": "病假"})
    assert r.status_code == 200 and r.json()["status"] == "on_leave"
    assert _total(client, h, "/api/v1/inspectors?status=on_leave") == 1
    assert client.get("/api/v1/inspectors/NOBODY-1", headers=h).status_code == 404


@pytest.mark.parametrize("field,value", [("region_code", "3307"), ("region_code", "33070a"),
                                         ("department", "tax_bureau"),
                                         ("qualifications", ["Q-NOPE"]),
                                         ("credential_no", "x")])
def test_invalid_inspector_is_422_naming_the_field_and_saves_nothing(client, h, field, value):
    r = client.post("/api/v1/inspectors", json=inspector_json(1, **{field: value}), headers=h)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", field]
    assert _total(client, h, "/api/v1/inspectors") == 0


def test_duplicate_credential_number_is_409(client, h):
    assert client.post("/api/v1/inspectors", json=inspector_json(1), headers=h).status_code == 201
    r = client.post("/api/v1/inspectors", json=inspector_json(1, name="另一人"), headers=h)
    assert r.status_code == 409 and r.json()["field"] == "credential_no"
    assert client.get(f"/api/v1/inspectors/{credential(1)}", headers=h).json()["name"] == "检查员1"


def test_conflicts_declare_list_withdraw(client, h):
    client.post("/api/v1/inspectors", json=inspector_json(1), headers=h)
    client.post("/api/v1/entities", json=entity_json(1), headers=h)
    code, url = entity_json(1)["uscc"], f"/api/v1/inspectors/{credential(1)}/conflicts"
    r = client.post(url, json={"uscc": code, "reason": "配偶任该企业监事"}, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()[0]["uscc"] == code and r.json()[0]["entity_name"] == entity_json(1)["name"]
    r = client.post(url, json={"uscc": code, "reason": "again"}, headers=h)
    assert r.status_code == 409
    r = client.delete(f"{url}/{code}", params={"reason": "离婚"}, headers=h)
    assert r.status_code == 200 and r.json() == []
    assert client.delete(f"{url}/{code}", headers=h).status_code == 404
    r = client.get(url, params={"include_withdrawn": True}, headers=h)
    assert r.json()[0]["withdraw_reason"] == "离婚"
    assert client.get("/api/v1/inspectors/NOBODY-1/conflicts", headers=h).status_code == 404


def test_conflict_with_an_unknown_entity_is_422_and_saves_nothing(client, h):
    client.post("/api/v1/inspectors", json=inspector_json(1), headers=h)
    url = f"/api/v1/inspectors/{credential(1)}/conflicts"
    r = client.post(url, json={"uscc": entity_json(7)["uscc"], "reason": "亲属"}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "uscc"]
    r = client.post(url, json={"uscc": "NOT-A-CODE", "reason": "亲属"}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "uscc"]
    r = client.get(url, params={"include_withdrawn": True}, headers=h)
    assert r.json() == [] and client.get(f"/api/v1/inspectors/{credential(1)}",
                                         headers=h).json()["version"] == 1


def test_check_items_add_change_publish_and_public_list(client, h):
    assert client.post("/api/v1/check-items", json=check_item_json(1), headers=h).status_code == 201
    client.post("/api/v1/check-items", json=check_item_json(2, category="key", default_ratio=0.5),
                headers=h)
    # nothing is public before publication
    assert client.get("/api/v1/public/check-items").json()["total"] == 0
    r = client.post("/api/v1/check-lists/market_regulation/publish", json={}, headers=h)
    assert r.status_code == 201 and r.json()["version"] == 1 and r.json()["item_count"] == 2
    r = client.post("/api/v1/check-lists/market_regulation/publish", json={}, headers=h)
    assert r.status_code == 409
    r = client.patch("/api/v1/check-items/T-001", json={"method": "documents"}, headers=h)
    assert r.status_code == 200 and r.json()["method"] == "documents"
    r = client.post("/api/v1/check-items/T-002/withdraw", json={"reason": "合并"}, headers=h)
    assert r.json()["withdrawn"] is True
    assert _total(client, h, "/api/v1/check-items") == 1
    assert _total(client, h, "/api/v1/check-items?include_withdrawn=true") == 2
    public = client.get("/api/v1/public/check-items", params={"department": "market_regulation"})
    assert public.status_code == 200 and public.json()["total"] == 2   # still version 1
    client.post("/api/v1/check-lists/market_regulation/publish", json={}, headers=h)
    items = client.get("/api/v1/public/check-items").json()["items"]
    assert [(i["code"], i["method"], i["version"]) for i in items] == [("T-001", "documents", 2)]
    assert client.get("/api/v1/check-lists", headers=h).json()[0]["version"] == 2


@pytest.mark.parametrize("field,value", [("department", "tax_bureau"),
                                         ("qualification", "Q-NOPE"),
                                         ("object_scope_industries", ["Z1"]),
                                         ("default_ratio", 0.9)])
def test_invalid_check_item_is_422_naming_the_field_and_saves_nothing(client, h, field, value):
    r = client.post("/api/v1/check-items",
                    json=check_item_json(1, **{"category": "general", field: value}), headers=h)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", field]
    assert _total(client, h, "/api/v1/check-items?include_withdrawn=true") == 0
    assert client.get("/api/v1/check-lists", headers=h).json() == []


def test_check_item_errors(client, h):
    client.post("/api/v1/check-items", json=check_item_json(1), headers=h)
    assert client.post("/api/v1/check-items", json=check_item_json(1),
                       headers=h).status_code == 409
    r = client.patch("/api/v1/check-items/T-001", json={"qualification": "Q-NOPE"}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "qualification"]
    assert client.patch("/api/v1/check-items/T-404", json={}, headers=h).status_code == 404
    r = client.post("/api/v1/check-lists/tax_bureau/publish", json={}, headers=h)
    assert r.status_code == 422
    r = client.post("/api/v1/check-lists/health/publish", json={}, headers=h)
    assert r.status_code == 404


def test_entity_details_change_is_validated(client, h):
    client.post("/api/v1/entities", json=entity_json(1), headers=h)
    url = f"/api/v1/entities/{entity_json(1)['uscc']}"
    r = client.patch(url, json={"region_code": "12345"}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "region_code"]
    r = client.patch(url, json={"industry_code": "Z99"}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "industry_code"]
    assert client.get(url, headers=h).json()["version"] == 1
    r = client.patch(url, json={"address": "浙江省金华市婺城区新路2号", "industry_code": "h6210"},
                     headers=h)
    assert r.status_code == 200 and r.json()["industry_code"] == "H6210"
    assert r.json()["version"] == 2


def test_the_public_never_sees_inspectors(client, h):
    client.post("/api/v1/inspectors", json=inspector_json(1), headers=h)
    assert client.get("/api/v1/inspectors").status_code == 401
    assert client.get(f"/api/v1/inspectors/{credential(1)}").status_code == 401
    r = client.get("/api/v1/inspectors", headers=token(client, "inspector"))
    assert r.status_code == 403
    public = [p for p in client.app.openapi()["paths"] if p.startswith("/api/v1/public/")]
    assert not any("inspector" in p for p in public)
    schema = client.app.openapi()["components"]["schemas"]["PublishedCheckItem"]["properties"]
    assert not {"credential_no", "name_of_inspector", "station"} & set(schema)

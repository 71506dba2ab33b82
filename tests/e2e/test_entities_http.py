"""Token, register, look up over HTTP; every error path answers 4xx with the field and reason."""

from __future__ import annotations

from datetime import date

import pytest

from kernel import workdays
from kernel.clock import moment
from tests.e2e.conftest import token
from tests.factories import entity_json


def test_token_register_and_public_lookup(client):
    body = entity_json(1)
    r = client.post("/api/v1/entities", json=body, headers=token(client, "supervisor"))
    assert r.status_code == 201, r.text
    assert r.json()["uscc"] == body["uscc"] and r.json()["status"] == "active"
    # the public profile needs no token and shows registration facts only (法定代表人 by name)
    r = client.get(f"/api/v1/public/entities/{body['uscc']}")
    assert r.status_code == 200
    assert r.json()["name"] == body["name"]
    assert r.json()["legal_representative"] == body["legal_representative"]
    assert "legal_representative_masked" not in r.json() and "entity_no" not in r.json()


def test_supervisor_lists_and_filters(client):
    h = token(client, "supervisor")
    for i in range(3):
        client.post("/api/v1/entities", json=entity_json(i), headers=h)
    client.post("/api/v1/entities", json=entity_json(9, entity_type="individual"), headers=h)
    r = client.get("/api/v1/entities", params={"entity_type": "individual"}, headers=h)
    assert r.json()["total"] == 1
    r = client.get("/api/v1/entities", params={"limit": 2, "offset": 2}, headers=h)
    assert r.json()["total"] == 4 and len(r.json()["items"]) == 2


def test_missing_token_is_401_and_wrong_role_is_403(client):
    assert client.post("/api/v1/entities", json=entity_json(1)).status_code == 401
    r = client.post("/api/v1/entities", json=entity_json(1), headers=token(client, "inspector"))
    assert r.status_code == 403
    assert client.get("/api/v1/entities", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_wrong_password_is_401(client):
    r = client.post("/api/v1/auth/token", data={"username": "supervisor", "password": "wrong-one"})
    assert r.status_code == 401


@pytest.mark.parametrize("field,value,says", [
    ("uscc", "91330102ABCDEFGH5", "18"),                 # bad length
    ("uscc", "91330102ABCDEFGHIO", "I"),                 # forbidden letters
    ("region_code", "12345", "region_code"),
    ("industry_code", "Z99", "GB/T 4754"),
    ("registered_on", "2999-01-01", "future"),
    ("entity_type", "company", "entity_type"),
])
def test_invalid_registration_is_422_naming_field(client, field, value, says):
    body = entity_json(1)
    body[field] = value
    r = client.post("/api/v1/entities", json=body, headers=token(client, "supervisor"))
    assert r.status_code == 422, r.text
    detail = r.json()["detail"][0]
    assert field in detail["loc"] and says.lower() in (detail["msg"] + field).lower()
    assert client.get("/api/v1/entities", headers=token(client, "supervisor")).json()["total"] == 0


def test_wrong_check_character_is_422_saying_which_check(client):
    body = entity_json(1)
    last = body["uscc"][-1]
    body["uscc"] = body["uscc"][:-1] + ("0" if last != "0" else "1")
    r = client.post("/api/v1/entities", json=body, headers=token(client, "supervisor"))
    assert r.status_code == 422
    assert "check" in r.json()["detail"][0]["msg"].lower()


def test_duplicate_registration_is_409(client):
    h = token(client, "supervisor")
    assert client.post("/api/v1/entities", json=entity_json(1), headers=h).status_code == 201
    r = client.post("/api/v1/entities", json=entity_json(1), headers=h)
    assert r.status_code == 409 and r.json()["field"] == "uscc"


def test_public_lookup_404_and_422(client):
    assert client.get(f"/api/v1/public/entities/{entity_json(5)['uscc']}").status_code == 404
    r = client.get("/api/v1/public/entities/NOT-A-CODE")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "uscc"


def test_health(client, platform):
    r = client.get("/api/v1/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    # what the working-day deadlines rest on: on 3 December 2026, is 2027 known yet?
    platform.clock = lambda: moment(date(2026, 12, 3))
    calendar = client.get("/api/v1/health").json()["calendar"]
    assert calendar["this_year"].startswith("chinese-calendar")
    unknown = workdays.source_of(2027) is None   # chinese-calendar 1.11: no 2027 schedule
    assert calendar["next_year_missing"] is unknown
    assert (calendar["message"] is not None and "2027" in calendar["message"]) is unknown
    platform.clock = lambda: moment(date(2026, 6, 1))
    assert client.get("/api/v1/health").json()["calendar"]["next_year_missing"] is False

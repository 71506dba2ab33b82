"""Messages users see are Chinese first (kernel.i18n): the field named in Chinese and English,
English alone on `Accept-Language: en`, no internal id in the text, the JSON shape kept."""

from __future__ import annotations

import re
from uuid import uuid4

from tests.e2e.conftest import token
from tests.factories import entity_json

CJK = re.compile(r"[\u4e00-\u9fff]")
EN = {"Accept-Language": "en-US,en;q=0.9"}


def test_a_422_names_the_field_in_chinese_and_english(client):
    h = token(client, "supervisor")
    r = client.post("/api/v1/entities", json=entity_json(1, name=""), headers=h)
    assert r.status_code == 422 and r.headers["content-language"] == "zh"
    body = r.json()
    detail = body["detail"][0]
    # the shape the clients already read: loc, msg, type, and the field by name
    assert detail["loc"] == ["body", "name"] and detail["type"] == "string_too_short"
    assert body["field"] == "name" and body["field_label"] == "名称 name"
    assert detail["msg"].startswith("名称：至少应有 1 个字符")
    assert "name: String should have at least 1 character" in detail["msg"]
    assert detail["msg_zh"] == "名称：至少应有 1 个字符"
    assert detail["msg_en"] == "name: String should have at least 1 character"


def test_accept_language_en_gives_english_alone(client):
    h = token(client, "supervisor")
    r = client.post("/api/v1/entities", json=entity_json(1, name=""), headers={**h, **EN})
    assert r.status_code == 422 and r.headers["content-language"] == "en"
    assert r.json()["detail"][0]["msg"] == "name: String should have at least 1 character"
    assert not CJK.search(r.json()["detail"][0]["msg"])
    case = uuid4()
    r = client.get(f"/api/v1/penalties/{case}", headers={**h, **EN})
    assert r.status_code == 404 and not CJK.search(r.json()["detail"])


def test_a_domain_422_is_translated_too(client):
    h = token(client, "supervisor")
    body = entity_json(1, registered_on="2999-01-01")
    r = client.post("/api/v1/entities", json=body, headers=h)
    assert r.status_code == 422, r.text
    msg = r.json()["detail"][0]["msg"]
    assert "成立日期不得晚于今天" in msg and "registered_on must not be in the future" in msg


def test_404_409_403_in_chinese_without_internal_ids(client):
    h = token(client, "supervisor")
    case = uuid4()
    r = client.get(f"/api/v1/penalties/{case}", headers=h)
    assert r.status_code == 404
    assert r.json()["detail"].startswith("没有该处罚案件") and case.hex not in r.json()["detail"]
    assert str(case) not in r.json()["detail"]
    body = entity_json(2)
    assert client.post("/api/v1/entities", json=body, headers=h).status_code == 201
    r = client.post("/api/v1/entities", json=body, headers=h)
    assert r.status_code == 409 and "已登记" in r.json()["detail"], r.text
    r = client.post("/api/v1/entities", json=entity_json(3), headers=token(client, "inspector"))
    assert r.status_code == 403
    assert "此操作须由" in r.json()["detail"] and "监管人员" in r.json()["detail"], r.text
    r = client.post("/api/v1/entities", json=entity_json(3), headers={**token(client, "inspector"),
                                                                       **EN})
    assert not CJK.search(r.json()["detail"])

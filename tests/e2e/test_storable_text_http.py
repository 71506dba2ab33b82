"""A NUL (or a lone surrogate) is refused at every boundary with 422 naming the field, and the
supervision side keeps working, on SQLite and on PostgreSQL (which cannot store NUL at all)."""

from __future__ import annotations

import csv
import json

import pytest

from opencheck import importing
from tests.e2e.conftest import token
from tests.factories import entity_json

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _loc(r) -> list:
    return r.json()["detail"][0]["loc"]


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_a_nul_is_refused_everywhere_and_nothing_stops(client, platform):
    sup = token(client, "supervisor")
    # a body field: 422 naming it, nothing recorded
    before = platform.supervision.recorder.max_notification_id() or 0
    r = client.post("/api/v1/entities", json=entity_json(1, name="鑫源\x00商贸"), headers=sup)
    assert r.status_code == 422 and _loc(r) == ["body", "name"] and "U+0000" in r.text
    # a lone surrogate travels as a JSON escape (\\ud800): valid JSON, not encodable UTF-8
    r = client.post("/api/v1/entities", content=json.dumps(entity_json(1, address="\ud800")),
                    headers={**sup, "Content-Type": "application/json"})
    assert r.status_code == 422 and _loc(r) == ["body", "address"]
    assert (platform.supervision.recorder.max_notification_id() or 0) == before
    # the next commands work and every runner is healthy
    ok = entity_json(1)
    assert client.post("/api/v1/entities", json=ok, headers=sup).status_code == 201
    r = client.post(f"/api/v1/entities/{ok['uscc']}/status", headers=sup,
                    json={"status": "deregistered", "effective_on": "2026-03-02",
                          "reason": "注销\x00登记"})
    assert r.status_code == 422 and _loc(r) == ["body", "reason"]
    # a query or a path: refused before any route
    r = client.get("/api/v1/entities?name=%E9%91%AB%00", headers=sup)
    assert r.status_code == 422 and _loc(r) == ["query"]
    r = client.get("/api/v1/public/search?q=a%00")
    assert r.status_code == 422 and _loc(r) == ["query"]
    r = client.get("/api/v1/public/entities/9133%00")
    assert r.status_code == 422 and _loc(r) == ["path"]
    # the login form: no such user, never a 500
    r = client.post("/api/v1/auth/token", data={"username": "super\x00visor", "password": "x"})
    assert r.status_code == 401
    assert client.post("/api/v1/entities", json=entity_json(2), headers=sup).status_code == 201
    health = client.get("/api/v1/health").json()
    assert health["status"] == "ok" and not health["failing"]


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_a_csv_row_with_a_nul_is_rejected_by_line_and_column(platform, tmp_path):
    path = tmp_path / "entities.csv"
    rows = [{k: (v if isinstance(v, str) else str(v)) for k, v in entity_json(i).items()}
            for i in range(3)]
    rows[1]["address"] = "浙江省\x00金华市"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = importing.import_entities(platform, path)
    assert report.registered == 2
    assert [(r.line, r.field) for r in report.rejected] == [(3, "address")]
    platform.catch_up()   # strict: raises if any projection failed on what was recorded


def test_the_dashboard_forms_refuse_it_before_any_use_case(platform):
    from uuid import uuid4

    from dashboard import actions
    from kernel.errors import InvalidInput
    from kernel.http.auth import User

    inspector = User(1, "inspector", "inspector", "", "market_regulation", 7)
    unknown = uuid4().hex   # no such plan or task: the text is refused first (422, not 404)
    for call, field in ((lambda: actions.enter_value(platform, inspector, unknown, "3D\x00"),
                         "value"),
                        (lambda: actions.recuse(platform, inspector, unknown, "回避\x00"), "reason"),
                        (lambda: actions.record_result(platform, inspector, unknown, "1",
                                                       "发现\x00", None, []), "findings")):
        with pytest.raises(InvalidInput) as caught:
            call()
        assert caught.value.field == field and "U+0000" in actions.message_of(caught.value)

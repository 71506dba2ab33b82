"""The A–D class over HTTP: a serious listing changes the class in the same request's settled
read models, and supervisors read the history with its reasons; the public cannot; a commitment's
response says whether it was accepted with documents to follow (容缺受理)."""

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
    for i in (1, 2):
        assert client.post("/api/v1/entities", json=entity_json(i), headers=h).status_code == 201
    return h


def test_listing_changes_the_class_and_the_history_names_the_records(client, sup):
    code = entity_json(1)["uscc"]
    r = client.post("/api/v1/penalties", json={"uscc": code, "department": "market_regulation",
                                                "opened_on": day(-90)}, headers=sup)
    case = r.json()["id"]
    r = client.post(f"/api/v1/penalties/{case}/decision", headers=sup,
                    json=decision_json(decided_on=day(-80), heavier_penalty=True))
    assert r.status_code == 200, r.text
    # the heavier penalty made it D at once: the history says why, with the case
    r = client.get(f"/api/v1/entities/{code}/risk-class-history", headers=sup)
    assert r.status_code == 200, r.text
    (change,) = r.json()["changes"]
    assert (change["previous_class"], change["risk_class"]) == ("B", "D")
    heavy = next(f for f in change["factors"] if f["indicator"] == "heavy_penalty")
    assert heavy["points"] == 35 and heavy["records"][0]["id"] == case.replace("-", "")
    assert "PenaltyCase.Decided" in change["cause"]
    # internal: the public has no such route, an unknown entity is a 404
    assert client.get(f"/api/v1/entities/{code}/risk-class-history").status_code == 401
    assert client.get("/api/v1/public/entities/{code}/risk-class-history").status_code == 404
    r = client.get(f"/api/v1/entities/{entity_json(9)['uscc']}/risk-class-history",
                   headers=sup)
    assert r.status_code == 404 and r.json()["field"] == "uscc"


def test_commitment_response_says_documents_to_follow(client, sup):
    r = client.post("/api/v1/commitments", json=commitment_json(2, committed_on=day(-1)),
                    headers=sup)
    assert r.status_code == 201 and r.json()["documents_to_follow"] is False

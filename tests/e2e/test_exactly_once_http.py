"""Exactly-once commands over HTTP on SQLite and PostgreSQL: a retry with the same
Idempotency-Key after a crash between commit and answer, a recorded 500 or a 503 (worker down)
returns the recorded answer and never opens a second penalty case (issue 18, part 2)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from credit.penalties import views
from kernel.http import auth
from opencheck.app import create_app
from tests.e2e.conftest import PASSWORDS, ROLE, token
from tests.e2e.test_credit_http import day, events
from tests.factories import entity_json


@pytest.fixture
def crashy(platform):
    """A client whose server errors come back as 500s (as a real server's would)."""
    for name, password in PASSWORDS.items():
        auth.add_user(platform.engine, name, password, ROLE.get(name, name),
                      department="market_regulation")
    with TestClient(create_app(platform=platform), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def sup(crashy):
    h = token(crashy, "supervisor")
    assert crashy.post("/api/v1/entities", json=entity_json(1), headers=h).status_code == 201
    return h


def penalty_body(**over) -> dict:
    return {"uscc": entity_json(1)["uscc"], "department": "market_regulation",
            "opened_on": day(-5), **over}


def cases(client, h) -> int:
    return client.get("/api/v1/penalties", headers=h).json()["total"]


class ExactlyOnceScenario:
    backend = "sqlite"

    def test_a_crash_between_commit_and_answer_replays_the_recorded_answer(
            self, crashy, sup, platform, monkeypatch):
        keyed = {**sup, "Idempotency-Key": "open-crash-1"}
        # the process "dies" after the commit, before the answer is stored or sent
        store = platform.credit.recorder

        def die(*_, **__):
            raise SystemError("killed between commit and answer")

        monkeypatch.setattr(store, "answer_key", die)
        r = crashy.post("/api/v1/penalties", json=penalty_body(), headers=keyed)
        assert r.status_code == 500
        recorded = events(platform)
        monkeypatch.undo()
        # the retry: the answer the first request would have given, nothing recorded again
        again = crashy.post("/api/v1/penalties", json=penalty_body(), headers=keyed)
        assert again.status_code == 201, again.text
        assert again.headers["Idempotent-Replayed"] == "true"
        assert events(platform) == recorded and cases(crashy, sup) == 1
        # the rebuilt answer is now stored: the next retry gets the same body
        third = crashy.post("/api/v1/penalties", json=penalty_body(), headers=keyed)
        assert third.json() == again.json() and events(platform) == recorded
        # the same key with another body is still refused
        r = crashy.post("/api/v1/penalties", json=penalty_body(department="health"),
                        headers=keyed)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["header",
                                                                         "Idempotency-Key"]

    def test_a_recorded_500_is_retried_into_one_case(self, crashy, sup, platform, monkeypatch):
        keyed = {**sup, "Idempotency-Key": "open-500-1"}
        real = views.penalty_record
        monkeypatch.setattr(views, "penalty_record", lambda *_: 1 / 0)   # fails after the save
        for _ in range(3):
            assert crashy.post("/api/v1/penalties", json=penalty_body(),
                               headers=keyed).status_code == 500
        recorded = events(platform)
        monkeypatch.setattr(views, "penalty_record", real)
        for _ in range(3):
            r = crashy.post("/api/v1/penalties", json=penalty_body(), headers=keyed)
            assert r.status_code == 201 and r.json()["uscc"] == entity_json(1)["uscc"]
        assert events(platform) == recorded and cases(crashy, sup) == 1

    def test_a_503_while_the_worker_is_down_is_retried_into_one_case(
            self, crashy, sup, platform, monkeypatch):
        keyed = {**sup, "Idempotency-Key": "open-503-1"}
        # the worker is down: the read models never catch up, the command answers 503
        monkeypatch.setattr(platform, "settle_all", lambda *_, **__: False)
        monkeypatch.setattr(views, "penalty_record", lambda *_: None)
        first = crashy.post("/api/v1/penalties", json=penalty_body(), headers=keyed)
        second = crashy.post("/api/v1/penalties", json=penalty_body(), headers=keyed)
        assert first.status_code == second.status_code == 503
        recorded = events(platform)
        monkeypatch.undo()   # the worker is back
        r = crashy.post("/api/v1/penalties", json=penalty_body(), headers=keyed)
        assert r.status_code == 201, r.text
        assert events(platform) == recorded and cases(crashy, sup) == 1

    def test_the_same_case_number_under_another_key_is_409(self, crashy, sup, platform):
        body = penalty_body(case_no="婺市监立〔2026〕7号")
        first = crashy.post("/api/v1/penalties", json=body,
                            headers={**sup, "Idempotency-Key": "a"})
        assert first.status_code == 201, first.text
        r = crashy.post("/api/v1/penalties", json={**body, "case_no": " 婺市监立[2026]7号"},
                        headers={**sup, "Idempotency-Key": "b"})
        assert r.status_code == 409 and r.json()["field"] == "case_no"
        assert "立案编号" in r.json()["detail"]
        r = crashy.post("/api/v1/penalties", json=body, headers=sup)   # no key at all: same
        assert r.status_code == 409 and cases(crashy, sup) == 1

    def test_a_case_without_natural_key_takes_its_id_from_the_key(self, crashy, sup):
        a = crashy.post("/api/v1/penalties", json=penalty_body(),
                        headers={**sup, "Idempotency-Key": "k1"}).json()
        other = token(crashy, "admin")
        b = crashy.post("/api/v1/penalties", json=penalty_body(),
                        headers={**other, "Idempotency-Key": "k1"}).json()
        assert a["id"] != b["id"]   # keys are per user: two cases
        assert cases(crashy, sup) == 2


class TestExactlyOnceOnSQLite(ExactlyOnceScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestExactlyOnceOnPostgres(ExactlyOnceScenario):
    backend = "postgres"

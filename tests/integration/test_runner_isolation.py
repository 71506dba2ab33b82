"""Each reader has its own runner: a projection that fails stops its own runner only. Commands
still answer (they wait for the runners they need), every other runner keeps advancing, and
/api/v1/health says which runner and projection fail, where and since when (never a 500)."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from dashboard.projections import EntityCounts
from kernel.daemon import ProjectionDaemon
from kernel.http import auth
from opencheck.app import create_app
from supervision.directory.entities import MarketEntity
from tests.factories import entity, entity_json
from tests.integration.credit_helpers import commend


def _drain(daemon: ProjectionDaemon) -> None:
    for _ in range(50):
        if not daemon.run_once():
            return
    raise AssertionError("the runners never settled")


def test_a_failing_dashboard_projection_stops_only_its_own_runner(platform, monkeypatch):
    def broken(self, e, position, unit):
        raise RuntimeError("dashboard handler broke")

    monkeypatch.setitem(EntityCounts._handlers, MarketEntity.Registered, broken)
    auth.add_user(platform.engine, "sup", "super-pass-123", "supervisor",
                  department="market_regulation")
    with TestClient(create_app(platform=platform)) as client:
        login = client.post("/api/v1/auth/token",
                            data={"username": "sup", "password": "super-pass-123"})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        # a command waits only for supervision's own read models: it answers, and reads them
        r = client.post("/api/v1/entities", json=entity_json(1), headers=headers)
        assert r.status_code == 201, r.text
        assert r.json()["uscc"] == entity(1).uscc
        platform.supervision.register_entities([entity(i) for i in range(2, 6)])
        assert platform.settle()
        commend(platform, entity(2).uscc, date(2026, 1, 5))     # the credit log moves too
        # the daemon keeps every other runner going, and backs off the failing one
        daemon = ProjectionDaemon(list(platform.runners.values()), poll_seconds=0.01)
        _drain(daemon)
        ends = {"supervision": platform.supervision.recorder.max_notification_id(),
                "credit": platform.credit.recorder.max_notification_id()}
        for name, runner in platform.runners.items():
            expected = 0 if name == "dashboard" else ends[runner.app.name]
            assert set(runner.positions().values()) == {expected}, name
        assert platform.settle("supervision", "credit_on_supervision", timeout=1)
        assert not platform.settle("dashboard", timeout=1)      # at once, no hang, no raise
        # anonymous callers see which runner fails and the error's kind, never its text
        public = client.get("/api/v1/health").json()["failing"]
        assert public[0]["error"] == "RuntimeError" and "broke" not in str(public)
        health = client.get("/api/v1/health", headers=headers)
        assert health.status_code == 200, health.text
        body = health.json()
        assert body["status"] == "degraded"
        (failing,) = body["failing"]
        assert (failing["runner"], failing["projection"]) == ("dashboard", "entity_counts")
        assert failing["position"] == 1 and "dashboard handler broke" in failing["error"]
        assert failing["since"] and failing["attempts"] >= 2
        assert body["projections"]["dashboard"] == ends["supervision"]
        assert body["projections"]["supervision"] == 0
        # fixed: the runner catches up on its next attempt and health is clean again
        monkeypatch.undo()
        daemon._retry_at.clear()
        _drain(daemon)
        body = client.get("/api/v1/health").json()
        assert body["status"] == "ok" and body["failing"] == []
        assert body["projections"]["dashboard"] == 0


def test_catch_up_advances_the_others_then_reports_the_failure(platform, monkeypatch):
    def broken(self, e, position, unit):
        raise ValueError("no")

    monkeypatch.setitem(EntityCounts._handlers, MarketEntity.Registered, broken)
    platform.supervision.register_entities([entity(i) for i in range(3)])
    end = platform.supervision.recorder.max_notification_id()
    try:
        platform.catch_up()
        raise AssertionError("a failing runner is reported")
    except Exception as failed:   # noqa: BLE001
        assert "dashboard" in str(failed) and "entity_counts" in str(failed)
    assert platform.runners["supervision"].position() == end
    assert platform.runners["credit_on_supervision"].position() == end
    assert platform.runners["dashboard"].position() == 0

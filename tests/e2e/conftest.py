"""HTTP-level fixtures: the real app over a fresh store, with one user per role."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from kernel.clock import moment, today_in_china
from kernel.http import auth
from opencheck.app import create_app
from tests.factories import after_lottery

PASSWORDS = {"admin": "admin-pass-123", "supervisor": "super-pass-123",
             "inspector": "inspect-pass-123", "supervisor2": "super2-pass-123",
             "auditor": "audit-pass-123"}
ROLE = {"supervisor2": "supervisor"}


@pytest.fixture
def client(platform):
    for name, password in PASSWORDS.items():
        auth.add_user(platform.engine, name, password, ROLE.get(name, name),
                      department="market_regulation")
    with TestClient(create_app(platform=platform)) as c:
        yield c


def token(client: TestClient, role: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": role, "password": PASSWORDS[role]})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def lottery_source(on: date | None = None, issue: str = "2026001期") -> dict:
    """A plan body's `randomness`: 福彩3D's issue drawn at 21:15 on ``on`` (default today)."""
    return {"source": "lottery", "lottery": "福彩3D", "issue": issue,
            "draw_date": (on or today_in_china()).isoformat()}


def lottery_draw(client: TestClient, platform, plan_id: str, value: str = "381",
                 on: date | None = None, **draw) -> Response:
    """Publish a plan drafted with ``lottery_source(on)`` at noon, enter (supervisor) and confirm
    (supervisor2) the result after the drawing, draw; the draw's response."""
    on = on or today_in_china()
    sup = token(client, "supervisor")
    platform.clock = lambda: moment(on)
    r = client.post(f"/api/v1/plans/{plan_id}/publish", headers=sup)
    assert r.status_code == 200, r.text
    platform.clock = lambda: after_lottery(on)
    for path, who in (("random-value", sup), ("random-value/confirm", token(client, "supervisor2"))):
        r = client.post(f"/api/v1/plans/{plan_id}/{path}", json={"value": value}, headers=who)
        assert r.status_code == 200, r.text
    return client.post(f"/api/v1/plans/{plan_id}/draw", json=draw, headers=sup)

"""HTTP-level fixtures: the real app over a fresh store, with one user per role."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kernel.http import auth
from opencheck.app import create_app

PASSWORDS = {"admin": "admin-pass-123", "supervisor": "super-pass-123",
             "inspector": "inspect-pass-123"}


@pytest.fixture
def client(platform):
    for role, password in PASSWORDS.items():
        auth.add_user(platform.engine, role, password, role, department="market_regulation")
    with TestClient(create_app(platform=platform)) as c:
        yield c


def token(client: TestClient, role: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": role, "password": PASSWORDS[role]})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}

"""Login hardening over a real store, on SQLite and PostgreSQL: throttling shared through the
database, the password policy, token revocation and deactivation (API and CLI)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from kernel.http import auth, throttle
from opencheck.app import create_app
from opencheck.bootstrap import bootstrap
from tests.conftest import make_settings, postgres_schema
from tests.integration.test_cli import _cli

BACKENDS = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
LIMITS = {"login_max_failures_per_user": 3, "login_max_failures_per_address": 5,
          "login_failure_window_seconds": 600, "login_lockout_seconds": 300}
START = datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc)
PASSWORDS = {"admin": "admin-pass-123", "sup": "super-pass-123", "insp": "inspect-pass-123"}
ROLES = {"admin": "admin", "sup": "supervisor", "insp": "inspector"}


@pytest.fixture
def settings(backend, tmp_path):
    if backend == "sqlite":
        yield make_settings("sqlite", tmp_path, **LIMITS)
    else:
        for schema in postgres_schema():
            yield make_settings("postgres", tmp_path, schema, **LIMITS)


class Clock:
    """The injected clock: moves only when the test says so."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(platform) -> Clock:
    platform.clock = Clock()
    return platform.clock


@pytest.fixture
def client(platform, clock):
    for name, password in PASSWORDS.items():
        auth.add_user(platform.engine, name, password, ROLES[name],
                      department="market_regulation")
    with TestClient(create_app(platform=platform)) as c:
        yield c


def login(client: TestClient, name: str, password: str | None = None):
    return client.post("/api/v1/auth/token",
                       data={"username": name, "password": password or PASSWORDS[name]})


def bearer(client: TestClient, name: str) -> dict[str, str]:
    r = login(client, name)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@BACKENDS
def test_wrong_passwords_lock_the_user_until_the_lockout_passes(client, clock, monkeypatch):
    # two wrong passwords: 401; the third reaches the limit: 429 with Retry-After
    for _ in range(2):
        assert login(client, "sup", "wrong-password-1").status_code == 401
    r = login(client, "sup", "wrong-password-1")
    assert r.status_code == 429 and r.headers["Retry-After"] == "300"
    assert "登录失败次数过多" in r.json()["detail"] and "Too many" in r.json()["detail"]
    # while locked the right password is refused too, and no password is verified at all
    verified = []
    monkeypatch.setattr(auth, "authenticate", lambda *a: verified.append(a))
    clock.now += timedelta(seconds=100)
    r = login(client, "sup")
    assert r.status_code == 429 and r.headers["Retry-After"] == "200"
    assert verified == []
    monkeypatch.undo()
    # another user from the same address is not locked (3 failures < 5 per address)
    assert login(client, "insp").status_code == 200
    # after the lockout the right password works and clears the user's count
    clock.now += timedelta(seconds=201)
    assert login(client, "sup").status_code == 200
    assert login(client, "sup", "wrong-password-1").status_code == 401


@BACKENDS
def test_an_address_guessing_many_usernames_is_locked(client, clock, platform):
    for i in range(4):
        assert login(client, f"nobody{i}", "wrong-password-1").status_code == 401
    r = login(client, "admin", "wrong-password-1")   # the 5th failure from this address
    assert r.status_code == 429
    assert login(client, "sup").status_code == 429    # a right password from that address too
    # another address is not locked
    with TestClient(create_app(platform=platform), client=("10.0.0.9", 5000)) as other:
        assert login(other, "sup").status_code == 200
    clock.now += timedelta(seconds=301)
    assert login(client, "sup").status_code == 200


@BACKENDS
def test_two_app_instances_on_one_database_share_the_counts(client, clock, settings):
    second = bootstrap(settings)   # another process's platform: its own engine and pool
    second.clock = clock
    try:
        with TestClient(create_app(platform=second)) as other:
            assert login(client, "sup", "wrong-password-1").status_code == 401
            assert login(other, "sup", "wrong-password-1").status_code == 401
            assert login(client, "sup", "wrong-password-1").status_code == 429
            assert login(other, "sup").status_code == 429
            clock.now += timedelta(seconds=301)
            assert login(other, "sup").status_code == 200
    finally:
        second.close()


@BACKENDS
def test_concurrent_failures_are_all_counted(platform, clock):
    """The upsert is atomic: failures recorded at once from many threads are all counted."""
    from concurrent.futures import ThreadPoolExecutor

    t = throttle.LoginThrottle(platform.engine, platform.settings)
    now = START.timestamp()

    def fail(_):
        try:
            t.failed("many", "10.1.1.1", now)
        except Exception as e:   # noqa: BLE001  the ones past the limit raise 429
            return type(e).__name__
        return "counted"

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(fail, range(8)))
    assert outcomes.count("counted") == 2   # failures 1 and 2; 3..8 reach or pass the limit
    with platform.engine.connect() as conn:
        import sqlalchemy as sa

        from kernel.db import login_throttle
        n = conn.execute(sa.select(login_throttle.c.failures)
                         .where(login_throttle.c.key == "user:many")).scalar()
    assert n == 8


@BACKENDS
def test_the_policy_refuses_short_common_and_username_passwords(client):
    admin = bearer(client, "admin")
    for password, reason in (("12345678", "at least 12"), ("1q2w3e4r5t6y", "too common"),
                             ("Password1234", "too common"), ("new-admin-2026", "username")):
        r = client.post("/api/v1/users", headers=admin, json={
            "username": "new-admin-2026", "password": password, "role": "admin"})
        assert r.status_code == 422, (password, r.text)
        assert r.json()["detail"][0]["loc"] == ["body", "password"]
        assert reason in r.json()["detail"][0]["msg"]
    r = client.post("/api/v1/users", headers=admin, json={
        "username": "new-admin-2026", "password": "a-long-unusual-phrase", "role": "admin"})
    assert r.status_code == 201, r.text
    # a change of one's own password follows the same policy
    sup = bearer(client, "sup")
    for password in ("12345678", "1q2w3e4r5t6y"):
        r = client.post("/api/v1/auth/password", headers=sup,
                        json={"current_password": PASSWORDS["sup"], "new_password": password})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "password"]
    assert client.get("/api/v1/auth/me", headers=sup).status_code == 200   # nothing changed


@BACKENDS
def test_a_password_change_revokes_earlier_tokens(client, platform):
    old = bearer(client, "sup")
    r = client.post("/api/v1/auth/password", headers=old,
                    json={"current_password": "wrong-password-1", "new_password": "x" * 20})
    assert r.status_code == 403 and r.json()["field"] == "current_password"
    r = client.post("/api/v1/auth/password", headers=old,
                    json={"current_password": PASSWORDS["sup"],
                          "new_password": "a-fresh-long-phrase"})
    assert r.status_code == 200, r.text
    new = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=old).status_code == 401
    assert client.get("/api/v1/auth/me", headers=new).json()["username"] == "sup"
    assert login(client, "sup").status_code == 401
    assert login(client, "sup", "a-fresh-long-phrase").status_code == 200
    # a change by an administrator (CLI or auth.set_password) revokes as well
    auth.set_password(platform.engine, "sup", "yet-another-phrase")
    assert client.get("/api/v1/auth/me", headers=new).status_code == 401


@BACKENDS
def test_a_deactivated_user_is_refused_at_once_and_reactivation_restores_login(client):
    admin, sup = bearer(client, "admin"), bearer(client, "sup")
    r = client.post("/api/v1/users/sup/deactivate", headers=admin)
    assert r.status_code == 200 and r.json() == {"username": "sup", "role": "supervisor",
                                                 "active": False}
    assert client.get("/api/v1/auth/me", headers=sup).status_code == 401
    assert client.get("/api/v1/entities", headers=sup).status_code == 401
    assert login(client, "sup").status_code == 401
    assert client.post("/api/v1/users/admin/deactivate", headers=admin).status_code == 403
    assert client.post("/api/v1/users/nobody/deactivate", headers=admin).status_code == 404
    assert client.post("/api/v1/users/sup/deactivate", headers=sup).status_code == 401
    r = client.post("/api/v1/users/sup/reactivate", headers=admin)
    assert r.status_code == 200 and r.json()["active"] is True
    assert client.get("/api/v1/auth/me", headers=sup).status_code == 401   # stays revoked
    assert client.get("/api/v1/auth/me", headers=bearer(client, "sup")).status_code == 200


@BACKENDS
def test_the_cli_applies_the_policy_and_deactivates(client, platform):
    s = platform.settings
    r = _cli(s, "users", "add", "boss", "--role", "admin", "--password", "12345678")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    # Chinese, then English (kernel.i18n), one line
    assert r.stderr.strip().splitlines()[-1] == \
        "error: 口令长度不足 | password must have at least 12 characters"
    r = _cli(s, "users", "password", "sup", "--password", "qwertyuiop123")
    assert r.returncode != 0 and "too common" in r.stderr
    sup = bearer(client, "sup")
    r = _cli(s, "users", "deactivate", "sup")
    assert r.returncode == 0, r.stderr
    assert client.get("/api/v1/auth/me", headers=sup).status_code == 401
    assert login(client, "sup").status_code == 401
    assert _cli(s, "users", "deactivate", "ghost").returncode != 0
    assert _cli(s, "users", "reactivate", "sup").returncode == 0
    assert login(client, "sup").status_code == 200


@BACKENDS
def test_an_administrator_resets_a_password(client):
    admin, sup = bearer(client, "admin"), bearer(client, "sup")
    # the policy applies, in Chinese with English alongside, naming the field
    r = client.post("/api/v1/users/sup/password", json={"password": "short"}, headers=admin)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "password"]
    assert "口令" in r.json()["detail"][0]["msg"] and "password" in r.json()["detail"][0]["msg"]
    assert client.post("/api/v1/users/sup/password", json={"password": "new-super-pass-456"},
                       headers=sup).status_code == 403
    r = client.post("/api/v1/users/nobody/password", json={"password": "new-super-pass-456"},
                    headers=admin)
    assert r.status_code == 404 and "没有用户" in r.json()["detail"]
    r = client.post("/api/v1/users/sup/password", json={"password": "new-super-pass-456"},
                    headers=admin)
    assert r.status_code == 200 and r.json() == {"username": "sup", "role": "supervisor",
                                                 "active": True}
    assert client.get("/api/v1/auth/me", headers=sup).status_code == 401   # old tokens end
    assert login(client, "sup").status_code == 401
    assert login(client, "sup", "new-super-pass-456").status_code == 200

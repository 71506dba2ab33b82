"""Login throttling (登录失败处理, GB/T 22239-2019 8.1.4.1 b): failed logins counted per username
and per client address, in the database so that every API process (`serve --workers N`) and the
dashboard see the same counts. After the configured number of failures within the window the
key is refused for the lockout time: 429 with Retry-After, checked before the password is
verified, so a refused attempt spends no argon2 time (≈ 0.7 s of CPU each, measured).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from kernel.db import login_throttle as t
from kernel.errors import TooManyAttempts
from kernel.http import auth
from kernel.settings import Settings
from kernel.text import first_unstorable

KEY_LENGTH = 200


def user_key(username: str) -> str:
    return _key("user", username)


def address_key(address: str | None) -> str:
    return _key("addr", address or "unknown")


def _key(kind: str, value: str) -> str:
    if first_unstorable(value) is not None or len(value) > KEY_LENGTH - 10:
        # a NUL cannot be stored on PostgreSQL (kernel.text): such a name is counted by digest
        value = "#" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{kind}:{value}"


class LoginThrottle:
    """Failed-login counters shared through the read-model database."""

    def __init__(self, engine: sa.Engine, settings: Settings) -> None:
        self.engine = engine
        self.window = settings.login_failure_window_seconds
        self.lockout = settings.login_lockout_seconds
        self.limits = {"user": settings.login_max_failures_per_user,
                       "addr": settings.login_max_failures_per_address}

    def check(self, username: str, address: str | None, now: float) -> None:
        """429 if the username or the address is locked out at `now` (seconds since the epoch)."""
        with self.engine.connect() as conn:
            until = conn.execute(sa.select(sa.func.max(t.c.blocked_until)).where(
                t.c.key.in_([user_key(username), address_key(address)]),
                t.c.blocked_until > now)).scalar()
        if until is not None:
            raise _refused(until - now)

    def failed(self, username: str, address: str | None, now: float) -> None:
        """Count one failure for both keys (atomically, whoever else counts); 429 if this one
        reached a limit."""
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        until = None
        with self.engine.begin() as conn:
            for kind, key in (("user", user_key(username)), ("addr", address_key(address))):
                blocked = conn.execute(self._count(insert, key, self.limits[kind], now)).scalar()
                if blocked is not None and blocked > now:
                    until = max(until or blocked, blocked)
            # forget keys whose window and lockout have both passed (bounds the table)
            conn.execute(t.delete().where(t.c.window_start < now - self.window - self.lockout,
                                          sa.or_(t.c.blocked_until.is_(None),
                                                 t.c.blocked_until < now)))
        if until is not None:
            raise _refused(until - now)

    def _count(self, insert, key: str, limit: int, now: float) -> sa.Executable:
        until = now + self.lockout
        expired = t.c.window_start <= now - self.window   # the stored row's window has passed
        failures = sa.case((expired, 1), else_=t.c.failures + 1)
        return insert(t).values(
            key=key, failures=1, window_start=now, blocked_until=until if limit <= 1 else None,
        ).on_conflict_do_update(index_elements=[t.c.key], set_={
            "failures": failures,
            "window_start": sa.case((expired, now), else_=t.c.window_start),
            "blocked_until": sa.case((failures >= limit, until), else_=t.c.blocked_until),
        }).returning(t.c.blocked_until)

    def succeeded(self, username: str) -> None:
        """A right password clears the username's count (not the address's: one valid account
        must not reset an address that guesses others)."""
        with self.engine.begin() as conn:
            conn.execute(t.delete().where(t.c.key == user_key(username)))


def _refused(seconds: float) -> TooManyAttempts:
    wait = max(1, math.ceil(seconds))
    return TooManyAttempts(f"登录失败次数过多，请 {wait} 秒后再试 Too many failed logins; "
                           f"try again in {wait} seconds", retry_after=wait, field="username")


def attempt_login(engine: sa.Engine, settings: Settings, clock: Callable[[], datetime],
                  username: str, password: str, address: str | None) -> auth.User | None:
    """The user if the password is right; None if not; 429 (TooManyAttempts) while the username
    or the address is locked out, before any password is verified."""
    throttle = LoginThrottle(engine, settings)
    now = clock().timestamp()
    throttle.check(username, address, now)
    user = auth.authenticate(engine, username, password)
    if user is None:
        throttle.failed(username, address, now)
        return None
    throttle.succeeded(username)
    return user

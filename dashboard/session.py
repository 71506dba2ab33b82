"""Dashboard sessions: a signed JWT (kernel.http.auth) in an HttpOnly, SameSite=Strict cookie.

The browser's scripts never see the token; callbacks are same-origin JSON POSTs, which a
SameSite=Strict cookie plus the JSON content type keep out of reach of other sites. Every
callback reads the cookie from ``flask.request`` again and reloads the user, so a deactivated
account or a changed role takes effect at the next click, not at the token's expiry.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import flask
from dash import ctx

from kernel.http import auth, read_your_writes
from kernel.platform import Platform

COOKIE = "opencheck_session"
PATH = "/dashboard/"
SUPERVISORS = ("supervisor", "admin")
INSPECTORS = ("inspector",)


class NotSignedIn(Exception):
    """No valid session cookie: the callback's outputs are withheld and the login shown."""


class NotPermitted(Exception):
    """Signed in, but the role may not use this page."""


def user_from_cookie(platform: Platform, cookies: Any) -> auth.User | None:
    """The active user the cookie's token names, or None (absent, forged, expired, disabled,
    or issued before a password change)."""
    token = cookies.get(COOKIE)
    if not token:
        return None
    return auth.user_of_local_token(platform.engine, platform.settings, token)


def current_user(platform: Platform) -> auth.User | None:
    return user_from_cookie(platform, flask.request.cookies)


def start_session(platform: Platform, user: auth.User) -> None:
    """Set the session cookie on this callback's response."""
    ctx.response.set_cookie(
        COOKIE, auth.issue_token(platform.settings, user),
        max_age=platform.settings.token_ttl_minutes * 60, path=PATH, httponly=True,
        samesite="Strict", secure=flask.request.is_secure)


def end_session() -> None:
    ctx.response.set_cookie(COOKIE, "", max_age=0, expires=0, path=PATH, httponly=True,
                            samesite="Strict", secure=flask.request.is_secure)


def guarded(get_platform: Callable[[], Platform], roles: tuple[str, ...]):
    """Decorator for callbacks: re-check the cookie and the role, then pass the user first.
    The callback runs in a read-your-writes scope: what it records, it reads back."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            user = current_user(get_platform())
            if user is None:
                raise NotSignedIn()
            if user.role not in roles:
                raise NotPermitted(user.role)
            with read_your_writes.command_scope():
                return fn(user, *args, **kwargs)

        return run

    return wrap

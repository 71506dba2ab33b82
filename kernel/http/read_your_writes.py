"""Read-your-writes: a command's answer, and the caller's next read, show what it recorded.

A command runs in a scope: every authenticated state-changing request under /api/v1
(`ReadYourWritesMiddleware`, installed once by opencheck.app) and every dashboard callback
(dashboard.session.guarded). In a scope, each successful `save()` of an application waits,
before the use case returns, until the projection runners have caught up with everything
recorded, reactions included (the platform's `settle_all`, hooked to the applications by the
composition root). So a route answers from read models that already show its write. The scope
waits for every runner unless the route declares fewer: `dependencies=[waits_for("credit")]`.
Outside a scope (scheduler jobs, the CLI, bulk imports) a save waits for nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from fastapi import Depends
from starlette.types import ASGIApp, Receive, Scope, Send

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
COMMAND_PREFIX = "/api/v1/"
NOT_COMMANDS = ("/api/v1/public/", "/api/v1/auth/")   # no login, or the login itself


@dataclass
class Consistency:
    """One command's read-your-writes: which runners its saves wait for (None: all)."""

    runners: tuple[str, ...] | None = None
    settling: bool = False


_current: ContextVar[Consistency | None] = ContextVar("read_your_writes", default=None)


def current() -> Consistency | None:
    return _current.get()


@contextmanager
def command_scope(runners: tuple[str, ...] | None = None) -> Iterator[Consistency]:
    """Saves made inside wait for the read models (threads started inside see the same scope)."""
    token = _current.set(Consistency(runners))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def after_save(settle: Callable[[tuple[str, ...] | None], Any]) -> None:
    """The applications' save hook: in a scope, `settle(runners)`; elsewhere nothing. A save
    made while settling (a reaction run inline) is covered by the settle already under way."""
    scope = _current.get()
    if scope is None or scope.settling:
        return
    scope.settling = True
    try:
        settle(scope.runners)
    finally:
        scope.settling = False


def waits_for(*runners: str) -> Any:
    """Route dependency: this command's saves wait only for these runners."""

    def narrow() -> None:
        scope = _current.get()
        if scope is not None:
            scope.runners = runners

    return Depends(narrow)


def is_command(method: str, path: str) -> bool:
    """A state-changing request to the authenticated API."""
    return method in UNSAFE and path.startswith(COMMAND_PREFIX) and not path.startswith(NOT_COMMANDS)


class ReadYourWritesMiddleware:
    """Pure ASGI middleware: every command request runs in a read-your-writes scope, waiting for
    `runners` (None: all of them)."""

    def __init__(self, app: ASGIApp, runners: tuple[str, ...] | None = None) -> None:
        self.app, self.runners = app, runners

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_command(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        with command_scope(self.runners):
            await self.app(scope, receive, send)

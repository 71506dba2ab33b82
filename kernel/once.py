"""Exactly-once commands: an Idempotency-Key is recorded in the same transaction as the events.

The HTTP layer (kernel.http.idempotency) opens a `keyed` scope for a command that carries a key;
the first save of that request inserts the key's row into the event store of the application
that saves, in the transaction that inserts its events (kernel.once_recorders). So either the
events and the key are both committed, or neither is: a retry after a crash or a 5xx finds the
key and never runs the command again. The answer (status and body) is stored on the same row once
known; if the process died first, a retry rebuilds it by running the route in a *replay*: the
use case is not run again but returns what it returned the first time (the row's `result`: the
created aggregate's id, or a value the use case declared), and the route answers from the read
models as it would have. Commands that record nothing (refusals, user administration) store their
answer on a row of the first store after the fact.
"""

from __future__ import annotations

import inspect
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid5

from kernel.eventstore import OpenCheckApplication

NAMESPACE = UUID("5f0c4f7e-3b7e-4d1c-9a51-0f3c2c8d1e11")   # ids derived from idempotency keys
_UNSET = object()


class KeyAlreadyRecorded(Exception):
    """Another request with this key committed first: this one's events were rolled back."""


@dataclass
class Recorded:
    """A key's row: the request it was first used for, what the use case returned, the answer."""

    fingerprint: str
    result: str | None
    status_code: int | None
    response_body: str | None
    store: Any = None          # the recorder holding the row


@dataclass
class KeyedRequest:
    """One authenticated command carrying an Idempotency-Key (a context variable)."""

    user_id: str
    key: str
    method: str
    path: str
    fingerprint: str
    result: Any = _UNSET                 # declared by a use case before its save
    store: Any = None                    # the recorder that committed the key, once it has
    replay: Recorded | None = None       # set: run the route without running the use case
    now: float = field(default_factory=time.time)

    def row_values(self, created: UUID | None) -> tuple[Any, ...]:
        result = self.result if self.result is not _UNSET else created
        return (self.user_id, self.key, self.method, self.path[:500], self.fingerprint,
                encode_result(result), self.now)


_current: ContextVar[KeyedRequest | None] = ContextVar("idempotency_key", default=None)


def current() -> KeyedRequest | None:
    return _current.get()


@contextmanager
def keyed(request: KeyedRequest) -> Iterator[KeyedRequest]:
    """Saves made inside record the key with their events (the first save only)."""
    token = _current.set(request)
    try:
        yield request
    finally:
        _current.reset(token)


def claimable() -> KeyedRequest | None:
    """The key a save should record now: set, not replaying, not yet recorded by this request."""
    request = _current.get()
    if request is None or request.replay is not None or request.store is not None:
        return None
    return request


def derived_id(kind: str) -> UUID | None:
    """An aggregate id derived from the caller and the key (None outside a keyed command): an
    aggregate without a natural key gets the same id however often its creation is retried."""
    request = _current.get()
    if request is None:
        return None
    return uuid5(NAMESPACE, f"{kind}:{request.user_id}:{request.key}")


def declare_result(value: Any) -> None:
    """A use case whose return value is not the id it creates names it before saving, so that a
    replay returns it (JSON-serialisable)."""
    request = _current.get()
    if request is not None and request.store is None:
        request.result = value


def encode_result(value: Any) -> str | None:
    if value is None or value is _UNSET:
        return None
    if isinstance(value, UUID):
        return json.dumps({"uuid": value.hex})
    return json.dumps({"value": value})


def decode_result(text: str | None) -> Any:
    if not text:
        return None
    data = json.loads(text)
    return UUID(data["uuid"]) if "uuid" in data else data["value"]


def created_id(stored_events: Any) -> UUID | None:
    """The aggregate this save creates (its first event), if any."""
    for event in stored_events:
        if event.originator_version == 1:
            return event.originator_id if isinstance(event.originator_id, UUID) \
                else UUID(str(event.originator_id))
    return None


class _ReplayedApplication:
    """An application whose use cases return what they returned the first time, running
    nothing; everything else (find, repository, attributes) passes through."""

    def __init__(self, app: OpenCheckApplication, recorded: Recorded) -> None:
        self._app, self._recorded = app, recorded

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._app, name)
        if not inspect.ismethod(value) or hasattr(OpenCheckApplication, name):
            return value

        def replayed(*_: Any, **__: Any) -> Any:
            if self._app.on_saved is not None:   # the read models catch up as after a save
                self._app.on_saved()
            return decode_result(self._recorded.result)

        return replayed


class _ReplayedPlatform:
    def __init__(self, platform: Any, recorded: Recorded) -> None:
        self._platform, self._recorded = platform, recorded

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._platform, name)
        if isinstance(value, OpenCheckApplication):
            return _ReplayedApplication(value, self._recorded)
        return value


def platform_for_request(platform: Any) -> Any:
    """The platform a route sees: in a replay, one whose use cases run nothing."""
    request = _current.get()
    if request is None or request.replay is None:
        return platform
    return _ReplayedPlatform(platform, request.replay)


def stores(platform: Any) -> list[Any]:
    """The recorders that hold keys, in a fixed order (the first also holds answers of commands
    that recorded nothing)."""
    return [app.recorder for app in (platform.supervision, platform.credit)
            if hasattr(app.recorder, "find_key")]


def find(platform: Any, user_id: str, key: str) -> Recorded | None:
    for store in stores(platform):
        found = store.find_key(user_id, key)
        if found is not None:
            found.store = store
            return found
    return None


def prune(platform: Any, max_age_hours: float, now: float | None = None) -> int:
    """Delete keys older than `max_age_hours`; how many were deleted."""
    before = (time.time() if now is None else now) - max_age_hours * 3600
    return sum(store.prune_keys(before) for store in stores(platform))

"""Idempotency-Key: a repeated state-changing request returns the first answer and records nothing.

`IdempotencyMiddleware`, installed once by opencheck.app, serves every authenticated command
(POST/PUT/PATCH/DELETE under /api/v1 but the public and login routes:
kernel.http.read_your_writes.is_command); `declare_header` adds the header to those operations
in OpenAPI. Keys are scoped per user. The first request with a key claims it (a row in
`idempotency_keys`), runs, and stores its status and body; a repeat with the same method, path,
query and body gets that stored answer back (header `Idempotent-Replayed: true`), the same key
with anything else is 422, and a repeat while the first is still running is 409. Answers a
repeat could change are not stored: 401/403 (not the caller's doing to replay) and 5xx (the key
is released, the client may retry). A claim whose request died without an answer is taken over
after `STALE_AFTER`. Without a valid bearer token the request passes through untouched (the
route answers 401).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security.utils import get_authorization_scheme_param
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kernel.db import metadata
from kernel.http import auth
from kernel.http.read_your_writes import is_command

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,200}$"  # printable ASCII, e.g. a UUID
NOT_STORED = frozenset({401, 403, 429})
STALE_AFTER = timedelta(minutes=5)
_KEY = re.compile(KEY_PATTERN)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("user_id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("method", sa.String(10), nullable=False),
    sa.Column("path", sa.String(500), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("status_code", sa.Integer, nullable=True),
    sa.Column("response_body", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
)


class KeyReused(Exception):
    """The key was used for a different request."""


class KeyInProgress(Exception):
    """The first request with this key has not answered yet."""


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    try:  # the same JSON with keys in another order or other spacing is the same request
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    digest = hashlib.sha256(f"{method}\n{path}\n{query}\n".encode())
    digest.update(canonical)
    return digest.hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)  # SQLite drops tz


class IdempotencyStore:
    """Claims, answers and releases keys in the read-model database."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def _where(self, user_id: int, key: str) -> Any:
        return sa.and_(idempotency_keys.c.user_id == user_id, idempotency_keys.c.key == key)

    def claim(self, user_id: int, key: str, method: str, path: str,
              fp: str) -> tuple[int, str] | None:
        """None if this request now owns the key; the stored (status, body) if it is a repeat."""
        now = datetime.now(timezone.utc)
        try:
            with self.engine.begin() as conn:
                conn.execute(idempotency_keys.insert().values(
                    user_id=user_id, key=key, method=method, path=path[:500], fingerprint=fp,
                    created_at=now))
            return None
        except sa.exc.IntegrityError:
            pass
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(idempotency_keys)
                               .where(self._where(user_id, key))).first()
            if row is None:  # released meanwhile: try once more from the start
                return self.claim(user_id, key, method, path, fp)
            if row.fingerprint != fp:
                raise KeyReused
            if row.status_code is not None:
                return row.status_code, row.response_body
            if now - _aware(row.created_at) < STALE_AFTER:
                raise KeyInProgress
            taken = conn.execute(idempotency_keys.update()
                                 .where(self._where(user_id, key),
                                        idempotency_keys.c.created_at == row.created_at)
                                 .values(created_at=now)).rowcount
            if taken != 1:
                raise KeyInProgress
            return None

    def answer(self, user_id: int, key: str, status_code: int, body: bytes) -> None:
        with self.engine.begin() as conn:
            conn.execute(idempotency_keys.update().where(self._where(user_id, key)).values(
                status_code=status_code, response_body=body.decode("utf-8"),
                completed_at=datetime.now(timezone.utc)))

    def release(self, user_id: int, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(idempotency_keys.delete().where(
                self._where(user_id, key), idempotency_keys.c.status_code.is_(None)))


def _caller(request: Request) -> auth.User | None:
    scheme, token = get_authorization_scheme_param(request.headers.get("Authorization"))
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        return auth.user_from_token(request, token)
    except HTTPException:
        return None  # the route itself answers 401


HEADER_PARAMETER = {
    "name": HEADER, "in": "header", "required": False,
    "description": "Repeat a request safely: the same key (per user) returns the first answer "
                   "and records nothing new; the same key with another body is 422.",
    "schema": {"anyOf": [{"type": "string", "maxLength": 200, "pattern": KEY_PATTERN},
                         {"type": "null"}], "title": HEADER}}


def declare_header(app: FastAPI) -> None:
    """Declare the optional header on every authenticated command operation of the OpenAPI."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                if is_command(method.upper(), path) and operation.get("security"):
                    parameters = operation.setdefault("parameters", [])
                    if all(p.get("name") != HEADER for p in parameters):
                        parameters.append(HEADER_PARAMETER)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _invalid_key(key: str) -> JSONResponse:
    why, kind = ((f"{HEADER} must have at most 200 characters", "string_too_long")
                 if len(key) > 200 else
                 (f"{HEADER} must be printable ASCII, e.g. a UUID", "string_pattern_mismatch"))
    return JSONResponse({"detail": [{"loc": ["header", HEADER], "msg": why, "type": kind}]},
                        status_code=422)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


class IdempotencyMiddleware:
    """Pure ASGI middleware: authenticated commands honour the Idempotency-Key header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = Headers(scope=scope).get(HEADER) if scope["type"] == "http" else None
        if key is None or not is_command(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        user = await run_in_threadpool(_caller, request)
        if user is None:
            await self.app(scope, receive, send)
            return
        if not _KEY.match(key):
            await _invalid_key(key)(scope, receive, send)
            return
        body = await _read_body(receive)
        answered = await self._answer(request, user.id, key, body)
        if answered is not None:
            await answered(scope, receive, send)
            return
        await self._run(scope, _replaying(body, receive), send,
                        IdempotencyStore(request.app.state.platform.engine), user.id, key)

    async def _answer(self, request: Request, user_id: int, key: str,
                      body: bytes) -> Response | None:
        """A response without running the route (replay, reuse, in progress), or None: run it."""
        store = IdempotencyStore(request.app.state.platform.engine)
        fp = fingerprint(request.method, request.url.path, request.url.query, body)
        try:
            stored = await run_in_threadpool(store.claim, user_id, key, request.method,
                                             request.url.path, fp)
        except KeyReused:
            return JSONResponse({"detail": [{
                "loc": ["header", HEADER], "type": "idempotency_key_reused",
                "msg": f"{HEADER} {key!r} was already used for a different request"}]},
                status_code=422)
        except KeyInProgress:
            return JSONResponse({"detail": f"a request with {HEADER} {key!r} is still "
                                           f"being processed", "field": HEADER},
                                status_code=409)
        if stored is None:
            return None
        return Response(stored[1], status_code=stored[0], media_type="application/json",
                        headers={"Idempotent-Replayed": "true"})

    async def _run(self, scope: Scope, receive: Receive, send: Send, store: IdempotencyStore,
                   user_id: int, key: str) -> None:
        """Run the route, holding its answer back until it is stored (or the key released)."""
        messages: list[Message] = []

        async def hold(message: Message) -> None:
            messages.append(message)

        try:
            await self.app(scope, receive, hold)
        except Exception:
            await run_in_threadpool(store.release, user_id, key)
            raise
        status = next(m["status"] for m in messages if m["type"] == "http.response.start")
        if status >= 500 or status in NOT_STORED:
            await run_in_threadpool(store.release, user_id, key)
        else:
            body = b"".join(m.get("body", b"") for m in messages
                            if m["type"] == "http.response.body")
            await run_in_threadpool(store.answer, user_id, key, status, body)
        for message in messages:
            await send(message)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """The request body once more for the route, then the client's own messages."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay

"""Idempotency-Key: a repeated state-changing request returns the first answer and records nothing.

`IdempotencyMiddleware`, installed once by opencheck.app, serves every authenticated command
(POST/PUT/PATCH/DELETE under /api/v1 but the public and login routes:
kernel.http.read_your_writes.is_command); `declare_header` adds the header to those operations
in OpenAPI. Keys are scoped per user. A request with a key runs in a `kernel.once.keyed` scope:
its first save writes the key in the same transaction as its events (kernel.once_recorders), so
the command is applied once however often, and however concurrently, it is sent. Its answer is
stored on the key's row; a repeat with the same method, path, query and body gets it back (header
`Idempotent-Replayed: true`); the same key with anything else is 422. If the events were committed
but no answer was stored (the process died, or the answer was a 5xx such as the read models not
catching up), a repeat rebuilds the answer by replaying the route without running its use case
(kernel.once). Answers a repeat could change are not stored: 401/403/429 (not the caller's doing
to replay) and 5xx of commands that recorded nothing (the client may retry). Without a valid
bearer token the request passes through untouched (the route answers 401).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from fastapi.security.utils import get_authorization_scheme_param
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kernel import once
from kernel.http import auth
from kernel.http.read_your_writes import is_command

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,200}$"  # printable ASCII, e.g. a UUID
NOT_STORED = frozenset({401, 403, 429})
REPLAYED = (b"idempotent-replayed", b"true")
_KEY = re.compile(KEY_PATTERN)


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    try:  # the same JSON with keys in another order or other spacing is the same request
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    digest = hashlib.sha256(f"{method}\n{path}\n{query}\n".encode())
    digest.update(canonical)
    return digest.hexdigest()


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
    why, kind = ((f"幂等键至多 200 个字符 {HEADER} must have at most 200 characters",
                  "string_too_long") if len(key) > 200 else
                 (f"幂等键须为可打印的 ASCII 字符，例如 UUID {HEADER} must be printable ASCII, "
                  "e.g. a UUID", "string_pattern_mismatch"))
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
        platform = request.app.state.platform
        keyed = once.KeyedRequest(str(user.id), key, request.method, request.url.path,
                                  fingerprint(request.method, request.url.path,
                                              request.url.query, body))
        found = await run_in_threadpool(once.find, platform, keyed.user_id, key)
        if found is None:
            messages = await self._run(scope, _replaying(body, receive), keyed)
            if messages is not None:
                found = await run_in_threadpool(_keep, platform, keyed, messages)
                if found is None:
                    await _send_all(messages, send)
                    return
            else:   # a concurrent request with this key committed first: serve its answer
                found = await run_in_threadpool(once.find, platform, keyed.user_id, key)
        await self._serve(scope, _replaying(body, receive), send, keyed, found)

    async def _run(self, scope: Scope, receive: Receive,
                   keyed: once.KeyedRequest) -> list[Message] | None:
        """The route's messages, held back; None if another request committed the key first."""
        messages: list[Message] = []

        async def hold(message: Message) -> None:
            messages.append(message)

        with once.keyed(keyed):
            try:
                await self.app(scope, receive, hold)
            except once.KeyAlreadyRecorded:
                return None
        return messages

    async def _serve(self, scope: Scope, receive: Receive, send: Send,
                     keyed: once.KeyedRequest, found: once.Recorded | None) -> None:
        """The recorded answer, or (recorded but unanswered) the route replayed without its use
        case; 422 if the key was used for another request."""
        if found is None:   # cannot happen: a key is never deleted while its request is young
            await JSONResponse({"detail": "请重试 retry", "field": HEADER}, status_code=409)(
                scope, receive, send)
            return
        if found.fingerprint != keyed.fingerprint:
            await JSONResponse({"detail": [{
                "loc": ["header", HEADER], "type": "idempotency_key_reused",
                "msg": f"此幂等键已用于另一请求 {HEADER} {keyed.key!r} was already used for a "
                       "different request"}]}, status_code=422)(scope, receive, send)
            return
        if found.status_code is not None:
            await Response(found.response_body, status_code=found.status_code,
                           media_type="application/json",
                           headers={"Idempotent-Replayed": "true"})(scope, receive, send)
            return
        keyed.replay = found
        messages = await self._run(scope, receive, keyed) or []
        status, body = _status_and_body(messages)
        if status < 500 and status not in NOT_STORED:
            await run_in_threadpool(found.store.answer_key, keyed.user_id, keyed.key, status,
                                    body.decode("utf-8"))
        for message in messages:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), REPLAYED]
        await _send_all(messages, send)


def _status_and_body(messages: list[Message]) -> tuple[int, bytes]:
    status = next(m["status"] for m in messages if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in messages
                            if m["type"] == "http.response.body")


def _keep(platform: Any, keyed: once.KeyedRequest,
          messages: list[Message]) -> once.Recorded | None:
    """Store the answer of a request that ran; a row to serve instead of it (None: send it)."""
    status, body = _status_and_body(messages)
    if keyed.store is not None:   # committed with its events: the answer joins them
        if status < 500:
            keyed.store.answer_key(keyed.user_id, keyed.key, status, body.decode("utf-8"))
        return None   # a 5xx is not stored: a repeat rebuilds the answer
    if status >= 500 or status in NOT_STORED:
        return None
    # Recorded nothing (a refusal): if a concurrent request with this key committed meanwhile,
    # its events are why, and its answer is the one to give.
    found = once.find(platform, keyed.user_id, keyed.key)
    if found is not None:
        return found
    stores = once.stores(platform)
    if not stores or stores[0].insert_answer(keyed, status, body.decode("utf-8")):
        return None
    return once.find(platform, keyed.user_id, keyed.key)


async def _send_all(messages: list[Message], send: Send) -> None:
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

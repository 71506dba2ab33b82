"""Idempotency-Key: a repeated state-changing request returns the first answer and records nothing.

Use it by building a router with `APIRouter(route_class=IdempotentRoute)`: every POST/PUT/PATCH/
DELETE route of that router then accepts an `Idempotency-Key` header (declared in OpenAPI).
Keys are scoped per user. The first request with a key claims it (a row in `idempotency_keys`),
runs, and stores its status and body; a repeat with the same method, path, query and body gets
that stored answer back (header `Idempotent-Replayed: true`), the same key with anything else is
422, and a repeat while the first is still running is 409. Answers a repeat could change are not
stored: 401/403 (not the caller's doing to replay) and 5xx (the key is released, the client may
retry). A claim whose request died without an answer is taken over after `STALE_AFTER`.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Header, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security.utils import get_authorization_scheme_param

from kernel.db import metadata
from kernel.http import auth

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,200}$"  # printable ASCII, e.g. a UUID
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
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


def idempotency_key_header(
    key: Annotated[str | None, Header(
        alias=HEADER, max_length=200, pattern=KEY_PATTERN,
        description="Repeat a request safely: the same key (per user) returns the first answer "
                    "and records nothing new; the same key with another body is 422.")] = None,
) -> str | None:
    return key


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


async def _as_response(request: Request, exc: Exception) -> Response | None:
    """What the app's exception handlers would answer for `exc` (None: no handler, e.g. a 500)."""
    for cls in type(exc).__mro__:
        handler = request.app.exception_handlers.get(cls)
        if handler is not None:
            result = handler(request, exc)
            return await result if hasattr(result, "__await__") else result
    return None


class IdempotentRoute(APIRoute):
    """An APIRoute whose state-changing requests honour the Idempotency-Key header."""

    def __init__(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        if UNSAFE & {m.upper() for m in kwargs.get("methods") or ()}:
            kwargs["dependencies"] = [*(kwargs.get("dependencies") or []),
                                      Depends(idempotency_key_header)]
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Any:
        handler = super().get_route_handler()

        async def idempotent_handler(request: Request) -> Response:
            key = request.headers.get(HEADER)
            if request.method not in UNSAFE or key is None or not _KEY.match(key):
                return await handler(request)  # an invalid key is the route's 422
            user = await run_in_threadpool(_caller, request)
            if user is None:
                return await handler(request)
            store = IdempotencyStore(request.app.state.platform.engine)
            fp = fingerprint(request.method, request.url.path, request.url.query,
                             await request.body())
            try:
                stored = await run_in_threadpool(store.claim, user.id, key, request.method,
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
            if stored is not None:
                return Response(stored[1], status_code=stored[0], media_type="application/json",
                                headers={"Idempotent-Replayed": "true"})
            try:
                response = await handler(request)
            except Exception as exc:
                response = await _as_response(request, exc)
                if response is None:
                    await run_in_threadpool(store.release, user.id, key)
                    raise
            if response.status_code >= 500 or response.status_code in NOT_STORED:
                await run_in_threadpool(store.release, user.id, key)
            else:
                await run_in_threadpool(store.answer, user.id, key, response.status_code,
                                        bytes(response.body))
            return response

        return idempotent_handler

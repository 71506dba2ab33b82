"""What every public endpoint shares: per-client rate limiting and cache validators.

Rate limit: a token bucket per client address (per process; behind a proxy set the limit per
worker accordingly), answering 429 with `Retry-After`. Validators: the public answer changes only
when a projection moves or the day changes (publicity periods end at midnight, China time), so
the ETag is derived from the projection positions, the date and the request path.
"""

from __future__ import annotations

import functools
import hashlib
import math
import threading
import time
from collections.abc import Mapping
from datetime import date, datetime, timezone
from email.utils import format_datetime
from typing import Any

from fastapi import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

PUBLIC_PREFIXES = ("/api/v1/public/", "/entity/", "/search", "/licences", "/commitments",
                   "/objections", "/credit-report/", "/open-data")


class TokenBuckets:
    """`rate` requests per minute per key, bursts up to the same number."""

    def __init__(self, per_minute: int, max_keys: int = 100_000) -> None:
        self.capacity, self.per_second = float(per_minute), per_minute / 60.0
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """0 if allowed, else the seconds until a token is available."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.per_second)
            if tokens >= 1.0:
                if len(self._buckets) >= self.max_keys and key not in self._buckets:
                    self._buckets.clear()  # bounded memory under address churn
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.per_second


class PublicRateLimit:
    """Pure ASGI middleware (no per-request task, streaming responses untouched)."""

    def __init__(self, app: ASGIApp, per_minute: int) -> None:
        self.app, self.buckets = app, TokenBuckets(per_minute)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if path == "/" or path.startswith(PUBLIC_PREFIXES):
                client = scope.get("client")
                wait = self.buckets.take(client[0] if client else "unknown")
                if wait > 0:
                    response = JSONResponse(
                        {"detail": "请求过于频繁，请稍后再试 too many requests; slow down",
                         "field": None},
                        status_code=429, headers={"Retry-After": str(max(1, math.ceil(wait)))})
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def validators(positions: list[Mapping[str, Any]], target: str, today: date) -> tuple[str, str]:
    """(ETag, Last-Modified) of a public answer about `target` (path and query) as of `today`,
    from the positions section read with it (kernel.db.positions_of: `basis`, `moved`)."""
    (row,) = positions
    raw = f"{row['basis']}|{today.isoformat()}|{target}"
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"', _last_modified(row["moved"])


@functools.lru_cache(maxsize=64)
def _last_modified(moved: datetime | None) -> str:
    """The HTTP date of the latest move: the same for every lookup until a projection moves."""
    last = moved or datetime(2000, 1, 1, tzinfo=timezone.utc)
    if last.tzinfo is None:
        last = last.replace(tzinfo=timezone.utc)
    return format_datetime(last.astimezone(timezone.utc), usegmt=True)


def target_of(request: Request) -> str:
    """The path and query a validator is about."""
    return f"{request.scope['path']}?{request.scope['query_string'].decode('latin-1')}"


def not_modified(if_none_match: str | None, etag: str) -> bool:
    tags = if_none_match or ""
    return etag in [t.strip() for t in tags.split(",")] or tags.strip() == "*"


def cache_headers(etag: str, last_modified: str) -> dict[str, str]:
    return {"ETag": etag, "Last-Modified": last_modified,
            "Cache-Control": "public, max-age=60, must-revalidate"}

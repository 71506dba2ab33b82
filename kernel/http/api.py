"""Shared API pieces: dependency aliases, error and page schemas."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

import orjson
import sqlalchemy as sa
from fastapi import Depends, HTTPException, Path, Query, Request
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from pydantic import BaseModel, Field, field_validator
from starlette.routing import Match, Route

from kernel import once
from kernel.db import OneTrip
from kernel.platform import Platform
from kernel.text import first_unstorable, unstorable_reason

T = TypeVar("T")
READ_POOL_WAIT = 5.0  # seconds a public read waits for a connection before answering 503


def get_platform(request: Request) -> Platform:
    """The wired platform (in an Idempotency-Key replay, one whose use cases run nothing)."""
    return once.platform_for_request(request.app.state.platform)


def read_connection(request: Request) -> Iterator[sa.Connection]:
    with request.app.state.platform.engine.connect() as conn:
        yield conn


def public_connection(request: Request) -> Iterator[sa.Connection]:
    """A read connection for public pages: on the read replica when one is configured (its
    reads may lag the primary by the replication delay)."""
    with request.app.state.platform.read_engine.connect() as conn:
        yield conn


def settled_connection(request: Request) -> Iterator[sa.Connection]:
    """A read connection once the read models reflect everything recorded so far: a query's
    read-your-writes (a command's comes from kernel.http.read_your_writes)."""
    platform = request.app.state.platform
    platform.settle_all()
    with platform.engine.connect() as conn:
        yield conn


def _json_default(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_bytes(value: object) -> bytes:
    """JSON as FastAPI would encode it (ISO dates, Decimal as number), without its per-value
    walk: orjson (C; dates natively, a key that is no string as its text, as `json` does)."""
    return orjson.dumps(value, default=_json_default, option=orjson.OPT_NON_STR_KEYS)


class PlainRoute(Route):
    """A Starlette route for an endpoint that takes only the request, ahead of the FastAPI
    route that describes it in the OpenAPI: FastAPI's per-request work around an endpoint (its
    parameter solving, two exit stacks) was a fifth of the public lookup's time. Named in the
    scope like FastAPI's routes, so its metrics carry its template (kernel.http.observe)."""

    def matches(self, scope: Any) -> tuple[Match, Any]:
        match, child = super().matches(scope)
        if match != Match.NONE:
            child["route"] = self
        return match, child


async def run_trip(request: Request, trip: OneTrip,
                   params: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """One statement (kernel.db.OneTrip) for an `async def` endpoint, with no thread hop.

    SQLite: inline on the event loop. The read is in-process CPU work that holds the GIL anyway,
    and a hop to the thread pool (three for a sync dependency plus a sync endpoint) only adds
    switching: the public lookup went from 487 to 1,254 requests/s on one worker.
    PostgreSQL: on a psycopg async pool in autocommit (one statement is its own snapshot), so
    the loop serves others while the database works, with no BEGIN/ROLLBACK round trips (0.41
    vs 2.0 ms a public record through the engine).
    """
    platform = request.app.state.platform
    if not platform.settings.is_postgres:
        with platform.read_engine.connect() as conn:
            return trip.run(conn, params)
    try:
        async with (await read_pool(request.app)).connection(timeout=READ_POOL_WAIT) as conn:
            return await trip.run_async(conn, platform.engine.dialect, params)
    except PoolTimeout:
        raise HTTPException(503, "the database is not answering; try again shortly",
                            headers={"Retry-After": "5"}) from None


async def read_pool(app: Any) -> AsyncConnectionPool:
    """This process's async PostgreSQL pool for reads, opened on first use in the running loop
    (each uvicorn worker has its own; concurrent first requests await the same opening);
    closed by the app's lifespan."""
    opening = getattr(app.state, "read_pool", None)
    if opening is None:
        opening = app.state.read_pool = asyncio.ensure_future(
            _open_pool(app.state.platform.settings.for_reads()))
    try:
        return await opening
    except Exception:
        app.state.read_pool = None   # the next request tries again (e.g. the database is back)
        raise


async def _open_pool(settings: Any) -> AsyncConnectionPool:
    url = sa.make_url(settings.sqlalchemy_url()).set(drivername="postgresql")
    kwargs: dict[str, Any] = {"autocommit": True}
    if settings.database_schema:
        kwargs["options"] = f"-csearch_path={settings.database_schema}"
    pool = AsyncConnectionPool(url.render_as_string(hide_password=False), min_size=1,
                               max_size=settings.read_pool_size, kwargs=kwargs, open=False)
    await pool.open()
    return pool


async def close_read_pool(app: Any) -> None:
    opening = getattr(app.state, "read_pool", None)
    app.state.read_pool = None
    if opening is not None and opening.done() and not opening.exception():
        await opening.result().close()


PlatformDep = Annotated[Platform, Depends(get_platform)]
UsccPath = Annotated[str, Path(description="统一社会信用代码 Unified social credit code",
                               max_length=40)]
ReadConn = Annotated[sa.Connection, Depends(read_connection)]
PublicConn = Annotated[sa.Connection, Depends(public_connection)]
SettledConn = Annotated[sa.Connection, Depends(settled_connection)]


class PageParams(BaseModel):
    offset: int = 0
    limit: int = 50


def page_params(offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
                limit: Annotated[int, Query(ge=1, le=500)] = 50) -> PageParams:
    return PageParams(offset=offset, limit=limit)


PageDep = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    total: int
    offset: int
    limit: int
    items: list[T]


def page_of(page: PageParams, total: int, items: list[Any]) -> dict[str, Any]:
    """The envelope of every paged list (`Page[X]`)."""
    return {"total": total, "offset": page.offset, "limit": page.limit, "items": items}


class Proved(BaseModel):
    """A public record's tamper-evidence: the log (supervision or credit) and position of the
    last event behind it, and the public URL of its inclusion proof (kernel.eventlog)."""

    log: str | None = None
    log_position: int | None = None
    proof: str | None = None


class Body(BaseModel):
    """Base of every request body: no field may hold a character no store can keep (NUL, a lone
    surrogate); 422 naming the field (kernel.text)."""

    @field_validator("*", mode="before")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        if (bad := first_unstorable(value)) is not None:
            raise ValueError(unstorable_reason(bad))
        return value


# The sibling flag of a deadline counted in working days (`<deadline>_provisional`, set by
# kernel.workdays.provisional): True when the count crossed a year without an official schedule.
PROVISIONAL = Field(False, description="暂按周一至周五计算 provisional: counted over a year with "
                    "no official holiday schedule (Monday–Friday fallback)")


class ErrorPublic(BaseModel):
    detail: str                       # 中文 English, or English alone (Accept-Language: en)
    field: str | None = None
    field_label: str | None = None    # the field's Chinese name beside its API name


ERRORS = {
    401: {"model": ErrorPublic, "description": "Missing or invalid token"},
    403: {"model": ErrorPublic, "description": "Wrong role"},
    404: {"model": ErrorPublic, "description": "Not found"},
    409: {"model": ErrorPublic, "description": "Conflicts with the current state"},
}


def errors(*codes: int) -> dict:
    return {c: ERRORS[c] for c in codes}

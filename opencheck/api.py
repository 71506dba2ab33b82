"""Shared API pieces: dependency aliases, error and page schemas."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Generic, TypeVar

import sqlalchemy as sa
from fastapi import Depends, Query, Request
from pydantic import BaseModel

from opencheck.bootstrap import Platform

T = TypeVar("T")


def get_platform(request: Request) -> Platform:
    return request.app.state.platform


def read_connection(request: Request) -> Iterator[sa.Connection]:
    with request.app.state.platform.engine.connect() as conn:
        yield conn


PlatformDep = Annotated[Platform, Depends(get_platform)]
ReadConn = Annotated[sa.Connection, Depends(read_connection)]


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


class ErrorPublic(BaseModel):
    detail: str
    field: str | None = None


ERRORS = {
    401: {"model": ErrorPublic, "description": "Missing or invalid token"},
    403: {"model": ErrorPublic, "description": "Wrong role"},
    404: {"model": ErrorPublic, "description": "Not found"},
    409: {"model": ErrorPublic, "description": "Conflicts with the current state"},
}


def errors(*codes: int) -> dict:
    return {c: ERRORS[c] for c in codes}

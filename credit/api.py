"""What the credit sub-domains' schemas and routes share: field shapes, list filters, and the
answer of a command (from the read models, never from aggregates)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import HTTPException, Query
from pydantic import Field

from kernel.platform import Platform

# Dates the platform can reason about (the working-day calendar and calendar arithmetic).
Day = Annotated[date, Field(ge=date(1990, 1, 1), le=date(2100, 12, 31))]




def text(default: Any, max_length: int, min_length: int = 0,
         description: str | None = None) -> Any:
    """A string field of bounded length (NUL and the like: refused by kernel.http.api.Body)."""
    return Field(default, min_length=min_length, max_length=max_length,
                 description=description)


USCC_DOC = "统一社会信用代码 Unified social credit code (18 chars)"
UsccQuery = Annotated[str | None, Query(max_length=40)]
DeptQuery = Annotated[str | None, Query(max_length=100)]


def settled(p: Platform, read: Callable[..., Any], key: Any) -> Any:
    """Answer from the read models, which the command's save waited for (CQRS: never from
    aggregates; kernel.http.read_your_writes)."""
    with p.engine.connect() as conn:
        record = read(conn, key)
    if record is None:
        raise HTTPException(503, "recorded; the read model has not caught up yet")
    return record

"""The inspector's notifications: a list with read/unread, and a Server-Sent Events stream.

``GET /api/v1/me/notifications/stream`` (``text/event-stream``) sends each new assignment as

    id: <position>
    event: assignment
    data: {"position": …, "task_id": …, "uscc": …, "entity_name": …, "due_on": …, "message": …}

and each cancelled task of the inspector the same way as ``event: cancellation`` (its message
gives the reason, e.g. the redraw that superseded the task's draw).

The token comes in the ``Authorization: Bearer`` header or, since a browser's ``EventSource``
cannot set headers, as ``?access_token=``. Without a cursor the stream first replays the unread
notifications; ``Last-Event-ID`` (sent by ``EventSource`` when it reconnects) or ``?after=``
resumes after that position. The server polls the notifications table every ``POLL_SECONDS`` and
sends a comment line every ``KEEPALIVE_SECONDS``. Each stream ends after ``max_seconds``
(default 300; ``EventSource`` reconnects by itself after ``retry``), when the client goes away,
or when its task is cancelled, so neither tests nor a server shutdown wait on it. It is left out
of the OpenAPI schema (a fuzzer would wait on it).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Header, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from fastapi.security.utils import get_authorization_scheme_param

from kernel.errors import NotFound
from kernel.http import auth
from kernel.http.api import Page, PageDep, PlatformDep, ReadConn, errors, page_of
from kernel.http.auth import Inspector
from supervision.tasks import views as task_views
from supervision.tasks.routes import inspector_no
from supervision.tasks.schemas import NotificationPublic
from supervision.tasks.tables import notifications

router = APIRouter(tags=["inspector inbox"], responses=errors(401, 403))
POLL_SECONDS = 1.0
KEEPALIVE_SECONDS = 15.0
REPLAY_LIMIT = 200


@router.get("/me/notifications", response_model=Page[NotificationPublic])
def my_notifications(conn: ReadConn, page: PageDep, user: Inspector,
                     unread: bool = False) -> dict:
    """The caller's notifications (new assignments, replacements, cancellations), newest first."""
    total, items = task_views.inspector_notifications(conn, inspector_no(user), unread=unread,
                                                      offset=page.offset, limit=page.limit)
    return page_of(page, total, items)


@router.post("/me/notifications/{position}/read", response_model=NotificationPublic,
             responses=errors(404))
def mark_read(position: Annotated[int, Path(ge=0, le=2**62)], p: PlatformDep,
              user: Inspector) -> dict:
    """Mark one of the caller's notifications read."""
    number = inspector_no(user)
    with p.engine.connect() as conn:
        if task_views.notification(conn, number, position) is None:
            raise NotFound(f"no notification {position}", field="position")
    p.supervision.mark_notification_read(number, position, datetime.now(timezone.utc))
    p.settle()
    with p.engine.connect() as conn:
        return task_views.notification(conn, number, position)


def _stream_user(request: Request, access_token: str | None) -> int:
    scheme, token = get_authorization_scheme_param(request.headers.get("Authorization"))
    token = token if scheme.lower() == "bearer" and token else access_token
    if not token:
        raise HTTPException(401, "not authenticated", headers={"WWW-Authenticate": "Bearer"})
    user = auth.user_from_token(request, token)
    if user.role != "inspector":
        raise HTTPException(403, "this needs the role inspector")
    return inspector_no(user)


def _fetch(engine: sa.Engine, number: int, cursor: int | None) -> tuple[list[dict], int]:
    """New notifications after `cursor` (unread ones if None) and the cursor to go on from."""
    with engine.connect() as conn:
        if cursor is None:
            _, rows = task_views.inspector_notifications(conn, number, unread=True,
                                                         limit=REPLAY_LIMIT)
            top = conn.execute(sa.select(sa.func.max(notifications.c.position))
                               .where(notifications.c.inspector_no == number)).scalar()
            return sorted(rows, key=lambda r: r["position"]), top or 0
        _, rows = task_views.inspector_notifications(conn, number, after=cursor,
                                                     limit=REPLAY_LIMIT)
    return rows, (rows[-1]["position"] if rows else cursor)


def _frame(n: dict) -> str:
    data = {k: n[k] for k in ("position", "task_id", "uscc", "entity_name", "message")}
    data["due_on"] = n["due_on"].isoformat()
    return (f"id: {n['position']}\nevent: {n['kind']}\n"
            f"data: {json.dumps(data, ensure_ascii=False)}\n\n")


async def _events(request: Request, engine: sa.Engine, number: int, cursor: int | None,
                  max_seconds: float) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max_seconds
    beat = loop.time()
    yield "retry: 3000\n\n"
    while True:
        rows, cursor = await run_in_threadpool(_fetch, engine, number, cursor)
        for n in rows:
            yield _frame(n)
        now = loop.time()
        if now >= deadline or await request.is_disconnected():
            return
        if now - beat >= KEEPALIVE_SECONDS:
            beat = now
            yield ": keep-alive\n\n"
        await asyncio.sleep(min(POLL_SECONDS, deadline - now))   # cancellable


@router.get("/me/notifications/stream", include_in_schema=False)
async def notification_stream(
        request: Request,
        access_token: Annotated[str | None, Query(max_length=2000)] = None,
        after: Annotated[int | None, Query(ge=0)] = None,
        last_event_id: Annotated[str | None, Header(max_length=30)] = None,
        max_seconds: Annotated[float, Query(gt=0, le=3600)] = 300) -> StreamingResponse:
    """Server-Sent Events: the caller's new assignments (`event: assignment`) and cancelled
    tasks (`event: cancellation`)."""
    number = await run_in_threadpool(_stream_user, request, access_token)
    cursor = after
    if cursor is None and last_event_id and last_event_id.strip().isdigit():
        cursor = int(last_event_id.strip())
    return StreamingResponse(
        _events(request, request.app.state.platform.engine, number, cursor, max_seconds),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

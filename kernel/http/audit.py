"""审计 Audited reads: the routes named in one map (route template -> category and the path
parameter naming the subject) leave an audit record (kernel.audit) of each successful read by
a signed-in user, written before the answer leaves; if it cannot be written the reader gets 503
instead of the data (no unaudited access).

A middleware rather than a dependency on each route: the contexts' routers stay as they are, the
composition root lists what is audited in one place, and the record is written only once the
route has answered 2xx (a refused or failed read discloses nothing and is not recorded).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from fastapi import HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from kernel import audit, logs
from kernel.http import auth
from kernel.http.observe import route_template

log = logging.getLogger(__name__)
REFUSED = json.dumps({"detail": "审计记录无法写入，本次读取被拒绝 the audit record could not be "
                                "written, so the read is refused; try again shortly",
                      "field": None}, ensure_ascii=False).encode()


@dataclass(frozen=True)
class Audited:
    """What an audited route reads: a category, and the path parameter naming the record (None:
    the query string says what was read, e.g. an export's period)."""

    category: str
    subject: str | None = None


class AuditedReads:
    """Records the GET routes of `routes` ({route template: Audited}) read by a signed-in user."""

    def __init__(self, app: Any, routes: Mapping[str, Audited]) -> None:
        self.app, self.routes = app, dict(routes)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        refused = False

        async def send_audited(message: dict) -> None:
            nonlocal refused
            if refused:
                return   # the route's body: replaced by the 503 already sent
            if message["type"] == "http.response.start" and 200 <= message["status"] < 300:
                audited = self.routes.get(route_template(scope))
                if audited is not None and not await self._recorded(scope, audited):
                    refused = True
                    await send({"type": "http.response.start", "status": 503, "headers": [
                        (b"content-type", b"application/json"), (b"retry-after", b"5"),
                        (b"content-length", str(len(REFUSED)).encode())]})
                    await send({"type": "http.response.body", "body": REFUSED})
                    return
            await send(message)

        await self.app(scope, receive, send_audited)

    async def _recorded(self, scope: dict, audited: Audited) -> bool:
        """False only if the read was by a user and its record could not be written."""
        request = Request(scope)
        token = await auth.oauth2_scheme(request)
        if not token:
            return True   # a public answer: not audited
        subject = (str(scope.get("path_params", {}).get(audited.subject, ""))
                   if audited.subject else unquote(scope.get("query_string", b"").decode()))
        return await run_in_threadpool(self._write, request, token, audited.category, subject,
                                       route_template(scope))

    @staticmethod
    def _write(request: Request, token: str, category: str, subject: str, route: str) -> bool:
        try:
            user = auth.current_user(request, token)
        except HTTPException:
            return True   # answered as to anyone (a public route with a stale token)
        try:
            audit.record(request.app.state.platform.engine, audit.Read(
                user.username, user.role, category, subject, route, logs.request_id.get()))
        except audit.AuditUnavailable:
            return False
        return True

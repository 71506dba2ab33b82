"""Per request: a request id (kernel.logs) returned in `X-Request-ID`, one log line, and the
route template, status and duration handed to an observer (the composition root's metrics).

A pure ASGI middleware, outermost: the id is set before anything else runs, so every log line of
the request carries it, and the duration covers the whole stack.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from starlette.routing import Mount

from kernel import logs

log = logging.getLogger("opencheck.request")
HEADER = b"x-request-id"
UNMATCHED = "<unmatched>"   # any path no route matched: one label, so scanners add no series

Observer = Callable[[str, str, int, float], None]   # method, route template, status, seconds


def route_template(scope: dict[str, Any]) -> str:
    """The template of the route that served the request (`/api/v1/entities/{uscc}`), never
    the raw path: metrics and audit categories stay bounded whatever paths are asked."""
    # FastAPI keeps an included router's route unprefixed; the full template is in its context
    context = scope.get("fastapi", {}).get("effective_route_context")
    template = getattr(context, "path_format", None)
    if template:
        return template
    route = scope.get("route")
    if route is None:
        return UNMATCHED
    template = getattr(route, "path_format", None) or getattr(route, "path", None) or UNMATCHED
    if isinstance(route, Mount):   # the dashboard: its prefix, not the pages under it
        return template.removesuffix("/{path}") + "/{path}"
    return template


class RequestContext:
    """Sets the request id, answers it in `X-Request-ID`, logs and observes each request."""

    def __init__(self, app: Any, observer: Observer | None = None,
                 log_requests: bool = True) -> None:
        self.app, self.observer, self.log_requests = app, observer, log_requests

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next((v for k, v in scope["headers"] if k == HEADER), None)
        rid = logs.accept_or_new(incoming.decode("latin-1") if incoming else None)
        token = logs.request_id.set(rid)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (HEADER, rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = route_template(scope)
            if self.observer is not None:
                self.observer(scope["method"], route, status, seconds)
            if self.log_requests:
                log.info("%s %s %s", scope["method"], scope["path"], status,
                         extra={"method": scope["method"], "route": route, "status": status,
                                "duration_ms": round(seconds * 1000, 2)})
            logs.request_id.reset(token)

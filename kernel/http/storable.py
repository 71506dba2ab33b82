"""A path or query string carrying NUL (kernel.text) is refused before any route runs: 422,
naming where, in Chinese with English alongside. Bodies are checked field by field
(kernel.http.api.Body)."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Receive, Scope, Send

from kernel.text import unstorable_reason


class StorableTextMiddleware:
    """Pure ASGI: 422 for a NUL in the decoded path or a %00 in the query string."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            where = ("path" if "\x00" in scope.get("path", "")
                     else "query" if b"%00" in scope.get("query_string", b"") else None)
            if where is not None:
                body = json.dumps({"detail": [{"loc": [where], "msg": unstorable_reason("\x00"),
                                               "type": "value_error"}]},
                                  ensure_ascii=False).encode()
                await send({"type": "http.response.start", "status": 422,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

"""Logs: one JSON object per line, carrying the id of the request being served (contextvars).

The stdlib's logging with a JSON formatter, not structlog: every module already logs through
`logging.getLogger(__name__)`, and so do uvicorn, SQLAlchemy, APScheduler and eventsourcing; a
formatter on the root handler turns all of them into JSON with no second logging API and no new
dependency. The request id lives in a ContextVar, so a log line written anywhere while a request
is being served (a route, a use case, a thread the request awaits) names it.
"""

from __future__ import annotations

import json
import logging
import os
import re
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# an incoming X-Request-ID is kept when it is this shape (a proxy's or a client's id); else a new one
WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{8,64}")
# attributes every LogRecord has: anything else was passed with `extra=` and goes into the JSON
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def accept_or_new(incoming: str | None) -> str:
    """The incoming request id if well-formed, else a fresh one."""
    if incoming and WELL_FORMED.fullmatch(incoming):
        return incoming
    return os.urandom(16).hex()   # 128 random bits as uuid4 has, at a seventh of its cost


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id,
    whatever `extra=` added, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in out:
                out[key] = value
        if record.exc_info:
            out["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def dict_config(fmt: str = "json", level: str = "INFO") -> dict[str, Any]:
    """A logging.config.dictConfig for the root logger and uvicorn's (uvicorn takes it as
    `log_config`, so its own lines come out in the same format)."""
    formatter = ({"()": f"{__name__}.JsonFormatter"} if fmt == "json"
                 else {"format": TEXT_FORMAT})
    handler = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
               "formatter": "default", "filters": ["request_id"]}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": f"{__name__}.RequestIdFilter"}},
        "formatters": {"default": formatter},
        "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": level},
        "loggers": {name: {"handlers": [], "propagate": True, "level": level}
                    for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
    }


def configure(fmt: str = "json", level: str = "INFO") -> None:
    """Install the format on the root logger (CLI commands, worker, scheduler)."""
    import logging.config

    logging.config.dictConfig(dict_config(fmt, level))
    logging.captureWarnings(True)

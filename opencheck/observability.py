"""Probes and metrics endpoints: `/livez`, `/readyz`, `/metrics`, and the per-request context.

`/livez`: the process answers (no database). `/readyz`: the database answers, its schema is at
the newest migration, and no projection runner is stuck (a row in `projection_failures`, or more
than `Settings.ready_max_lag` events behind its log); otherwise 503 naming what is wrong. These
three are unauthenticated, for the orchestrator and the monitoring network: they name runners,
positions and error kinds, never an error's text (which can quote stored data).
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from kernel import failures
from kernel.db import projection_tracking
from kernel.http.observe import RequestContext
from kernel.settings import Settings
from opencheck import metrics
from opencheck.migrate import alembic_config

router = APIRouter(tags=["system"])


@lru_cache(maxsize=1)
def migration_heads() -> frozenset[str]:
    """The newest revision of each branch of the migration scripts."""
    return frozenset(ScriptDirectory.from_config(alembic_config(Settings())).get_heads())


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=timezone.utc) if moment and moment.tzinfo is None else moment


def stuck(platform: Any, conn: sa.Connection) -> list[dict[str, Any]]:
    """Runners that are stuck: failing (since which position and time), or lagging beyond
    the threshold (at which position, last advanced when)."""
    out = [{"runner": f.runner, "reason": "failing", "projection": f.projection,
            "position": f.position, "since": f.since, "attempts": f.attempts,
            "error": f.error.split(":", 1)[0]} for f in failures.stored(conn)]
    failing, threshold = {s["runner"] for s in out}, platform.settings.ready_max_lag
    ends: dict[str, int] = {}
    for name, runner in platform.runners.items():
        if name in failing:
            continue
        app = runner.app
        if app.name not in ends:
            ends[app.name] = app.recorder.max_notification_id() or 0
        t = projection_tracking.c
        row = conn.execute(sa.select(t.projection, t.position, t.updated_at)
                           .where(t.projection.in_(runner.names))
                           .order_by(t.position).limit(1)).first()
        position = row.position if row else 0
        if ends[app.name] - position > threshold:
            out.append({"runner": name, "reason": "lagging", "projection": row and row.projection,
                        "position": position, "lag": ends[app.name] - position,
                        "threshold": threshold, "since": _aware(row and row.updated_at)})
    return out


def readiness(platform: Any) -> tuple[bool, dict[str, Any]]:
    """(ready, the report /readyz answers)."""
    try:
        with platform.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            current = set(MigrationContext.configure(conn).get_current_heads())
            blocked = stuck(platform, conn)
    except Exception as error:  # noqa: BLE001  (a probe reports, it does not fail)
        return False, {"status": "unavailable",
                       "database": f"unreachable: {type(error).__name__}"}
    heads = migration_heads()
    report: dict[str, Any] = {"status": "ready", "database": "ok",
                              "migrations": "head" if current == heads else {
                                  "current": sorted(current), "head": sorted(heads)},
                              "stuck": blocked}
    if current != heads or blocked:
        report["status"] = "unavailable"
    return report["status"] == "ready", report


@router.get("/livez", include_in_schema=False)
def livez() -> dict:
    """The process is alive (no database involved)."""
    return {"status": "alive"}


@router.get("/readyz", include_in_schema=False)
def readyz(request: Request) -> JSONResponse:
    """Ready to serve: database reachable, schema at head, no projection stuck; else 503."""
    ready, report = readiness(request.app.state.platform)
    return JSONResponse(jsonable_encoder(report), status_code=200 if ready else 503)


@router.get("/metrics", include_in_schema=False)
def metrics_endpoint(request: Request) -> Response:
    """Prometheus exposition (text format 0.0.4)."""
    return Response(metrics.exposition(request.app.state.platform),
                    media_type=metrics.CONTENT_TYPE)


def install(app: FastAPI, settings: Settings) -> None:
    """The probe routes, and the request context (id, log line, metrics) outermost."""
    app.include_router(router)
    app.add_middleware(RequestContext, observer=metrics.observe_request,
                       log_requests=settings.log_requests)

"""A projection runner's failure, remembered where `/api/v1/health` (any process) can read it.

A handler that raises rolls its whole batch back, so the runner stands still at its position
and retries; other runners go on. The runner that failed records which projection, which
event, what error and since when in `projection_failures` (its own small transaction), and its
next good batch deletes the row in the batch's transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from kernel.db import projection_failures
from kernel.text import storable

log = logging.getLogger(__name__)
MAX_ERROR = 2000


class ProjectionFailed(Exception):
    """A batch of `runner` rolled back: `projection` could not apply the event at `position`."""

    def __init__(self, runner: str, application: str, projection: str | None,
                 position: int | None, error: BaseException) -> None:
        self.runner, self.application, self.projection = runner, application, projection
        self.position = position
        # the error can quote the data that failed (a NUL): stored escaped, or not at all
        self.error = storable(f"{type(error).__name__}: {error}")[:MAX_ERROR]
        where = f"{projection} at position {position}" if projection else f"position {position}"
        super().__init__(f"runner {runner}: {where}: {self.error}")


@dataclass(frozen=True)
class Failure:
    runner: str
    application: str
    projection: str | None
    position: int | None
    error: str
    since: datetime
    last_attempt_at: datetime
    attempts: int


def record(engine: sa.Engine, failed: ProjectionFailed) -> None:
    """Remember the failure (the first `since` stays while the runner keeps failing)."""
    f, now = projection_failures.c, datetime.now(timezone.utc)
    values = {"application": failed.application, "projection": failed.projection,
              "position": failed.position, "error": failed.error, "last_attempt_at": now}
    try:
        with engine.begin() as conn:
            done = conn.execute(projection_failures.update().where(f.runner == failed.runner)
                                .values(**values, attempts=f.attempts + 1)).rowcount
            if not done:
                conn.execute(projection_failures.insert().values(
                    runner=failed.runner, since=now, attempts=1, **values))
    except sa.exc.SQLAlchemyError:   # the database itself is failing: the log still says it
        log.warning("could not record the failure of runner %s", failed.runner, exc_info=True)


def clear(conn: sa.Connection, runner: str) -> None:
    conn.execute(projection_failures.delete().where(projection_failures.c.runner == runner))


def stored(conn: sa.Connection) -> list[Failure]:
    """Every runner failing now, oldest failure first."""
    rows = conn.execute(sa.select(projection_failures)
                        .order_by(projection_failures.c.since, projection_failures.c.runner))
    return [Failure(**_aware(r._mapping)) for r in rows]


def _aware(row: Any) -> dict[str, Any]:
    """SQLite hands back naive datetimes of what was stored as UTC."""
    out = dict(row)
    for key in ("since", "last_attempt_at"):
        if out[key] is not None and out[key].tzinfo is None:
            out[key] = out[key].replace(tzinfo=timezone.utc)
    return out

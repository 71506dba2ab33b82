"""审计 The trail of non-public reads: who read which record, when, through which route.

Append-only: rows are inserted, never changed; the table's triggers (migration 0010) refuse any
UPDATE, and a DELETE of a row younger than `FLOOR_DAYS`, on SQLite and PostgreSQL alike. The one
deletion is `prune`, the retention job, which removes rows older than the configured retention
(`Settings.audit_retention_days`, never under the floor).
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from kernel.db import audit_reads

log = logging.getLogger(__name__)
# 网络安全法 Art 21(3): network logs kept no less than six months (183 days covers any six).
FLOOR_DAYS = 183
COLUMNS = ("at", "username", "role", "category", "subject", "route", "request_id")
EXPORT_BATCH = 5000


class AuditUnavailable(Exception):
    """The audit record could not be written: the read it would record is refused (503)."""


@dataclass(frozen=True)
class Read:
    """One audited read."""

    username: str
    role: str
    category: str
    subject: str
    route: str
    request_id: str | None = None


def record(engine: sa.Engine, read: Read, at: datetime | None = None) -> None:
    """Append one record in its own transaction; AuditUnavailable if it cannot be stored."""
    values = {**vars(read), "at": at or datetime.now(timezone.utc)}
    values["subject"] = values["subject"][:200]
    try:
        with engine.begin() as conn:
            conn.execute(audit_reads.insert().values(**values))
    except sa.exc.SQLAlchemyError as error:
        log.error("audit record not written (%s %s); the read is refused",
                  read.category, read.subject, exc_info=True)
        raise AuditUnavailable(str(error)) from error


def rows(conn: sa.Connection, since: datetime | None = None,
         until: datetime | None = None) -> Iterator[dict]:
    """Records with since <= at < until, oldest first, read in batches."""
    a, last_id = audit_reads.c, 0
    while True:
        stmt = (sa.select(a.id, *[a[c] for c in COLUMNS]).where(a.id > last_id)
                .order_by(a.id).limit(EXPORT_BATCH))
        if since is not None:
            stmt = stmt.where(a.at >= since)
        if until is not None:
            stmt = stmt.where(a.at < until)
        batch = conn.execute(stmt).all()
        for r in batch:
            out = dict(r._mapping)
            if out["at"].tzinfo is None:   # SQLite hands back naive UTC
                out["at"] = out["at"].replace(tzinfo=timezone.utc)
            yield out
        if len(batch) < EXPORT_BATCH:
            return
        last_id = batch[-1].id


def csv_lines(records: Iterable[dict]) -> Iterator[str]:
    """CSV text (header first), one chunk per record, times in ISO 8601 UTC."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("id", *COLUMNS))
    for r in records:
        writer.writerow((r["id"], r["at"].isoformat(), *[r[c] or "" for c in COLUMNS[1:]]))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def prune(engine: sa.Engine, now: datetime, retention_days: int) -> int:
    """Delete the records older than the retention as of `now`, never one younger than the
    floor as of the real clock (which the table's trigger enforces anyway)."""
    cutoff = min(now - timedelta(days=retention_days),
                 datetime.now(timezone.utc) - timedelta(days=FLOOR_DAYS))
    with engine.begin() as conn:
        return conn.execute(audit_reads.delete().where(audit_reads.c.at < cutoff)).rowcount

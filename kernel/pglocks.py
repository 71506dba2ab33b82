"""Cross-process locks: PostgreSQL advisory locks, a `flock` beside the SQLite file.

Keys are 64-bit hashes of a name and the schema, so two installations (or two test schemas) in
one database never contend. Session locks live as long as their connection; transaction locks
(`pg_try_advisory_xact_lock`) end with the transaction that took them, commit or rollback.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from kernel.settings import Settings

SETUP = "setup"   # the event store's tables and the alembic upgrade, at start


def lock_key(schema: str | None, name: str) -> int:
    """A signed 64-bit advisory-lock key for `name` in this installation's schema."""
    digest = hashlib.blake2b(f"opencheck:{schema or 'public'}:{name}".encode(),
                             digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def connect(settings: Settings, **kwargs) -> psycopg.Connection:
    """A connection of its own (not from a pool), autocommit, in the installation's schema."""
    options = {"options": f"-csearch_path={settings.database_schema}"} if settings.database_schema else {}
    return psycopg.connect(settings.libpq_url(), autocommit=True, **options, **kwargs)


@contextmanager
def exclusive(settings: Settings, name: str = SETUP) -> Iterator[None]:
    """Hold `name` exclusively across processes, waiting for it: simultaneous starts ran
    eventsourcing's CREATE TYPE / CREATE OR REPLACE FUNCTION and alembic at once and crashed
    ("tuple concurrently updated", 3 of 19 starts). Re-entrant within a process is not needed:
    callers take it once around setup."""
    if not settings.is_postgres:
        path = settings.sqlite_path.with_name(f"{settings.sqlite_path.name}.{name}.lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
        return
    with connect(settings) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (lock_key(settings.database_schema, name),))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (lock_key(settings.database_schema, name),))

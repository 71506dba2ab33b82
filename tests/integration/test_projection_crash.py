"""Kill the projection worker (SIGKILL) mid catch-up; after a restart the read model equals a rebuild."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from kernel.db import projection_tracking
from supervision.directory.tables import entities
from tests.factories import entity

EVENTS = 12_000


def _worker(settings, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    env = dict(os.environ, **(env or {}), OPENCHECK_DATABASE_URL=settings.database_url,
               OPENCHECK_SECRET_KEY=settings.secret_key or "",
               OPENCHECK_PROJECTION_BATCH_SIZE="100", OPENCHECK_PROJECTION_MAX_BATCH_SIZE="100",
               OPENCHECK_PROJECTION_POLL_SECONDS="0.05")
    if settings.database_schema:
        env["OPENCHECK_DATABASE_SCHEMA"] = settings.database_schema
    return subprocess.Popen([sys.executable, "-m", "opencheck.cli", "worker", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _position(platform) -> int:
    with platform.engine.connect() as conn:
        return conn.execute(sa.select(projection_tracking.c.position).where(
            projection_tracking.c.projection == "entity_directory")).scalar() or 0


def _dump(platform) -> list[tuple]:
    with platform.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(entities).order_by(entities.c.entity_no))]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_sigkill_during_catch_up_loses_and_duplicates_nothing(platform):
    # record 12,000 registration events without projecting them
    for start in range(0, EVENTS, 500):
        platform.supervision.register_entities([entity(i) for i in range(start, start + 500)])
    # start a real worker process and kill it while it is catching up
    proc = _worker(platform.settings)
    deadline = time.monotonic() + 120
    while _position(platform) < 2_000:
        assert proc.poll() is None, proc.stdout.read().decode()
        assert time.monotonic() < deadline, "worker made no progress"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at = _position(platform)
    assert 0 < killed_at < platform.supervision.recorder.max_notification_id()
    # restart it: it resumes from the committed position
    restarted = _worker(platform.settings, "--once")
    assert restarted.wait(timeout=300) == 0, restarted.stdout.read().decode()
    resumed = _dump(platform)
    assert len(resumed) == EVENTS
    # a clean rebuild from zero gives exactly the same rows
    platform.runners["supervision"].rebuild()
    assert _dump(platform) == resumed

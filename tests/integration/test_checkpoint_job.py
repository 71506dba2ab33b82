"""The timed half of "a checkpoint every N events or M minutes": the scheduler's log-checkpoints
job signs a checkpoint covering every event recorded since the last one, once M minutes have
passed; before that, and with nothing new, it signs nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from kernel.checkpoints import Signer
from kernel.eventlog import log_checkpoints, log_leaves
from opencheck.scheduler import JOBS, run_jobs
from tests.factories import entity

JOB = "log-checkpoints"


@pytest.fixture
def settings(tmp_path):
    from tests.conftest import make_settings

    (tmp_path / "log.key").write_bytes(Signer.generate("ed25519"))
    return make_settings("sqlite", tmp_path, checkpoint_every_events=1000,
                         checkpoint_every_minutes=10,
                         checkpoint_key_file=str(tmp_path / "log.key"))


def _latest(platform) -> tuple[int, int]:
    """(signed tree size, leaves in the tree) of the supervision log."""
    with platform.engine.connect() as conn:
        size = conn.execute(sa.select(sa.func.max(log_checkpoints.c.tree_size))
                            .where(log_checkpoints.c.log == "supervision")).scalar_one()
        leaves = conn.execute(sa.select(sa.func.count()).select_from(log_leaves)
                              .where(log_leaves.c.log == "supervision")).scalar_one()
    return size or 0, leaves


def test_the_job_signs_what_was_recorded_since_the_last_checkpoint(platform):
    assert JOB in {j.id for j in JOBS}
    now = platform.clock()
    platform.supervision.register_entities([entity(i) for i in range(3)])
    assert platform.settle_all()
    first, leaves = _latest(platform)
    assert first == leaves >= 1            # the tree's first checkpoint, by its runner
    platform.supervision.register_entities([entity(i) for i in range(3, 8)])
    assert platform.settle_all()
    assert _latest(platform)[0] == first   # 5 events < 1000 and not 10 minutes yet
    day = now.date()
    assert "none due" in run_jobs(platform, day, {JOB})[JOB]
    platform.clock = lambda: now + timedelta(minutes=11)
    assert "supervision" in run_jobs(platform, day, {JOB})[JOB]
    size, leaves = _latest(platform)
    assert size == leaves > first          # every event recorded since the last checkpoint
    assert "none due" in run_jobs(platform, day, {JOB})[JOB]   # nothing new: nothing signed

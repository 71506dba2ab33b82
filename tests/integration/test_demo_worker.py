"""A city-size demo is projected by a worker process beside the load (opencheck.demo.worker):
the worker applies batches while the load records, the load still waits for read models where
it reads them, and what the two processes built equals a rebuild from the logs, on SQLite and
PostgreSQL."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from rich.progress import Progress

from opencheck import demo
from opencheck.demo import worker
from tests.integration.test_cli import _cli
from tests.integration.test_rebuild_every_read_table import snapshot

pytestmark = pytest.mark.multiprocess


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_read_models_built_beside_the_load_equal_a_rebuild(platform, monkeypatch):
    seen = []

    @contextmanager
    def watched(*args, **kwargs):   # the worker the load ran with, to read after it
        with worker.projecting_beside(*args, **kwargs) as beside:
            seen.append(beside)
            yield beside

    monkeypatch.setattr(demo, "projecting_beside", watched)
    with Progress(disable=True) as bar:
        assert demo.load(platform, 1_500, bar, beside=True)
    # the worker ran, applied batches of its own and stopped when asked
    assert seen[0].running and seen[0].events > 0 and seen[0].exitcode == 0
    assert platform.min_settle_seconds == 0.0   # the load's settles are bounded again
    assert all(r.lag() == 0 for r in platform.runners.values())
    incremental = snapshot(platform)
    r = _cli(platform.settings, "rebuild")
    assert r.returncode == 0, r.stdout + r.stderr
    rebuilt = snapshot(platform)
    for name in incremental:
        assert rebuilt[name] == incremental[name], name

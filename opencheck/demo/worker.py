"""A projection worker beside a bulk load: the read models are written by a second process
while the load records its events, as production runs them (`opencheck worker` beside the API).

The load's process records events (the event stores) while the worker writes read models (the
read-model store: another SQLite file, or other tables on PostgreSQL), so on two cores the two
overlap instead of alternating. Nothing else changes: wherever the load settles (before a
draw, a job, a read) it still waits until the read models show everything recorded, running
batches itself when the worker is not (a runner's lock lets one process apply a batch, the
positions make every event applied once); reactions (runners with no tables, which record
events) stay in the load's process, at the settle points where a load without a worker runs
them. On SQLite the read models have one writer at a time: the worker and the load's own
catch-ups take turns; what overlaps is the load's work and event writes with the worker's.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from kernel.settings import Settings
from opencheck.bootstrap import Platform

log = logging.getLogger(__name__)
IDLE_SECONDS = 0.05
STOP_SECONDS = 120


def read_model_runners(platform: Platform) -> list[str]:
    """The runners that only write read models (every runner with tables); not the reactions."""
    return [name for name, r in platform.runners.items() if any(p.tables for p in r.projections)]


@dataclass
class Beside:
    """What a worker beside a load did: `running` (False: no worker was started), and once the
    block is over, the events it `projected` and its `exitcode` (0: stopped when asked)."""

    running: bool
    projected: Any = None   # a shared counter (multiprocessing.Value) while it runs
    exitcode: int | None = None

    @property
    def events(self) -> int:
        return int(self.projected.value) if self.projected is not None else 0


@contextmanager
def projecting_beside(platform: Platform, enabled: bool = True) -> Iterator[Beside]:
    """Run the read-model runners in a worker process for the block (on a machine with one
    core, or not `enabled`: nothing). The block's settles wait for the read models however
    long they take (Platform.min_settle_seconds)."""
    if not enabled or (os.cpu_count() or 1) < 2:
        yield Beside(False)
        return
    ctx = multiprocessing.get_context("spawn")   # a fresh interpreter: no inherited connections
    stop, beside = ctx.Event(), Beside(True, ctx.Value("q", 0))
    worker = ctx.Process(target=_project, name="opencheck-demo-projections", daemon=True,
                         args=(platform.settings, read_model_runners(platform), stop,
                               beside.projected))
    worker.start()
    floor, platform.min_settle_seconds = platform.min_settle_seconds, 24 * 3600.0
    try:
        yield beside
    finally:
        stop.set()
        worker.join(STOP_SECONDS)
        if worker.is_alive():   # a batch rolls back: its events are projected by the next one
            worker.kill()
            worker.join()
        beside.exitcode = worker.exitcode
        platform.min_settle_seconds = floor


def _project(settings: Settings, names: list[str], stop: Any, projected: Any) -> None:
    """The worker: batches of the named runners until `stop` is set, counting the events."""
    from kernel.daemon import ProjectionDaemon
    from opencheck.bootstrap import bootstrap

    platform = bootstrap(settings)   # far behind, its batches grow to projection_max_batch_size
    try:
        runners = [platform.runners[n] for n in names]
        daemon = ProjectionDaemon(runners, settings.projection_poll_seconds, platform.listener)
        for runner in runners:   # each batch applied here is counted
            runner.run_batch = _counted(runner.run_batch, projected)
        while not stop.is_set():
            try:
                busy = daemon.run_once()
            except Exception:  # noqa: BLE001  (the load runs any batch left itself)
                log.exception("demo projection worker: batch failed")
                busy = False
            if not busy:
                stop.wait(IDLE_SECONDS)
    finally:
        platform.close()


def _counted(run_batch: Any, projected: Any) -> Any:
    def counted(*args: Any, **kwargs: Any) -> int:
        n = run_batch(*args, **kwargs)
        with projected.get_lock():
            projected.value += n
        return n
    return counted

"""The projection daemon: keeps runners caught up from a background thread (`serve` or `worker`)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence

from kernel.failures import ProjectionFailed
from kernel.progress import ProgressListener
from kernel.projections import ConcurrentProjection, ProjectionRunner, RunnerBusy

log = logging.getLogger(__name__)


class ProjectionDaemon:
    """Keeps runners caught up from a background thread (`serve` in-process, or `worker`).

    Each runner on its own: one whose batch fails is retried after a growing pause (up to
    `MAX_BACKOFF` seconds) while the others go on; the failure is in `projection_failures`
    (and `/api/v1/health`) until a batch of that runner goes through again. A runner another
    process is applying (RunnerBusy) is left to it. With a listener (PostgreSQL) an idle daemon
    wakes on the event store's NOTIFY of a save; `poll_seconds` is then only the fallback.
    """

    MAX_BACKOFF = 60.0

    def __init__(self, runners: Sequence[ProjectionRunner], poll_seconds: float = 0.2,
                 listener: ProgressListener | None = None) -> None:
        self.runners, self.poll_seconds, self.listener = list(runners), poll_seconds, listener
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._retry_at: dict[str, tuple[float, int]] = {}   # runner -> (monotonic time, fails)

    def run_once(self) -> bool:
        """One batch of every runner not pausing after a failure; True if any had work."""
        busy = False
        ends: dict[str, int] = {}   # each log's end, read once a round
        for runner in self.runners:
            retry_at, fails = self._retry_at.get(runner.name, (0.0, 0))
            if time.monotonic() < retry_at:
                continue
            if runner.app.name not in ends:
                ends[runner.app.name] = runner.app.recorder.max_notification_id() or 0
            if runner.idle_at(ends[runner.app.name]):
                continue   # no transaction for a runner with nothing to do
            try:
                busy |= runner.run_batch() > 0
                self._retry_at.pop(runner.name, None)
            except RunnerBusy:   # another process holds this runner's lock: its batch
                pass
            except ConcurrentProjection:
                busy = True
            except ProjectionFailed as failed:   # rolled back; the others go on
                if not fails:
                    log.error("projection runner stopped: %s", failed, exc_info=failed)
                pause = min(self.MAX_BACKOFF, self.poll_seconds * 2 ** min(fails + 1, 20))
                self._retry_at[runner.name] = (time.monotonic() + pause, fails + 1)
        return busy

    def run_forever(self) -> None:
        while not self._stop.is_set():
            if self.listener is not None:
                self.listener.new_events.clear()   # a save from now on wakes the next wait
            try:
                busy = self.run_once()
            except Exception:  # noqa: BLE001  (keep serving whatever happens)
                log.exception("projection daemon iteration failed")
                busy = False
            if not busy:
                self._idle()

    def _idle(self) -> None:
        if self.listener is None or not self.listener.connected.is_set():
            self._stop.wait(self.poll_seconds)
        else:
            self.listener.new_events.wait(self.poll_seconds)

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name="projections", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self.listener is not None:
            self.listener.new_events.set()
        if self._thread:
            self._thread.join(timeout=10)

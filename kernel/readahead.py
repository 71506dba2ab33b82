"""Read-ahead for a runner far behind its log: the next batch's notifications are read and
decoded in a thread while this batch's rows are written.

A catch-up alternates between Python (reading rows, decoding events, the handlers) and waiting
for the database (the batch's inserts and COPY, the commit): on PostgreSQL the runner waited on
the server half of the time, while the server had nothing to do during the Python half. The
thread reads the next batch on a connection of the log's own pool and decodes it while the
runner's thread waits on its writes (psycopg releases the interpreter lock while it waits).
Measured on 2 shared cores, where the server and the runner already keep both busy: a median
1.03x (docs/BENCHMARKS.md, fifth pass); the overlap is for a database on a host of its own.

Nothing here decides what is applied: the runner takes a read-ahead only if it starts where the
runner's positions, read in its own transaction, say the next batch starts (else it is dropped),
and everything it reads was committed before the previous batch's head was read (the log only
grows below the head). A failed read-ahead is dropped and the batch reads the log itself.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from kernel import decoding

log = logging.getLogger(__name__)


@dataclass
class Batch:
    """What a runner reads for one batch: notifications after `start` up to `head` (at most
    `limit`), those it keeps, and their events."""

    start: int
    limit: int
    head: int
    notifications: list[Any] = field(default_factory=list)
    kept: list[Any] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)


class ReadAhead:
    """At most one batch being read ahead for one runner (kernel.projections)."""

    def __init__(self, runner: Any) -> None:
        self.runner = runner
        self._batch: Batch | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start(self, start: int, limit: int, head: int) -> None:
        """Begin reading the batch after `start` (at most `limit`, up to `head`)."""
        self.drop()
        batch = self._batch = Batch(start, limit, head)
        self._thread = threading.Thread(target=self._read, args=(batch,), daemon=True,
                                        name=f"read-ahead:{self.runner.name}")
        self._thread.start()

    def take(self, start: int) -> Batch | None:
        """The batch read ahead if it starts at `start` (waiting for it to be read), else None."""
        batch, thread = self._batch, self._thread
        if batch is None or thread is None:
            return None
        if batch.start != start:
            self.drop()
            return None
        thread.join()
        self._batch = self._thread = None
        if self._error is not None:   # read again by the runner, which reports what fails
            log.debug("read-ahead of %s failed: %r", self.runner.name, self._error)
            self._error = None
            return None
        return batch

    def drop(self) -> None:
        """Forget any batch being read (its thread ends on its own)."""
        self._batch = self._thread = None
        self._error = None

    def _read(self, batch: Batch) -> None:
        try:
            runner = self.runner
            batch.notifications = runner._select(batch.start, batch.limit, batch.head)
            batch.kept = runner._keep(batch.notifications)
            decode = decoding.decoder(runner.app.mapper)
            batch.events = [decode(n) for n in batch.kept]
        except BaseException as error:  # noqa: BLE001  (handed to the runner's thread)
            if self._batch is batch:
                self._error = error

"""Projection progress across processes: PostgreSQL LISTEN/NOTIFY instead of a poll.

A runner that commits a batch NOTIFYs `opencheck_projected` with its position (in the batch's
transaction, so the message leaves only on commit). Each process keeps one listening connection:
a command waiting for its projection (read-your-writes) wakes as soon as the worker's batch
commits instead of on the next 0.2 s poll, and the worker wakes on the event store's own NOTIFY
(eventsourcing sends one on its application's channel with every save) instead of polling.
Notifications are hints: a waiter still reads the committed position before it returns, and
re-reads it at least every `RECHECK_SECONDS` in case the listening connection was lost.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable

import psycopg
import sqlalchemy as sa
from psycopg import sql

from kernel import pglocks
from kernel.settings import Settings

log = logging.getLogger(__name__)
CHANNEL = "opencheck_projected"
RECHECK_SECONDS = 1.0


def notify_projected(conn: sa.Connection, settings: Settings, runner: str, position: int) -> None:
    """In a runner's batch transaction: tell listeners `runner` reached `position` on commit."""
    conn.execute(sa.text("SELECT pg_notify(:c, :p)"),
                 {"c": CHANNEL, "p": f"{settings.database_schema or ''}|{runner}|{position}"})


class ProgressListener:
    """This process's one LISTEN connection: runners' positions and new-event wake-ups."""

    def __init__(self, settings: Settings, event_channels: Iterable[str] = ()) -> None:
        self.settings = settings
        self.channels = [CHANNEL, *event_channels]
        self.schema = settings.database_schema or ""
        self.reached: dict[str, int] = {}
        self.changed = threading.Condition()
        self.new_events = threading.Event()   # set on any save NOTIFY; the daemon clears it
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: psycopg.Connection | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="progress-listener", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._wake()

    def _wake(self) -> None:
        self.new_events.set()
        with self.changed:
            self.changed.notify_all()

    def _run(self) -> None:
        pause = 0.1
        while not self._stop.is_set():
            try:
                with pglocks.connect(self.settings, connect_timeout=5) as conn:
                    for channel in self.channels:
                        conn.execute(sql.SQL("LISTEN {}").format(
                            sql.Identifier(channel)))
                    self.connected.set()
                    self._wake()   # whatever was sent while not listening: waiters re-read
                    pause = 0.1
                    while not self._stop.is_set():
                        for n in conn.notifies(timeout=0.5):
                            self._handle(n.channel, n.payload)
            except psycopg.Error as error:
                log.warning("progress listener lost its connection (%s); retrying", error)
            self.connected.clear()
            self._wake()
            self._stop.wait(pause)
            pause = min(pause * 2, 5.0)

    def _handle(self, channel: str, payload: str) -> None:
        if channel != CHANNEL:
            self.new_events.set()
            return
        schema, _, rest = payload.partition("|")
        runner, _, position = rest.rpartition("|")
        if schema != self.schema or not position.isdigit():
            return
        with self.changed:
            if int(position) > self.reached.get(runner, 0):
                self.reached[runner] = int(position)
            self.changed.notify_all()

    def wait(self, runner: str, position: int, timeout: float) -> bool:
        """Block until `runner` is reported at `position` or beyond (True), or until it moved at
        all, something else may have changed or `timeout` passed (False: the caller re-reads
        the position, and may run the next batch itself)."""
        deadline = time.monotonic() + min(timeout, RECHECK_SECONDS)
        with self.changed:
            before = self.reached.get(runner, 0)
            while self.reached.get(runner, 0) < position:
                if self.reached.get(runner, 0) != before:
                    return False
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self.connected.is_set():
                    return False
                self.changed.wait(remaining)
            return True

"""Catch-up projection runner: read-model change and tracking position commit in ONE transaction.

The runner polls the application's notification log (SQLite has no subscribe(); polling works on
both backends), decodes a batch of events, lets each projection write its read-model rows through a
`Unit`, and advances each projection's position in `projection_tracking` inside the same
transaction. A crash anywhere rolls back both, so no event is lost or applied twice.

Several processes may run the same runner (API workers with projections in process, a worker,
`run-jobs`): each batch first takes the runner's lock inside its transaction, so one process at a
time applies it and the others skip (RunnerBusy) and wait for its position. PostgreSQL:
`pg_try_advisory_xact_lock`, released by the commit; SQLite: the write lock, taken before the
positions are read. The position update stays conditional on the position read, as a last guard.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from eventsourcing.application import Application
from eventsourcing.utils import get_topic

from kernel import failures, notifications, pglocks, progress
from kernel.batch import BatchSteps
from kernel.db import SQLITE_BATCH_CACHE, projection_tracking
from kernel.failures import ProjectionFailed
from kernel.projection import Handler, Projection, handles  # noqa: F401  (re-exported)
from kernel.readahead import ReadAhead
from kernel.settings import Settings
from kernel.units import Unit, _raw_form  # noqa: F401  (re-exported)

log = logging.getLogger(__name__)


class ConcurrentProjection(Exception):
    """Another runner advanced the same projection first; this batch was rolled back."""


class RunnerBusy(ConcurrentProjection):
    """Another process is applying this runner's batch right now; this one did nothing."""


_MOVE = (projection_tracking.update().where(
    projection_tracking.c.projection.in_(sa.bindparam("names", expanding=True)),
    projection_tracking.c.position == sa.bindparam("old"))
    .values(position=sa.bindparam("last"), updated_at=sa.bindparam("now")))


class ProjectionRunner(BatchSteps):
    """Follows one application's notification log for a set of projections (one reader: a
    projection that fails stops its own runner's batches, and no other runner's)."""

    def __init__(self, engine: sa.Engine, app: Application, projections: Sequence[Projection],
                 batch_size: int = 500, name: str | None = None,
                 settings: Settings | None = None, max_batch_size: int | None = None) -> None:
        self.engine, self.app, self.projections = engine, app, list(projections)
        self.name = name or app.name
        self.settings = settings
        # PostgreSQL: the process's listener (kernel.progress); waits poll without one
        self.listener: progress.ProgressListener | None = None
        self.wait_poll_seconds = settings.projection_wait_poll_seconds if settings else 0.02
        # a batch is `batch_size` events near the head of the log, up to `max_batch_size` when
        # far behind: one commit per 500 events is most of a catch-up's time on a long backlog
        self.batch_size = batch_size
        self.max_batch_size = max(batch_size, max_batch_size if max_batch_size is not None else
                                  (settings.projection_max_batch_size if settings else 50_000))
        # only the events some projection handles are read (filtered in the store's SELECT)
        self.topics = sorted({get_topic(t) for p in self.projections for t in p._handlers})
        self._at_head = self._moved = False
        self.lock = threading.RLock()
        self._ensured = False
        # this process's view of the last failure (None: the last batch went through); the
        # row in `projection_failures` is what other processes see
        self.failure: ProjectionFailed | None = None
        # the slowest projection's position as this process last saw it committed: positions
        # only grow (a rebuild here resets it), so a wait for an older position needs no query
        self._reached = 0
        self._batch_end = 0
        self._clear_stored = True   # a failure another process recorded may still be stored
        # kernel.segments: the runners of this runner's segmentable projections, one per
        # segment of originators (empty: no segments); `stop` bounds a segment's catch-up
        self.parts: list[ProjectionRunner] = []
        self.stop: int | None = None
        self.bulk = False   # a rebuild's new generation: COPY whatever the batch's size
        # PostgreSQL: the next batch read and decoded while this one is written (kernel.
        # readahead); SQLite would only share one interpreter between the two (measured: no gain)
        self.read_ahead = ReadAhead(self) if engine.dialect.name == "postgresql" else None

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.projections]

    def _ensure_tracking(self, conn: sa.Connection) -> None:
        if self._ensured:
            return
        have = set(conn.scalars(sa.select(projection_tracking.c.projection)
                                .where(projection_tracking.c.projection.in_(self.names))))
        for name in self.names:
            if name not in have:
                conn.execute(projection_tracking.insert().values(
                    projection=name, application=self.app.name, position=0))
        self._ensured = True

    def positions(self, conn: sa.Connection | None = None) -> dict[str, int]:
        if conn is None:
            with self.engine.connect() as c:
                return self.positions(c)
        rows = conn.execute(sa.select(projection_tracking.c.projection, projection_tracking.c.position)
                            .where(projection_tracking.c.projection.in_(self.names)))
        found = dict(rows.all())
        return {name: found.get(name, 0) for name in self.names}

    def idle_at(self, end: int) -> bool:
        """Whether this process knows the runner has reached `end` with nothing to clear."""
        return self._reached >= end and not self._clear_stored and self.failure is None

    def position(self) -> int:
        """How far every projection of this runner has got (the slowest one)."""
        self._reached = min(self.positions().values(), default=0)
        return self._reached

    def run_batch(self, wait: bool = False) -> int:
        """Apply the next batch of events; return how many notifications were processed. A
        failing projection rolls the batch back and raises ProjectionFailed (also recorded).
        If another process is applying this runner: RunnerBusy, or with `wait` wait for it."""
        with self.lock:
            self._moved = False
            # a batch makes and drops up to millions of objects, none of them in cycles: the
            # collector's passes over them are 10 % of a catch-up (restored after the batch)
            collecting = gc.isenabled()
            gc.disable()
            try:
                done = self._run_batch(wait)
            except ConcurrentProjection:
                self._ensured = False
                raise
            except ProjectionFailed as failed:
                self._failed(failed)
                raise
            except Exception as error:   # reading or decoding the log, the tracking update
                failed = ProjectionFailed(self.name, self.app.name, None, None, error)
                self._failed(failed)
                raise failed from error
            finally:
                if collecting:
                    gc.enable()
            if done or self._moved:
                self.failure = None
                self._reached = max(self._reached, self._batch_end)   # committed
            return done

    def _failed(self, failed: ProjectionFailed) -> None:
        # tracking rows inserted by the rolled-back batch are gone too
        self.failure, self._clear_stored, self._ensured = failed, True, False
        failures.record(self.engine, failed)

    def _claim(self, conn: sa.Connection, wait: bool = False, always: bool = False) -> None:
        """Take this runner's lock for the transaction, or raise RunnerBusy."""
        if conn.dialect.name == "postgresql":
            schema = self.settings.database_schema if self.settings else None
            key = pglocks.lock_key(schema, f"runner:{self.name}")
            fn = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
            got = conn.execute(sa.text(f"SELECT {fn}(:k)::text"), {"k": key}).scalar()
            if got == "false":
                raise RunnerBusy(f"runner {self.name} is being applied by another process")
        elif always or any(p.tables for p in self.projections):
            # the write lock (busy timeout 30 s), before anything is read: WHERE 0 writes
            # nothing. Not for a runner of reactions only (no tables): its handlers save through
            # other connections and wait for other runners, which this lock would shut out;
            # reactions are idempotent and the conditional position update still guards it.
            conn.execute(projection_tracking.update().where(sa.false())
                         .values(position=projection_tracking.c.position))
            conn.exec_driver_sql(SQLITE_BATCH_CACHE)

    def _run_batch(self, wait: bool) -> int:
        if not self._ensured:   # committed first: a reaction's handler writes on other
            with self.engine.begin() as conn:   # connections, which SQLite would lock out
                self._claim(conn, wait=True, always=True)   # two processes insert no row twice
                self._ensure_tracking(conn)
        with self.engine.begin() as conn:
            self._claim(conn, wait)
            self._ensure_tracking(conn)
            batch = self._read(self.positions(conn))
            if batch.kept:
                self._apply(batch, conn)
            return self._finish(conn, batch)

    def _select(self, start: int, limit: int, head: int) -> list[Any]:
        return notifications.select(self.app.recorder, start, limit, head, self.topics)

    def _keep(self, notifications: list[Any]) -> list[Any]:
        """The notifications this runner applies (a segment's: its originators' only)."""
        return notifications

    def _limit(self, backlog: int) -> int:
        """Events per batch: the base size near the head, the whole backlog (up to the
        maximum) when far behind."""
        return max(self.batch_size, min(self.max_batch_size, backlog))

    def _advance(self, conn: sa.Connection, pos: dict[str, int], last: int) -> None:
        """Move every projection behind `last` to it (tracking, in the batch's transaction)."""
        self._batch_end, self._moved = last, True
        self._move(conn, pos, last, datetime.now(timezone.utc))
        if self._clear_stored:
            failures.clear(conn, self.name)
            self._clear_stored = False
        if conn.dialect.name == "postgresql" and self.settings is not None:
            progress.notify_projected(conn, self.settings, self.name, last)

    def _move(self, conn: sa.Connection, pos: dict[str, int], last: int, now: datetime) -> None:
        behind: dict[int, list[str]] = {}   # one UPDATE per old position (usually one in all)
        for name, old in pos.items():
            if old < last:
                behind.setdefault(old, []).append(name)
        for old, names in behind.items():
            result = conn.execute(_MOVE, {"names": names, "old": old, "last": last, "now": now})
            if result.rowcount != len(names):
                raise ConcurrentProjection(f"projections {names} moved past {old} meanwhile")

    def catch_up(self, on_progress: Callable[[int], None] | None = None, wait: bool = True,
                 parts: bool = True) -> int:
        """Run batches until the log is exhausted; return the number of events processed. A short
        batch found the end of the log: no empty batch (a transaction) is run to confirm it.
        `wait`: take turns with another process applying this runner (else RunnerBusy).
        `parts`: its segments' runners too (kernel.segments), one after the other."""
        total = 0
        while True:
            n = self.run_batch(wait)
            total += n
            if n and on_progress:
                on_progress(n)
            if self._at_head:
                break
        for part in self.parts if parts else ():   # in parallel: a worker per segment
            total += part.catch_up(on_progress, wait)
        return total

    def lag(self) -> int:
        """Notifications recorded but not yet projected."""
        return max(0, (self.app.recorder.max_notification_id() or 0)
                   - min([self.position(), *(p.position() for p in self.parts)]))

    def rebuild(self, names: Iterable[str] | None = None,
                on_progress: Callable[[int], None] | None = None) -> int:
        """Replay the whole log into the named projections (default: all): beside the live
        tables, switched in at once (kernel.generations); in place without settings, and for
        projections with no tables (reactions: nothing to switch, they replay live)."""
        if self.parts:   # the segmented projections too, replayed whole (kernel.segments)
            from kernel import segments

            return segments.rebuild(self, names, on_progress)
        chosen = set(names or self.names)
        beside = {p.name for p in self.projections
                  if p.name in chosen and p.tables and not p.shares_tables}
        if self.settings is not None and beside:
            from kernel import generations

            done = generations.rebuild_beside(self, beside, on_progress)
            if not chosen - beside:
                return done
            chosen -= beside
        with self.lock:
            self.reset(chosen)
            return self.catch_up(on_progress)

    def reset(self, names: Iterable[str] | None = None) -> None:
        """Empty the named projections' tables (default: all) and move them back to position 0,
        in one transaction and in place: readers see the tables empty until a catch-up refills
        them (`rebuild` builds beside them instead)."""
        chosen = [p for p in self.projections if names is None or p.name in set(names)]
        with self.lock:
            with self.engine.begin() as conn:
                self._claim(conn, wait=True)
                self._ensure_tracking(conn)
                for p in chosen:
                    p.clear(conn)
                conn.execute(projection_tracking.update()
                             .where(projection_tracking.c.projection.in_([p.name for p in chosen]))
                             .values(position=0))
            self._reached = 0

    def wait_for(self, position: int, timeout: float = 5.0, run_inline: bool = True) -> bool:
        """Block until every projection has reached `position` (run the batch here if allowed);
        False on timeout, or at once if a batch fails (recorded for /health; the caller's
        events are saved, only the read model is behind)."""
        if not self.parts:
            return self._wait_for(position, timeout, run_inline)
        deadline = time.monotonic() + timeout
        return all(r._wait_for(position, max(0.0, deadline - time.monotonic()), run_inline)
                   for r in [self, *self.parts])

    def _wait_for(self, position: int, timeout: float, run_inline: bool) -> bool:
        if self._reached >= position:
            return True
        deadline = time.monotonic() + timeout
        while self.position() < position:
            if run_inline:
                try:   # never block here: a waiting command would hold a connection
                    self.catch_up(wait=False)
                    continue
                except ConcurrentProjection:   # another process applies it: wait for it
                    pass
                except ProjectionFailed as failed:
                    log.error("read models of %s are behind: %s", self.name, failed)
                    return False
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            listener = self.listener
            if listener is None or not listener.connected.is_set():
                time.sleep(min(self.wait_poll_seconds, remaining))
            else:   # woken by the committing runner's NOTIFY (kernel.progress)
                listener.wait(self.name, position, remaining)
        return True

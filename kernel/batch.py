"""The steps of one projection batch (kernel.projections.ProjectionRunner): read the
notifications after the positions, decode them and run the handlers (their writes queued in one
`Unit` per projection), then, in the batch's transaction, the projections' last writes, the
queued writes and the positions moved to the batch's end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from kernel import decoding, failures
from kernel.failures import ProjectionFailed
from kernel.projection import Projection
from kernel.units import Unit

COPY_BATCH = 2_000   # events in a batch from which its INSERT runs may go out as COPY


@dataclass
class Pending:
    """One batch: the positions it starts from, the notifications it applies (`kept`) up to
    `last`, their events if decoded ahead, and the units its handlers queued writes in."""

    pos: dict[str, int]
    start: int
    last: int
    kept: list[Any]
    events: list[Any] | None = None
    units: list[Unit] = field(default_factory=list)


class BatchSteps:
    """ProjectionRunner's batch steps (its attributes: engine, app, projections, read_ahead,
    stop, bulk, _at_head, _clear_stored; its methods _select, _keep, _limit, _advance)."""

    def _read(self, pos: dict[str, int]) -> Pending:
        """The next batch's notifications after the positions `pos` (those this runner keeps),
        decoded if read ahead; sets whether the batch reaches the head of the log."""
        start = min(pos.values())
        # read the head first: an event committed after it has a higher id (writers commit
        # in id order), so a short read below means every event up to it was seen
        head = self.app.recorder.max_notification_id() or 0
        if self.stop is not None:
            head = min(head, self.stop)
        fresh = head
        ahead = self.read_ahead.take(start) if self.read_ahead else None
        if ahead is not None:   # read while the previous batch was written, to its head
            head, limit, notifications = ahead.head, ahead.limit, ahead.notifications
        else:
            limit = self._limit(head - start)
            notifications = self._select(start, limit, head) if head > start else []
        short = len(notifications) < limit   # every event up to `head` was read
        # at the head only if no event came after it (a read-ahead's head is older)
        self._at_head = short and head >= fresh
        last = head if short else notifications[-1].id
        if self.read_ahead and not self._at_head:
            self.read_ahead.start(last, self._limit(fresh - last), fresh)
        if ahead is not None:
            return Pending(pos, start, last, ahead.kept, ahead.events)
        return Pending(pos, start, last, self._keep(notifications))

    def _apply(self, batch: Pending, conn: sa.Connection) -> None:
        """Decode the batch's events and run the handlers, their writes queued in one unit per
        projection."""
        # One unit per projection: projections write disjoint tables, so each one's
        # consecutive inserts batch into one executemany even when events interleave them.
        # far behind (a long backlog, a first load) PostgreSQL takes long runs of plain
        # INSERTs as COPY, the same rows in the same transaction (kernel.units)
        copy = self.bulk or len(batch.kept) >= COPY_BATCH
        units = batch.units = [Unit(conn, copy=copy) for _ in self.projections]
        pos, events = batch.pos, batch.events
        for p in self.projections:
            p.begin_batch()
        to_domain_event = decoding.decoder(self.app.mapper)   # the mapper's, faster
        # per event class, the projections with a handler for it (or their own `apply`)
        targets: dict[type, list[tuple[Projection, Unit]]] = {}
        for i, n in enumerate(batch.kept):
            event = events[i] if events is not None else to_domain_event(n)
            kind = type(event)
            chosen = targets.get(kind)
            if chosen is None:
                chosen = targets[kind] = [
                    (p, u) for p, u in zip(self.projections, units)
                    if kind in p._handlers or type(p).apply is not Projection.apply]
            for p, unit in chosen:
                if pos[p.name] < n.id:
                    try:
                        p.apply(event, n.id, unit)
                    except Exception as error:
                        raise ProjectionFailed(self.name, self.app.name, p.name, n.id,
                                               error) from error

    def _finish(self, conn: sa.Connection, batch: Pending) -> int:
        """End the batch in its transaction: the projections' last writes, the queued writes,
        the positions moved to the batch's end."""
        pos, last = batch.pos, batch.last
        if not batch.kept:
            if last > batch.start:   # nothing this runner reads: only the positions move
                self._advance(conn, pos, last)
                return 0
            if self._clear_stored:   # caught up: whatever failed before is over
                failures.clear(conn, self.name)
                self._clear_stored = False
            return 0
        for p, unit in zip(self.projections, batch.units):
            try:
                p.end_batch(unit)
                unit.flush()
            except Exception as error:   # queued writes: the batch's first new event
                first = next(n.id for n in batch.kept if n.id > pos[p.name])
                raise ProjectionFailed(self.name, self.app.name, p.name, first,
                                       error) from error
        self._advance(conn, pos, last)
        return len(batch.kept)

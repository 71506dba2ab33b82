"""Parallel catch-up: a runner's segmentable projections caught up by several workers, each
owning a segment of originators (`originator_id mod N`), each with its own positions.

Exactly once as before: a segment's batch writes its originators' rows and moves its own
`projection_segments` rows (conditional on the positions it read) in one transaction, under a
lock of its own (PostgreSQL advisory lock `runner:<name>#k/N`; SQLite's write lock). In the same
transaction it moves the projection's `projection_tracking` row to the lowest segment position,
which is what readers (read-your-writes, /readyz, the public record's positions) wait for: on
PostgreSQL the tracking row is locked first (FOR UPDATE) and the minimum read by a later
statement, so of two segments committing together the second sees the first's position.

Only projections whose handlers read rows of their own originator (`Projection.segmentable`)
are split: a handler reading another originator's rows could run before that originator's
segment wrote them. Positions move between segment counts without losing or repeating an
event (`attach`): from one row, every segment starts at it; from N segments at different
positions, the old segments are first caught up to the furthest of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from eventsourcing.application import Application
from eventsourcing.persistence import Notification
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from kernel import pglocks
from kernel.db import projection_segments, projection_tracking
from kernel.projections import ConcurrentProjection, Projection, ProjectionRunner
from kernel.settings import Settings


def segment_of(originator_id: UUID | str, segments: int) -> int:
    """The segment owning an originator: its id's last 32 bits mod N, stable across processes
    and runs (ids are uuid5 or uuid4: their low bits are uniform), and computable in SQL."""
    value = originator_id.int if isinstance(originator_id, UUID) else UUID(str(originator_id)).int
    return (value & 0xFFFFFFFF) % segments


# PostgreSQL: each segment reads only its originators' events (`segment_of` in SQL)
_PG_SELECT = ("SELECT notification_id, originator_id, originator_version, topic, state "
              "FROM {schema}.{table} WHERE notification_id > %s AND notification_id <= %s "
              "AND ('x' || right(originator_id::text, 8))::bit(32)::bigint %% %s = %s{topics} "
              "ORDER BY notification_id LIMIT %s")


class SegmentRunner(ProjectionRunner):
    """The runner of segment `segment` of `segments` of some segmentable projections."""

    def __init__(self, engine: sa.Engine, app: Application, projections: list[Projection],
                 segment: int, segments: int, base: str, batch_size: int = 500,
                 settings: Settings | None = None, max_batch_size: int | None = None) -> None:
        super().__init__(engine, app, projections, batch_size, name=f"{base}#{segment}/{segments}",
                         settings=settings, max_batch_size=max_batch_size)
        self.base, self.segment, self.segments = base, segment, segments

    def _select(self, start: int, limit: int, head: int) -> list[Any]:
        recorder = self.app.recorder
        if not isinstance(recorder, PostgresApplicationRecorder):
            return super()._select(start, limit, head)
        topics = " AND topic = ANY(%s)" if self.topics else ""
        statement = SQL(_PG_SELECT.format(schema="{schema}", table="{table}", topics=topics)
                        ).format(schema=Identifier(recorder.datastore.schema),
                                 table=Identifier(recorder.events_table_name))
        params: list[Any] = [start, head, self.segments, self.segment]
        if self.topics:
            params.append(list(self.topics))
        params.append(limit)
        with recorder.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as c:
            c.execute(statement, params, prepare=True)
            return [Notification(id=i, originator_id=o, originator_version=v, topic=t,
                                 state=bytes(state)) for i, o, v, t, state in c.fetchall()]

    def _keep(self, notifications: list[Any]) -> list[Any]:
        k, n = self.segment, self.segments
        return [x for x in notifications if segment_of(x.originator_id, n) == k]

    def _ensure_tracking(self, conn: sa.Connection) -> None:
        if self._ensured:
            return
        # every segment's rows at once: the lowest of them is what readers wait for (the
        # segments' workers insert them one at a time: SQLite's write lock is held already)
        if conn.dialect.name == "postgresql":
            schema = self.settings.database_schema if self.settings else None
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"),
                         {"k": pglocks.lock_key(schema, f"segments:{self.base}")})
        s, n = projection_segments.c, self.segments
        have = set(conn.execute(sa.select(s.projection, s.segment).where(
            s.projection.in_(self.names), s.segments == n)).all())
        if len(have) < len(self.names) * n:
            tracked = _tracked(conn, self.app.name, self.names)
            for name in self.names:
                for k in range(n):
                    if (name, k) not in have:   # (attach removed another count's rows)
                        conn.execute(projection_segments.insert().values(
                            projection=name, segment=k, segments=n, position=tracked[name]))
        self._ensured = True

    def positions(self, conn: sa.Connection | None = None) -> dict[str, int]:
        if conn is None:
            with self.engine.connect() as c:
                return self.positions(c)
        s = projection_segments.c
        found = dict(conn.execute(sa.select(s.projection, s.position).where(
            s.projection.in_(self.names), s.segment == self.segment)).all())
        return {name: found.get(name, 0) for name in self.names}

    def _move(self, conn: sa.Connection, pos: dict[str, int], last: int, now: datetime) -> None:
        s, t = projection_segments.c, projection_tracking.c
        moved = [name for name, old in pos.items() if old < last]
        for name in moved:
            result = conn.execute(projection_segments.update().where(
                s.projection == name, s.segment == self.segment, s.position == pos[name])
                .values(position=last, updated_at=now))
            if result.rowcount != 1:
                raise ConcurrentProjection(f"segment {self.name} of {name} moved meanwhile")
        if not moved:
            return
        if conn.dialect.name == "postgresql":   # then the minimum, in a statement of its own
            conn.execute(sa.select(t.position).where(t.projection.in_(moved))
                         .order_by(t.projection).with_for_update())
        lowest = (sa.select(sa.func.min(s.position)).where(s.projection == t.projection)
                  .scalar_subquery())
        conn.execute(projection_tracking.update().where(t.projection.in_(moved))
                     .values(position=lowest, updated_at=now))


def _tracked(conn: sa.Connection, application: str, names: list[str]) -> dict[str, int]:
    """The projections' tracking rows (inserted at 0 if missing)."""
    t = projection_tracking.c
    found = dict(conn.execute(sa.select(t.projection, t.position)
                              .where(t.projection.in_(names))).all())
    for name in names:
        if name not in found:
            conn.execute(projection_tracking.insert().values(
                projection=name, application=application, position=0))
            found[name] = 0
    return found


def attach_all(runners: list[ProjectionRunner], settings: Settings) -> None:
    """`attach` every runner to the configured segment count (nothing to do, and no lock taken,
    for one segment and no positions stored per segment)."""
    n = settings.projection_segments
    if n == 1:
        with runners[0].engine.connect() as conn:
            if conn.scalar(sa.select(projection_segments.c.segment).limit(1)) is None:
                return
    with pglocks.exclusive(settings, "segments"):
        for runner in runners:
            attach(runner, n)


def attach(runner: ProjectionRunner, segments: int) -> None:
    """Give `runner` one part per segment for its segmentable projections (none for 1), after
    moving their stored positions to this segment count without losing or repeating events."""
    split = [p for p in runner.projections if p.segmentable] if segments > 1 else []
    whole = [p for p in runner.projections if not p.segmentable] if split else runner.projections
    names = [p.name for p in (split or runner.projections)]
    _settle(runner, names, segments)
    if not split:
        return
    runner.projections = whole
    runner.parts = [SegmentRunner(runner.engine, runner.app, split, k, segments, runner.name,
                                  runner.batch_size, runner.settings, runner.max_batch_size)
                    for k in range(segments)]
    for part in runner.parts:
        part.listener = runner.listener


def _settle(runner: ProjectionRunner, names: list[str], segments: int) -> None:
    """Positions stored for another segment count: the old segments caught up to the furthest
    of them, then one position per projection (the next catch-up starts every segment there)."""
    s = projection_segments.c
    with runner.engine.connect() as conn:
        rows = conn.execute(sa.select(s.projection, s.segment, s.segments, s.position)
                            .where(s.projection.in_(names), s.segments != segments)).all()
    if not rows:
        return
    by_count: dict[int, list[Any]] = {}
    for row in rows:
        by_count.setdefault(row.segments, []).append(row)
    for count, found in by_count.items():
        target = max(r.position for r in found)
        picked = [p for p in runner.projections if p.name in {r.projection for r in found}]
        for k in sorted({r.segment for r in found}):
            old = SegmentRunner(runner.engine, runner.app, picked, k, count, runner.name,
                                runner.batch_size, runner.settings, runner.max_batch_size)
            old.stop = target
            old.catch_up()
        with runner.engine.begin() as conn:
            for p in picked:
                conn.execute(projection_tracking.update()
                             .where(projection_tracking.c.projection == p.name)
                             .values(position=target))
            conn.execute(projection_segments.delete().where(
                s.projection.in_([p.name for p in picked]), s.segments == count))


def align(conn: sa.Connection, names: Iterable[str], schema: str | None = None) -> None:
    """After a rebuild: every segment of these projections at the projection's position."""
    segs = projection_segments.to_metadata(sa.MetaData(), schema=schema)
    tracking = projection_tracking.to_metadata(sa.MetaData(), schema=schema)
    s, t = segs.c, tracking.c
    tracked = sa.select(t.position).where(t.projection == s.projection).scalar_subquery()
    conn.execute(segs.update().where(s.projection.in_(list(names))).values(position=tracked))


def furthest(conn: sa.Connection, positions: dict[str, int],
             schema: str | None = None) -> dict[str, int]:
    """The live positions a rebuilt generation must have reached: a segment may be ahead of
    its projection's (lowest) position."""
    s = projection_segments.to_metadata(sa.MetaData(), schema=schema).c
    ahead = dict(conn.execute(sa.select(s.projection, sa.func.max(s.position))
                              .where(s.projection.in_(list(positions))).group_by(s.projection))
                 .all())
    return {n: max(p, ahead.get(n) or 0) for n, p in positions.items()}


def rebuild(runner: ProjectionRunner, names: Iterable[str] | None,
            on_progress: Callable[[int], None] | None) -> int:
    """Rebuild a segmented runner: every chosen projection replayed whole by one runner (beside
    the live tables with settings), then its segments set to the rebuilt position."""
    split = runner.parts[0].projections
    whole = ProjectionRunner(runner.engine, runner.app, [*runner.projections, *split],
                             runner.batch_size, name=runner.name, settings=runner.settings,
                             max_batch_size=runner.max_batch_size)
    whole.listener = runner.listener
    whole.lock_also = [p.name for p in runner.parts]   # held by the switch (kernel.generations)
    chosen = set(names or whole.names)
    with runner.lock:
        done = whole.rebuild(chosen, on_progress)
        with runner.engine.begin() as conn:   # (the switch aligned them already)
            align(conn, [p.name for p in split if p.name in chosen])
    for r in [runner, *runner.parts]:
        r._reached = 0
    return done

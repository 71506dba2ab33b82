"""Zero-downtime rebuild: the next generation of a runner's tables is built beside the live one
and switched in at once, so readers see the old generation, then the new one, never a half.

The next generation lives where unqualified table names find it first and fall back to the live
tables for everything else (the tables of other runners a projection reads), so projections and
their prebuilt statements run unchanged:

* PostgreSQL: a shadow schema first on the build connections' search_path. It holds the rebuilt
  projections' tables, created from the metadata alembic's migrations match, and their own
  `projection_tracking` rows (the new generation's positions, apart from the live ones). The
  switch is one transaction: DROP the live tables, `ALTER TABLE … SET SCHEMA` the new ones in
  (their indexes, constraints and sequences move with them under the same names, so alembic
  sees the schema it made), and set the live positions to the new generation's. Readers block
  only for that transaction; a reader waiting on a dropped table resolves the name again.
* SQLite: a file of its own, opened as `main` with the live database ATTACHed (unqualified
  names find `main` first). Its tables and indexes are created from the live ones' own DDL
  (`sqlite_master`: the same columns in the same order, the same indexes), so the switch, one
  write transaction, replaces the live rows by the new generation's with `DELETE` + `INSERT …
  SELECT *`, which SQLite runs as its transfer optimisation (records copied as stored, each
  index filled in its own order: ~5x a column-wise copy for `entities` with its random unique
  keys), and sets the positions: in WAL mode readers keep their snapshot of the old generation
  until it commits. The lesser guarantee: writers (commands, other runners) wait for the copy.

The new generation is loaded through the bulk path: no non-unique secondary index until its
first catch-up is done (then built once), plain INSERT runs as COPY on PostgreSQL (kernel.units),
batches up to the runner's maximum size. Segments of a segmented runner (kernel.segments) are set
to the rebuilt position in the switch's transaction, their workers' locks held.

Events recorded during the build are caught up on the new generation first; the switch is made
while the runner's lock is held (no live batch in flight) and only if the new generation has
reached the live position, so nothing a reader could already see goes missing; else the new
generation catches up once more and the switch is tried again.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.pool import NullPool

from kernel import pglocks, segments
from kernel.db import projection_tracking
from kernel.errors import Conflict

if TYPE_CHECKING:
    from kernel.projections import Projection, ProjectionRunner

log = logging.getLogger(__name__)
SWITCH_ATTEMPTS = 20
_UNIQUE_INDEX = re.compile(r"\s*CREATE\s+UNIQUE\s+INDEX", re.IGNORECASE)


class RebuildNotSwitched(Conflict):
    """The new generation never caught up with the live one (the log kept growing)."""


def shadow_name(live: str, runner: str) -> str:
    """The shadow schema of a runner's next generation (PostgreSQL names are ≤ 63 bytes)."""
    name = f"{live}__next_{runner}"
    if len(name) > 63:
        name = f"{live[:40]}__next_{hashlib.blake2b(runner.encode(), digest_size=6).hexdigest()}"
    return name


def tables_of(projections: Sequence[Projection]) -> list[sa.Table]:
    return [t for p in projections for t in p.tables]


def rebuild_beside(runner: ProjectionRunner, chosen: set[str],
                   on_progress: Callable[[int], None] | None = None) -> int:
    """Build the chosen projections of `runner` from the whole log beside the live tables and
    switch them in; return the events the new generation processed."""
    from kernel.projections import ProjectionRunner

    settings = runner.settings
    if settings is None:
        raise ValueError("a zero-downtime rebuild needs the runner's settings")
    # fresh instances: the live runner (a daemon thread) keeps using its own batch state
    picked = [copy.copy(p) for p in runner.projections if p.name in chosen]
    with pglocks.exclusive(settings, f"rebuild:{runner.name}"):   # one rebuild per runner
        with runner.engine.begin() as conn:   # the live positions the switch will set
            runner._claim(conn, wait=True)
            runner._ensure_tracking(conn)
        side = _Postgres(runner) if settings.is_postgres else _SQLite(runner)
        side.create(tables_of(picked))
        try:
            nxt = ProjectionRunner(side.engine, runner.app, picked, runner.batch_size,
                                   name=f"{runner.name}__next",
                                   max_batch_size=runner.max_batch_size)
            nxt.bulk = True   # the bulk path: COPY, then the deferred indexes
            total = nxt.catch_up(on_progress)
            side.build_indexes()
            for _ in range(SWITCH_ATTEMPTS):
                total += nxt.catch_up(on_progress)
                if side.switch(tables_of(picked), [p.name for p in picked], nxt):
                    return total
            raise RebuildNotSwitched(
                f"重建未能追上实时读模型 the rebuild of {runner.name} never caught up with the live "
            "read models (the log kept growing); run it again", 
                field="projection")
        finally:
            side.dispose()


def _copy(tables: list[sa.Table]) -> sa.MetaData:
    """The tables and a `projection_tracking` of their own, named as alembic names them."""
    md = sa.MetaData(naming_convention=projection_tracking.metadata.naming_convention)
    for t in [*tables, projection_tracking]:
        t.to_metadata(md)
    return md


class _Side:
    """Where a next generation is built. The bulk path: its tables are loaded without their
    secondary (non-unique) indexes, which `build_indexes` makes once after the first catch-up
    (unique ones stay: upserts and checks rely on them)."""

    engine: sa.Engine

    def __init__(self, runner: ProjectionRunner) -> None:
        self.runner = runner
        self.settings = runner.settings

    def _set_positions(self, conn: sa.Connection, table: sa.Table, names: list[str],
                       positions: dict[str, int]) -> None:
        for name in names:
            conn.execute(table.update().where(table.c.projection == name)
                         .values(position=positions[name]))


class _Postgres(_Side):
    def __init__(self, runner: ProjectionRunner) -> None:
        super().__init__(runner)
        self.deferred: list[sa.Index] = []
        self.live = self.settings.database_schema or "public"
        self.shadow = shadow_name(self.live, runner.name)
        self.engine = sa.create_engine(
            self.settings.sqlalchemy_url(), poolclass=NullPool,
            connect_args={"options": f"-csearch_path={self.shadow},{self.live}"})

    def create(self, tables: list[sa.Table]) -> None:
        with self.runner.engine.begin() as conn:   # a crashed rebuild's leftovers go first
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{self.shadow}" CASCADE'))
            conn.execute(sa.text(f'CREATE SCHEMA "{self.shadow}"'))
            # translated at execution, so every index and constraint gets its live name
            md, ddl = _copy(tables), conn.execution_options(
                schema_translate_map={None: self.shadow})
            md.create_all(ddl, checkfirst=False)
            self.deferred = [i for t in md.tables.values() if t.name != projection_tracking.name
                             for i in t.indexes if not i.unique]
            for index in self.deferred:
                index.drop(ddl)

    def build_indexes(self) -> None:
        with self.runner.engine.begin() as conn:
            ddl = conn.execution_options(schema_translate_map={None: self.shadow})
            for index in self.deferred:
                index.create(ddl)
        self.deferred = []

    def switch(self, tables: list[sa.Table], names: list[str], nxt: ProjectionRunner) -> bool:
        runner = self.runner
        key = pglocks.lock_key(self.settings.database_schema, f"runner:{runner.name}")
        with runner.lock, runner.engine.begin() as conn:
            # the live runner's lock: no live batch is in flight until this commits
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
            for part in getattr(runner, "lock_also", ()):   # its segments' workers too
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {
                    "k": pglocks.lock_key(self.settings.database_schema, f"runner:{part}")})
            shadow = projection_tracking.to_metadata(sa.MetaData(), schema=self.shadow)
            new = dict(conn.execute(sa.select(shadow.c.projection, shadow.c.position)).all())
            live = segments.furthest(conn, runner.positions(conn))
            live_new = {n: new.get(n, 0) for n in names}
            if any(live_new[n] < live[n] for n in names):
                conn.rollback()
                return False   # events projected live meanwhile: catch up once more
            for t in tables:
                conn.execute(sa.text(f'ANALYZE "{self.shadow}"."{t.name}"'))
            for t in tables:   # (one name list: the locks are taken in one order)
                conn.execute(sa.text(f'DROP TABLE "{self.live}"."{t.name}"'))
                conn.execute(sa.text(
                    f'ALTER TABLE "{self.shadow}"."{t.name}" SET SCHEMA "{self.live}"'))
            self._set_positions(conn, projection_tracking, names, live_new)
            segments.align(conn, names)
            conn.execute(sa.text(f'DROP SCHEMA "{self.shadow}" CASCADE'))
        return True

    def dispose(self) -> None:
        self.engine.dispose()
        try:
            with self.runner.engine.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{self.shadow}" CASCADE'))
        except sa.exc.DBAPIError as error:   # the switch went through, or the store is gone
            log.warning("could not drop %s: %s", self.shadow, error)


class _SQLite(_Side):
    def __init__(self, runner: ProjectionRunner) -> None:
        super().__init__(runner)
        self.deferred_sql: list[str] = []
        live = self.settings.sqlite_path
        self.path = live.with_name(f"{live.stem}.{runner.name}.next.db")
        self.engine = sa.create_engine(f"sqlite:///{self.path}", poolclass=NullPool,
                                       connect_args={"timeout": 30, "check_same_thread": False})

        @sa_event.listens_for(self.engine, "connect")
        def _attach(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # the next generation is thrown away if the process dies: no fsync for it
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("ATTACH DATABASE ? AS live", (str(live),))
            cur.close()

    def create(self, tables: list[sa.Table]) -> None:
        """The tables as the live file has them (its DDL), non-unique indexes deferred."""
        self._remove()
        self.deferred_sql = []
        with self.engine.begin() as conn:
            for t in [*tables, projection_tracking]:
                ddl = conn.exec_driver_sql(
                    "SELECT type, sql FROM live.sqlite_master WHERE tbl_name = ? AND "
                    "type IN ('table', 'index') AND sql IS NOT NULL ORDER BY type = 'index'",
                    (t.name,)).all()
                if not ddl or ddl[0][0] != "table":
                    raise RuntimeError(f"table {t.name} is not in the live database: migrate "
                                       f"it first (opencheck migrate)")
                for kind, sql in ddl:
                    if (kind == "index" and t is not projection_tracking
                            and not _UNIQUE_INDEX.match(sql)):
                        self.deferred_sql.append(sql)
                    else:
                        conn.exec_driver_sql(sql)

    def build_indexes(self) -> None:
        with self.engine.begin() as conn:
            for sql in self.deferred_sql:
                conn.exec_driver_sql(sql)
        self.deferred_sql = []

    def switch(self, tables: list[sa.Table], names: list[str], nxt: ProjectionRunner) -> bool:
        runner, live_tracking = self.runner, projection_tracking.to_metadata(
            sa.MetaData(), schema="live")
        with runner.lock, self.engine.begin() as conn:
            # the live write lock first (the runner's lock on SQLite): no live batch in flight
            conn.execute(live_tracking.update().where(sa.false())
                         .values(position=live_tracking.c.position))
            new = nxt.positions(conn)
            live = segments.furthest(conn, dict(conn.execute(
                sa.select(live_tracking.c.projection, live_tracking.c.position)
                .where(live_tracking.c.projection.in_(names))).all()), schema="live")
            if any(new[n] < live.get(n, 0) for n in names):
                conn.rollback()
                return False
            for t in reversed(tables):
                conn.execute(sa.text(f'DELETE FROM live."{t.name}"'))
            for t in tables:   # the same DDL on both sides: SQLite's transfer optimisation
                conn.execute(sa.text(f'INSERT INTO live."{t.name}" SELECT * FROM main."{t.name}"'))
            self._set_positions(conn, live_tracking, names, new)
            segments.align(conn, names, schema="live")
        return True

    def dispose(self) -> None:
        self.engine.dispose()
        self._remove()

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

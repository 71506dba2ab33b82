"""A rebuild builds the next generation beside the live tables and switches it in at once
(kernel.generations): a reader querying throughout never sees an empty or partial table, events
recorded during the rebuild are in the new generation, and alembic's names are unchanged."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import migrations.env_filters as filters
from kernel.db import metadata
from supervision.directory.tables import annual_reports, entities
from tests.factories import entity

N = 300          # entities before the rebuild
SMALL_BATCH = 20  # so the rebuild takes many transactions


def _counts(conn: sa.Connection) -> tuple[int, int]:
    return (conn.execute(sa.select(sa.func.count()).select_from(entities)).scalar_one(),
            conn.execute(sa.select(sa.func.count()).select_from(annual_reports)).scalar_one())


def _schema_names(conn: sa.Connection) -> set[tuple[str, str]]:
    """(table, index or constraint name) of every directory table, as the database has them."""
    inspector = sa.inspect(conn)
    names = set()
    for t in (entities, annual_reports):
        names |= {(t.name, i["name"]) for i in inspector.get_indexes(t.name)}
        names |= {(t.name, u["name"]) for u in inspector.get_unique_constraints(t.name)}
        pk = inspector.get_pk_constraint(t.name).get("name")
        if pk:
            names.add((t.name, pk))
    return names


class ZeroDowntimeScenario:
    backend = "sqlite"

    def test_readers_keep_the_old_generation_during_a_rebuild(self, platform):
        app = platform.supervision
        # a directory of N entities, each with one annual report
        app.register_entities([entity(i) for i in range(N)])
        for i in range(N):
            app.file_annual_report(entity(i).uscc, 2024, entity(0).registered_on.replace(2025))
        platform.catch_up()
        with platform.engine.connect() as conn:
            assert _counts(conn) == (N, N)
            names_before = _schema_names(conn)
        runner = platform.runners["supervision"]
        runner.batch_size = SMALL_BATCH
        # a reader queries throughout; a writer records events while the rebuild runs
        seen: list[tuple[int, int]] = []
        errors: list[BaseException] = []
        stop = threading.Event()

        def read() -> None:
            while not stop.is_set():
                try:
                    with platform.engine.connect() as conn:
                        seen.append(_counts(conn))
                except BaseException as error:  # noqa: BLE001
                    errors.append(error)
                    return

        reader = threading.Thread(target=read)
        reader.start()
        written = threading.Thread(target=lambda: app.register_entities(
            [entity(i) for i in range(N, N + 5)]))
        try:
            time.sleep(0.05)
            written.start()
            runner.rebuild(["entity_directory"])
            written.join()
            time.sleep(0.05)
        finally:
            stop.set()
            reader.join()
        assert not errors, errors
        assert len(seen) > 5
        # every read saw a whole generation: the old one, growing only by the new registrations
        assert all(N <= e <= N + 5 and r == N for e, r in seen), sorted(set(seen))
        # the events recorded during the rebuild are in the new generation (or projected next)
        platform.catch_up()
        with platform.engine.connect() as conn:
            assert _counts(conn) == (N + 5, N)
            # alembic's names are the ones it made: tables, indexes, constraints
            assert _schema_names(conn) == names_before
            present = set(sa.inspect(conn).get_table_names())
            # and alembic finds nothing to change (as test_migrations checks after upgrade)
            ctx = MigrationContext.configure(conn, opts={
                "include_object": filters.include_object, "compare_type": True})
            assert compare_metadata(ctx, metadata) == []
        assert set(metadata.tables) <= present
        assert not any("__next" in t for t in present)
        if platform.settings.is_postgres:   # the shadow schema is gone
            with platform.engine.connect() as conn:
                assert not conn.scalar(sa.text(
                    "SELECT count(*) FROM pg_namespace WHERE nspname LIKE '%\\_\\_next\\_%'"
                    " AND nspname LIKE :s"), {"s": f"{platform.settings.database_schema}%"})


class TestZeroDowntimeOnSQLite(ZeroDowntimeScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestZeroDowntimeOnPostgres(ZeroDowntimeScenario):
    backend = "postgres"


def test_sqlite_next_generation_is_made_from_the_live_tables_own_ddl(platform):
    """SQLite's switch copies with `INSERT … SELECT *` (its transfer optimisation): that needs
    the next generation's tables to be the live ones column for column, index for index. They
    are made from the live DDL, so a column a migration appended (live order differs from the
    metadata's) still lands in its own column."""
    from kernel.generations import _SQLite, tables_of

    runner = platform.runners["supervision"]
    platform.supervision.register_entities([entity(i) for i in range(3)])
    platform.catch_up()
    side = _SQLite(runner)
    tables = tables_of(runner.projections)
    try:
        side.create(tables)
        assert side.deferred_sql   # the non-unique indexes wait for the first catch-up
        side.build_indexes()

        def ddl(conn: sa.Connection, schema: str) -> list[tuple]:
            return conn.exec_driver_sql(
                f"SELECT type, name, tbl_name, sql FROM {schema}.sqlite_master WHERE tbl_name "
                f"IN ({', '.join('?' * len(tables))}) ORDER BY name",
                tuple(t.name for t in tables)).all()

        with side.engine.connect() as conn:
            assert ddl(conn, "main") == ddl(conn, "live") != []
    finally:
        side.dispose()
    with platform.engine.connect() as conn:
        before = conn.execute(sa.select(entities).order_by(entities.c.entity_no)).all()
    runner.rebuild(["entity_directory"])
    with platform.engine.connect() as conn:
        assert conn.execute(sa.select(entities).order_by(entities.c.entity_no)).all() == before

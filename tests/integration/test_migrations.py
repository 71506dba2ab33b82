"""Migrations go up, down to nothing and up again, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kernel.db import create_engine, metadata
from opencheck.migrate import downgrade, upgrade


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_upgrade_downgrade_upgrade(settings):
    upgrade(settings)
    engine = create_engine(settings)
    tables = set(sa.inspect(engine).get_table_names())
    assert {t.name for t in metadata.sorted_tables} <= tables
    downgrade(settings, "base")
    assert not ({t.name for t in metadata.sorted_tables} & set(sa.inspect(engine).get_table_names()))
    upgrade(settings)
    assert {t.name for t in metadata.sorted_tables} <= set(sa.inspect(engine).get_table_names())
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_migrations_match_the_table_definitions(settings):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import migrations.env_filters as filters

    upgrade(settings)
    engine = create_engine(settings)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": filters.include_object,
                                                     "compare_type": True})
        assert compare_metadata(ctx, metadata) == []
    engine.dispose()

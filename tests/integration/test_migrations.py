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


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_name_grams_lose_their_name_and_get_it_back(settings):
    """0020 keys the search's grams by (gram, entity_no): the rows of each entity's current
    name stay, without the name (the search reads it from `entities`), a stale row goes; its
    downgrade reads the names back from `entities`."""
    from supervision.directory.search import name_grams, search_entities

    upgrade(settings)
    downgrade(settings, "0019_names")   # to the step before 0020 (this branch only)
    engine = create_engine(settings)
    names = {1: "金华明辉商贸有限公司", 2: "明辉"}
    with engine.begin() as conn:
        for no, name in names.items():
            conn.execute(sa.text(
                "INSERT INTO entities (entity_no, entity_id, uscc, name, entity_type, "
                "region_code, industry_code, registered_on, version, updated_position) VALUES "
                "(:no, :id, :uscc, :name, 'enterprise', '330702', 'F5211', '2020-01-01', 1, :no)"),
                {"no": no, "id": f"{no:032x}", "uscc": f"91{no:016d}", "name": name})
            conn.execute(sa.text("INSERT INTO entity_name_grams (gram, name, entity_no) "
                                 "VALUES (:g, :name, :no)"),
                         [{"g": g, "name": name, "no": no} for g in name_grams(name)])
        # a stale gram of a name entity 2 no longer has: dropped (it would match unchecked)
        conn.execute(sa.text("INSERT INTO entity_name_grams (gram, name, entity_no) "
                             "VALUES ('旧名', '旧名', 2)"))
    want = {(g, no) for no, name in names.items() for g in name_grams(name)}
    upgrade(settings)
    with engine.connect() as conn:
        assert set(conn.execute(sa.text("SELECT gram, entity_no FROM entity_name_grams"))) == want
        assert [i["name"] for i in search_entities(conn, "明辉")[1]] == [names[1], names[2]]
        assert [i["name"] for i in search_entities(conn, "辉商贸")[1]] == [names[1]]
        assert search_entities(conn, "旧名")[0] == 0
    downgrade(settings, "0019_names")
    with engine.connect() as conn:
        assert set(conn.execute(sa.text("SELECT gram, entity_no, name FROM entity_name_grams"))
                   ) == {(g, no, names[no]) for g, no in want}
    engine.dispose()


def test_sqlite_entities_keyed_by_rowid_keep_their_rows(settings):
    """0021 (SQLite): `entity_no` becomes the rowid, so a lookup by uscc or entity_id ends in
    its index; the rows, the constraints' names and the uniqueness checks stay, and the
    downgrade gives the BIGINT key back."""
    upgrade(settings)
    downgrade(settings, "0020_grams")
    engine = create_engine(settings)
    insert = sa.text(
        "INSERT INTO entities (entity_no, entity_id, uscc, name, entity_type, region_code, "
        "industry_code, registered_on, version, updated_position) VALUES (:no, :id, :uscc, "
        "'明辉商贸', 'enterprise', '330702', 'F5211', '2020-01-01', 1, :no)")
    with engine.begin() as conn:
        conn.execute(insert, [{"no": no, "id": f"{no:032x}", "uscc": f"91{no:016d}"}
                              for no in (5, 2, 9_000_000_000)])
        before = conn.execute(sa.text("SELECT * FROM entities ORDER BY entity_no")).all()
    upgrade(settings)

    def plan(conn: sa.Connection, column: str) -> str:
        return " ".join(r[-1] for r in conn.exec_driver_sql(
            f"EXPLAIN QUERY PLAN SELECT entity_no FROM entities WHERE {column} = 'x'"))

    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT * FROM entities ORDER BY entity_no")).all() == before
        assert conn.scalar(sa.text("SELECT rowid FROM entities WHERE entity_no = 2")) == 2
        assert "COVERING INDEX" in plan(conn, "uscc") and "COVERING INDEX" in plan(conn, "entity_id")
        names = {u["name"] for u in sa.inspect(conn).get_unique_constraints("entities")}
        assert names == {"uq_entities_entity_id", "uq_entities_uscc"}
        assert sa.inspect(conn).get_pk_constraint("entities")["name"] == "pk_entities"
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:   # still unique
        conn.execute(insert, {"no": 6, "id": f"{6:032x}", "uscc": f"91{5:016d}"})
    downgrade(settings, "0020_grams")
    engine.dispose()   # (a pooled connection may keep the plan of the table it knew)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT * FROM entities ORDER BY entity_no")).all() == before
        assert "COVERING" not in plan(conn, "uscc")
    engine.dispose()

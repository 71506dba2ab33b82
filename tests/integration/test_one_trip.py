"""OneTrip: several selects in one statement give the rows, types and order of running each
select on its own (SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from kernel.db import OneTrip, create_engine

meta = sa.MetaData()
acts = sa.Table("trip_acts", meta,
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("owner", sa.String(10), nullable=False),
                sa.Column("on", sa.Date, nullable=True),
                sa.Column("amount", sa.Numeric(16, 2), nullable=True),
                sa.Column("flag", sa.Boolean, nullable=False),
                sa.Column("note", sa.Text, nullable=True))
stamps = sa.Table("trip_stamps", meta,
                  sa.Column("name", sa.String(10), primary_key=True),
                  sa.Column("position", sa.BigInteger, nullable=False),
                  sa.Column("at", sa.DateTime(timezone=True), nullable=True))
OWNER = sa.bindparam("owner")
SECTIONS = {
    # several rows, ties on the first key, mixed directions, NULLs in both keys
    "acts": (sa.select(acts.c.id, acts.c.on, acts.c.amount, acts.c.note)
             .where(acts.c.owner == OWNER), (acts.c.on.desc(), acts.c.note, acts.c.id)),
    "flags": (sa.select(acts.c.flag, acts.c.id).where(acts.c.owner == OWNER,
                                                      acts.c.flag.is_(True)), (acts.c.id.desc(),)),
    "none": (sa.select(acts.c.id).where(acts.c.owner == "nobody"), ()),
    "stamps": (sa.select(stamps), (stamps.c.name,)),
}


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_one_statement_equals_each_select_alone(settings):
    engine = create_engine(settings)
    meta.create_all(engine)
    try:
        with engine.begin() as conn:
            conn.execute(acts.insert(), [
                {"id": i, "owner": "a" if i % 4 else "b",
                 "on": None if i % 5 == 0 else date(2026, 1, 1 + i % 3),
                 "amount": Decimal("12.50") * i if i % 2 else None, "flag": i % 3 == 0,
                 "note": None if i % 2 else f"记录{i % 4}"} for i in range(1, 25)])
            conn.execute(stamps.insert(), [
                {"name": "y", "position": 7, "at": datetime(2026, 1, 2, tzinfo=timezone.utc)},
                {"name": "x", "position": 2**40, "at": None}])
        trip = OneTrip(**SECTIONS)
        with engine.connect() as conn:
            got = trip.run(conn, {"owner": "a"})
            for name, (select, order) in SECTIONS.items():
                alone = [dict(r._mapping) for r in
                         conn.execute(select.order_by(*map(sa.nullslast, order)),
                                      {"owner": "a"})]
                assert got[name] == [_same_types(r) for r in alone], name
        assert [r["id"] for r in got["flags"]] == [21, 18, 15, 9, 6, 3]
        assert got["stamps"][0]["position"] == 2**40 and got["none"] == []
        assert isinstance(got["acts"][0]["on"], date)
    finally:
        meta.drop_all(engine)
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_async_form_equals_the_sync_one(settings):
    """run_async sends the statement in PostgreSQL's `$n` form on a raw cursor: the same rows,
    a parameter named twice bound once, a literal `%` kept."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import psycopg

    sections = {**SECTIONS,
                "twice": (sa.select(acts.c.id).where(acts.c.owner == OWNER, sa.or_(
                    acts.c.note.like(sa.literal_column("'%1%'")), acts.c.owner == OWNER)), (acts.c.id,))}
    engine = create_engine(settings)
    meta.create_all(engine)
    try:
        with engine.begin() as conn:
            conn.execute(acts.insert(), [
                {"id": i, "owner": "a" if i % 2 else "b", "on": date(2026, 1, i), "amount": None,
                 "flag": True, "note": f"记录{i}%"} for i in range(1, 13)])
        trip = OneTrip(**sections)
        with engine.connect() as conn:
            expected = trip.run(conn, {"owner": "a"})

        async def run_async() -> dict:
            url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            async with await psycopg.AsyncConnection.connect(
                    url, autocommit=True,
                    options=f"-csearch_path={settings.database_schema}") as conn:
                return await trip.run_async(conn, engine.dialect, {"owner": "a"})

        # in a thread of its own: another test's client may have left this thread's loop set
        with ThreadPoolExecutor(1) as pool:
            got = pool.submit(asyncio.run, run_async()).result()
        assert got == expected
        assert [r["id"] for r in got["twice"]] == [1, 3, 5, 7, 9, 11]
    finally:
        meta.drop_all(engine)
        engine.dispose()


def test_positions_of_names_the_projections_the_selects_read():
    from credit.record.public import RECORD
    from kernel.db import positions_of
    from supervision.directory.tables import entities
    from supervision.tasks.views import PUBLISHED_OF_ENTITY

    select, order = positions_of(sa.select(entities.c.uscc), PUBLISHED_OF_ENTITY[0])
    sql = str(select)
    assert all(f"'{n}'" in sql for n in ("entity_directory", "inspection_results", "task_board",
                                           "plan_board"))
    assert "credit_" not in sql and "log_tree" not in sql and order == ()
    record = str(RECORD.statement)
    assert "'credit_penalties'" in record and "'dashboard" not in record
    with pytest.raises(ValueError, match="no projection"):
        positions_of(sa.select(acts.c.id))


def test_ordering_by_an_unselected_column_is_refused():
    with pytest.raises(ValueError, match="unselected"):
        OneTrip(x=(sa.select(acts.c.id), (acts.c.on,)))


def _same_types(row: dict) -> dict:
    """OneTrip returns Numeric as float (the JSON the public record becomes)."""
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in row.items()}


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_the_record_positions_change_with_any_move_of_its_projections(platform):
    """The public record's positions section is one row (`basis`, `moved`) that changes when
    one of its projections moves, even a segment's move that leaves the tracked position where
    it was, and not when a projection it does not read moves."""
    from datetime import timedelta

    from credit.record.public import RECORD, record_params
    from kernel.db import projection_tracking as t
    from tests.factories import entity

    platform.supervision.register_entities([entity(1)])
    platform.settle()

    def positions() -> dict:
        with platform.engine.connect() as conn:
            (row,) = RECORD.run(conn, record_params(entity(1).uscc, date(2026, 3, 2),
                                                    platform.rules))["positions"]
        return row

    def touch(name: str) -> None:
        with platform.engine.begin() as conn:
            at = conn.execute(sa.select(t.c.updated_at).where(t.c.projection == name)).scalar()
            conn.execute(t.update().where(t.c.projection == name)
                         .values(updated_at=at + timedelta(seconds=1)))

    first = positions()
    assert "entity_directory=" in first["basis"] and "dashboard" not in first["basis"]
    assert first["moved"] is not None and positions() == first
    touch("entity_directory")   # a segment moved on, the tracked position did not
    moved = positions()
    assert moved["basis"] != first["basis"] and moved["moved"] > first["moved"]
    with platform.engine.connect() as conn:
        others = [n for n in conn.execute(sa.select(t.c.projection)
                                          .where(t.c.updated_at.is_not(None))).scalars()
                  if f"{n}=" not in first["basis"] and n != "entity_directory"]
    assert others   # e.g. the dashboard's projections
    for name in others:
        touch(name)
    assert positions() == moved

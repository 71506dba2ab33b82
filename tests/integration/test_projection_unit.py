"""The projection Unit's raw-cursor path writes exactly what SQLAlchemy would (SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from kernel.db import create_engine
from kernel.projections import Unit, _raw_form

meta = sa.MetaData()
scratch = sa.Table("unit_scratch", meta,
                   sa.Column("k", sa.String(10), primary_key=True),
                   sa.Column("on", sa.Date, nullable=True),
                   sa.Column("amount", sa.Numeric(16, 2), nullable=True),
                   sa.Column("flag", sa.Boolean, nullable=False, server_default=sa.false()),
                   sa.Column("note", sa.Text, nullable=True))
INSERT = scratch.insert()
UPDATE = (scratch.update().where(scratch.c.k == sa.bindparam("b_k"))
          .values(on=sa.bindparam("on"), amount=sa.bindparam("amount")))
IN_LIST = scratch.delete().where(scratch.c.k.in_(sa.bindparam("ks", expanding=True)))


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_alternating_writes_match_sqlalchemy(settings):
    engine = create_engine(settings)
    meta.create_all(engine)
    try:
        rows = [{"k": f"r{i}", "on": date(2026, 1, 1 + i), "amount": Decimal("1.25") * i,
                 "flag": i % 2 == 0, "note": None if i % 3 else "备注"} for i in range(6)]
        with engine.begin() as conn:
            unit = Unit(conn)
            for r in rows:   # insert, update, insert, update…: runs of one, the raw path
                unit.execute(INSERT, r)
                unit.execute(UPDATE, {"b_k": r["k"], "on": None if r["flag"] else r["on"],
                                      "amount": r["amount"] + 1})
            unit.execute(INSERT, {"k": "short"})   # server default for the missing columns
            unit.flush()
            assert _raw_form(conn.dialect, IN_LIST, {"ks": ["x"]}) is None
            got = {row.k: tuple(row) for row in conn.execute(sa.select(scratch))}
        assert got["short"] == ("short", None, None, False, None)
        for r in rows:
            assert got[r["k"]] == (r["k"], None if r["flag"] else r["on"], r["amount"] + 1,
                                   r["flag"], r["note"])
    finally:
        meta.drop_all(engine)
        engine.dispose()


other = sa.Table("unit_other", meta, sa.Column("k", sa.String(10), primary_key=True))
shuffled = sa.Table("unit_shuffled", meta, sa.Column("g", sa.String(4), primary_key=True),
                    sa.Column("n", sa.Integer, primary_key=True, autoincrement=False),
                    info={"insert_order": ("g",)})
OTHER = other.insert()   # prebuilt, as projections' statements are (a run is per statement)


def test_runs_join_across_other_tables_and_keep_order_within_one(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path}/u.db")
    meta.create_all(engine)
    with engine.begin() as conn:
        unit = Unit(conn)
        unit.execute(INSERT, {"k": "a"})
        unit.execute(OTHER, {"k": "x"})
        unit.execute(INSERT, {"k": "b"})            # joins the first run: only `other` between
        assert [len(r[3]) for r in unit._runs] == [2, 1]
        unit.execute(UPDATE, {"b_k": "a", "on": None, "amount": 1})
        unit.execute(INSERT, {"k": "c"})            # after an update of its table: a new run
        unit.execute_many(OTHER, [{"k": "y"}, {"k": "z"}])   # joins other's run
        assert [len(r[3]) for r in unit._runs] == [2, 3, 1, 1]
        unit.execute(sa.text("SELECT 1"), {})         # unknown tables: a barrier for everyone
        unit.execute(OTHER, {"k": "w"})
        assert len(unit._runs) == 6
        unit.flush()
        assert unit._runs == [] and unit.flushes == 1
        assert [r.k for r in conn.execute(sa.select(scratch.c.k).order_by(scratch.c.k))] == \
            ["a", "b", "c"]
        assert conn.execute(sa.select(scratch.c.amount).where(scratch.c.k == "a")).scalar() == 1


def test_a_random_keyed_tables_long_runs_go_out_sorted(tmp_path, monkeypatch):
    import kernel.units as units

    engine = sa.create_engine(f"sqlite:///{tmp_path}/s.db")
    meta.create_all(engine)
    monkeypatch.setattr(units, "SORT_MIN", 3)
    rows = [{"g": g, "n": i} for i, g in enumerate("dbca")]
    with engine.begin() as conn:
        unit = Unit(conn)
        unit.execute_many(shuffled.insert(), rows)
        sent = unit._runs[0][3]
        unit.flush()
        assert [r["g"] for r in sent] == ["a", "b", "c", "d"]   # sorted before it went out
        assert conn.execute(sa.select(sa.func.count()).select_from(shuffled)).scalar() == 4


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_copy_writes_what_insert_writes(settings, monkeypatch):
    import kernel.units as units

    monkeypatch.setattr(units, "COPY_MIN", 2)
    monkeypatch.setattr(units, "COPY_BLOCK", 64)   # several blocks
    engine = create_engine(settings)
    meta.create_all(engine)
    try:
        tricky = ["tab\there", "new\nline", "back\\slash", "\\N", "", "名称\r\n", None]
        rows = [{"k": f"c{i}", "on": date(2026, 1, 1 + i), "amount": Decimal("-0.5") * i,
                 "flag": i % 2 == 1, "note": note} for i, note in enumerate(tricky)]
        with engine.begin() as conn:
            unit = Unit(conn, copy=True)
            unit.execute_many(INSERT, rows)
            unit.flush()
            got = {r.k: tuple(r) for r in conn.execute(sa.select(scratch))}
        assert got == {r["k"]: (r["k"], r["on"], r["amount"], r["flag"], r["note"])
                       for r in rows}
    finally:
        meta.drop_all(engine)
        engine.dispose()


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_postgres_sends_a_flushs_runs_in_one_pipeline(settings, monkeypatch):
    """Alternating statements (runs of one) go out in pipeline mode, left for a COPY and for a
    statement SQLAlchemy runs; the rows are what they would be. A statement failing inside the
    pipeline fails the flush with its own error, the transaction rolls back whole, and the
    connection serves the next transaction."""
    import psycopg

    import kernel.units as units

    monkeypatch.setattr(units, "COPY_MIN", 3)
    entered = []
    pipeline = psycopg.Connection.pipeline
    monkeypatch.setattr(psycopg.Connection, "pipeline",
                        lambda self: entered.append(1) or pipeline(self))
    engine = create_engine(settings)
    meta.create_all(engine)
    try:
        with engine.begin() as conn:
            unit = Unit(conn, copy=True)
            for i in range(3):
                unit.execute(INSERT, {"k": f"a{i}"})
                unit.execute(UPDATE, {"b_k": f"a{i}", "on": date(2026, 1, 1 + i),
                                      "amount": Decimal(i)})
            unit.execute_many(OTHER, [{"k": f"o{i}"} for i in range(4)])   # a COPY
            unit.execute(INSERT, {"k": "b"})
            unit.execute(UPDATE, {"b_k": "b", "on": None, "amount": Decimal("9.5")})
            unit.execute(IN_LIST, {"ks": ["a0"]})   # SQLAlchemy's own (expanding)
            unit.execute(INSERT, {"k": "c"})
            unit.execute(UPDATE, {"b_k": "c", "on": None, "amount": Decimal("1")})
            unit.flush()
            got = {r.k: (r.on, r.amount) for r in conn.execute(sa.select(scratch))}
            assert conn.execute(sa.select(sa.func.count()).select_from(other)).scalar() == 4
        assert got == {"a1": (date(2026, 1, 2), 1), "a2": (date(2026, 1, 3), 2),
                       "b": (None, Decimal("9.5")), "c": (None, 1)}
        assert len(entered) == 3   # before the COPY, after it, after SQLAlchemy's DELETE
        with pytest.raises(psycopg.errors.UniqueViolation):   # (the raw path's own error)
            with engine.begin() as conn:
                unit = Unit(conn)
                for k in ("d", "a1", "e"):   # a1 exists: the second statement fails
                    unit.execute(INSERT, {"k": k})
                    unit.execute(UPDATE, {"b_k": k, "on": None, "amount": Decimal("2")})
                unit.flush()
        with engine.begin() as conn:
            keys = set(conn.execute(sa.select(scratch.c.k)).scalars())
        assert keys == {"a1", "a2", "b", "c"}
    finally:
        meta.drop_all(engine)
        engine.dispose()

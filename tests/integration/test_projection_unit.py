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

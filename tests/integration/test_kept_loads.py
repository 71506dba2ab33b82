"""A province-wide load of supervision's read models is kept between the monthly runs while the
projections writing them stand still, and read again as soon as one of them moves (SQLite,
PostgreSQL)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import sqlalchemy as sa

from credit.rating.facts import load_facts
from kernel.kept import fetch_ints_kept
from supervision.directory.tables import annual_reports, entities
from tests.factories import entity
from tests.integration.credit_helpers import register

BACKENDS = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)


@BACKENDS
def test_kept_while_the_projection_stands_read_again_when_it_moves(platform):
    register(platform, [1, 2], reports_until=2024)
    platform.settle()
    stmt = sa.select(annual_reports.c.entity_no, annual_reports.c.year)
    with platform.engine.connect() as conn:
        first = fetch_ints_kept(conn, stmt, 2, (annual_reports,))
        again = fetch_ints_kept(conn, stmt, 2, (annual_reports,))
    assert again is first and not first.flags.writeable and first.shape == (20, 2)
    platform.supervision.file_annual_report(entity(1).uscc, 2025, date(2026, 4, 1))
    platform.settle()
    with platform.engine.connect() as conn:
        moved = fetch_ints_kept(conn, stmt, 2, (annual_reports,))
    assert moved is not first and moved.shape == (21, 2) and 2025 in moved[:, 1]
    with pytest.raises(ValueError, match="read-model tables only"):
        with platform.engine.connect() as conn:
            fetch_ints_kept(conn, stmt, 2, (sa.Table("x", sa.MetaData()),))


@BACKENDS
def test_the_facts_of_a_province_follow_the_log(platform):
    rules = platform.rules
    register(platform, [1, 2, 3], reports_until=2023)
    platform.settle()
    with platform.engine.connect() as conn:
        before = load_facts(conn, rules, (2023, 2024))
        same = load_facts(conn, rules, (2023, 2024))
    assert np.array_equal(before.reports["year"], same.reports["year"])
    assert sorted(before.reports["year"].tolist()) == [2023] * 3
    platform.supervision.file_annual_report(entity(2).uscc, 2024, date(2025, 4, 1))
    platform.supervision.change_entity_status(entity(3).uscc, "deregistered", date(2025, 5, 1),
                                              "注销登记")
    platform.settle()
    with platform.engine.connect() as conn:
        after = load_facts(conn, rules, (2023, 2024))
        no = conn.scalar(sa.select(entities.c.entity_no).where(entities.c.uscc == entity(3).uscc))
        # a few entities (the red list's daily reads): never kept, always as stored
        some = load_facts(conn, rules, (2023, 2024), among=[no])
    assert sorted(after.reports["year"].tolist()) == [2023] * 3 + [2024]
    assert after.active.tolist() == [True, True, False] and some.active.tolist() == [False]

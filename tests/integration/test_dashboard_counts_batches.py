"""The dashboard's entity counts write the same rows whatever the batches: status and detail
changes of entities registered in the same batch fold into the queued row, those of earlier
batches are read once at the end of the batch (SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from dashboard.projections import dashboard_projections
from dashboard.tables import entity_counts, entity_facets, entity_status_history
from kernel.projections import ProjectionRunner
from tests.factories import entity, uscc

TABLES = (entity_facets, entity_counts, entity_status_history)


def _dump(conn):
    return {t.name: sorted(tuple(r) for r in conn.execute(sa.select(t))) for t in TABLES}


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_batches_of_any_size_write_the_same_counts(platform):
    sup = platform.supervision
    sup.register_entities([entity(i) for i in range(1, 31)])
    for i in range(1, 31, 3):   # deregistered, some revoked after, some back
        sup.change_entity_status(uscc(i), "deregistered", date(2026, 3, 1), "test")
    for i in range(1, 31, 6):
        sup.change_entity_status(uscc(i), "revoked", date(2026, 4, 1), "test")
    sup.change_entity_details(uscc(2), {"industry_code": "A0111"})
    sup.register_entities([entity(i) for i in range(31, 36)])
    sup.change_entity_status(uscc(31), "deregistered", date(2026, 5, 1), "test")
    sup.change_entity_status(uscc(4), "active", date(2026, 5, 2), "test")
    for status in ("deregistered", "revoked", "active"):   # back to back: in one batch
        sup.change_entity_status(uscc(5), status, date(2026, 6, 1), "test")
    assert platform.settle("supervision", "dashboard")
    with platform.engine.connect() as conn:
        expected = _dump(conn)
    assert sum(r[-1] for r in expected["entity_counts"]) == 35, expected
    live = platform.runners["dashboard"]
    for size in (1, 2, 7, 10_000):
        live.reset()
        runner = ProjectionRunner(platform.engine, sup, dashboard_projections(), batch_size=size,
                                  max_batch_size=size, name="dashboard", settings=platform.settings)
        runner.catch_up()
        with platform.engine.connect() as conn:
            assert _dump(conn) == expected, size

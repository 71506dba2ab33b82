"""The directory scenario, run on SQLite and on PostgreSQL (same class, two backends)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from kernel.errors import Conflict, InvalidInput, NotFound
from supervision.directory import views
from supervision.directory.tables import annual_reports, entities
from tests.factories import entity

TODAY = date(2026, 11, 23)


def _dump(platform) -> list[tuple]:
    with platform.engine.connect() as conn:
        return ([tuple(r) for r in conn.execute(sa.select(entities).order_by(entities.c.entity_no))]
                + [tuple(r) for r in conn.execute(sa.select(annual_reports)
                                                  .order_by(annual_reports.c.entity_no))])


class DirectoryScenario:
    backend = "sqlite"

    def test_register_project_and_look_up(self, platform):
        # register two entities and let the projection catch up
        platform.supervision.register_entity(entity(1), TODAY)
        platform.supervision.register_entity(entity(2, "individual"), TODAY)
        assert platform.settle()
        with platform.engine.connect() as conn:
            profile = views.public_entity(conn, entity(1).uscc)
            total, items = views.list_entities(conn, entity_type="individual")
        assert profile["name"] == "测试1号商贸有限公司" and profile["status"] == "active"
        assert total == 1 and items[0]["uscc"] == entity(2, "individual").uscc

    def test_second_registration_conflicts_and_records_nothing(self, platform):
        platform.supervision.register_entity(entity(1), TODAY)
        before = platform.supervision.recorder.max_notification_id()
        with pytest.raises(Conflict):
            platform.supervision.register_entity(entity(1), TODAY)
        assert platform.supervision.recorder.max_notification_id() == before

    def test_invalid_registration_records_nothing(self, platform):
        with pytest.raises(InvalidInput) as e:
            platform.supervision.register_entity(entity(1, region_code="9999"), TODAY)
        assert e.value.field == "region_code"
        assert (platform.supervision.recorder.max_notification_id() or 0) == 0

    def test_status_and_annual_report_events_reach_the_read_model(self, platform):
        data = entity(3)
        platform.supervision.register_entity(data, TODAY)
        platform.supervision.file_annual_report(data.uscc, 2024, date(2025, 5, 2))
        platform.supervision.change_entity_status(data.uscc, "deregistered", date(2026, 1, 5), "注销")
        platform.settle()
        with platform.engine.connect() as conn:
            record = views.entity_record(conn, data.uscc)
        assert record["status"] == "deregistered" and record["status_since"] == date(2026, 1, 5)
        assert record["last_annual_report_year"] == 2024 and record["version"] == 3
        with pytest.raises(NotFound):
            platform.supervision.change_entity_status(entity(99).uscc, "revoked", TODAY, "")

    def test_bulk_register_reports_duplicates_and_rebuild_equals_incremental(self, platform):
        first = platform.supervision.register_entities([entity(i) for i in range(50)])
        again = platform.supervision.register_entities([entity(i) for i in range(45, 60)])
        assert first.registered == 50 and again.registered == 10 and len(again.duplicates) == 5
        platform.supervision.file_annual_report(entity(7).uscc, 2024, date(2025, 6, 1))
        platform.catch_up()
        incremental = _dump(platform)
        assert len(incremental) == 61
        platform.runners["supervision"].rebuild()
        assert _dump(platform) == incremental


class TestDirectoryOnSQLite(DirectoryScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestDirectoryOnPostgres(DirectoryScenario):
    backend = "postgres"

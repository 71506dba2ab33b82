"""Views never write: the overview reads the projected credit counts on a read-only connection
(it used to recount them when opened), and marking a notification read is a command whose event
the projection (and a rebuild) turns into the read mark (it used to be a view's INSERT)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from credit.jobs import reclassify, refresh_red_list
from dashboard import queries
from dashboard.filters import Filters
from dashboard.pages import overview
from kernel.http import auth
from opencheck.app import create_app
from supervision.tasks import views as task_views
from supervision.tasks.notification_reads import NotificationRead
from supervision.tasks.tables import notification_reads
from tests.factories import entity
from tests.integration.credit_helpers import commend, inspect, register

TODAY = date(2026, 9, 1)


def read_only_engine(platform) -> sa.Engine:
    """Another engine on the same read models whose every transaction is read-only."""
    settings = platform.settings
    if not settings.is_postgres:
        engine = sa.create_engine(settings.sqlalchemy_url(),
                                  connect_args={"check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _query_only(dbapi_conn, _record):  # noqa: ANN001
            dbapi_conn.execute("PRAGMA query_only = ON")

        return engine
    options = f"-cdefault_transaction_read_only=on -csearch_path={settings.database_schema}"
    return sa.create_engine(settings.sqlalchemy_url(), connect_args={"options": options})


class ViewsScenario:
    backend = "sqlite"

    def test_the_overview_reads_projected_counts_on_a_read_only_connection(self, platform):
        register(platform, range(1, 7), reports_until=2025)
        for i in range(1, 4):
            commend(platform, entity(i).uscc, date(2026, 1, 5))
        per_class = reclassify(platform, TODAY)
        refresh_red_list(platform, TODAY)
        platform.catch_up()
        engine = read_only_engine(platform)
        try:
            with engine.connect() as conn, pytest.raises(sa.exc.DBAPIError):
                conn.execute(sa.text("DELETE FROM risk_class_counts"))   # really read-only
            reader = dataclasses.replace(platform, engine=engine)
            year = Filters(date_from=date(2026, 1, 1), date_to=TODAY)
            assert overview.body(reader, year, TODAY)                  # the page's callback
            with engine.connect() as conn:
                data = queries.overview(conn, year, TODAY)
        finally:
            engine.dispose()
        assert list(data["risk_classes"]["counts"].values()) == per_class.tolist()
        assert data["lists"]["red"]["listed"] == 3
        assert data["lists"]["red"]["counted_on"] == TODAY

    def test_marking_a_notification_read_records_an_event_the_rebuild_replays(self, platform):
        register(platform, [1], reports_until=2025)
        inspect(platform, entity(1).uscc, "1", date(2026, 3, 2))   # team: inspectors 1 and 2
        auth.add_user(platform.engine, "insp", "inspect-pass-123", "inspector",
                      department="market_regulation", inspector_no=1)
        with TestClient(create_app(platform=platform)) as client:
            login = client.post("/api/v1/auth/token",
                                data={"username": "insp", "password": "inspect-pass-123"})
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            (note,) = client.get("/api/v1/me/notifications", headers=headers).json()["items"]
            before = platform.supervision.recorder.max_notification_id()
            r = client.post(f"/api/v1/me/notifications/{note['position']}/read", headers=headers)
            assert r.status_code == 200 and r.json()["read"] is True
            # one event recorded, by the command; marking again records nothing
            after = platform.supervision.recorder.max_notification_id()
            assert after == before + 1
            (recorded,) = platform.supervision.recorder.select_notifications(after, 1)
            assert recorded.topic.endswith(NotificationRead.MarkedRead.__qualname__)
            again = client.post(f"/api/v1/me/notifications/{note['position']}/read",
                                headers=headers)
            assert again.status_code == 200 and again.json()["read"] is True
            assert platform.supervision.recorder.max_notification_id() == after
        with platform.engine.connect() as conn:
            marks = conn.execute(sa.select(notification_reads)).all()
        assert [(m.inspector_no, m.position) for m in marks] == [(1, note["position"])]
        # the read mark is a projection: emptied and replayed, it comes back as it was
        platform.runners["supervision"].rebuild(["notification_reads"])
        engine = read_only_engine(platform)
        try:
            with engine.connect() as conn:
                assert conn.execute(sa.select(notification_reads)).all() == marks
                _, unread = task_views.inspector_notifications(conn, 1, unread=True)
        finally:
            engine.dispose()
        assert unread == []
        assert not hasattr(task_views, "mark_read")


class TestViewsOnSQLite(ViewsScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestViewsOnPostgres(ViewsScenario):
    backend = "postgres"

"""The bulk directory path (events built without aggregates) stores what the aggregates store.

For a sample of entities, the events written by `register_entities` and `file_annual_reports`
equal, byte for byte apart from the moment in `timestamp`, those written by `register_entity`
and `file_annual_report` one aggregate at a time; replaying them gives the same aggregates, and
projecting them the same read tables. Reruns skip what is stored; a bad report stores nothing.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from eventsourcing.persistence import IntegrityError

from kernel.errors import Conflict, InvalidInput, NotFound
from opencheck.bootstrap import bootstrap
from opencheck.demo.synthdata import resident_id
from opencheck.migrate import upgrade
from supervision.directory.entities import entity_id
from tests.conftest import make_settings, postgres_schema
from tests.factories import entity

TODAY = date(2026, 3, 2)
ROWS = [entity(i, ("enterprise", "individual", "cooperative")[i % 3],
               registered_on=date(2018 + i % 7, 1 + i % 12, 1 + i % 28)) for i in range(40)]
# one legal representative with an ID number: the event carries the person key and masked form
ROWS[3] = entity(3, legal_representative="李四", legal_representative_id=resident_id("330702", 8))
REPORTS = [(r.uscc, year, date(year + 1, 4, 1)) for year in (2024, 2025) for r in ROWS
           if r.registered_on.year <= year]


@contextlib.contextmanager
def other_platform(backend, tmp_path):
    """A second, empty store on the same backend."""
    schemas = postgres_schema() if backend == "postgres" else iter([None])
    schema = next(schemas)
    settings = make_settings(backend, tmp_path / "other", schema)
    (tmp_path / "other").mkdir()
    upgrade(settings)
    p = bootstrap(settings)
    try:
        yield p
    finally:
        p.close()
        for _ in schemas:   # drops the schema
            pass


def _without_moment(stored) -> tuple:
    moment = json.loads(stored.state)["timestamp"]["_data_"]
    return (stored.topic, stored.originator_id, stored.originator_version,
            stored.state.replace(moment.encode(), b"<moment>"))


def _read_tables(p) -> dict[str, list]:
    """Every read table's rows (the event store's own tables left out), moments (datetimes:
    event timestamps, processing times) aside, and the Merkle log's tables (its leaves hash the
    stored events, timestamps included)."""
    meta = sa.MetaData()
    meta.reflect(p.engine, schema=p.settings.database_schema)
    out = {}
    with p.engine.connect() as conn:
        for name, table in meta.tables.items():
            if name.split(".")[-1].endswith(("_events", "_idempotency_keys")):
                continue
            if name.split(".")[-1].startswith("log_"):   # Merkle hashes cover the timestamps
                continue
            rows = [tuple(v for v in row if not isinstance(v, datetime))
                    for row in conn.execute(sa.select(table))]
            out[name.split(".")[-1]] = sorted(rows, key=repr)
    return out


class BulkScenario:
    backend = "sqlite"

    def test_bulk_events_equal_per_aggregate_events(self, platform, backend, tmp_path):
        bulk = platform.supervision
        # the bulk path: one write of registrations, then the reports by the thousand
        rows = [r.validated(TODAY) for r in ROWS]
        assert bulk.register_entities(rows).registered == len(rows)
        bulk.file_annual_reports(REPORTS)
        with other_platform(backend, tmp_path) as other:
            # the per-aggregate path, in the same order, in a second store
            one = other.supervision
            one.person_keyer = bulk.person_keyer   # the same secret for the person key
            for r in ROWS:
                one.register_entity(r, TODAY)
            for uscc, year, filed_on in REPORTS:
                one.file_annual_report(uscc, year, filed_on)
            for r in ROWS:
                ours = bulk.recorder.select_events(entity_id(r.uscc))
                theirs = one.recorder.select_events(entity_id(r.uscc))
                assert [_without_moment(e) for e in ours] == \
                    [_without_moment(e) for e in theirs]
                # replay: the same aggregate, moments aside
                a, b = bulk.get_entity(r.uscc), one.get_entity(r.uscc)
                assert a.version == b.version and a.annual_reports == b.annual_reports
                assert {k: v for k, v in vars(a).items() if k not in ("_created_on", "_modified_on")} \
                    == {k: v for k, v in vars(b).items() if k not in ("_created_on", "_modified_on")}
            assert [n.id for n in bulk.recorder.select_notifications(1, 10_000)] == \
                [n.id for n in one.recorder.select_notifications(1, 10_000)]
            # projected: the same read tables, row for row
            platform.catch_up()
            other.catch_up()
            ours, theirs = _read_tables(platform), _read_tables(other)
            assert ours["entities"] and ours == theirs

    def test_rerun_skips_what_is_stored(self, platform):
        app = platform.supervision
        first = app.register_entities([r.validated(TODAY) for r in ROWS[:30]])
        again = app.register_entities([r.validated(TODAY) for r in ROWS[20:]])
        assert (first.registered, first.duplicates) == (30, [])
        assert again.registered == 10 and again.duplicates == [r.uscc for r in ROWS[20:30]]
        assert app.register_entities([r.validated(TODAY) for r in ROWS]).registered == 0
        platform.catch_up()
        with platform.engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT count(*) FROM entities")) == len(ROWS)

    def test_bad_reports_store_nothing(self, platform):
        app = platform.supervision
        app.register_entities([r.validated(TODAY) for r in ROWS[:5]])
        good = [(ROWS[0].uscc, 2025, date(2026, 1, 5))]
        position = app.recorder.max_notification_id()
        for bad, error, field in (
                ([(ROWS[9].uscc, 2025, date(2026, 1, 5))], NotFound, "uscc"),   # not registered
                ([(ROWS[1].uscc, 2025, date(2025, 12, 5))], InvalidInput, "filed_on"),
                ([(ROWS[1].uscc, 2010, date(2011, 1, 5))], InvalidInput, "year"),
                (good * 2, Conflict, "year")):                   # the same year twice
            with pytest.raises(error) as caught:
                app.file_annual_reports(good + bad)
            assert caught.value.field == field
        assert app.recorder.max_notification_id() == position   # all or nothing
        app.file_annual_reports(good)
        with pytest.raises(Conflict, match="already filed"):
            app.file_annual_reports(good)
        assert app.get_entity(ROWS[0].uscc).annual_reports == {2025: date(2026, 1, 5)}

    def test_a_concurrent_change_is_retried(self, platform, monkeypatch):
        """An entity changed between the read of its events and the write: the write clashes
        (the store's IntegrityError), the reports are rebuilt on the new version and stored."""
        app = platform.supervision
        app.register_entities([r.validated(TODAY) for r in ROWS[:3]])
        read = type(app)._annual_report_events
        interfered = []

        def meddling(self, reports):
            events = read(self, reports)
            if not interfered:   # someone else changes the entity after our read
                interfered.append(1)
                app.change_entity_status(ROWS[1].uscc, "deregistered", date(2026, 1, 2), "test")
            return events

        monkeypatch.setattr(type(app), "_annual_report_events", meddling)
        app.file_annual_reports([(r.uscc, 2025, date(2026, 2, 1)) for r in ROWS[:3]])
        assert app.get_entity(ROWS[1].uscc).version == 3
        assert app.get_entity(ROWS[1].uscc).annual_reports == {2025: date(2026, 2, 1)}

        def always(self, reports):
            raise IntegrityError("clash")

        monkeypatch.setattr(type(app), "_annual_report_events", always)
        with pytest.raises(Conflict):
            app.file_annual_reports([(ROWS[0].uscc, 2024, date(2025, 2, 1))])


class TestBulkOnSQLite(BulkScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestBulkOnPostgres(BulkScenario):
    backend = "postgres"

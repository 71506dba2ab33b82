"""`credit_on_supervision` (credit's runner of the supervision log) reads only the event types
its projection handles: registrations and annual reports, most of that log, are filtered out
in the store's SELECT and never decoded."""

from __future__ import annotations

from datetime import date

from eventsourcing.utils import get_topic

from credit.lists.projections import GroundSources
from kernel import decoding
from supervision.directory.entities import MarketEntity
from tests.factories import entity


class TopicsScenario:
    backend = "sqlite"

    def test_reads_and_decodes_only_what_its_projection_handles(self, platform, monkeypatch):
        runner = platform.runners["credit_on_supervision"]
        assert runner.topics == sorted(get_topic(t) for t in GroundSources._handlers)
        app = platform.supervision
        app.register_entities([entity(i) for i in range(1, 9)])
        for i in range(1, 9):
            app.file_annual_report(entity(i).uscc, 2025, date(2026, 4, 1))
        app.change_entity_details(entity(1).uscc, {"address": "浙江省金华市婺城区新址2号"},
                                  date(2026, 5, 6))
        decoded = []
        original = decoding.decoder   # what the runner decodes with (kernel.decoding)

        def spying(mapper):
            decode = original(mapper)
            return lambda n: decoded.append(n.topic) or decode(n)

        monkeypatch.setattr(decoding, "decoder", spying)
        assert runner.catch_up() == 1
        assert decoded == [get_topic(MarketEntity.DetailsChanged)]
        # the position still moves to the head of the log
        assert runner.position() == app.recorder.max_notification_id()


class TestTopicsOnSQLite(TopicsScenario):
    backend = "sqlite"


class TestTopicsOnPostgres(TopicsScenario):
    backend = "postgres"

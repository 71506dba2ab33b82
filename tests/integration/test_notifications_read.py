"""The runner's read of the log (kernel.notifications) returns what the recorder's
`select_notifications` returns: same notifications, same UUIDs, for any start, stop, limit and
topics; on PostgreSQL it is the recorder's own read."""

from __future__ import annotations

import pickle
from datetime import date
from uuid import UUID

import pytest
from eventsourcing.utils import get_topic

from kernel import notifications
from supervision.directory.entities import MarketEntity
from tests.factories import entity, uscc


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_the_fast_read_equals_the_recorders(platform):
    app = platform.supervision
    app.register_entities([entity(i) for i in range(1, 8)])
    app.file_annual_reports([(uscc(i), 2025, date(2026, 3, 1)) for i in range(1, 5)])
    app.change_entity_status(uscc(2), "deregistered", date(2026, 4, 1), "test")
    recorder, head = app.recorder, app.recorder.max_notification_id()
    reports = [get_topic(MarketEntity.AnnualReportFiled), get_topic(MarketEntity.StatusChanged)]
    for start, limit, stop, topics in [(0, 100, head, ()), (0, 3, head, ()), (2, 100, head - 2, ()),
                                       (0, 100, head, reports), (5, 2, head, reports),
                                       (head, 10, head, ()), (0, 100, 0, ())]:
        want = recorder.select_notifications(start=start, limit=limit, stop=stop, topics=topics,
                                             inclusive_of_start=False)
        got = notifications.select(recorder, start, limit, stop, topics)
        assert got == want, (start, limit, stop, topics)
        assert [type(n) for n in got] == [type(n) for n in want]
        for g, w in zip(got, want):
            assert type(g.originator_id) is UUID and g.originator_id.hex == w.originator_id.hex
            assert hash(g.originator_id) == hash(w.originator_id) and g.state == w.state
            assert pickle.loads(pickle.dumps(g.originator_id)) == w.originator_id
    assert len(notifications.select(recorder, 0, 100, head, ())) == head == 12

"""Parallel catch-up (kernel.segments): the segmentable projections caught up by segments of
originators give the read tables a single runner gives, exactly once, across segment counts and a
worker killed with SIGKILL."""

from __future__ import annotations

import signal
import time
from datetime import date

import pytest
import sqlalchemy as sa

from kernel import segments
from kernel.db import projection_segments, projection_tracking
from opencheck.bootstrap import bootstrap
from supervision.directory.tables import (
    annual_reports,
    entities,
    entity_pool,
    entity_statuses,
    legal_representations,
)
from tests.conftest import make_settings, postgres_schema
from tests.factories import entity
from tests.integration.test_projection_crash import _worker

TABLES = (entities, annual_reports, legal_representations, entity_statuses, entity_pool)
BOTH = pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                                  marks=pytest.mark.postgres)])


def _record(p, first: int, n: int) -> None:
    """Registrations, annual reports, status and representative changes, interleaved."""
    app = p.supervision
    rows = [entity(i, region="330703" if i % 2 else "330702") for i in range(first, first + n)]
    half = len(rows) // 2
    app.register_entities(rows[:half])
    app.file_annual_reports([(r.uscc, 2025, date(2026, 3, 1)) for r in rows[: half * 2 // 3]])
    app.register_entities(rows[half:])
    for r in rows[::7]:
        app.change_entity_status(r.uscc, "deregistered", date(2026, 4, 1), "test")
    for r in rows[3::11]:
        app.change_entity_details(r.uscc, {"legal_representative": "李四",
                                           "address": "浙江省金华市婺城区新路2号"},
                                  today=date(2026, 5, 1))
    app.file_annual_reports([(r.uscc, 2025, date(2026, 3, 2)) for r in rows[half:]])


def _dump(p) -> dict[str, list[tuple]]:
    with p.engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(
            sa.select(t).order_by(*t.primary_key.columns))] for t in TABLES}


def _positions(p, name: str = "entity_directory") -> tuple[int, dict[int, int]]:
    with p.engine.connect() as conn:
        low = conn.scalar(sa.select(projection_tracking.c.position)
                          .where(projection_tracking.c.projection == name))
        parts = dict(conn.execute(sa.select(projection_segments.c.segment,
                                            projection_segments.c.position)
                                  .where(projection_segments.c.projection == name)).all())
    return low, parts


@pytest.fixture
def store(request, tmp_path):
    """Settings for one store, with a given segment count per bootstrap."""
    backend = request.param

    def settings(schema, n):
        return make_settings(backend, tmp_path, schema, projection_segments=n)

    if backend == "sqlite":
        yield lambda n: settings(None, n)
    else:
        for schema in postgres_schema():
            yield lambda n: settings(schema, n)


def _platform(settings):
    from opencheck.migrate import upgrade

    upgrade(settings)
    return bootstrap(settings)


def test_segment_of_is_stable_and_spreads():
    from uuid import UUID, uuid5

    ids = [uuid5(UUID(int=0), str(i)) for i in range(4000)]
    counts = [sum(segments.segment_of(i, 4) == k for i in ids) for k in range(4)]
    assert min(counts) > 800
    assert segments.segment_of(ids[0], 4) == segments.segment_of(str(ids[0]), 4)


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_segments_equal_one_runner_and_survive_a_change_of_count(store):
    # three segments, each caught up on its own, in an order where one runs far ahead
    p = _platform(store(3))
    try:
        runner = p.runners["supervision"]
        assert [r.name for r in runner.parts] == [f"supervision#{k}/3" for k in range(3)]
        assert {x.name for x in runner.parts[0].projections} == {"entity_directory",
                                                                 "entity_pool"}
        _record(p, 0, 240)
        head = p.supervision.recorder.max_notification_id()
        p.catch_up(segment=2)
        low, parts = _positions(p)
        assert parts == {0: 0, 1: 0, 2: head} and low == 0   # readers wait for the lowest
        assert not p.runners["supervision"].wait_for(head, timeout=0.2, run_inline=False)
        p.catch_up()
        assert _positions(p) == (head, {0: head, 1: head, 2: head})
        segmented = _dump(p)
        assert len(segmented["entities"]) == 240
        # a single runner from zero writes the same rows (the rebuild replays whole)
        runner.rebuild()
        assert _dump(p) == segmented
        assert _positions(p) == (head, {0: head, 1: head, 2: head})
        # more events, only segment 1 of 3 caught up: segments at different positions
        _record(p, 1000, 90)
        p.catch_up(segment=1)
        head = p.supervision.recorder.max_notification_id()
    finally:
        p.close()
    # two segments now: the old three are first caught up to the furthest, none twice
    p = _platform(store(2))
    try:
        low, parts = _positions(p)
        assert parts == {} and low == head
        p.catch_up()
        assert _positions(p) == (head, {0: head, 1: head})
        _record(p, 2000, 60)
        p.catch_up(segment=0)
    finally:
        p.close()
    # and back to one position per projection
    p = _platform(store(1))
    try:
        assert p.runners["supervision"].parts == []
        assert _positions(p)[1] == {}
        p.catch_up()
        incremental = _dump(p)
        assert len(incremental["entities"]) == 390
        p.runners["supervision"].rebuild()
        assert _dump(p) == incremental
    finally:
        p.close()


@pytest.mark.postgres
@pytest.mark.multiprocess
def test_sigkill_of_one_segment_worker_loses_and_duplicates_nothing(tmp_path):
    for schema in postgres_schema():
        settings = make_settings("postgres", tmp_path, schema, projection_segments=2)
        p = _platform(settings)
        try:
            for start in range(0, 8_000, 500):   # 8,000 registrations, none projected
                p.supervision.register_entities([entity(i) for i in range(start, start + 500)])
            head = p.supervision.recorder.max_notification_id()
            env = {"OPENCHECK_PROJECTION_SEGMENTS": "2"}
            # two worker processes, one per segment; segment 0's is killed mid catch-up
            zero = _worker(settings, "--once", "--segment", "0", env=env)
            one = _worker(settings, "--once", "--segment", "1", env=env)
            deadline = time.monotonic() + 120
            while _positions(p)[1].get(0, 0) < 1_500:
                assert zero.poll() is None, zero.stdout.read().decode()
                assert time.monotonic() < deadline, "segment 0 made no progress"
                time.sleep(0.01)
            zero.send_signal(signal.SIGKILL)
            zero.wait()
            killed_at = _positions(p)[1][0]
            assert 0 < killed_at < head
            assert one.wait(timeout=300) == 0, one.stdout.read().decode()
            low, parts = _positions(p)
            assert parts[1] == head and low == killed_at   # readers still wait for segment 0
            # restarted, segment 0 resumes from its committed position
            again = _worker(settings, "--once", "--segment", "0", env=env)
            assert again.wait(timeout=300) == 0, again.stdout.read().decode()
            assert _positions(p) == (head, {0: head, 1: head})
            resumed = _dump(p)
            assert len(resumed["entities"]) == len(resumed["entity_pool"]) == 8_000
            # one runner from zero gives exactly the same rows
            p.runners["supervision"].rebuild()
            assert _dump(p) == resumed
        finally:
            p.close()

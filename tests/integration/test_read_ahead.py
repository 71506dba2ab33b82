"""Read-ahead (kernel.readahead): a runner far behind its log reads and decodes the next batch in
a thread while it writes the current one. The read models equal those built event by event; a
read-ahead that no longer starts where the positions are (a failed batch) or that failed itself
is dropped and the log read again (PostgreSQL, where runners read ahead; SQLite with it forced
on, the same logic on the other backend)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kernel.readahead import ReadAhead
from tests.integration.test_projection_segments import _dump, _record

BOTH = pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                                  marks=pytest.mark.postgres)],
                               indirect=True)


def _far_behind(platform, size: int = 9):
    """The supervision runner reset to position 0 with batches of `size` events (so a
    catch-up is many batches), reading ahead, its read-aheads counted."""
    runner = platform.runners["supervision"]
    runner.reset()
    runner.batch_size = runner.max_batch_size = size
    runner.read_ahead = ReadAhead(runner)
    taken = []
    take = runner.read_ahead.take

    def counted(start: int):
        batch = take(start)
        taken.append(batch is not None)
        return batch

    runner.read_ahead.take = counted
    return runner, taken


def test_sqlite_runners_do_not_read_ahead(platform):
    assert platform.runners["supervision"].read_ahead is None


@pytest.mark.postgres
class TestOnPostgres:
    backend = "postgres"

    def test_postgres_runners_read_ahead(self, platform):
        assert platform.runners["supervision"].read_ahead is not None


@BOTH
def test_a_catch_up_reading_ahead_equals_event_by_event(platform):
    _record(platform, 1, 60)
    platform.settle()
    incremental = _dump(platform)
    runner, taken = _far_behind(platform)
    assert runner.catch_up() > 100
    assert _dump(platform) == incremental
    assert sum(taken) > 10   # most batches were read ahead
    assert runner.lag() == 0 and runner.read_ahead._batch is None


@BOTH
def test_a_failed_batch_drops_its_read_ahead(platform, monkeypatch):
    """The batch fails after its read-ahead started: the positions stay where they were, so
    the read-ahead (of the batch after it) is dropped and the failed batch is read again."""
    _record(platform, 1, 40)
    platform.settle()
    incremental = _dump(platform)
    runner, taken = _far_behind(platform)
    runner.run_batch()
    directory = next(p for p in runner.projections if p.name == "entity_directory")
    original = type(directory).end_batch
    calls = []

    def failing_once(self, unit):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("disk full")
        return original(self, unit)

    monkeypatch.setattr(type(directory), "end_batch", failing_once)
    before = runner.position()
    with pytest.raises(Exception, match="disk full"):
        runner.run_batch()
    assert runner.position() == before and runner.read_ahead._batch is not None
    runner.catch_up()
    assert taken[-1] is True and False in taken[1:]   # one dropped, the later ones used
    assert _dump(platform) == incremental


@BOTH
def test_a_read_ahead_that_fails_is_read_again(platform, monkeypatch):
    _record(platform, 1, 40)
    platform.settle()
    incremental = _dump(platform)
    runner, taken = _far_behind(platform)
    select = runner._select
    failures = []

    def flaky(start, limit, head):
        import threading

        if threading.current_thread().name.startswith("read-ahead") and not failures:
            failures.append(start)
            raise ConnectionError("server closed the connection")
        return select(start, limit, head)

    monkeypatch.setattr(runner, "_select", flaky)
    runner.catch_up()
    assert failures and taken.count(False) >= 2   # the first batch, and the failed read-ahead
    assert _dump(platform) == incremental and runner.failure is None


@BOTH
def test_a_read_ahead_that_reached_its_older_head_is_not_the_head(platform):
    """A read-ahead ends at the head its batch saw; events recorded after that are still to
    come: a catch-up taking a short read-ahead goes on to them (else `settle` would stop short
    of events committed before it was called)."""
    from tests.factories import entity

    _record(platform, 1, 40)
    platform.settle()
    runner, taken = _far_behind(platform)
    head = platform.supervision.recorder.max_notification_id()
    while True:   # up to a pending read-ahead of the log's last few events (a short one)
        runner.run_batch()
        pending = runner.read_ahead._batch
        assert pending is not None
        if head - pending.start < runner.max_batch_size:
            break
    platform.supervision.register_entities([entity(900), entity(901)])   # after its head
    runner.catch_up()
    assert taken[-2:] == [True, True] and runner.lag() == 0   # the short one, then the rest
    with platform.engine.connect() as conn:
        codes = {r[0] for r in conn.execute(sa.text("SELECT uscc FROM entities"))}
    assert {entity(900).uscc, entity(901).uscc} <= codes

"""The credit projections fold a batch's writes per row key (credit.read_models.KeyedRows): a
catch-up in batches of one event, in small batches that split cases, in one batch from position
0, and a rebuild beside the live tables (the bulk path) all write the same rows, and those rows
are what the aggregates that recorded the events say; on SQLite and PostgreSQL. The same for
credit's projection of the supervision log (GroundSources: cures sent before the batch's new
grounds, which later events cure in their queued rows)."""

from __future__ import annotations

import copy
import random
import uuid
from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace

import sqlalchemy as sa

from bench.credit_log import WRITTEN, check_rows, dump, entity_aggregates
from credit.lists.projections import GroundSources
from credit.lists.tables import abnormal_ground_sources
from credit.penalties.projections import PenaltyBoard
from kernel.units import Unit
from supervision.directory.entities import entity_id
from supervision.rules import FollowUp
from tests.factories import entity

# entities 20, 40 and 60 go through the serious list (a statement, a removal); the others
# cover fines paid, repairs, false commitments, second grounds, cures and removals by repair
ENTITIES = [*range(1, 13), 20, 40, 60]


def _catch_up_from_zero(platform, batch: int) -> dict[str, list[tuple]]:
    runner = platform.runners["credit"]
    runner.reset()
    runner.batch_size = runner.max_batch_size = batch
    runner.catch_up()
    with platform.engine.connect() as conn:
        return dump(conn)


def test_a_rebuilds_copy_queues_rows_of_its_own():
    # kernel.generations builds the next generation with shallow copies of the live
    # projections while the live runner goes on: no queued row may be shared
    live = PenaltyBoard()
    side = copy.copy(live)
    side.begin_batch()
    live.begin_batch()
    assert live.rows["penalties"] is not side.rows["penalties"]


class FoldScenario:
    backend = "sqlite"

    def test_any_batch_size_and_the_rebuild_write_the_same_rows(self, platform):
        runner = platform.runners["credit"]
        expect: dict[str, set] = {t.name: set() for t in WRITTEN}
        # recorded in three saves, caught up (one event a batch) after each: later saves
        # update rows earlier batches inserted
        for part in (ENTITIES[:5], ENTITIES[5:10], ENTITIES[10:]):
            platform.credit.save(*[a for i in part for a in entity_aggregates(i, expect)])
            runner.batch_size = runner.max_batch_size = 1
            runner.catch_up()
        with platform.engine.connect() as conn:
            check_rows(conn, expect)
            one_by_one = dump(conn)
        assert all(one_by_one[t.name] for t in WRITTEN)   # every table has rows to compare
        # batches of 7 split a case's events (opened in one batch, decided in the next)
        assert _catch_up_from_zero(platform, 7) == one_by_one
        # one batch: every update folds into its queued insert
        assert _catch_up_from_zero(platform, 100_000) == one_by_one
        # the bulk path: a new generation built beside the live tables, switched in
        runner.rebuild()
        with platform.engine.connect() as conn:
            assert dump(conn) == one_by_one


class TestFoldOnSQLite(FoldScenario):
    backend = "sqlite"


class TestFoldOnPostgres(FoldScenario):
    backend = "postgres"


def _supervision_events(seed: int = 5) -> list[tuple[str, SimpleNamespace]]:
    """Inspection results (some abnormal-list grounds), overdue and satisfied orders and
    address changes over a few entities and tasks, in a random order with dates that go back
    and forth (what the cures' conditions compare)."""
    rng = random.Random(seed)
    usccs = [entity(i).uscc for i in range(1, 5)]
    tasks = [uuid.UUID(int=k + 1) for k in range(40)]
    day = lambda: date(2026, 3, 1) + timedelta(days=rng.randrange(60))  # noqa: E731
    events: list[tuple[str, SimpleNamespace]] = []
    for k, task in enumerate(tasks):
        follow_up = rng.choice([f.value for f in FollowUp] + ["abnormal_ground"] * 3)
        events.append(("result", SimpleNamespace(
            originator_id=task, follow_up=follow_up, uscc=rng.choice(usccs),
            inspected_on=day(), recorded_on=day(), department="market_regulation",
            abnormal_list_ground=follow_up in ("abnormal_ground", "order_correct"))))
        if k % 3 == 0:
            events.append(("overdue", SimpleNamespace(
                originator_id=task, abnormal_list_ground=True, department="market_regulation",
                follow_up_no=k, found_on=day())))
    for _ in range(40):
        events.append(("satisfied", SimpleNamespace(
            originator_id=rng.choice(tasks[:12]), department="market_regulation",
            satisfied_on=day(),
            kind=rng.choice(["order_correct", "order_publicise"]))))
        events.append(("details_changed", SimpleNamespace(
            originator_id=entity_id(rng.choice(usccs)), changes={"address": "新址"},
            timestamp=datetime.combine(day(), time(2), timezone.utc))))
    # results stay before their own task's follow-ups; everything else is shuffled
    results, rest = events[:len(tasks) + 14], events[len(tasks) + 14:]
    rng.shuffle(rest)
    mixed = []
    for event in rest:
        mixed.append(event)
        if results and rng.random() < 0.5:
            mixed.append(results.pop(0))
    return mixed + results


def _ground_sources(platform, events, batch: int) -> list[tuple]:
    with platform.engine.begin() as conn:
        conn.execute(abnormal_ground_sources.delete())
    projection = GroundSources()
    for k in range(0, len(events), batch):
        with platform.engine.begin() as conn:
            unit = Unit(conn)
            projection.begin_batch()
            for handler, e in events[k:k + batch]:
                getattr(projection, handler)(e, k, unit)
            projection.end_batch(unit)
            unit.flush()
    with platform.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(abnormal_ground_sources)
                                               .order_by(abnormal_ground_sources.c.ground_key))]


class GroundSourcesScenario:
    backend = "sqlite"

    def test_a_batch_cures_the_grounds_events_one_by_one_would(self, platform):
        events = _supervision_events()
        one_by_one = _ground_sources(platform, events, 1)
        assert sum(1 for r in one_by_one if r[-1] is not None) >= 5   # cures to compare
        assert sum(1 for r in one_by_one if r[-1] is None) >= 5
        for batch in (4, 25, len(events)):
            assert _ground_sources(platform, events, batch) == one_by_one, batch


class TestGroundSourcesOnSQLite(GroundSourcesScenario):
    backend = "sqlite"


class TestGroundSourcesOnPostgres(GroundSourcesScenario):
    backend = "postgres"

"""The credit projections fold a batch's writes per row key (credit.read_models.KeyedRows): a
catch-up in batches of one event, in small batches that split cases, in one batch from position
0, and a rebuild beside the live tables (the bulk path) all write the same rows, and those rows
are what the aggregates that recorded the events say; on SQLite and PostgreSQL."""

from __future__ import annotations

from bench.credit_log import WRITTEN, check_rows, dump, entity_aggregates
from kernel.db import projection_tracking

# entities 20, 40 and 60 go through the serious list (a statement, a removal); the others
# cover fines paid, repairs, false commitments, second grounds, cures and removals by repair
ENTITIES = [*range(1, 13), 20, 40, 60]


def _catch_up_from_zero(platform, batch: int) -> dict[str, list[tuple]]:
    runner = platform.runners["credit"]
    with platform.engine.begin() as conn:
        for projection in runner.projections:
            projection.clear(conn)
        conn.execute(projection_tracking.update()
                     .where(projection_tracking.c.projection.in_(runner.names))
                     .values(position=0))
    runner.batch_size = runner.max_batch_size = batch
    runner.catch_up()
    with platform.engine.connect() as conn:
        return dump(conn)


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

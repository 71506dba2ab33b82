"""The daily credit job is idempotent: twice the same day records nothing new; catching up every
missed day after downtime ends where on-time runs did (on SQLite and PostgreSQL); the credit
projections rebuild to what they built incrementally."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest

from opencheck.bootstrap import bootstrap
from opencheck.migrate import upgrade
from opencheck.scheduler import run_jobs
from tests.conftest import make_settings, postgres_schema
from tests.factories import entity
from tests.integration.credit_helpers import (
    DAILY,
    daily,
    days,
    inspect,
    register,
    state,
)

FIRST, LAST = date(2026, 6, 29), date(2026, 8, 7)
FILINGS = {2: date(2026, 7, 8), 3: date(2026, 7, 21), 4: date(2026, 8, 5)}   # 5, 6 never


@contextlib.contextmanager
def other_store(backend: str, tmp_path):
    """A second, empty platform on the same backend (another file or schema)."""
    if backend == "sqlite":
        (tmp_path / "other").mkdir()
        settings = make_settings("sqlite", tmp_path / "other")
        schemas = iter([None])
    else:
        schemas = postgres_schema()
        settings = make_settings("postgres", tmp_path, next(schemas))
    upgrade(settings)
    p = bootstrap(settings)
    try:
        yield p
    finally:
        p.close()
        for _ in schemas:   # drops the schema
            pass


def _world(platform) -> None:
    register(platform, range(1, 7))
    platform.supervision.file_annual_report(entity(1).uscc, 2025, date(2026, 5, 6))


def _facts_of(platform, day: date) -> None:
    """What happens on `day` in the world (recorded after that day's 00:30 run)."""
    for i, filed_on in FILINGS.items():
        if filed_on == day:
            platform.supervision.file_annual_report(entity(i).uscc, 2025, filed_on)
    if day == date(2026, 7, 6):
        inspect(platform, entity(6).uscc, "6", day, "unreachable")
    if day == date(2026, 7, 29):
        inspect(platform, entity(6).uscc, "1", day, "reached")


class JobIdempotencyScenario:
    backend = "sqlite"

    def test_twice_and_catching_up_after_downtime_equal_running_on_time(self, platform,
                                                                       backend, tmp_path):
        _world(platform)
        for day in days(FIRST, LAST):   # on time: the job every morning, facts during the day
            daily(platform, day)
            _facts_of(platform, day)
        daily(platform, LAST)
        on_time = state(platform)
        # running again changes nothing and records nothing
        before = platform.credit.recorder.max_notification_id()
        assert run_jobs(platform, LAST, {DAILY})[DAILY].count("nothing new") == 1
        daily(platform, LAST)
        assert platform.credit.recorder.max_notification_id() == before
        assert state(platform) == on_time
        with other_store(backend, tmp_path) as late:
            # downtime: every fact recorded first, then each missed day caught up in order
            _world(late)
            for day in days(FIRST, LAST):
                _facts_of(late, day)
            daily(late, FIRST, LAST)
            assert state(late) == on_time
        listed = [r for r in on_time[0] if "listed" in r or "removed" in r]
        assert listed, "the scenario lists and removes someone"

    def test_credit_projections_rebuild_to_what_they_built(self, platform):
        _world(platform)
        _facts_of(platform, date(2026, 7, 6))
        daily(platform, date(2026, 7, 1), date(2026, 7, 20))
        _facts_of(platform, date(2026, 7, 21))
        daily(platform, date(2026, 7, 21), date(2026, 7, 22))
        incremental = state(platform)
        platform.runners["credit"].rebuild()
        platform.runners["credit_on_supervision"].rebuild()
        assert state(platform) == incremental


class TestJobIdempotencyOnSQLite(JobIdempotencyScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestJobIdempotencyOnPostgres(JobIdempotencyScenario):
    backend = "postgres"


def test_cli_catches_up_a_range_of_days(platform):
    from tests.integration.credit_helpers import listing_rows
    from tests.integration.test_cli import _cli

    register(platform, [1])
    r = _cli(platform.settings, "run-jobs", "--date", "2026-06-30", "--until", "2026-07-16")
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout + r.stderr   # the CLI reports on its console (stderr)
    assert "2026-07-15 credit-daily:" in out and "2026-07-01 risk-reclassification" in out
    assert "2026-07-02 risk-reclassification" not in out   # a monthly job runs monthly
    platform.catch_up()
    (row,) = listing_rows(platform, entity(1).uscc)
    assert (row["status"], row["listed_on"]) == ("listed", date(2026, 7, 15))
    again = _cli(platform.settings, "run-jobs", "--date", "2026-07-16", "--job", "credit-daily")
    out = again.stdout + again.stderr
    assert "nothing new" in out and "risk-reclassification" not in out
    bad = _cli(platform.settings, "run-jobs", "--date", "2026-07-16", "--until", "2026-07-01")
    assert bad.returncode == 2 and "until" in bad.stderr


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                            marks=pytest.mark.postgres)],
                         indirect=True)
def test_cli_run_jobs_never_runs_beside_the_scheduler(platform):
    """`run-jobs` runs the jobs as the scheduler's leader, fenced: while a scheduler leads, it
    refuses with one readable line and runs nothing; once the leader is gone it runs, and a
    leader taking over afterwards gets a newer epoch."""
    from opencheck.scheduler import Leadership
    from tests.integration.test_cli import _cli

    register(platform, [1])
    leader = Leadership(platform)
    assert leader.acquire()
    try:
        refused = _cli(platform.settings, "run-jobs", "--date", "2026-07-15", "--job",
                       "credit-daily")
    finally:
        epoch = leader.epoch
        leader.release()
    assert refused.returncode != 0
    assert "调度器正由另一进程主持" in refused.stderr and "leads the scheduler" in refused.stderr
    assert "credit-daily:" not in refused.stdout + refused.stderr
    ran = _cli(platform.settings, "run-jobs", "--date", "2026-07-15", "--job", "credit-daily")
    assert ran.returncode == 0 and "credit-daily:" in ran.stdout + ran.stderr, ran.stderr
    after = Leadership(platform)
    assert after.acquire()
    try:
        assert after.epoch == epoch + 2   # the CLI led in between
    finally:
        after.release()

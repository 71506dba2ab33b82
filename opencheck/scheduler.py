"""Time-driven rules: APScheduler jobs that only call application methods, run by exactly one leader.

APScheduler 3 runs every job in every process that starts a scheduler (#160, #766), so a process
first becomes the leader: `pg_try_advisory_lock` on PostgreSQL (held by one open connection), an
exclusive `flock` on `var/scheduler.lock` on SQLite. Jobs are idempotent anyway: they record events
with deterministic ids per period, so a second run, or a late run after downtime, changes nothing.
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from credit.jobs import credit_daily, risk_reclassification
from kernel import once
from kernel.clock import today_in_china
from opencheck import metrics
from opencheck.audited import prune_audit
from opencheck.bootstrap import Platform
from supervision.tasks.jobs import flag_overdue_publications

log = logging.getLogger(__name__)
TIMEZONE = "Asia/Shanghai"
ADVISORY_LOCK_KEY = 0x0C_5C_4ED  # "OpenCheck scheduler"


@dataclass(frozen=True)
class Job:
    """A daily or monthly rule run: `run(platform, today)` returns a short summary."""

    id: str
    cron: dict[str, Any]
    run: Callable[[Platform, date], str]

    def runs_on(self, day: date) -> bool:
        """Whether the cron fires on `day` (integer month / day / day_of_week fields; other
        expressions count as firing), so `run_jobs` over a range runs a monthly job monthly."""
        fields = {"month": day.month, "day": day.day, "day_of_week": day.weekday()}
        return all(self.cron[k] == v for k, v in fields.items()
                   if isinstance(self.cron.get(k), int))


# Every job, in the order a day runs them (cron fields as APScheduler's CronTrigger takes them).
JOBS: list[Job] = [
    Job("inspection-publication-overdue", {"hour": 1}, flag_overdue_publications),
    Job("credit-daily", {"hour": 0, "minute": 30}, credit_daily),
    Job("risk-reclassification", {"day": 1, "hour": 2}, risk_reclassification),
    # 审计 records past their retention (opencheck.audited; never younger than six months)
    Job("audit-retention", {"hour": 3, "minute": 15}, prune_audit),
    Job("idempotency-keys-prune", {"hour": 3}, lambda p, _: prune_idempotency_keys(p)),
]


def prune_idempotency_keys(platform: Platform) -> str:
    """Forget Idempotency-Keys older than the configured age (by the wall clock that stamped
    them): a retry that late runs as a new request."""
    n = once.prune(platform, platform.settings.idempotency_key_max_age_hours)
    return f"{n} idempotency keys pruned"


def run_jobs(platform: Platform, today: date, only: set[str] | None = None) -> dict[str, str]:
    """Run the jobs due on `today` now, or the `only` ones whatever the day (the CLI's
    `run-jobs` and the tests use this)."""
    results = {}
    for j in JOBS:
        if (j.id in only) if only is not None else j.runs_on(today):
            results[j.id] = j.run(platform, today)
    return results


class Leadership:
    """Holds the one-scheduler lock for as long as this object lives."""

    def __init__(self, platform: Platform) -> None:
        self.platform, self._conn, self._file = platform, None, None

    def acquire(self) -> bool:
        if self.platform.settings.is_postgres:
            self._conn = self.platform.engine.connect()
            got = self._conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"),
                                     {"k": ADVISORY_LOCK_KEY}).scalar()
            self._conn.commit()
            if not got:
                self._conn.close()
                self._conn = None
            return bool(got)
        path = Path(self.platform.settings.var_dir) / "scheduler.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("a")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            self._file.close()
            self._file = None
            return False

    def release(self) -> None:
        if self._conn is not None:
            # The pool keeps the session open, so unlock explicitly (a dead process unlocks anyway).
            self._conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
            self._conn.commit()
            self._conn.close()
            self._conn = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def _run_logged(platform: Platform, j: Job) -> None:
    started = time.perf_counter()
    try:
        summary = j.run(platform, today_in_china())
        log.info("job %s (%.1f s): %s", j.id, time.perf_counter() - started, summary)
        metrics.job_finished(j.id, True, time.perf_counter() - started)
    except Exception:
        log.exception("job %s failed; it is idempotent and runs again next time", j.id)
        metrics.job_finished(j.id, False, time.perf_counter() - started)


def start(platform: Platform) -> tuple[BackgroundScheduler | None, Leadership]:
    """Start the scheduler if this process wins leadership; otherwise do nothing."""
    leadership = Leadership(platform)
    if not leadership.acquire():
        log.info("another process runs the scheduler")
        return None, leadership
    scheduler = BackgroundScheduler(timezone=TIMEZONE, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    for j in JOBS:
        scheduler.add_job(_run_logged, CronTrigger(timezone=TIMEZONE, **j.cron),
                          args=(platform, j), id=j.id, replace_existing=True)
    scheduler.start()
    return scheduler, leadership

"""Time-driven rules: APScheduler jobs that only call application methods, run by exactly one leader.

APScheduler 3 runs every job in every process that starts a scheduler (#160, #766), so a process
first becomes the leader: `pg_try_advisory_lock` on PostgreSQL (held by one open connection), an
exclusive `flock` on `var/scheduler.lock` on SQLite, and each job runs fenced by the leader's
epoch (`Leadership`). Jobs are idempotent anyway: they record events
with deterministic ids per period, so a second run, or a late run after downtime, changes nothing.
"""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from credit.jobs import credit_daily, risk_reclassification
from credit.opendata.dumps import dump_job
from kernel import once, pglocks
from kernel.clock import today_in_china
from kernel.db import scheduler_leadership
from opencheck import metrics
from opencheck.audited import prune_audit
from opencheck.bootstrap import Platform
from opencheck.merkle_log import issue_checkpoints
from supervision.tasks.jobs import flag_overdue_publications

log = logging.getLogger(__name__)
TIMEZONE = "Asia/Shanghai"


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
    # 开放数据 the day's full dump and delta, after the night's credit jobs (credit.opendata)
    Job("open-data-dump", {"hour": 4}, dump_job),
    # the timed checkpoints: each minute, sign every log tree that grew and whose last checkpoint
    # is `checkpoint_every_minutes` old (the issuer decides; nothing due signs nothing)
    Job("log-checkpoints", {"minute": "*"}, issue_checkpoints),
]


def prune_idempotency_keys(platform: Platform) -> str:
    """Forget Idempotency-Keys older than the configured age (by the wall clock that stamped
    them): a retry that late runs as a new request."""
    n = once.prune(platform, platform.settings.idempotency_key_max_age_hours)
    return f"{n} idempotency keys pruned"


def run_jobs(platform: Platform, today: date, only: set[str] | None = None,
             leadership: Leadership | None = None) -> dict[str, str]:
    """Run the jobs due on `today` now, or the `only` ones whatever the day (the CLI's
    `run-jobs` and the tests use this); with `leadership`, each fenced by it (NotLeader if it
    is lost: the jobs not yet run are not run)."""
    results = {}
    for j in JOBS:
        if (j.id in only) if only is not None else j.runs_on(today):
            if leadership is None:
                results[j.id] = j.run(platform, today)
                continue
            with leadership.fenced():
                results[j.id] = j.run(platform, today)
    return results


class NotLeader(Exception):
    """This process no longer leads the scheduler (its lock session dropped, or a newer leader
    raised the fencing epoch): the job did not run."""


class Leadership:
    """The one-scheduler lock, with a fencing epoch checked before any job writes.

    PostgreSQL: a session advisory lock on a connection of its own (not from a pool). When that
    session drops, PostgreSQL releases the lock and a standby takes it; the old leader learns
    it only when it next uses the connection. So each job first verifies the connection
    (`still_leads`), then runs inside `fenced()`: a transaction holding the leadership row FOR
    SHARE at this leader's epoch. A new leader raises the epoch with an UPDATE of that row,
    which waits for any such job of the old leader to end; every later job of the old leader
    finds the newer epoch and is refused. No two leaders' jobs ever overlap.
    SQLite: an exclusive `flock` on var/scheduler.lock (released only with the process)."""

    NAME = "scheduler"

    def __init__(self, platform: Platform) -> None:
        self.platform, self._conn, self._file = platform, None, None
        self.epoch: int | None = None

    def acquire(self) -> bool:
        settings = self.platform.settings
        if settings.is_postgres:
            conn = pglocks.connect(settings, connect_timeout=5, keepalives=1,
                                   keepalives_idle=5, keepalives_interval=2, keepalives_count=2)
            key = pglocks.lock_key(settings.database_schema, self.NAME)
            if not conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0]:
                conn.close()
                return False
            self._conn = conn
        else:
            path = Path(settings.var_dir) / "scheduler.lock"
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a")
            try:
                fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self._file.close()
                self._file = None
                return False
        try:
            self.epoch = self._raise_epoch()
        except Exception:
            self.release()
            raise
        log.info("scheduler leadership taken (epoch %s)", self.epoch)
        return True

    def _raise_epoch(self) -> int:
        """The next epoch, recorded; waits for a running job of the previous leader to end."""
        t = scheduler_leadership
        with self.platform.engine.begin() as conn:
            row = conn.execute(sa.select(t.c.epoch).where(t.c.name == self.NAME)
                               .with_for_update()).first()
            epoch = (row.epoch if row else 0) + 1
            values = {"epoch": epoch, "holder": f"{socket.gethostname()}:{os.getpid()}",
                      "acquired_at": datetime.now(timezone.utc)}
            if row is None:
                conn.execute(t.insert().values(name=self.NAME, **values))
            else:
                conn.execute(t.update().where(t.c.name == self.NAME).values(**values))
        return epoch

    def still_leads(self) -> bool:
        """Whether the lock is still ours: the lock session answers (PostgreSQL) or the file
        is held (SQLite)."""
        if self._file is not None:
            return True
        if self._conn is None:
            return False
        try:
            self._conn.execute("SELECT 1")
            return True
        except psycopg.Error:
            log.warning("scheduler lock session lost: no longer leading")
            self._drop_connection()
            return False

    @contextmanager
    def fenced(self) -> Iterator[None]:
        """Run a job's writes as the leader of `epoch`, or raise NotLeader."""
        if self.epoch is None or not self.still_leads():
            raise NotLeader("this process does not lead the scheduler")
        t = scheduler_leadership
        with self.platform.engine.begin() as conn:
            query = sa.select(t.c.epoch).where(t.c.name == self.NAME)
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(read=True)
            current = conn.execute(query).scalar()
            if current != self.epoch:
                raise NotLeader(f"fenced: leadership epoch is {current}, this leader's "
                                f"{self.epoch}")
            yield

    def _drop_connection(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except psycopg.Error:
                pass
            self._conn = None

    def release(self) -> None:
        if self._conn is not None:
            try:   # closing the session releases the lock anyway
                self._conn.execute("SELECT pg_advisory_unlock_all()")
            except psycopg.Error:
                pass
            self._drop_connection()
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        self.epoch = None


def run_fenced(platform: Platform, leadership: Leadership, j: Job, today: date) -> str | None:
    """Run one job as the leader; None if this process no longer leads (the job did not run)."""
    try:
        with leadership.fenced():
            return j.run(platform, today)
    except NotLeader as refused:
        log.warning("job %s not run: %s", j.id, refused)
        return None


def _run_logged(platform: Platform, j: Job, leadership: Leadership) -> None:
    started = time.perf_counter()
    try:
        summary = run_fenced(platform, leadership, j, today_in_china())
        if summary is not None:
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
                          args=(platform, j, leadership), id=j.id, replace_existing=True)
    scheduler.start()
    return scheduler, leadership


def lead_or_stand_by(platform: Platform, stop: threading.Event) -> None:
    """Until `stop`: lead the scheduler, or stand by and take over when the leader goes; a
    leader that loses its lock session stops its scheduler and stands by again."""
    every = platform.settings.scheduler_standby_poll_seconds
    while not stop.is_set():
        scheduler, leadership = start(platform)
        if scheduler is None:
            stop.wait(every)
            continue
        while not stop.is_set() and leadership.still_leads():
            stop.wait(every)
        scheduler.shutdown(wait=True)
        leadership.release()

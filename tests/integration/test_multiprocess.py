"""Several processes on one store: API workers, runners, schedulers and starts racing each other.

Marked `multiprocess` (and `postgres` where they need the server); they run in `make test`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

import httpx
import psycopg
import pytest
import sqlalchemy as sa

from kernel.http import auth
from opencheck import scheduler as jobs
from opencheck.bootstrap import bootstrap
from opencheck.migrate import upgrade
from supervision.directory.tables import entities
from tests.conftest import PG_URL, make_settings, postgres_schema
from tests.factories import entity, entity_json

pytestmark = pytest.mark.multiprocess
ROOT = Path(__file__).resolve().parents[2]
SECRET = "test-secret-key-of-sufficient-length-0123456789"


@pytest.fixture
def pg_schema():
    yield from postgres_schema()


def child_env(settings, **extra) -> dict[str, str]:
    env = {**os.environ, "OPENCHECK_DATABASE_URL": settings.database_url,
           "OPENCHECK_SECRET_KEY": SECRET, "OPENCHECK_PERSON_KEY_SECRET": "k" * 48,
           "PYTHONPATH": str(ROOT), **extra}
    if settings.database_schema:
        env["OPENCHECK_DATABASE_SCHEMA"] = settings.database_schema
    return env


def spawn(code: str, env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], env=env, cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.postgres
def test_serve_with_two_workers_answers_every_command_once(pg_schema, tmp_path):
    # default settings (projections and scheduler in every worker), a user, two API workers
    settings = make_settings("postgres", tmp_path, pg_schema)
    upgrade(settings)
    engine = sa.create_engine(settings.sqlalchemy_url(),
                              connect_args={"options": f"-csearch_path={pg_schema}"})
    auth.add_user(engine, "sup", "super-pass-1234", "supervisor", department="market_regulation")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "opencheck.cli", "serve", "--port", str(port), "--workers", "2"],
        env=child_env(settings), cwd=tmp_path, text=True,
        # a file, not a pipe: undrained, a pipe fills with the request log and blocks the server
        stdout=subprocess.DEVNULL, stderr=(tmp_path / "serve.err").open("w"))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        r = httpx.post(f"{base}/api/v1/auth/token",
                       data={"username": "sup", "password": "super-pass-1234"})
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        statuses: Counter[int] = Counter()
        lock = threading.Lock()

        def client(first: int, count: int) -> None:
            # each thread its own connection pool: requests spread over both workers
            with httpx.Client(base_url=base, headers=headers, timeout=30) as c:
                for i in range(first, first + count):
                    status = c.post("/api/v1/entities", json=entity_json(i)).status_code
                    with lock:
                        statuses[status] += 1

        threads = [threading.Thread(target=client, args=(k * 50, 50)) for k in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    stderr = (tmp_path / "serve.err").read_text()
    # 0 x 500: all 300 registered (201), each once in the directory
    assert statuses == Counter({201: 300}), (statuses, stderr[-3000:])
    with engine.connect() as conn:
        usccs = conn.scalars(sa.select(entities.c.uscc)).all()
    assert sorted(usccs) == sorted(entity(i).uscc for i in range(300))
    assert "Traceback" not in stderr, stderr[-3000:]
    engine.dispose()


RACE = """
import sys
from opencheck.bootstrap import bootstrap
from kernel.settings import Settings
p = bootstrap(Settings())
daemon = p.projection_daemon()
while any(r.lag() for r in p.runners.values()):
    daemon.run_once()
p.close()
"""


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_two_runner_processes_project_each_event_once(platform, tmp_path):
    # 400 registrations recorded, nothing projected yet; two processes race on every runner
    for i in range(400):
        platform.supervision.register_entity(entity(i), date.today())
    env = child_env(platform.settings)
    racers = [spawn(RACE, env, tmp_path) for _ in range(2)]
    outputs = [r.communicate(timeout=90) for r in racers]
    for r, (_, err) in zip(racers, outputs):
        assert r.returncode == 0, err[-3000:]
        assert "Traceback" not in err and "ERROR" not in err, err[-3000:]
    with platform.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(entities)) == 400
        assert conn.scalar(sa.text("SELECT count(*) FROM projection_failures")) == 0
    assert all(r.lag() == 0 for r in platform.runners.values())


START = """
from kernel.settings import Settings
from opencheck.bootstrap import bootstrap
from opencheck.migrate import upgrade
s = Settings()
upgrade(s)
bootstrap(s).close()
"""


@pytest.mark.postgres
def test_twenty_simultaneous_starts_on_a_fresh_database(pg_schema, tmp_path):
    settings = make_settings("postgres", tmp_path, pg_schema)
    env = child_env(settings)
    starts = [spawn(START, env, tmp_path) for _ in range(20)]
    failed = [err[-2000:] for p in starts for _, err in [p.communicate(timeout=110)]
              if p.returncode != 0]
    assert not failed, failed[0]


class Counting:
    """A job that counts its runs."""

    def __init__(self) -> None:
        self.runs = 0

    def __call__(self, platform, today) -> str:
        self.runs += 1
        return "ran"


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_cut_leader_is_fenced_and_the_standby_runs_the_jobs(platform):
    other = bootstrap(platform.settings)
    old, new = jobs.Leadership(platform), jobs.Leadership(other)
    counting = Counting()
    job = jobs.Job("count", {"hour": 1}, counting)
    try:
        assert old.acquire() and not new.acquire()
        assert jobs.run_fenced(platform, old, job, date.today()) == "ran"
        # the leader's lock session is cut: PostgreSQL releases the lock, the standby takes it
        pid = old._conn.info.backend_pid
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        assert new.acquire() and new.epoch == old.epoch + 1
        # the old leader's next job is refused; the new leader's runs: one run per firing
        assert jobs.run_fenced(platform, old, job, date.today()) is None
        assert jobs.run_fenced(other, new, job, date.today()) == "ran"
        assert counting.runs == 2
        # even a leader that believes it still leads (its session looks alive) is fenced
        old.still_leads = lambda: True
        assert jobs.run_fenced(platform, old, job, date.today()) is None
        assert counting.runs == 2
    finally:
        old.release()
        new.release()
        other.close()


@pytest.mark.postgres
def test_unix_socket_url_is_honoured_and_big_saves_do_not_hang(pg_schema, tmp_path):
    from eventsourcing.domain import Aggregate

    class Bulky(Aggregate):
        def __init__(self, text: str) -> None:
            self.text = text

    socket_url = PG_URL.replace("@127.0.0.1:5432/", "@/") + "?host=/var/run/postgresql"
    settings = make_settings("postgres", tmp_path, pg_schema).model_copy(
        update={"database_url": socket_url})
    upgrade(settings)
    p = bootstrap(settings)
    try:
        with p.engine.connect() as conn:   # the read models: over the socket
            assert conn.scalar(sa.text("SELECT inet_server_addr() IS NULL"))
        with p.supervision.recorder.datastore.get_connection() as conn:   # the event store too
            assert conn.execute("SELECT inet_server_addr() IS NULL AS local").fetchone()["local"]
        # one save of 2,000 events of ~700 bytes (1.4 MB) hung before; now it must finish
        done = threading.Event()

        def save() -> None:
            p.supervision.save(*[Bulky("账" * 230) for _ in range(2000)])
            done.set()

        threading.Thread(target=save, daemon=True).start()
        assert done.wait(30), "a save of 2,000 events over the Unix socket hung"
        assert p.supervision.recorder.max_notification_id() == 2000
    finally:
        p.close()


@pytest.mark.postgres
def test_a_pipelined_flush_over_the_unix_socket_does_not_hang(pg_schema, tmp_path):
    """A projection batch's writes that alternate on one table go out in pipeline mode
    (kernel.units): over a Unix socket, megabytes of them must still reach the server before
    the Sync (the socket takes a few hundred KB at a time)."""
    from kernel.db import create_engine
    from kernel.units import Unit

    socket_url = PG_URL.replace("@127.0.0.1:5432/", "@/") + "?host=/var/run/postgresql"
    settings = make_settings("postgres", tmp_path, pg_schema).model_copy(
        update={"database_url": socket_url})
    md = sa.MetaData()
    rows = sa.Table("pipe_scratch", md, sa.Column("k", sa.Integer, primary_key=True),
                    sa.Column("text", sa.Text, nullable=False))
    insert = rows.insert()
    update = rows.update().where(rows.c.k == sa.bindparam("b_k")).values(
        text=sa.bindparam("text"))
    engine = create_engine(settings)
    md.create_all(engine)
    try:
        done = threading.Event()

        def flush() -> None:
            with engine.begin() as conn:
                assert conn.scalar(sa.text("SELECT inet_server_addr() IS NULL"))
                unit = Unit(conn)
                for k in range(3000):   # runs of one: INSERT, UPDATE, INSERT, ... (~4 MB)
                    unit.execute(insert, {"k": k, "text": "账" * 230})
                    unit.execute(update, {"b_k": k, "text": "册" * 230})
                unit.execute(update, {"b_k": 0, "text": "大" * 700_000})   # 2 MB, last
                unit.flush()
            done.set()

        threading.Thread(target=flush, daemon=True).start()
        assert done.wait(60), "a pipelined flush over the Unix socket hung"
        with engine.connect() as conn:
            assert conn.scalar(sa.select(sa.func.count()).where(
                rows.c.text == "册" * 230)) == 2999
            assert conn.scalar(sa.select(sa.func.length(rows.c.text)).where(rows.c.k == 0)) \
                == 700_000
    finally:
        md.drop_all(engine)
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_busy_process_stays_within_its_connection_budget(platform, monkeypatch):
    # a fresh process's connections carry their own application_name (libpq's PGAPPNAME)
    name = f"budget-{os.getpid()}-{time.monotonic_ns()}"
    monkeypatch.setenv("PGAPPNAME", name)
    p = bootstrap(platform.settings)
    try:
        def command(i: int) -> None:
            p.supervision.register_entity(entity(i), date.today())
            assert p.settle_all(timeout=30)

        threads = [threading.Thread(target=command, args=(i,)) for i in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            held = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name"
                                 " = %s", (name,)).fetchone()[0]
    finally:
        p.close()
    s = platform.settings
    budget = (2 * (s.eventstore_pool_size + s.eventstore_pool_max_overflow)
              + s.db_pool_size + s.db_pool_max_overflow + 1)   # + the listener
    assert 0 < held <= budget, (held, budget)

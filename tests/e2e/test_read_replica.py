"""OPENCHECK_READ_DATABASE_URL: the public lookup, search and dashboard read a real streaming
replica (a hot standby the test makes with pg_basebackup from the test cluster and starts on a
port of its own, over a Unix socket), and starting up runs no DDL on it (a standby refuses any)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from dashboard.filters import Filters
from dashboard.pages import overview
from opencheck.app import create_app
from opencheck.bootstrap import bootstrap
from opencheck.migrate import upgrade
from tests.conftest import PG_URL, make_settings, postgres_schema
from tests.factories import entity

pytestmark = pytest.mark.postgres
BIN = Path("/usr/lib/postgresql/15/bin")
HBA_LINE = "host replication all 127.0.0.1/32 trust"


def _as_postgres(*cmd: str) -> list[str]:
    """The cluster's files belong to `postgres`; the tests may run as root."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _allow_replication(primary: psycopg.Connection) -> None:
    """A replication entry in pg_hba (reloaded, no restart), or skip saying why."""
    if primary.execute("SELECT count(*) FROM pg_hba_file_rules "
                       "WHERE 'replication' = ANY(database) AND error IS NULL").fetchone()[0]:
        return
    hba = Path(primary.execute("SHOW hba_file").fetchone()[0])
    if not os.access(hba, os.W_OK):
        pytest.skip(f"no replication entry in {hba} and it is not writable here")
    with hba.open("a") as f:   # trust from 127.0.0.1 only, as the test cluster's other lines
        f.write(f"\n# streaming replicas of the test suite (tests/e2e/test_read_replica.py)\n"
                f"{HBA_LINE}\n")
    primary.execute("SELECT pg_reload_conf()")
    time.sleep(0.5)


@pytest.fixture(scope="module")
def replica() -> Iterator[tuple[str, str]]:
    """(socket directory, port) of a hot standby of the test cluster, torn down afterwards."""
    if not (BIN / "pg_basebackup").exists() or shutil.which("runuser") is None:
        pytest.skip(f"no PostgreSQL 15 binaries in {BIN}")
    try:
        primary = psycopg.connect(PG_URL, autocommit=True, connect_timeout=2)
    except psycopg.Error:
        pytest.skip("PostgreSQL not reachable")
    with primary:
        level = primary.execute("SHOW wal_level").fetchone()[0]
        senders = int(primary.execute("SHOW max_wal_senders").fetchone()[0])
        if level not in ("replica", "logical") or senders < 1:
            pytest.skip(f"the primary cannot stream (wal_level={level}, max_wal_senders="
                        f"{senders}); changing that needs a restart")
        _allow_replication(primary)
        host, port = primary.info.host, primary.info.port
        # a standby needs at least the primary's numbers for these
        floors = {k: primary.execute(f"SHOW {k}").fetchone()[0] for k in (
            "max_connections", "max_worker_processes", "max_wal_senders",
            "max_prepared_transactions", "max_locks_per_transaction")}
    base = Path(tempfile.mkdtemp(prefix="opencheck-replica-"))
    data, port_r = base / "data", _free_port()
    shutil.chown(base, "postgres") if os.geteuid() == 0 else None
    subprocess.run(_as_postgres(str(BIN / "pg_basebackup"), "-h", host, "-p", str(port),
                                "-U", "postgres", "-D", str(data), "-X", "stream", "-R",
                                "--checkpoint=fast"), check=True, capture_output=True)
    # Debian keeps the configuration outside the data directory: a minimal one of its own
    (data / "postgresql.conf").write_text(
        f"port = {port_r}\nlisten_addresses = ''\nunix_socket_directories = '{base}'\n"
        "hot_standby = on\nshared_buffers = 32MB\n"
        + "".join(f"{k} = {v}\n" for k, v in floors.items()))
    (data / "pg_hba.conf").write_text("local all all trust\n")
    (data / "pg_ident.conf").write_text("")
    for f in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
        shutil.chown(data / f, "postgres") if os.geteuid() == 0 else None
    started = subprocess.run(_as_postgres(str(BIN / "pg_ctl"), "-D", str(data), "-w", "-t", "60",
                                          "-l", str(base / "log"), "start"), capture_output=True)
    try:
        assert started.returncode == 0, (base / "log").read_text()
        yield str(base), str(port_r)
    finally:
        subprocess.run(_as_postgres(str(BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                                    "stop"), capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def _wait_replayed(primary_url: str, replica_url: str, timeout: float = 30) -> None:
    with psycopg.connect(primary_url, autocommit=True) as p:
        lsn = p.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    deadline = time.monotonic() + timeout
    with psycopg.connect(replica_url, autocommit=True) as r:
        while not r.execute("SELECT pg_last_wal_replay_lsn() >= %s", (lsn,)).fetchone()[0]:
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.05)


def test_public_reads_and_the_dashboard_go_to_the_replica(replica, tmp_path):
    sockets, port = replica
    replica_url = f"postgresql://postgres@/test?host={sockets}&port={port}"
    for schema in postgres_schema():
        settings = make_settings("postgres", tmp_path, schema, read_database_url=replica_url)
        upgrade(settings)   # on the primary; the standby gets the schema by replication
        platform = bootstrap(settings)
        try:
            app = platform.supervision
            app.register_entities([entity(1), entity(2)])
            platform.catch_up()
            _wait_replayed(PG_URL, replica_url)
            # the read engine is the standby's, reached over its Unix socket
            with platform.read_engine.connect() as conn:
                assert conn.exec_driver_sql("SELECT pg_is_in_recovery()").scalar() is True
                assert conn.exec_driver_sql("SHOW port").scalar() == port
            with TestClient(create_app(platform=platform)) as client:
                code = entity(1).uscc
                assert client.get(f"/api/v1/public/credit/{code}").status_code == 200
                assert client.get(f"/api/v1/public/entities/{code}").status_code == 200
                found = client.get("/api/v1/public/search", params={"q": "测试1号"}).json()
                assert [i["uscc"] for i in found["items"]] == [code]
                # replay paused: what the primary has since, the public pages do not show yet
                with psycopg.connect(replica_url, autocommit=True) as r:
                    r.execute("SELECT pg_wal_replay_pause()")
                    app.register_entities([entity(3)])
                    platform.catch_up()
                    late = entity(3).uscc
                    assert client.get(f"/api/v1/public/credit/{late}").status_code == 404
                    assert client.get(f"/api/v1/public/entities/{late}").status_code == 404
                    r.execute("SELECT pg_wal_replay_resume()")
                _wait_replayed(PG_URL, replica_url)
                assert client.get(f"/api/v1/public/credit/{late}").status_code == 200
            # the dashboard's overview reads the standby too
            body = overview.body(platform, Filters(region_prefix="", department=None,
                                                   industry=None, date_from=None, date_to=None),
                                 date(2026, 3, 2))
            assert body
        finally:
            platform.close()
        # a process starting again (applications, runners, app) runs no DDL on the standby:
        # it would fail there ("cannot execute … in a read-only transaction")
        again = bootstrap(settings)
        with TestClient(create_app(platform=again)) as client:
            assert client.get(f"/api/v1/public/entities/{entity(2).uscc}").status_code == 200
        again.close()

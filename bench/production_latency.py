"""A command's answer in the production shape: API process + separate worker on PostgreSQL.

    python -m bench.production_latency [--commands 200]

- Measured: `POST /api/v1/entities` one after another over HTTP (keep-alive) to `opencheck
  serve` with projections and scheduler out of process, while `opencheck worker` projects; each
  answer waits for the worker's runners (read-your-writes), woken by LISTEN/NOTIFY.
- References in the same run: the same commands to a `serve` that runs the projections inline
  (the demo shape), and a bare INSERT + COMMIT round trip on the same server.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psycopg
import sqlalchemy as sa

from bench.common import PG_URL, pg_reachable
from kernel.http import auth
from kernel.settings import Settings
from opencheck.demo.synthdata import generate_entities
from opencheck.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-supervisor-password"
KEYS = ("uscc", "name", "entity_type", "region_code", "industry_code", "registered_on", "address")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _commands(schema: str, n: int, seed: int, inline: bool) -> list[float]:
    """Per-command latencies (s) against a fresh server on `schema`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENCHECK_DATABASE_URL": PG_URL,
           "OPENCHECK_DATABASE_SCHEMA": schema, "OPENCHECK_SECRET_KEY": "bench-" * 8,
           "OPENCHECK_PERSON_KEY_SECRET": "p" * 48, "OPENCHECK_SCHEDULER_IN_PROCESS": "false",
           "OPENCHECK_PROJECTIONS_IN_PROCESS": "true" if inline else "false"}
    port, procs = _port(), []
    with tempfile.TemporaryDirectory() as cwd:
        cli = [sys.executable, "-m", "opencheck.cli"]
        if not inline:
            procs.append(subprocess.Popen([*cli, "worker"], env=env, cwd=cwd,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen([*cli, "serve", "--port", str(port)], env=env, cwd=cwd,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=30) as c:
                for _ in range(300):
                    try:
                        if c.get("/api/v1/health").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.1)
                token = c.post("/api/v1/auth/token",
                               data={"username": "sup", "password": PASSWORD}).json()
                c.headers["Authorization"] = f"Bearer {token['access_token']}"
                rows = [{k: row[k] for k in KEYS} for row, _ in
                        zip(generate_entities(seed, n + 20), range(n + 20))]
                times = []
                for i, body in enumerate(rows):
                    t = time.perf_counter()
                    r = c.post("/api/v1/entities", json=body)
                    if i >= 20:   # the first 20 warm up connections and caches
                        times.append(time.perf_counter() - t)
                    assert r.status_code == 201, r.text
                return times
        finally:
            for p in procs:
                p.terminate()
                p.wait(30)


def _bare_inserts(n: int) -> list[float]:
    times = []
    with psycopg.connect(PG_URL) as conn:
        conn.execute("CREATE TEMP TABLE bench_bare (id int primary key, body text)")
        conn.commit()
        for i in range(n):
            t = time.perf_counter()
            conn.execute("INSERT INTO bench_bare VALUES (%s, %s)", (i, "x" * 200))
            conn.commit()
            times.append(time.perf_counter() - t)
    return times


def _summary(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    return (f"median {statistics.median(ms):.1f} ms, p95 {ms[int(len(ms) * 0.95) - 1]:.1f} ms, "
            f"max {ms[-1]:.1f} ms")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--commands", type=int, default=200)
    args = ap.parse_args(argv)
    if not pg_reachable():
        print("PostgreSQL not reachable: skipped")
        return
    results = {}
    for shape, inline in (("API + worker (production)", False), ("projections inline", True)):
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            settings = Settings(database_url=PG_URL, database_schema=schema)
            upgrade(settings)
            engine = sa.create_engine(settings.sqlalchemy_url(),
                                      connect_args={"options": f"-csearch_path={schema}"})
            auth.add_user(engine, "sup", PASSWORD, "supervisor", department="market_regulation")
            engine.dispose()
            results[shape] = _commands(schema, args.commands, 1, inline)
        finally:
            with psycopg.connect(PG_URL, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    bare = _bare_inserts(args.commands)
    production = statistics.median(results["API + worker (production)"])
    for shape, times in results.items():
        print(f"POST /api/v1/entities, {shape}: {_summary(times)} ({len(times)} commands)")
    print(f"reference bare INSERT + COMMIT: {_summary(bare)}")
    print(f"ratio production / inline: {production / statistics.median(results['projections inline']):.2f}x; "
          f"production / bare INSERT: {production / statistics.median(bare):.1f}x; "
          f"target <= 50 ms: {'met' if production <= 0.05 else 'NOT met'}")


if __name__ == "__main__":
    main()

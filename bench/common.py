"""Shared benchmark helpers: fresh stores on either backend, timing, uniform output lines."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
import uuid
from collections.abc import Iterator

import psycopg

from kernel.settings import Settings
from opencheck.bootstrap import Platform, bootstrap
from opencheck.migrate import upgrade

# the benchmarks' own database (created when missing), never the tests' shared `test` database
PG_URL = os.environ.get("OPENCHECK_BENCH_POSTGRES_URL",
                        "postgresql://postgres@127.0.0.1:5432/opencheck_bench")


def pg_reachable() -> bool:
    try:
        with psycopg.connect(PG_URL, connect_timeout=2):
            return True
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            return False
    try:   # create the bench database through the server's maintenance database
        info = psycopg.conninfo.conninfo_to_dict(PG_URL)
        with psycopg.connect(**{**info, "dbname": "postgres"}, autocommit=True,
                             connect_timeout=2) as conn:
            conn.execute(f'CREATE DATABASE "{info["dbname"]}"')
        return True
    except psycopg.Error:
        return False


@contextlib.contextmanager
def fresh_platform(backend: str, **overrides) -> Iterator[Platform]:
    """A migrated, empty platform on SQLite (temp dir) or PostgreSQL (throwaway schema)."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="ocbench-") as d:
            s = Settings(database_url=f"sqlite:///{d}/oc.db", secret_key="bench", **overrides)
            upgrade(s)
            p = bootstrap(s)
            try:
                yield p
            finally:
                p.close()
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        s = Settings(database_url=PG_URL, database_schema=schema, secret_key="bench", **overrides)
        upgrade(s)
        p = bootstrap(s)
        try:
            yield p
        finally:
            p.close()
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


class Timer:
    """Wall seconds (`seconds`) and this process's CPU seconds (`cpu`) of a block."""

    def __enter__(self) -> Timer:
        self.start, self.cpu_start = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.seconds = time.perf_counter() - self.start
        self.cpu = time.process_time() - self.cpu_start


def report(what: str, n: int, seconds: float, ref_what: str, ref_seconds: float,
           unit: str = "events/s") -> str:
    """One line: rate, reference rate measured in the same run, and the ratio (ours / reference time)."""
    line = (f"{what}: {n / seconds:,.0f} {unit} ({n:,} in {seconds:.2f} s) | reference {ref_what}: "
            f"{n / ref_seconds:,.0f} {unit} ({ref_seconds:.2f} s) | ratio {seconds / ref_seconds:.1f}x")
    print(line, flush=True)
    return line


def backend_main(doc: str, run, default_entities: int, argv: list[str] | None) -> list[str]:
    """The command line of a bench that runs ``run(backend, entities)`` per backend, skipping
    an unreachable PostgreSQL."""
    import argparse

    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--entities", type=int, default=default_entities)
    ap.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = ap.parse_args(argv)
    lines = []
    for b in ["sqlite", "postgres"] if args.backend == "both" else [args.backend]:
        if b == "postgres" and not pg_reachable():
            print("postgres: not reachable, skipped")
            continue
        lines += run(b, args.entities)
    return lines

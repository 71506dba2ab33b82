"""Public credit lookup under load, against a bare endpoint measured in the same run.

    python -m bench.lookup [--entities 1000000] [--seconds 10] [--connections 16] [--workers 2]
                           [--backend sqlite|postgres] [--rounds 3]

The store is filled by direct INSERTs (COPY on PostgreSQL) into the `entities` read model (the import is what
bench/store.py measures) plus up to 2,000 published penalties recorded through the credit
application, so some records have content.
Both servers run under uvicorn with the same number of workers and no access log; `wrk` (Debian
package, installed by `make bench`) requests random codes from a list of 20,000 real ones.
Reference: bench/bare_app.py, one raw SQL query returning the same profile row. The two servers
are measured in turn, `--rounds` times each, and the medians compared: on a shared 2-core machine
one pair of runs drifted by a third (the bare endpoint alone ranged 3,065-4,805 req/s).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from itertools import islice
from pathlib import Path

import psycopg

from bench.common import PG_URL, pg_reachable
from kernel.settings import Settings
from opencheck.demo.synthdata import generate_entities
from opencheck.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
LUA = """
local codes = {}
for line in io.lines(os.getenv("CODES")) do codes[#codes + 1] = line end
local prefix = os.getenv("PREFIX")
request = function() return wrk.format("GET", prefix .. codes[math.random(#codes)]) end
"""


def add_penalties(settings: Settings, codes: list[str]) -> None:
    """Published penalties for some entities, recorded through the credit application."""
    from kernel.clock import today_in_china
    from opencheck.bootstrap import bootstrap
    from tests.factories import decision

    platform, today = bootstrap(settings), today_in_china()
    for i, code in enumerate(codes):
        case = platform.credit.open_penalty(code, "market_regulation", today - timedelta(days=50),
                                            today)
        platform.credit.decide_penalty(case, decision(i, decided_on=today - timedelta(days=40)),
                                       today)
        platform.credit.publish_penalty(case, today - timedelta(days=30), today)
    platform.catch_up()
    platform.close()


COLUMNS = ("entity_no", "entity_id", "uscc", "name", "entity_type", "legal_representative",
           "region_code", "industry_code", "registered_on", "address", "registering_authority",
           "status", "status_since", "last_annual_report_year", "version", "updated_position")


def entity_rows(n: int) -> Iterator[tuple]:
    """`entities` rows, values of COLUMNS (the table's other columns take their defaults)."""
    for i, r in enumerate(generate_entities(11, n), 1):
        yield (i, f"{i:032x}", r["uscc"], r["name"], r["entity_type"], r["legal_representative"],
               r["region_code"], r["industry_code"], r["registered_on"], r["address"],
               r["registering_authority"], "active", r["registered_on"], None, 1, i)


def fill(db: Path, n: int) -> list[str]:
    con = sqlite3.connect(db)
    rows = entity_rows(n)
    while chunk := list(islice(rows, 100_000)):
        con.executemany(f"INSERT INTO entities ({', '.join(COLUMNS)}) VALUES "
                        f"({', '.join('?' * len(COLUMNS))})", chunk)
        con.commit()
    codes = [c for (c,) in con.execute("SELECT uscc FROM entities ORDER BY random() LIMIT 20000")]
    con.close()
    return codes


def fill_pg(schema: str, n: int) -> list[str]:
    with psycopg.connect(PG_URL, options=f"-csearch_path={schema}") as con:
        with con.cursor().copy(f"COPY entities ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in entity_rows(n):
                copy.write_row(row)
        con.execute("ANALYZE entities")
        con.commit()
        return [c for (c,) in con.execute(
            "SELECT uscc FROM entities ORDER BY random() LIMIT 20000")]


@contextlib.contextmanager
def store(backend: str, directory: str, n: int) -> Iterator[tuple[Settings, dict, list[str]]]:
    """A migrated store holding `n` entities: (settings, the bare app's env, 20,000 codes)."""
    if backend == "sqlite":
        db = Path(directory) / "oc.db"
        settings = Settings(database_url=f"sqlite:///{db}")
        upgrade(settings)
        yield settings, {"BARE_SQLITE_PATH": str(db)}, fill(db, n)
        return
    if not pg_reachable():   # creates the bench's own database when missing
        raise SystemExit(f"PostgreSQL not reachable at {PG_URL}")
    schema = f"bench_lookup_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as con:
        con.execute(f'CREATE SCHEMA "{schema}"')
    try:
        settings = Settings(database_url=PG_URL, database_schema=schema)
        upgrade(settings)
        yield settings, {"BARE_PG_URL": PG_URL, "BARE_PG_SCHEMA": schema}, fill_pg(schema, n)
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as con:
            con.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, path: str) -> None:
    import urllib.request

    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1)
            return
        except Exception:
            time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


def wrk(port: int, prefix: str, codes_file: Path, seconds: int, connections: int) -> tuple[float, float]:
    """(requests/s, p99 ms) from `wrk --latency`."""
    script = codes_file.with_suffix(".lua")
    script.write_text(LUA)
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s",
                          str(script), f"http://127.0.0.1:{port}"], capture_output=True, text=True,
                         env=dict(os.environ, CODES=str(codes_file), PREFIX=prefix), check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    if "Non-2xx" in out:
        raise RuntimeError(f"errors during the run:\n{out}")
    return rps, p99


def _median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The run of median throughput (its p99 with it)."""
    return sorted(runs)[len(runs) // 2]


def main(argv: list[str] | None = None) -> list[str]:
    ap = argparse.ArgumentParser(description="public lookup under load")
    ap.add_argument("--entities", type=int, default=1_000_000)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--rounds", type=int, default=3,
                    help="bare and lookup servers measured in turn, this many times each")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="oclookup-") as d, \
            store(args.backend, d, args.entities) as (settings, bare_env, codes):
        t = time.perf_counter()
        add_penalties(settings, codes[: max(1, min(2_000, args.entities // 100))])
        print(f"filled {args.entities:,} entities ({args.backend}), penalties in "
              f"{time.perf_counter() - t:.1f} s", flush=True)
        codes_file = Path(d) / "codes.txt"
        codes_file.write_text("\n".join(codes) + "\n")
        env = dict(os.environ, OPENCHECK_DATABASE_URL=settings.database_url,
                   OPENCHECK_SECRET_KEY="bench",
                   OPENCHECK_PUBLIC_RATE_LIMIT_PER_MINUTE="100000000",
                   OPENCHECK_PROJECTIONS_IN_PROCESS="false", OPENCHECK_SCHEDULER_IN_PROCESS="false",
                   PYTHONPATH=str(ROOT), **bare_env)
        if settings.database_schema:
            env["OPENCHECK_DATABASE_SCHEMA"] = settings.database_schema
        rounds: dict[str, list[tuple[float, float]]] = {"bare": [], "lookup": []}
        for _ in range(args.rounds):   # interleaved: the machine's drift falls on both sides
            for name, cmd, prefix in [
                ("bare", [sys.executable, "-m", "uvicorn", "bench.bare_app:app"], "/bare/"),
                ("lookup", [sys.executable, "-m", "uvicorn", "opencheck.app:create_app",
                            "--factory"], "/api/v1/public/credit/"),
            ]:
                port = _free_port()
                server = subprocess.Popen(cmd + ["--port", str(port), "--workers",
                                                 str(args.workers), "--no-access-log",
                                                 "--log-level", "warning"], env=env, cwd=ROOT)
                try:
                    _wait(port, prefix + codes[0])
                    wrk(port, prefix, codes_file, 2, args.connections)          # warm-up
                    rounds[name].append(wrk(port, prefix, codes_file, args.seconds,
                                            args.connections))
                finally:
                    server.terminate()
                    server.wait(timeout=30)
    (b_rps, b_p99), (l_rps, l_p99) = (_median(rounds["bare"]), _median(rounds["lookup"]))
    each = ", ".join(f"{b / lk:.2f}x" for (b, _), (lk, _) in zip(rounds["bare"], rounds["lookup"]))
    line = (f"public lookup ({args.backend}), {args.entities:,} entities, {args.workers} workers, "
            f"{args.connections} connections: {l_rps:,.0f} lookups/s, p99 {l_p99:.1f} ms | "
            f"reference bare endpoint (1 raw SQL): {b_rps:,.0f} req/s, p99 {b_p99:.1f} ms | "
            f"ratio {b_rps / l_rps:.2f}x (medians of {args.rounds} interleaved rounds; each "
            f"round: {each})")
    print(line, flush=True)
    return [line]


if __name__ == "__main__":
    main()

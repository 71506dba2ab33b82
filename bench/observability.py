"""What the per-request observability costs on the public lookup: the app as built (request id,
JSON log line, Prometheus histogram + counter, the audit middleware's pass-through) against the
same app with those middlewares removed, in one process, interleaved rounds.

    python -m bench.observability [--entities 20000] [--requests 3000] [--rounds 5]
                                  [--multiprocess]

Requests go straight to the ASGI app (no sockets, no wrk): the figure is the CPU time each
request gains, which is what the added work costs whatever the network. Log lines are formatted
as JSON and written to /dev/null. --multiprocess runs it with PROMETHEUS_MULTIPROC_DIR set (the
`serve --workers N` mode, samples written to mmap'd files).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _request(path: str) -> dict:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
            "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
            "query_string": b"", "headers": [(b"host", b"bench")],
            "client": ("127.0.0.1", 5000), "server": ("bench", 80)}


async def _run(app, paths: list[str]) -> float:
    """Seconds per request over `paths`."""
    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    statuses = []

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    started = time.process_time()   # CPU time: the machine's other load weighs less
    for path in paths:
        await app(_request(path), receive, send)
    elapsed = time.process_time() - started
    assert set(statuses) == {200}, set(statuses)
    return elapsed / len(paths)


def _without_observability(app):   # noqa: ANN001, ANN202
    from kernel.http.audit import AuditedReads
    from kernel.http.observe import RequestContext

    app.user_middleware = [m for m in app.user_middleware
                           if m.cls not in (RequestContext, AuditedReads)]
    return app


def measure(entities: int, requests: int, rounds: int) -> str:
    from bench.lookup import fill
    from kernel import logs
    from kernel.settings import Settings
    from opencheck.app import create_app
    from opencheck.bootstrap import bootstrap
    from opencheck.migrate import upgrade

    handler = logging.StreamHandler(open(os.devnull, "w"))   # noqa: SIM115
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.RequestIdFilter())
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    with tempfile.TemporaryDirectory(prefix="ocobs-") as d:
        settings = Settings(database_url=f"sqlite:///{d}/oc.db", secret_key="bench",
                            public_rate_limit_per_minute=100_000_000,
                            projections_in_process=False, scheduler_in_process=False)
        upgrade(settings)
        codes = fill(Path(d) / "oc.db", entities)
        platform = bootstrap(settings)
        quiet = settings.model_copy(update={"log_requests": False})
        apps = {"with": create_app(platform=platform),
                "no_log": create_app(quiet, platform=platform),
                "without": _without_observability(create_app(platform=platform))}
        paths = [f"/api/v1/public/credit/{random.choice(codes)}" for _ in range(requests)]
        loop = asyncio.new_event_loop()
        for app in apps.values():   # warm-up: build the stack, compile, fill caches
            loop.run_until_complete(_run(app, paths[:200]))
        times: dict[str, list[float]] = {name: [] for name in apps}
        for i in range(rounds):   # alternate which goes first
            for name, app in (apps.items() if i % 2 else reversed(list(apps.items()))):
                times[name].append(loop.run_until_complete(_run(app, paths)))
        platform.close()
    on, off = statistics.median(times["with"]), statistics.median(times["without"])
    no_log = statistics.median(times["no_log"])
    mode = "multiprocess" if os.environ.get("PROMETHEUS_MULTIPROC_DIR") else "one process"
    return (f"public lookup, in-process ASGI, SQLite, {entities:,} entities, metrics {mode}: "
            f"{on * 1e6:.0f} µs with request id + JSON log + metrics + audit pass-through, "
            f"{off * 1e6:.0f} µs without (median of {rounds} rounds × {requests:,}) | "
            f"ratio {on / off:.3f}x (+{(on - off) * 1e6:.0f} µs); without the request's log line "
            f"{no_log * 1e6:.0f} µs, ratio {no_log / off:.3f}x")


def main(argv: list[str] | None = None) -> list[str]:
    ap = argparse.ArgumentParser(description="per-request observability overhead")
    ap.add_argument("--entities", type=int, default=20_000)
    ap.add_argument("--requests", type=int, default=3_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--multiprocess", action="store_true")
    args = ap.parse_args(argv)
    if args.multiprocess and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        with tempfile.TemporaryDirectory(prefix="ocprom-") as d:   # set before the import
            out = subprocess.run(
                [sys.executable, "-m", "bench.observability", "--entities", str(args.entities),
                 "--requests", str(args.requests), "--rounds", str(args.rounds)],
                env=dict(os.environ, PROMETHEUS_MULTIPROC_DIR=d), cwd=ROOT, check=True,
                capture_output=True, text=True).stdout.strip().splitlines()[-1]
    else:
        out = measure(args.entities, args.requests, args.rounds)
    print(out, flush=True)
    return [out]


if __name__ == "__main__":
    main()

"""Commands through the API with read-your-writes, against the same commands without it.

    python -m bench.commands [--commands 300] [--backend sqlite|postgres|both]

- API: `POST /api/v1/entities` N times (in-process client, a supervisor's token); each answer
  reads the registered entity from the projected read model, so every command waits until every
  projection runner has caught up (kernel/http/read_your_writes.py, `Platform.settle_all`).
- Reference in the same run: `SupervisionApplication.register_entity` N times (the same use case,
  no HTTP, no waiting), then one catch-up of every runner at the end.
"""

from __future__ import annotations

import argparse
from datetime import date

from fastapi.testclient import TestClient

from bench.common import Timer, fresh_platform, pg_reachable, report
from kernel.clock import today_in_china
from kernel.http import auth
from opencheck.app import create_app
from opencheck.demo.synthdata import generate_entities
from supervision.directory.entities import EntityData

PASSWORD = "bench-supervisor-password"


def _bodies(n: int, seed: int) -> list[dict]:
    keys = ("uscc", "name", "entity_type", "region_code", "industry_code", "registered_on",
            "address")
    return [{k: row[k] for k in keys} for row, _ in zip(generate_entities(seed, n), range(n))]


def run(backend: str, n: int) -> list[str]:
    lines = []
    with fresh_platform(backend, scheduler_in_process=False) as p:
        auth.add_user(p.engine, "sup", PASSWORD, "supervisor", department="market_regulation")
        with TestClient(create_app(platform=p)) as client:
            token = client.post("/api/v1/auth/token",
                                data={"username": "sup", "password": PASSWORD}).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            bodies = _bodies(n, 1)
            with Timer() as api:
                for body in bodies:
                    r = client.post("/api/v1/entities", json=body, headers=headers)
                    assert r.status_code == 201, r.text
        today = today_in_china()
        rows = [EntityData(**{**body, "registered_on": date.fromisoformat(body["registered_on"])})
                for body in _bodies(n, 2)]
        with Timer() as bare:
            for row in rows:
                p.supervision.register_entity(row, today)
            p.catch_up()
        lines.append(report(f"[{backend}] API commands with read-your-writes "
                            f"({len(p.runners)} runners)", n, api.seconds,
                            "the use case without HTTP or waiting, one catch-up", bare.seconds,
                            unit="commands/s"))
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--commands", type=int, default=300)
    ap.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = ap.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    for backend in backends:
        if backend == "postgres" and not pg_reachable():
            print("[postgres] skipped: not reachable")
            continue
        run(backend, args.commands)


if __name__ == "__main__":
    main()

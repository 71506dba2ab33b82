"""Kill the API (SIGKILL) under concurrent keyed commands, restart it, retry every command that got
no answer with its Idempotency-Key: every acknowledged command is present exactly once and no
command was applied twice (issue 18, the crash test in CI)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from kernel.http import auth
from tests.factories import entity

CLIENTS = 6
LOAD_SECONDS = 3.0
ENTITIES = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(settings, port: int) -> subprocess.Popen:
    env = dict(os.environ, OPENCHECK_DATABASE_URL=settings.database_url,
               OPENCHECK_SECRET_KEY=settings.secret_key or "",
               OPENCHECK_SCHEDULER_IN_PROCESS="false", OPENCHECK_PROJECTION_POLL_SECONDS="0.05",
               # an undrained stderr pipe would fill with the request log and block the server
               OPENCHECK_LOG_REQUESTS="false")
    if settings.database_schema:
        env["OPENCHECK_DATABASE_SCHEMA"] = settings.database_schema
    return subprocess.Popen([sys.executable, "-m", "opencheck.cli", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_up(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("the API did not start")


def _body(i: int, key: str) -> dict:
    return {"uscc": entity(i % ENTITIES).uscc, "department": "market_regulation",
            "opened_on": "2026-01-05", "notes": key}


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_sigkill_of_the_api_under_load_applies_every_command_exactly_once(platform):
    platform.supervision.register_entities([entity(i) for i in range(ENTITIES)])
    platform.catch_up()
    auth.add_user(platform.engine, "sup", "crash-test-pass-1", "supervisor",
                  department="market_regulation")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _serve(platform.settings, port)
    _wait_up(base, proc)
    login = httpx.post(f"{base}/api/v1/auth/token",
                       data={"username": "sup", "password": "crash-test-pass-1"})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    acked: dict[str, str] = {}          # key -> case id answered before the kill
    unanswered: list[str] = []
    stop, lock = threading.Event(), threading.Lock()

    def client(c: int) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=10) as http:
            n = 0
            while not stop.is_set():
                key = f"c{c}-{n}"
                try:
                    r = http.post("/api/v1/penalties", json=_body(n, key),
                                  headers={"Idempotency-Key": key})
                except httpx.HTTPError:
                    with lock:
                        unanswered.append(key)
                    return   # the API is gone
                with lock:
                    if r.status_code == 201:
                        acked[key] = r.json()["id"]
                    else:
                        unanswered.append(key)
                n += 1

    threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
    for t in threads:
        t.start()
    time.sleep(LOAD_SECONDS)
    proc.send_signal(signal.SIGKILL)     # mid-load: requests in flight, some committed
    proc.wait()
    stop.set()
    for t in threads:
        t.join()
    assert len(acked) > 20, "too little load before the kill"
    restarted = _serve(platform.settings, port)
    try:
        _wait_up(base, restarted)
        answers: dict[str, str] = {}
        replayed = 0
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            # every command that got no answer, retried with its key, and a sample of answered
            for key in unanswered + list(acked)[:: max(1, len(acked) // 20)]:
                n = int(key.split("-")[1])
                r = http.post("/api/v1/penalties", json=_body(n, key),
                              headers={"Idempotency-Key": key})
                assert r.status_code == 201, (key, r.status_code, r.text)
                answers[key] = r.json()["id"]
                replayed += key in unanswered and "idempotent-replayed" in r.headers
                assert r.json()["notes"] == key
            for key, case_id in answers.items():
                assert acked.get(key, case_id) == case_id, key   # the same answer as before
            items: list[dict] = []
            while True:
                page = http.get("/api/v1/penalties",
                                params={"limit": 500, "offset": len(items)}).json()
                items += page["items"]
                if len(items) >= page["total"] or not page["items"]:
                    break
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(timeout=20)
    # exactly once: one Opened event per command, each answered command present
    opened = [n for n in platform.credit.recorder.select_notifications(start=1, limit=100_000)
              if n.topic.endswith("PenaltyCase.Opened")]
    commands = set(acked) | set(unanswered)
    assert len(opened) == len({n.originator_id for n in opened})
    assert len(opened) == len(commands) == len(items)
    notes = [item["notes"] for item in items]
    assert sorted(notes) == sorted(commands), "a command is missing or doubled"
    print(f"\n{platform.settings.database_url[:10]}: {len(acked)} acknowledged, {len(unanswered)} "
          f"unanswered at the kill, {replayed} of them committed before the kill and replayed")

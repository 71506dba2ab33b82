"""Probes, metrics and request ids over HTTP: /livez, /readyz (stuck projections by failure row
or by lag), /metrics by route template, X-Request-ID in the answer and in the JSON log line."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

import pytest

from kernel import failures, logs
from kernel.failures import ProjectionFailed
from opencheck import scheduler
from tests.factories import entity

BOTH = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)


@BOTH
def test_livez_and_readyz_when_all_is_well(client, platform):
    assert client.get("/livez").json() == {"status": "alive"}
    r = client.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "ready" and r.json()["migrations"] == "head"
    assert r.json()["stuck"] == []


@BOTH
def test_readyz_503_names_the_failing_projection_and_health_says_so(client, platform):
    boom = ValueError("cannot store \x00 in the name 某某公司")
    failures.record(platform.engine, ProjectionFailed("supervision", "supervision",
                                                      "entity_directory", 42, boom))
    r = client.get("/readyz")
    assert r.status_code == 503, r.text
    [stuck] = r.json()["stuck"]
    assert stuck["runner"] == "supervision" and stuck["projection"] == "entity_directory"
    assert stuck["position"] == 42 and stuck["since"] and stuck["reason"] == "failing"
    assert stuck["error"] == "ValueError"            # the kind, never the stored text
    health = client.get("/api/v1/health").json()
    assert health["status"] == "degraded"
    assert health["failing"][0]["runner"] == "supervision"
    assert health["failing"][0]["position"] == 42


@BOTH
def test_readyz_503_when_a_runner_lags_beyond_the_threshold(client, platform):
    platform.settings.ready_max_lag = 2
    platform.supervision.register_entities([entity(i) for i in range(1, 6)])   # not projected
    r = client.get("/readyz")
    assert r.status_code == 503, r.text
    lagging = {s["runner"]: s for s in r.json()["stuck"]}
    assert lagging["supervision"]["reason"] == "lagging"
    assert lagging["supervision"]["lag"] > 2 and lagging["supervision"]["position"] == 0
    health = client.get("/api/v1/health").json()
    assert health["status"] == "degraded"
    assert any(f["runner"] == "supervision" and f["error"].startswith("lagging")
               for f in health["failing"])
    platform.catch_up()
    assert client.get("/readyz").status_code == 200


def sample(text: str, series: str) -> float:
    """The value of one series in an exposition (0 if absent)."""
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


LOOKUP = 'method="GET",route="/api/v1/public/entities/{uscc}"'


@BOTH
def test_metrics_by_route_template_with_projection_lag_and_jobs(client, platform):
    platform.supervision.register_entities([entity(1)])
    platform.settle()
    platform.supervision.register_entities([entity(2)])   # one event not projected yet
    before = client.get("/metrics").text   # the counters are per process: compare
    for i in (1, 1, 3):   # two codes, one route
        client.get(f"/api/v1/public/entities/{entity(i).uscc}")
    client.get("/no/such/path/12345")
    broken = scheduler.Job("test-broken-job", {"hour": 1}, lambda p, d: 1 / 0)
    leadership = scheduler.Leadership(platform)   # a job runs fenced, as the leader
    assert leadership.acquire()
    try:
        scheduler._run_logged(platform, broken, leadership)
    finally:
        leadership.release()
    text = client.get("/metrics").text

    def delta(series: str) -> float:
        return sample(text, series) - sample(before, series)

    assert delta(f"opencheck_http_request_duration_seconds_count{{{LOOKUP}}}") == 3
    assert delta(f'opencheck_http_request_duration_seconds_bucket{{le="+Inf",{LOOKUP}}}') == 3
    assert delta(f'opencheck_http_responses_total{{{LOOKUP},status="200"}}') == 2
    assert delta(f'opencheck_http_responses_total{{{LOOKUP},status="404"}}') == 1
    assert entity(1).uscc not in text                      # templates, not raw paths
    assert 'route="<unmatched>"' in text and "12345" not in text
    assert sample(text, 'opencheck_projection_lag_events{application="supervision",'
                        'runner="supervision"}') == 1
    assert 'opencheck_projection_failing{runner="credit"} 0.0' in text
    assert delta('opencheck_job_runs_total{job="test-broken-job",outcome="failed"}') == 1


@BOTH
def test_request_id_round_trip_and_in_the_json_log_line(client, platform):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.RequestIdFilter())
    logger = logging.getLogger("opencheck.request")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        r = client.get("/livez", headers={"X-Request-ID": "lb-7f3a9c21-0001"})
        assert r.headers["X-Request-ID"] == "lb-7f3a9c21-0001"
        bad = client.get("/livez", headers={"X-Request-ID": "no spaces; or quotes\""})
        fresh = bad.headers["X-Request-ID"]
        assert fresh != "no spaces; or quotes\"" and len(fresh) == 32
        assert client.get("/livez").headers["X-Request-ID"] != fresh    # one per request
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    first = lines[0]
    assert first["request_id"] == "lb-7f3a9c21-0001" and first["route"] == "/livez"
    assert first["status"] == 200 and first["level"] == "INFO" and "duration_ms" in first
    assert lines[1]["request_id"] == fresh


SAMPLE = """
import os, sys
from types import SimpleNamespace
from opencheck import metrics
if sys.argv[1] == "observe":
    metrics.observe_request("GET", "/api/v1/public/entities/{uscc}", 200, 0.004)
else:
    sys.stdout.write(metrics.exposition(SimpleNamespace(engine=None, runners={})).decode())
"""


def test_metrics_of_several_worker_processes_are_summed(tmp_path):
    """`serve --workers N`: each worker writes its samples to PROMETHEUS_MULTIPROC_DIR and
    any worker's /metrics sums them all."""
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    for _ in range(2):   # two worker processes answer a lookup each
        subprocess.run([sys.executable, "-c", SAMPLE, "observe"], env=env, check=True)
    out = subprocess.run([sys.executable, "-c", SAMPLE, "scrape"], env=env, check=True,
                         capture_output=True, text=True).stdout
    assert ('opencheck_http_request_duration_seconds_count{method="GET",'
            'route="/api/v1/public/entities/{uscc}"} 2.0') in out, out

"""Prometheus metrics: request latency by route template, responses by status, projection lag per
runner (computed at scrape time from the database), scheduler job runs and draw durations.

Several `serve --workers N` processes: prometheus-client's multiprocess mode. `serve` points
PROMETHEUS_MULTIPROC_DIR at an emptied directory before the workers start; each worker writes its
samples there and `/metrics`, answered by any worker, sums them all (opencheck.cli.serve). The
projection gauges are database facts, the same whichever process computes them, so they are
computed at scrape time and never written to that directory.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from functools import wraps
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from kernel import failures

log = logging.getLogger(__name__)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
CONTENT_TYPE = CONTENT_TYPE_LATEST

disable_created_metrics()   # no `_created` series: half the exposition, nothing we graph
REGISTRY = CollectorRegistry(auto_describe=True)
LATENCY = Histogram(
    "opencheck_http_request_duration_seconds", "Time to answer a request, by route template.",
    ["method", "route"], registry=REGISTRY,
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
RESPONSES = Counter("opencheck_http_responses", "Responses by route template and status code.",
                    ["method", "route", "status"], registry=REGISTRY)
JOB_RUNS = Counter("opencheck_job_runs", "Scheduler job runs by outcome (ok | failed).",
                   ["job", "outcome"], registry=REGISTRY)
JOB_SECONDS = Histogram("opencheck_job_duration_seconds", "Scheduler job run time.", ["job"],
                        registry=REGISTRY, buckets=(1, 5, 15, 60, 300, 900, 3600, 7200))
JOB_LAST_SUCCESS = Gauge("opencheck_job_last_success_timestamp_seconds",
                         "When each job last ran without error (Unix time).", ["job"],
                         registry=REGISTRY, multiprocess_mode="max")
DRAW_SECONDS = Histogram("opencheck_draw_duration_seconds",
                         "Time of the draw use case (双随机), by outcome (drawn | refused).",
                         ["outcome"], registry=REGISTRY,
                         buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120))


_SERIES: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """The observer of kernel.http.observe.RequestContext. The labelled children are kept per
    (method, route, status), a bounded set: `labels()` on every request cost 12 µs a lookup."""
    if method not in METHODS:
        method = "OTHER"   # any verb a client makes up: one series
    series = _SERIES.get((method, route, status))
    if series is None:
        series = _SERIES[(method, route, status)] = (
            LATENCY.labels(method, route), RESPONSES.labels(method, route, str(status)))
    series[0].observe(seconds)
    series[1].inc()


def job_finished(job_id: str, ok: bool, seconds: float) -> None:
    JOB_RUNS.labels(job_id, "ok" if ok else "failed").inc()
    JOB_SECONDS.labels(job_id).observe(seconds)
    if ok:
        JOB_LAST_SUCCESS.labels(job_id).set(time.time())


def instrument_draw(platform: Any) -> None:
    """Time the supervision application's draw use case (supervision knows nothing of it)."""
    app = platform.supervision
    if getattr(app.draw, "timed", False):
        return
    draw = app.draw

    @wraps(draw)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started, outcome = time.perf_counter(), "refused"
        try:
            result = draw(*args, **kwargs)
            outcome = "drawn"
            return result
        finally:
            DRAW_SECONDS.labels(outcome).observe(time.perf_counter() - started)

    timed.timed = True   # type: ignore[attr-defined]
    app.draw = timed


class ProjectionCollector(Collector):
    """Per runner at scrape time: events behind its log, position, and whether it is failing."""

    def __init__(self, platform: Any) -> None:
        self.platform = platform

    def collect(self) -> Iterator[GaugeMetricFamily]:
        lag = GaugeMetricFamily("opencheck_projection_lag_events",
                                "Events recorded in the runner's log but not yet projected.",
                                labels=["runner", "application"])
        position = GaugeMetricFamily("opencheck_projection_position",
                                     "The slowest projection's position, per runner.",
                                     labels=["runner"])
        failing = GaugeMetricFamily("opencheck_projection_failing",
                                    "1 while the runner's batches fail (projection_failures).",
                                    labels=["runner"])
        up = GaugeMetricFamily("opencheck_projection_scrape_ok",
                               "0 if the projection state could not be read at this scrape.")
        try:
            with self.platform.engine.connect() as conn:
                failed = {f.runner for f in failures.stored(conn)}
            ends: dict[str, int] = {}
            for name, runner in self.platform.runners.items():
                app = runner.app
                if app.name not in ends:
                    ends[app.name] = app.recorder.max_notification_id() or 0
                at = runner.position()
                lag.add_metric([name, app.name], max(0, ends[app.name] - at))
                position.add_metric([name], at)
                failing.add_metric([name], 1 if name in failed else 0)
            up.add_metric([], 1)
        except Exception:  # noqa: BLE001  (a scrape reports, it does not fail)
            log.warning("projection metrics unavailable", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        yield from (lag, position, failing, up)


def exposition(platform: Any) -> bytes:
    """The /metrics body: this process's (or, in multiprocess mode, every worker's) samples
    plus the projection gauges."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    projections = CollectorRegistry(auto_describe=False)
    projections.register(ProjectionCollector(platform))
    return generate_latest(registry) + generate_latest(projections)


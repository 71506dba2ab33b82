"""`opencheck demo --size city` end to end, phase by phase, on a fresh store.

    python -m bench.demo_city [--entities 1000000] [--backend sqlite|postgres]

Loads the demo province as the command does (opencheck.demo.load_if_empty, `--entities`
market entities; 1,000,000 is the city size) and prints where the time goes: each phase of the
load (the progress bar's steps: registration, annual reports, the rules month by month, spot
checks, cases, ...) split into the demo's own work and the projection catch-up run inside it
(every `ProjectionRunner.catch_up`, counted once however nested). The catch-up is the read
models' share run in the demo's process, the rest is what the demo generates and records; from
50,000 entities a worker process projects beside the load (opencheck.demo.worker: the events it
applied are printed; `--no-worker` runs every projection in the demo's process).
Reference, same run: the bulk registration alone (`register_entities` over the same rows,
already validated) into a second fresh store, i.e. the write floor of the demo's biggest step.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import resource
import time
from collections import defaultdict
from itertools import islice
from typing import Any

from bench.common import Timer, fresh_platform
from kernel import projections
from kernel.clock import today_in_china
from opencheck import demo
from opencheck.demo.synthdata import generate_entities


class Phases:
    """A stand-in for the rich progress bar: the task last added or updated is the phase
    under way; wall time and catch-up time are booked to it."""

    def __init__(self) -> None:
        self.names: dict[int, str] = {}
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.catch_up: dict[str, float] = defaultdict(float)
        self.catch_up_cpu: dict[str, float] = defaultdict(float)
        self.current, self.depth = "start", 0
        self.since = self.catch_up_since = (time.perf_counter(), time.process_time())

    def start(self) -> None:
        self.since = (time.perf_counter(), time.process_time())

    def _enter(self, name: str) -> None:
        now = (time.perf_counter(), time.process_time())
        self.wall[self.current] += now[0] - self.since[0]
        self.cpu[self.current] += now[1] - self.since[1]
        if self.depth:   # a phase change inside a catch-up (a progress callback)
            self._book_catch_up(now)
        self.current, self.since = name, now

    def _book_catch_up(self, now: tuple[float, float]) -> None:
        self.catch_up[self.current] += now[0] - self.catch_up_since[0]
        self.catch_up_cpu[self.current] += now[1] - self.catch_up_since[1]
        self.catch_up_since = now

    @staticmethod
    def _phase(description: str) -> str:
        name = re.sub(r"rules as of .*", "daily and monthly rules", description)
        return re.sub(r"[\d,]+ market entities", "market entities", name)

    def add_task(self, description: str, **_: Any) -> int:
        task = len(self.names)
        self.names[task] = self._phase(description)
        self._enter(self.names[task])
        return task

    def update(self, task: int, description: str | None = None, **_: Any) -> None:
        if description is not None:
            self.names[task] = self._phase(description)
        if self.names[task] != self.current:
            self._enter(self.names[task])

    def advance(self, task: int, _: float = 1) -> None:
        self.update(task)

    def close(self) -> None:
        self._enter("end")

    def timed_catch_up(self, original: Any) -> Any:
        def catch_up(runner: Any, *args: Any, **kwargs: Any) -> int:
            self.depth += 1
            if self.depth == 1:
                self.catch_up_since = (time.perf_counter(), time.process_time())
            try:
                return original(runner, *args, **kwargs)
            finally:
                self.depth -= 1
                if not self.depth:
                    self._book_catch_up((time.perf_counter(), time.process_time()))
        return catch_up


def reference(n: int, backend: str) -> float:
    """Seconds to bulk-register the same `n` rows, validated before the clock starts."""
    today = today_in_china()
    rows = generate_entities(demo.SEED, n)
    with fresh_platform(backend) as platform:
        chunks = []
        while chunk := list(islice(rows, demo.CHUNK)):
            chunks.append([demo._entity(r).validated(today) for r in chunk])
        with Timer() as t:
            for chunk in chunks:
                platform.supervision.register_entities(chunk)
    return t.seconds


def main(argv: list[str] | None = None) -> list[str]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=demo.SIZES["city"])
    ap.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--no-worker", action="store_true",
                    help="no projection worker beside the load (all in this process)")
    args = ap.parse_args(argv)
    phases, workers = Phases(), []
    original, beside = projections.ProjectionRunner.catch_up, demo.projecting_beside
    projections.ProjectionRunner.catch_up = phases.timed_catch_up(original)

    @contextlib.contextmanager
    def watched(*a: Any, **k: Any) -> Any:   # the worker beside the load, read after it
        with beside(*a, **k) as w:
            workers.append(w)
            yield w

    demo.projecting_beside = watched
    try:
        with fresh_platform(args.backend) as platform:
            started, cpu = time.perf_counter(), time.process_time()
            phases.start()
            assert demo.load(platform, args.entities, phases,
                             beside=False if args.no_worker else None)
            phases.close()
            total, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        projections.ProjectionRunner.catch_up, demo.projecting_beside = original, beside
    caught_up, caught_up_cpu = sum(phases.catch_up.values()), sum(phases.catch_up_cpu.values())
    lines = [f"demo ({args.entities:,} entities, {args.backend}) end to end {total:,.1f} s "
             f"(CPU {cpu:,.1f} s): the demo's own work {total - caught_up:,.1f} s (CPU "
             f"{cpu - caught_up_cpu:,.1f} s), projection catch-up {caught_up:,.1f} s (CPU "
             f"{caught_up_cpu:,.1f} s)",
             "  wall s   CPU s | own wall  own CPU | catch-up wall  CPU | phase"]
    for name, seconds in sorted(phases.wall.items(), key=lambda kv: -kv[1]):
        if seconds >= 0.05:
            c, p, cc = phases.cpu[name], phases.catch_up[name], phases.catch_up_cpu[name]
            lines.append(f"  {seconds:6.1f}  {c:6.1f} | {seconds - p:8.1f} {c - cc:8.1f} | "
                         f"{p:13.1f} {cc:4.1f} | {name}")
    if workers and workers[0].running:
        lines.append(f"the worker beside the load projected {workers[0].events:,} events "
                     f"(the catch-up above is this process's share)")
    lines.append(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB "
                 f"(this process)")
    if not args.no_reference:
        ref = reference(args.entities, args.backend)
        own = phases.wall.get("register market entities", 0.0) - \
            phases.catch_up.get("register market entities", 0.0)
        lines.append(f"reference: register_entities of the same rows, validated beforehand: "
                     f"{ref:,.1f} s ({args.entities / ref:,.0f} rows/s) | the demo's "
                     f"registration (generate + validate + register) {own:,.1f} s, ratio "
                     f"{own / ref:.1f}x")
    for line in lines:
        print(line, flush=True)
    return lines


if __name__ == "__main__":
    main()

"""`make bench`: run every benchmark, print its figures, write docs/BENCHMARKS.md.

    python -m bench [NAME ...] [--quick] [--only NAME ...]      (e.g. python -m bench draw)

Each benchmark prints its figure and the ratio against a reference measured in the same run.
`--quick` uses small sizes (a smoke run); the default sizes are the issues' targets.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# name -> (module, full-size args, quick args, what the issue asks)
BENCHES = {
    "draw": ("bench.draw", [], ["--entities", "200000", "--inspectors", "2000", "--repeat", "1"],
             "10 M pool, 50 k inspectors (opencheck-draw/2): <= 3 s, within 3x of bare numpy "
             "computing both rank arrays and argpartition per stratum (190 M <= 60 s and <= 8 GB: "
             "python -m bench.draw --sizes 10000000,50000000,100000000,190000000)"),
    "pool": ("bench.pool", [], ["--entities", "100000"],
             "1 M pool into arrays: <= 2 s on SQLite, within 3x of a raw SELECT"),
    "store": ("bench.store", ["--entities", "1000000", "--workers", "1,2,4"],
              ["--entities", "20000"],
              "issue 23: import >= 25,000 events/s; catch-up of a realistic 1 M-event log >= 30,000 "
              "events/s, within 1.5x of the write floor, the last 100 k within 20 % of the first; "
              "bulk rebuild >= 50,000 events/s; 1, 2, 4 segment workers (SQLite and PostgreSQL)"),
    "demo_city": ("bench.demo_city", ["--entities", "1000000"],
                  ["--entities", "5000", "--no-reference"],
                  "issue 23: `opencheck demo --size city` (1 M entities with two years of history) "
                  "end to end <= 5 minutes; phase by phase, the demo's own work and the catch-up"),
    "csv_import": ("bench.csv_import", [], ["--entities", "20000"],
                   "1 M-row entity CSV end to end (parse, validate, register, project), "
                   "memory bounded by the 2,000-row chunks"),
    "credit": ("bench.credit", [], ["--entities", "100000"],
               "re-classify 1 M entities <= 10 s; credit projection catch-up >= 30,000 events/s "
               "(issue 23) with row checks, vs the write floor and read-and-fold"),
    "lookup": ("bench.lookup", [], ["--entities", "50000", "--seconds", "5"],
               "1 M entities: >= 1,000 lookups/s, p99 <= 20 ms, within 2x of a bare endpoint "
               "(issue 23: within 1.5x on PostgreSQL, `--backend postgres`)"),
    "register_asof": ("bench.register_asof", [], ["--entities", "5000"],
                      "the directory as of a log position, folded from the event store: "
                      "20,000 entities on both backends"),
    "production_latency": ("bench.production_latency", [], ["--commands", "50"],
                           "a command's answer <= 50 ms with API + worker on PostgreSQL (issue "
                           "18), vs projections inline and a bare INSERT"),
    "merkle": ("bench.merkle", [], ["--events", "20000", "--proofs", "200"],
               "tamper-evident record (issue 21): tree maintenance >= 50,000 events/s, an "
               "inclusion proof <= 1 ms warm, vs hashlib over the same bytes"),
    "open_data": ("bench.open_data", [], ["--entities", "5000"],
                  "open data (issue 20): the daily dump of every dataset with its delta, vs one "
                  "SELECT to JSON Lines; a credit report PDF vs the public record read alone"),
    "risk": ("bench.risk", [], ["--entities", "20000", "--lab-entities", "200000"],
             "issue 22: the model against the A–D rules out of sample on a planted-truth "
             "province; the policy lab at 1 M entities in seconds"),
    "dashboard": ("bench.dashboard", [], ["--entities", "100000"],
                  "1 M entities: overview first render <= 1.5 s server time"),
}


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text()
                .splitlines() if line.startswith("MemTotal")), 0)
    return f"{os.cpu_count()} cores ({cpu}), {mem} GiB RAM, Python {platform.python_version()}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("names", nargs="*", metavar="NAME", help="same as --only NAME ...")
    ap.add_argument("--only", nargs="*", choices=sorted(BENCHES))
    ap.add_argument("--out", default=None,
                    help="where to write the report (default: docs/BENCHMARKS.md for a full "
                         "run; a subset or --quick run writes only when asked)")
    args = ap.parse_args()
    unknown = sorted(set(args.names) - set(BENCHES))
    if unknown:
        ap.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    args.only = [*(args.only or []), *args.names] or None
    sections = []
    for name, (module, full, quick, target) in BENCHES.items():
        if args.only and name not in args.only:
            continue
        if not (ROOT / f"{module.replace('.', '/')}.py").exists():
            continue
        argv = quick if args.quick else full
        command = " ".join(["python -m", module, *argv])
        print(f"\n## {name}: {command}", flush=True)
        t = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", module, *argv], cwd=ROOT, text=True,
                             capture_output=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        output = (run.stdout + (f"\nFAILED (exit {run.returncode}):\n{run.stderr[-2000:]}"
                                if run.returncode else "")).strip()
        print(output, flush=True)
        sections.append(f"## {name}\n\nTarget: {target}.\n\n`{command}` "
                        f"({time.perf_counter() - t:.0f} s)\n\n```\n{output}\n```\n")
    out = args.out or (None if args.only or args.quick else str(ROOT / "docs" / "BENCHMARKS.md"))
    if out is None:   # a subset would replace every other section of the recorded report
        print("\nnot written (a subset or quick run; pass --out FILE to keep it)")
        return
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    Path(out).write_text(
        "# Benchmarks\n\n"
        f"Measured {stamp} on {machine()}; `make bench` ({'quick sizes' if args.quick else 'full sizes'})."
        " Each figure comes with a reference measured in the same run; ratios are ours / reference"
        " (time) unless stated. Other processes on the machine affect absolute numbers.\n\n"
        + "\n".join(sections))
    print(f"\nwritten {out}")


if __name__ == "__main__":
    main()

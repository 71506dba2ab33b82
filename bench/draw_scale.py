"""The draw's curve at national sizes: ``python -m bench.draw --sizes 10000000,190000000``.

Per size, each phase in a fresh process, so each peak RSS (``ru_maxrss``: anonymous memory and
the mapped columns' resident pages) is that phase's own:

* build: the synthetic pool written block by block as ``.npy`` columns (synthesis untimed; the
  writes through ``open_memmap`` timed in rows/s, against bare numpy ``tofile`` of the same bytes);
* freeze: the pool mapped read-only and checked (``EntityPool``), then the public pool digest
  (sort + sha256 of every USCC), computed once when the pool is frozen, before the randomness;
* draw: the draw over the mapped columns (the public digest given by the freeze), as production
  draws from the pool snapshot;
* reference: bare numpy over the same mapped columns doing the draw's essential work: both rank
  arrays (encoded in chunks: whole at 190 M would need 10 GB), then ``np.argpartition`` for the
  control sample and per stratum, with the draw's sizes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

from bench.draw import RATIOS, bare_halves, bare_rank
from bench.draw_synth import load_pool, write_pool
from kernel.mapped import release
from supervision.plans.drawing import DrawParams, derive_key, draw

SALT = hashlib.sha256(b"bench salt").digest()
CHUNK = 1 << 22             # rows per step of the reference's encoding


class PeakMemory:
    """Samples /proc/self/status every 20 ms: the peak anonymous and file-backed resident set."""

    def __init__(self) -> None:
        self.anon = self.file = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            with open("/proc/self/status") as f:
                fields = dict(line.split(":", 1) for line in f if line.startswith("Rss"))
            self.anon = max(self.anon, int(fields["RssAnon"].split()[0]) // 1024)
            self.file = max(self.file, int(fields["RssFile"].split()[0]) // 1024)

    def report(self) -> dict[str, int]:
        self._stop.set()
        self._thread.join()
        return {"max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                "peak_anon_mib": self.anon, "peak_file_mib": self.file}


def params_for(args) -> DrawParams:
    return DrawParams(ratios=RATIOS, jurisdiction_digits=args.digits,
                      control_share=args.control_share)


def phase_build(args) -> dict:
    peak = PeakMemory()
    scratch = args.dir / "bare"
    scratch.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    times = write_pool(args.dir, args.entities, args.inspectors, 1, reference=scratch)
    total = time.perf_counter() - t
    shutil.rmtree(scratch)
    return {**times, "total": total, **peak.report()}


def phase_freeze(args) -> dict:
    peak = PeakMemory()
    t = time.perf_counter()
    pool, roster = load_pool(args.dir)
    loaded = time.perf_counter() - t
    t = time.perf_counter()
    digest = pool.public_digest
    return {"load": loaded, "public_digest": time.perf_counter() - t, "digest": digest,
            **peak.report()}


def phase_draw(args) -> dict:
    peak = PeakMemory()
    t = time.perf_counter()
    pool, roster = load_pool(args.dir)
    loaded = time.perf_counter() - t
    pool.__dict__["public_digest"] = args.public_digest     # the freeze's (cached_property)
    key = derive_key("bench-plan", 1, "2025-public-random")
    t = time.perf_counter()
    res = draw(pool, roster, params_for(args), key, SALT)
    wall = time.perf_counter() - t
    sizes = [res.strata[name]["target"] for name in res.strata]
    return {"load": loaded, "draw": wall, "split": res.timings, "counters": res.counters,
            "drawn": int(res.entity_no.size), "control": int(res.control.sum()),
            "unassigned": len(res.unassigned), "sizes": sizes,
            "fingerprint": res.internal_summary()["fingerprint"], **peak.report()}


def reference_mapped(pool, key: bytes, sizes: list[int], n_c: int) -> int:
    """Bare numpy: both ranks of every row (encoded chunk by chunk), argpartition for the control
    sample and per stratum. How many rows it picked."""
    n = pool.uscc.size
    control, risk = np.empty(n, np.uint64), np.empty(n, np.uint64)
    rkey = hashlib.sha256(key + SALT).digest()[:16]
    for s in range(0, n, CHUNK):
        hi, lo = bare_halves(pool.uscc[s:s + CHUNK])
        control[s:s + CHUNK] = bare_rank(key[:16], hi, lo)
        risk[s:s + CHUNK] = bare_rank(rkey, hi, lo)
        release(pool.uscc, s, s + CHUNK)        # as the draw does: pages handed back
    del hi, lo
    code = np.where(pool.targeted, 4, pool.risk_class).astype(np.int8)
    code[(code == 0) & (pool.last_checked_days >= 0) & (pool.last_checked_days < 365)] = 5
    for column in (pool.targeted, pool.risk_class, pool.last_checked_days):
        release(column)
    picked = np.argpartition(control, n_c)[:n_c].size if n_c else 0
    del control
    for h, m in enumerate(sizes):
        rows = np.flatnonzero(code == h)
        picked += rows[np.argpartition(risk[rows], m)[:m]].size if 0 < m < rows.size else \
            (rows.size if m else 0)
    return picked


def phase_reference(args) -> dict:
    peak = PeakMemory()
    pool, _ = load_pool(args.dir)
    key = derive_key("bench-plan", 1, "2025-public-random")
    t = time.perf_counter()
    picked = reference_mapped(pool, key, json.loads(args.sizes_json), args.n_c)
    return {"reference": time.perf_counter() - t, "picked": picked, **peak.report()}


PHASES = {"build": phase_build, "freeze": phase_freeze, "draw": phase_draw,
          "reference": phase_reference}


def _run(phase: str, args, directory: Path, entities: int, *extra: str) -> dict:
    cmd = [sys.executable, "-m", "bench.draw_scale", phase, "--dir", str(directory),
           "--entities", str(entities), "--inspectors", str(args.inspectors),
           "--digits", str(args.digits), "--control-share", str(args.control_share), *extra]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1])
    return json.loads(out.stdout.strip().splitlines()[-1])


def curve(args) -> None:
    """One line per size: build, freeze, draw and reference, each with its time and memory."""
    sizes = [int(s) for s in args.sizes.split(",")]
    root = args.dir or Path("/tmp/opencheck-draw-bench")
    print(f"draw curve, {args.inspectors:,} inspectors, control_share {args.control_share}, "
          f"jurisdiction_digits {args.digits}; pool columns under {root} "
          f"({'kept' if args.keep else 'deleted after'})")
    for n in sizes:
        directory = root / f"pool-{n}"
        try:
            b = _run("build", args, directory, n)
            f = _run("freeze", args, directory, n)
            d = _run("draw", args, directory, n, "--public-digest", f["digest"])
            r = _run("reference", args, directory, n, "--sizes-json", json.dumps(d["sizes"]),
                     "--n-c", str(d["control"]))
        finally:
            if not args.keep:
                shutil.rmtree(directory, ignore_errors=True)
        s = d["split"]
        print(f"{n:>11,} entities: draw {d['draw']:6.2f} s (reference {r['reference']:6.2f} s, "
              f"ratio {d['draw'] / r['reference']:.2f}x), draw process peak RSS "
              f"{d['max_rss_mib']:,} MiB (anon {d['peak_anon_mib']:,}, mapped "
              f"{d['peak_file_mib']:,}; reference {r['max_rss_mib']:,} MiB); drawn "
              f"{d['drawn']:,}, unassigned {d['unassigned']}")
        print(f"{'':>22}split: entity draw {s['entity_draw']:.2f} s, assignment "
              f"{s['inspector_assignment']:.2f} s, salted pool digest {s['pool_digest']:.2f} s; "
              f"pool and roster mapped and checked {d['load']:.2f} s; "
              f"repaired slots {d['counters']['repaired_slots']:,}")
        print(f"{'':>22}snapshot build: {n / b['write']:,.0f} rows/s (bare tofile "
              f"{n / b['bare_write']:,.0f} rows/s, ratio {b['write'] / b['bare_write']:.2f}x; "
              f"synthesis untimed, {b['total']:.0f} s in all, peak RSS {b['max_rss_mib']:,} MiB)")
        print(f"{'':>22}freeze: public pool digest (sort + sha256) {f['public_digest']:.2f} s "
              f"(peak RSS {f['max_rss_mib']:,} MiB), map + check {f['load']:.2f} s")
        sys.stdout.flush()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("phase", choices=PHASES)
    ap.add_argument("--dir", type=Path, required=True)
    ap.add_argument("--entities", type=int, required=True)
    ap.add_argument("--inspectors", type=int, default=50_000)
    ap.add_argument("--digits", type=int, default=4)
    ap.add_argument("--control-share", type=float, default=0.1)
    ap.add_argument("--public-digest", default="")
    ap.add_argument("--sizes-json", default="[]")
    ap.add_argument("--n-c", type=int, default=0)
    args = ap.parse_args(argv)
    print(json.dumps(PHASES[args.phase](args)))


if __name__ == "__main__":
    main()

"""The directory as of a log position (supervision.directory.register_asof), SQLite and PostgreSQL.

    python -m bench.register_asof [--entities 20000] [--backend sqlite|postgres|both]

The log: N registrations, then an annual report for every other entity (a topic the fold skips)
and a status change for every tenth. Timed: ``entities_as_of`` at the newest position and at
the middle one (median of 3), against the bare paged read of the same notifications (no decode,
no fold) and the pool loader over the caught-up read model, measured in the same run.
"""

from __future__ import annotations

import statistics
from datetime import date
from itertools import islice

from bench.common import Timer, backend_main, fresh_platform, report
from bench.store import CHUNK, _rows
from supervision.directory.register_asof import TOPICS, current_position, entities_as_of
from supervision.plans.pool import load_pool

REPEAT = 3


def _median_seconds(fn) -> float:
    """Median of REPEAT timed runs (this machine's other work makes single runs noisy)."""
    times = []
    for _ in range(REPEAT):
        with Timer() as t:
            fn()
        times.append(t.seconds)
    return statistics.median(times)


def _bare_read(app, position: int) -> None:
    after = 0
    while batch := app.recorder.select_notifications(start=after, limit=5_000, stop=position,
                                                     topics=TOPICS, inclusive_of_start=False):
        after = batch[-1].id


def run(backend: str, n: int) -> list[str]:
    rows = _rows(n)
    lines = []
    with fresh_platform(backend) as p:
        app = p.supervision
        it = iter(rows)
        while chunk := list(islice(it, CHUNK)):
            app.register_entities(chunk)
        middle = current_position(app) // 2
        reports = [(r.uscc, 2025, date(2026, 5, 2))
                   for r in rows[::2] if r.registered_on.year <= 2025]
        for start in range(0, len(reports), CHUNK):
            app.file_annual_reports(reports[start:start + CHUNK])
        for r in rows[::10]:
            app.change_entity_status(r.uscc, "revoked", date(2026, 1, 5), "吊销")
        end = current_position(app)
        view = entities_as_of(app, end)
        assert len(view) == n and len(entities_as_of(app, middle)) == middle
        newest = _median_seconds(lambda: entities_as_of(app, end))
        half = _median_seconds(lambda: entities_as_of(app, middle))
        lines.append(report(f"[{backend}] entities_as_of, newest position ({end:,} in the log)",
                            n + len(rows[::10]), newest, "bare paged read, no decode",
                            _median_seconds(lambda: _bare_read(app, end))))
        lines.append(report(f"[{backend}] entities_as_of, middle position ({middle:,})", middle,
                            half, "bare paged read, no decode",
                            _median_seconds(lambda: _bare_read(app, middle))))
        p.catch_up()
        with p.engine.connect() as conn:
            assert len(load_pool(conn)) == sum(e.status == "active" for e in view.values())
            pool = _median_seconds(lambda: load_pool(conn))
        lines.append(report(f"[{backend}] entities_as_of, newest position", n, newest,
                            "load_pool over the read model (now only)", pool,
                            unit="entities/s"))
    return lines


def main(argv: list[str] | None = None) -> list[str]:
    return backend_main(__doc__, run, 20_000, argv)


if __name__ == "__main__":
    main()

"""`opencheck verify-log`: the tamper-evident record checked from the stored events up."""

from __future__ import annotations

import typer


def verify_log() -> None:
    """Recompute every log's Merkle tree from the stored events and check it against every
    signed checkpoint; exit 1 naming the first event changed, removed, inserted or reordered,
    or the checkpoint whose signature fails."""
    from opencheck.cli import _platform
    from opencheck.merkle_log import verify_all

    platform = _platform()
    try:
        reports = verify_all(platform)
    finally:
        platform.close()
    for r in reports:
        state = "intact" if r.intact else "NOT INTACT"
        print(f"log {r.log}: {state}: {r.events} events, {r.checkpoints} checkpoints checked, "
              f"signed up to tree size {r.signed_size}"
              + (f", {r.events - r.signed_size} events not yet signed"
                 if r.intact and r.events > r.signed_size else ""))
        for problem in r.problems:
            print(f"  - {problem}")
    if not all(r.intact for r in reports):
        raise typer.Exit(1)

"""Operations commands (`opencheck audit …`) and the metrics set-up of `serve --workers N`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from kernel.errors import DomainError
from kernel.settings import Settings

audit_app = typer.Typer(help="审计 The audit trail of non-public reads.", no_args_is_help=True)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"   # prometheus-client's name (opencheck.metrics)


@audit_app.command("export")
def audit_export(
        since: Annotated[Optional[str], typer.Option(help="first day (ISO date, China time)")] = None,
        until: Annotated[Optional[str], typer.Option(help="last day, included")] = None,
        output: Annotated[Optional[Path], typer.Option(
            "--output", "-o", dir_okay=False, help="file to write (default: standard output)")] = None,
) -> None:
    """Write the audit trail of non-public reads between two days as CSV."""
    from datetime import date

    from opencheck.audited import export_lines

    def day(value: Optional[str], field: str) -> Optional[date]:
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            raise DomainError(f"日期格式应为 YYYY-MM-DD, expected an ISO date, not {value!r}",
                              field=field) from None

    first, last = day(since, "since"), day(until, "until")
    from opencheck.cli import _platform

    platform = _platform()
    try:
        lines = export_lines(platform.engine, first, last)
        if output is None:
            sys.stdout.writelines(lines)
        else:
            with output.open("w", encoding="utf-8", newline="") as f:
                f.writelines(lines)
    finally:
        platform.close()


def metrics_shared_by_workers(settings: Settings) -> None:
    """prometheus-client's multiprocess mode: every worker writes its samples under one
    directory, emptied first (a previous run's files would be summed in), and `/metrics` on any
    worker sums them (opencheck.metrics). Set before the workers import prometheus-client."""
    directory = Path(os.environ.get(MULTIPROC_ENV) or Path(settings.var_dir) / "metrics")
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROC_ENV] = str(directory.resolve())

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
open_data_app = typer.Typer(help="开放数据 The open-data dumps and deltas.", no_args_is_help=True)
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


@open_data_app.command("dump")
def open_data_dump(
        out: Annotated[Optional[Path], typer.Option(
            "--out", file_okay=False, help="directory of the dumps (default: open_data_dir, "
                                           "else var/open-data)")] = None,
        on: Annotated[Optional[str], typer.Option(
            "--date", help="the dump's day (ISO date; default today in China)")] = None,
) -> None:
    """Write the day's full dump (CSV, JSON Lines), its delta against the previous dump and the
    manifest."""
    from datetime import date, datetime, timezone

    from credit.opendata.dumps import open_data_root, write_dump
    from kernel.clock import today_in_china
    from opencheck.cli import _platform, console

    try:
        day = date.fromisoformat(on) if on else today_in_china()
    except ValueError:
        raise DomainError(f"日期格式应为 YYYY-MM-DD, expected an ISO date, not {on!r}",
                          field="date") from None
    platform = _platform()
    try:
        root = out or open_data_root(platform.settings)
        manifest = write_dump(platform.engine, root, day,
                              datetime.now(timezone.utc).replace(microsecond=0), platform.rules)
    finally:
        platform.close()
    for name, x in manifest["datasets"].items():
        d = x["delta"]
        console.print(f"{name}: {x['rows']} rows (+{d['added']} ~{d['changed']} "
                      f"-{d['removed']} since {manifest['previous']})")
    console.print(f"written to {root / manifest['date']}")


def metrics_shared_by_workers(settings: Settings) -> None:
    """prometheus-client's multiprocess mode: every worker writes its samples under one
    directory, emptied first (a previous run's files would be summed in), and `/metrics` on any
    worker sums them (opencheck.metrics). Set before the workers import prometheus-client."""
    directory = Path(os.environ.get(MULTIPROC_ENV) or Path(settings.var_dir) / "metrics")
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROC_ENV] = str(directory.resolve())

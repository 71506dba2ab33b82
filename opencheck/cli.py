"""The `opencheck` command line (typer): serve, migrate, rebuild, import, users, demo, worker."""

from __future__ import annotations

import signal
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from kernel.errors import DomainError
from kernel.i18n import translated
from kernel.settings import Settings
from opencheck.cli_log import verify_log
from opencheck.cli_ops import audit_app, metrics_shared_by_workers, open_data_app
from opencheck.cli_risk import policy_lab, risk_app
from opencheck.cli_users import users_app

app = typer.Typer(help="OpenCheck: double random, one open; supervision and credit.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(users_app, name="users")
export_app = typer.Typer(help="Export public records.", no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(audit_app, name="audit")
app.add_typer(open_data_app, name="open-data")
app.command("verify-log")(verify_log)
app.add_typer(risk_app, name="risk")
app.command("policy-lab")(policy_lab)
console = Console(stderr=True)


def progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=False)


def _platform():
    from opencheck.bootstrap import bootstrap
    from opencheck.migrate import upgrade

    settings = Settings()
    upgrade(settings)
    return bootstrap(settings)


@app.command()
def migrate() -> None:
    """Create or upgrade the read-model tables (alembic upgrade head)."""
    from opencheck.migrate import upgrade

    upgrade(Settings())
    console.print("read models at the newest revision")


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000,
          workers: Annotated[int, typer.Option(min=1)] = 1) -> None:
    """Serve API, dashboard and public pages (migrates first)."""
    import uvicorn

    from kernel import logs
    from opencheck.migrate import upgrade

    settings = Settings()
    upgrade(settings)
    if workers > 1:
        metrics_shared_by_workers(settings)
    # bounded shutdown: open notification streams (SSE) are cancelled after 10 s, not awaited;
    # each request logs one line of its own (kernel.http.observe), so no uvicorn access log
    uvicorn.run("opencheck.app:create_app", factory=True, host=host, port=port, workers=workers,
                timeout_graceful_shutdown=10, access_log=False,
                log_config=logs.dict_config(settings.log_format, settings.log_level))


def _long_running() -> None:
    """JSON (or text) log lines for the processes that run for days."""
    from kernel import logs

    settings = Settings()
    logs.configure(settings.log_format, settings.log_level)


@app.command()
def worker(once: Annotated[bool, typer.Option(help="catch up, then exit")] = False,
           segment: Annotated[Optional[int], typer.Option(
               min=0, help="run only this segment of originators of the segmentable projections "
                           "(parallel catch-up: one worker per segment, "
                           "OPENCHECK_PROJECTION_SEGMENTS of them)")] = None) -> None:
    """Run the projections outside the API processes (production shape)."""
    if not once:
        _long_running()
    platform = _platform()
    if segment is not None and segment >= platform.settings.projection_segments:
        console.print(f"--segment {segment}: OPENCHECK_PROJECTION_SEGMENTS is "
                      f"{platform.settings.projection_segments}")
        raise typer.Exit(2)
    if once:
        n = platform.catch_up(segment=segment)
        console.print(f"projected {n} events")
        return
    daemon = platform.projection_daemon(segment)
    signal.signal(signal.SIGTERM, lambda *_: daemon.stop())
    console.print("projection worker running (Ctrl-C to stop)")
    try:
        daemon.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        platform.close()


@app.command()
def scheduler() -> None:
    """Run the time-driven rules: one process leads, others stand by and take over."""
    import threading

    from opencheck import scheduler as jobs

    _long_running()
    platform = _platform()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    console.print(f"scheduler of {len(jobs.JOBS)} jobs: leading or standing by (Ctrl-C to stop)")
    try:
        jobs.lead_or_stand_by(platform, stop)
    except KeyboardInterrupt:
        pass
    finally:
        platform.close()


@app.command("run-jobs")
def run_jobs(on: Annotated[Optional[str], typer.Option("--date", help="ISO date (default: today in China)")] = None,
             only: Annotated[Optional[list[str]], typer.Option("--job")] = None,
             until: Annotated[Optional[str], typer.Option(
                 "--until", help="catch up: every day from --date to this ISO date")] = None) -> None:
    """Run the scheduler's jobs due on a date, or on each day of a range (idempotent: catching
    up after downtime is safe); --job runs the named jobs whatever the day."""
    from datetime import date, timedelta

    from kernel.clock import today_in_china
    from opencheck import scheduler as jobs

    day = date.fromisoformat(on) if on else today_in_china()
    last = date.fromisoformat(until) if until else day
    if last < day:
        raise DomainError("--until must not be before --date", field="until")
    platform = _platform()
    # as the scheduler's leader, each job fenced (opencheck.scheduler.Leadership): never beside
    # the scheduler's own run of the same job
    leadership = jobs.Leadership(platform)
    try:
        if not leadership.acquire():
            raise DomainError("another process leads the scheduler and runs the jobs; stop it "
                              "to run jobs by hand")
        while day <= last:
            for job_id, summary in jobs.run_jobs(platform, day, set(only) if only else None,
                                                 leadership).items():
                console.print(f"{day} {job_id}: {summary}" if until else f"{job_id}: {summary}")
            day += timedelta(days=1)
    except jobs.NotLeader as lost:
        raise DomainError("the scheduler's leadership was lost while the jobs ran; the rest "
                          "were not run") from lost
    finally:
        leadership.release()
        platform.close()


@app.command("verify-draw")
def verify_draw(
        source: Annotated[str, typer.Argument(help="a public record file (GET /api/v1/public/"
                                                   "plans/{id}/draws/{n}/record), or a plan id")],
        draw_no: Annotated[Optional[int], typer.Option(min=1, help="with a plan id")] = None,
        archive: Annotated[Optional[Path], typer.Option(
            exists=True, dir_okay=False, help="the auditor's archive (.npz): full check")] = None,
        register: Annotated[bool, typer.Option(
            "--register", help="also check the frozen pool against the register as of the "
                               "commitment (reads this installation's event store)")] = False,
) -> None:
    """Check a draw without trusting the bureau; exit 1 if anything differs.

    With a record file: the public check (commitment before the value, the committed value,
    the committed pool, the control sample), offline; with --archive the full recomputation.
    With a plan id: the auditor's full check on this installation's archive."""
    import json
    from uuid import UUID

    from supervision.plans import audit
    from supervision.plans.draws import read_archive

    path = Path(source)
    if path.is_file():
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            plan_id, number = UUID(doc["plan_id"]), int(doc["draw_no"])
        except (ValueError, KeyError, TypeError) as error:
            raise DomainError(f"{source} is not a draw record file: {error}",
                              field="source") from None
        differences = audit.verify_public_file(doc)
        checks = "public record"
        if archive is not None:
            differences += audit.verify_with_archive(doc, read_archive(archive.read_bytes()))
            checks += " + archive"
    else:
        try:
            plan_id, number = UUID(source), draw_no
        except ValueError:
            raise DomainError(f"{source!r} is neither a record file nor a plan id (a UUID)",
                              field="source") from None
        register = True
        differences, checks = None, "archive + register"
    if register or differences is None:
        platform = _platform()
        try:
            if differences is None:
                result = platform.supervision.verify_draw(plan_id, number)
                differences, number = result["differences"], result["draw_no"]
            else:
                differences += platform.supervision.register_check(plan_id, number)
                checks += " + register"
        finally:
            platform.close()
    print(f"plan {plan_id} draw {number}: checked {checks}")
    if not differences:
        print("verified: true")
        return
    print("verified: false")
    for d in differences:
        print(f"  - {d}")
    raise typer.Exit(1)


@app.command()
def rebuild(projection: Annotated[Optional[list[str]], typer.Argument()] = None) -> None:
    """Empty read models and replay every event into them (default: all projections)."""
    platform = _platform()
    with progress() as bar:
        for runner in platform.runners.values():
            names = [n for n in runner.names if not projection or n in projection]
            if not names:
                continue
            task = bar.add_task(f"rebuild {', '.join(names)}",
                                total=runner.app.recorder.max_notification_id() or 0)
            runner.rebuild(names, on_progress=lambda n, t=task: bar.advance(t, n))
    platform.close()


class ImportKind(str, Enum):
    entities = "entities"
    inspectors = "inspectors"
    check_items = "check-items"


@app.command("import")
def import_(kind: ImportKind, file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Bulk-register rows from a CSV (UTF-8, UTF-8 BOM, GB18030) or .xlsx file; bad rows are
    reported by line, good rows kept; exits 1 when any row was rejected."""
    from kernel.import_files import count_lines
    from opencheck import importing

    platform = _platform()
    total = count_lines(file)
    with progress() as bar:
        task = bar.add_task(f"import {kind.value}", total=max(total, 0))
        report = importing.IMPORTERS[kind.value](platform, file, lambda n: bar.advance(task, n))
        proj = bar.add_task("project", total=platform.runners["supervision"].lag())
        for runner in platform.runners.values():
            runner.catch_up(lambda n: bar.advance(proj, n))
    platform.close()
    console.print(f"read {report.read} rows: {report.registered} registered, "
                  f"{report.already_registered} already registered, {len(report.rejected)} rejected",
                  markup=False)
    if not report.rejected:
        return
    rejects = file.with_name(file.stem + ".rejects.csv")
    importing.write_rejects(report, rejects)
    for r in report.rejected[:20]:
        console.print(f"  line {r.line}: {r.field}: {r.reason}", markup=False, soft_wrap=True)
    if len(report.rejected) > 20:
        console.print(f"  … {len(report.rejected) - 20} more", markup=False)
    console.print(f"every rejected row with its line, field and reason: {rejects}",
                  markup=False, soft_wrap=True)
    console.print(f"error: {len(report.rejected)} row(s) rejected (已拒绝 {len(report.rejected)} "
                  f"行), the {report.registered} good row(s) were imported (已导入)",
                  markup=False, soft_wrap=True)
    raise typer.Exit(1)


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"


@export_app.command("inspections")
def export_inspections(
        file: Annotated[Path, typer.Argument(dir_okay=False)],
        format: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.csv,
        plan: Annotated[Optional[str], typer.Option("--plan", help="plan id (UUID)")] = None) -> None:
    """Write the published inspection results (一公开) as CSV or JSON."""
    from supervision.tasks.export import export_published

    platform = _platform()
    try:
        written = export_published(platform.engine, file, format.value, plan)
    finally:
        platform.close()
    console.print(f"{written} published result(s) written to {file}")


class DemoSize(str, Enum):
    small = "small"
    city = "city"


@app.command()
def demo(size: DemoSize = DemoSize.small, host: str = "127.0.0.1", port: int = 8000,
         serve_after: Annotated[bool, typer.Option("--serve/--no-serve")] = True) -> None:
    """Load the synthetic demo province into an empty store, then serve it."""
    from opencheck import demo as demo_data

    platform = _platform()
    with progress() as bar:
        loaded = demo_data.load_if_empty(platform, size.value, bar)
    platform.close()
    console.print("demo data loaded" if loaded else "store not empty: demo data left as it is")
    if serve_after:
        serve(host=host, port=port, workers=1)


def main() -> None:
    """Entry point: domain errors become one readable line and a non-zero exit."""
    try:
        app()
    except DomainError as e:   # in Chinese, then English, as the API answers (kernel.i18n)
        message = translated(e.message, e.field, e.status_code)
        console.print(f"error: {message.zh} | {message.en}", markup=False, soft_wrap=True)
        sys.exit(2)
    except Exception as e:  # the last line of defence: no traceback for the user
        from kernel.rulebook import InvalidRules

        if isinstance(e, (InvalidRules, OSError, ValueError)):
            console.print(f"error: {e}", markup=False)
            sys.exit(2)
        raise


if __name__ == "__main__":
    main()

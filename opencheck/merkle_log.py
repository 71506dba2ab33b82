"""The tamper-evident record wired: one Merkle tree runner per log, the signing keys, verify-log.

Keys come from files named in Settings (docs/ARCHITECTURE.md "Keys"); the public keys verify-log
trusts are the configured keys' own plus `checkpoint_trusted_keys` (retired keys), never keys
read from the store.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kernel.checkpoints import Signer, Verifier
from kernel.eventlog import Issuer, LogTree, RawLog, issue_due
from kernel.logcheck import LogReport, verify_log
from kernel.projections import ProjectionRunner
from kernel.settings import Settings

RUNNER_PREFIX = "log_"


def signers(settings: Settings) -> list[Signer]:
    """The log's signing key, and the witness's if one is configured."""
    algorithm = settings.checkpoint_algorithm
    path = settings.checkpoint_key_file or Path(settings.var_dir) / f"checkpoint.{algorithm}.key"
    keys = [Signer.from_file(settings.checkpoint_key_name, algorithm, Path(path),
                             create=settings.checkpoint_key_file is None)]
    if settings.checkpoint_witness_key_file:
        keys.append(Signer.from_file(settings.checkpoint_witness_key_name,
                                     settings.checkpoint_witness_algorithm,
                                     Path(settings.checkpoint_witness_key_file)))
    return keys


def trusted(settings: Settings) -> tuple[list[Verifier], list[Verifier]]:
    """(log keys, witness keys) verify-log accepts."""
    own = signers(settings)
    keys = [own[0].verifier] + [Verifier.parse(k) for k in settings.checkpoint_trusted_keys]
    witnesses = [s.verifier for s in own[1:]] + [Verifier.parse(k)
                                                 for k in settings.checkpoint_witness_keys]
    return keys, witnesses


def issuer(settings: Settings, clock: Any = None) -> Issuer:
    made = Issuer(settings.checkpoint_origin, signers(settings), settings.checkpoint_every_events,
                  settings.checkpoint_every_minutes)
    if clock is not None:
        made.clock = clock
    return made


def log_runners(engine: sa.Engine, settings: Settings, apps: dict[str, Any],
                batch: int) -> dict[str, ProjectionRunner]:
    """A runner per log keeping its tree and signing its checkpoints (exactly once, as any
    projection); fed the stored notifications undecoded."""
    signing = issuer(settings)
    return {f"{RUNNER_PREFIX}{log}": ProjectionRunner(
        engine, RawLog(app), [LogTree(log, signing)], batch, name=f"{RUNNER_PREFIX}{log}",
        settings=settings) for log, app in apps.items()}


def logs(platform: Any) -> dict[str, Any]:
    """Log name -> application, for every log that has a tree."""
    return {name[len(RUNNER_PREFIX):]: runner.app.app for name, runner in platform.runners.items()
            if name.startswith(RUNNER_PREFIX)}


def verify_all(platform: Any) -> list[LogReport]:
    keys, witnesses = trusted(platform.settings)
    with platform.engine.connect() as conn:
        return [verify_log(conn, log, app.recorder, keys, witnesses,
                           platform.settings.checkpoint_require_witness)
                for log, app in logs(platform).items()]


def issue_checkpoints(platform: Any, _: date | None = None) -> str:
    """The timed checkpoints: sign each tree that grew and is due (scheduler job)."""
    signing = issuer(platform.settings, platform.clock)
    issued = [log for log in logs(platform)
              if issue_due(platform.engine, f"{RUNNER_PREFIX}{log}", log, signing,
                           platform.settings.database_schema)]
    return f"checkpoints signed: {', '.join(issued) or 'none due'}"

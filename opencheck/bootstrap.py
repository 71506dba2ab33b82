"""Composition root: builds the applications, read-model engine and projection runners."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from opencheck.db import create_engine
from opencheck.eventstore import build_application
from opencheck.projections import ProjectionDaemon, ProjectionRunner
from opencheck.rules import Rules, load_rules
from opencheck.settings import Settings
from supervision.application import SupervisionApplication
from supervision.projections import EntityDirectory

CHINA = ZoneInfo("Asia/Shanghai")


def today_in_china() -> date:
    return datetime.now(CHINA).date()


@dataclass
class Platform:
    """Everything a process needs, wired once: settings, rules, applications, read models."""

    settings: Settings
    rules: Rules
    engine: sa.Engine
    supervision: SupervisionApplication
    runners: dict[str, ProjectionRunner]
    daemon: ProjectionDaemon | None = field(default=None)

    def settle(self, app_name: str = "supervision", timeout: float = 5.0) -> bool:
        """Wait until the read models reflect everything this application has recorded."""
        runner = self.runners[app_name]
        target = runner.app.recorder.max_notification_id() or 0
        return runner.wait_for(target, timeout, run_inline=self.settings.projections_in_process)

    def catch_up(self) -> int:
        return sum(r.catch_up() for r in self.runners.values())

    def start_projections(self) -> None:
        self.daemon = ProjectionDaemon(list(self.runners.values()),
                                       self.settings.projection_poll_seconds)
        self.daemon.start()

    def close(self) -> None:
        if self.daemon:
            self.daemon.stop()
        self.supervision.close()
        self.engine.dispose()


def bootstrap(settings: Settings | None = None) -> Platform:
    settings = settings or Settings()
    engine = create_engine(settings)
    supervision = build_application(SupervisionApplication, settings)
    batch = settings.projection_batch_size
    runners = {
        "supervision": ProjectionRunner(engine, supervision, [EntityDirectory()], batch),
    }
    return Platform(settings, load_rules(settings.rules_file), engine, supervision, runners)

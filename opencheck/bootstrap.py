"""Composition root: builds the applications, read-model engine and projection runners."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from credit.application import CreditApplication
from credit.lists.projections import credit_projections_of_supervision
from credit.lookups import SqlLookups
from credit.projections import credit_projections
from credit.rating.changes import Rescoring, reclassify_entities
from credit.rating.scoring import StoredRedList, StoredRiskClasses
from credit.risk.stratum import ModelStratum
from credit.rules import Rules, load_rules
from dashboard.credit_counts import dashboard_projections_of_credit
from dashboard.projections import dashboard_projections
from kernel import segments, workdays
from kernel.clock import now_utc, today_in_china
from kernel.daemon import ProjectionDaemon
from kernel.db import create_engine
from kernel.eventstore import build_application
from kernel.failures import ProjectionFailed
from kernel.http import read_your_writes
from kernel.progress import ProgressListener
from kernel.projections import ProjectionRunner
from kernel.settings import Settings
from opencheck.merkle_log import log_runners
from opencheck.reactions import (
    ReadModelsBehind,
    ReclassifyOnCreditFacts,
    ReclassifyOnInspectionResults,
    RecordTerminalResultsInDirectory,
    WithdrawRepairedResults,
)
from supervision.application import SupervisionApplication
from supervision.directory.persons import PersonKeyer
from supervision.directory.projections import EntityDirectory, EntityPoolProjection
from supervision.directory.roster_projections import CheckItemList, InspectorDirectory
from supervision.plans.draws import SqlDrawInputs
from supervision.plans.item_reads import SqlCheckItemCatalogue
from supervision.plans.pool_snapshot import PoolSnapshot
from supervision.plans.ports import all_class_b
from supervision.plans.projections import PlanBoard
from supervision.plans.use_cases import DrawPolicy
from supervision.tasks.projections import (
    EntityInspections,
    InspectionResults,
    NotificationReads,
    Notifications,
    TaskBoard,
)
from supervision.tasks.recusal import SqlRecusalInputs

# What an API command's answer reads: every runner but the dashboard's own counts, which no API
# route reads (the dashboard's callbacks wait for all of them).
API_RUNNERS = ("supervision", "credit", "credit_on_supervision", "supervision_on_credit",
               "supervision_reactions", "classes_on_credit", "classes_on_supervision")
# A reaction records events of its own (opencheck.reactions): settling once more picks them up.
SETTLE_PASSES = 3


@dataclass
class Platform:
    """Everything a process needs, wired once: settings, rules, applications, read models."""

    settings: Settings
    rules: Rules
    engine: sa.Engine
    supervision: SupervisionApplication
    runners: dict[str, ProjectionRunner]
    credit: CreditApplication
    daemon: ProjectionDaemon | None = field(default=None)
    # PostgreSQL: this process's LISTEN connection (runners' positions, new events)
    listener: ProgressListener | None = field(default=None)
    # public pages and the dashboard read here: the read replica's engine if one is set (no DDL
    # ever runs on it: the schema arrives by replication), else `engine`
    read_engine: sa.Engine = field(default=None)  # type: ignore[assignment]
    # The drawer's per-class ratios read these classes (entity_no -> 0..3 = A..D): the credit
    # context's `risk_classes` read model (bootstrap), class B for entities never classified.
    risk_classes: Callable[[np.ndarray], np.ndarray] = field(default=all_class_b)
    # The moment commands act at (UTC-aware): commitments name future beacon rounds by it.
    # Tests set it to replay recorded rounds.
    clock: Callable[[], datetime] = field(default=now_utc)
    # The least a settle waits, whatever its caller's timeout: a bulk load projected by a
    # worker beside it (opencheck.demo.worker) waits for the read models as long as they take,
    # as it would running them itself
    min_settle_seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.read_engine is None:
            self.read_engine = self.engine

    def settle(self, *runners: str, timeout: float = 5.0) -> bool:
        """Wait until the named runners' read models (default: supervision's own) reflect
        everything their log holds; only those: another runner failing delays no command.
        False if they could not get there (timed out, or a batch failed: see /health)."""
        return self.settle_all(runners or ("supervision",), timeout)

    def settle_all(self, names: Iterable[str] | None = None, timeout: float = 5.0) -> bool:
        """Wait until the read models of these runners (default all) reflect everything
        recorded so far, including what reactions recorded meanwhile; False on timeout or if one
        of them fails (the others are still waited for)."""
        runners = [self.runners[n] for n in names] if names else list(self.runners.values())
        logs = {r.app.name: r.app for r in runners}
        timeout = max(timeout, self.min_settle_seconds)
        deadline, settled = time.monotonic() + timeout, True
        for _ in range(SETTLE_PASSES):
            ends = {name: app.recorder.max_notification_id() or 0 for name, app in logs.items()}
            for runner in runners:
                settled &= runner.wait_for(ends[runner.app.name],
                                           max(0.0, deadline - time.monotonic()),
                                           run_inline=self.settings.projections_in_process)
            if all((app.recorder.max_notification_id() or 0) == ends[name]
                   for name, app in logs.items()):
                break   # no reaction recorded anything meanwhile
        return settled

    def catch_up(self, strict: bool = True, segment: int | None = None) -> int:
        """Run every runner until none has anything left (reactions record new events). A
        runner that fails is left where it stopped while the others go on; then, if `strict`,
        the first failure is raised. `segment`: only that segment's parts (a parallel worker)."""
        total, failed = 0, {}
        chosen = self.runners if segment is None else self.segment_runners(segment)
        while True:
            done = 0
            for name, runner in chosen.items():
                if name in failed:
                    continue
                try:
                    done += runner.catch_up()
                except ProjectionFailed as error:
                    failed[name] = error
            if not done:
                break
            total += done
        if failed and strict:
            raise next(iter(failed.values()))
        return total

    def segment_runners(self, segment: int) -> dict[str, ProjectionRunner]:
        """The runners of one segment of originators (kernel.segments), by name."""
        n = self.settings.projection_segments
        if not 0 <= segment < n:
            raise ValueError(f"segment {segment} is not one of 0..{n - 1} "
                             "(OPENCHECK_PROJECTION_SEGMENTS)")
        return {p.name: p for r in self.runners.values() for p in r.parts[segment:segment + 1]}

    def start_projections(self) -> None:
        self.daemon = self.projection_daemon()
        self.daemon.start()

    def projection_daemon(self, segment: int | None = None) -> ProjectionDaemon:
        """A daemon over every runner and its segments (or one segment's runners), woken by
        new events where the store tells of them."""
        runners = ([p for r in self.runners.values() for p in [r, *r.parts]] if segment is None
                   else list(self.segment_runners(segment).values()))
        return ProjectionDaemon(runners, self.settings.projection_poll_seconds, self.listener)

    def close(self) -> None:
        if self.daemon:
            self.daemon.stop()
        if self.listener:
            self.listener.stop()
        self.supervision.close()
        self.credit.close()
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def person_key_secret(settings: Settings) -> bytes:
    """The configured person-key secret, or one generated once and kept beside the store."""
    if settings.person_key_secret:
        return settings.person_key_secret.encode()
    path = Path(settings.var_dir) / "person.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def bootstrap(settings: Settings | None = None) -> Platform:
    settings = settings or Settings()
    engine = create_engine(settings)
    supervision = build_application(SupervisionApplication, settings)
    rules = load_rules(settings.rules_file)
    workdays.use_schedules(rules.calendar.year_schedules())   # the calendar as data
    credit = build_application(CreditApplication, settings).configure(
        rules, SqlLookups(engine, rules))
    risk_classes = StoredRiskClasses(engine)
    if rules.model_stratum.enabled:   # a learned model that beat the rules may feed a stratum
        risk_classes = ModelStratum(engine, rules, risk_classes, credit.record_model_use,
                                    today_in_china)
    draw_inputs = SqlDrawInputs(engine, PoolSnapshot(settings.pool_snapshot_dir)
                                if settings.pool_snapshot_dir else None)
    supervision.configure(draw_inputs=draw_inputs, draw_archive=draw_inputs,
                          recusal_inputs=SqlRecusalInputs(engine), risk_classes=risk_classes,
                          red_listed=StoredRedList(engine),
                          draw_policy=DrawPolicy.from_rules(rules),
                          check_item_catalogue=SqlCheckItemCatalogue(engine),
                          person_keyer=PersonKeyer(person_key_secret(settings)))
    batch = settings.projection_batch_size

    def current(name: str) -> bool:
        runner = runners[name]
        return runner.wait_for(runner.app.recorder.max_notification_id() or 0, 60,
                               run_inline=True)

    def reclassify(facts: list[Rescoring]) -> int:
        """Rescore the entities a batch of events names on read models that show those events
        (and the class changes before them); the changes recorded are projected before the
        next batch."""
        if not facts:
            return 0
        if not (current("supervision") and current("credit")):
            raise ReadModelsBehind("the read models of a rescoring are behind (/api/v1/health)")
        recorded = reclassify_entities(engine, rules, credit.record_class_change, facts)
        if recorded and not current("credit"):
            raise ReadModelsBehind("the class change could not be projected (/api/v1/health)")
        return recorded

    # One runner per reader and log: a projection that fails stops its own runner only (the
    # dashboard's counts never hold back the directory a command waits for).
    readers = {
        "supervision": (supervision, [
            EntityDirectory(), EntityPoolProjection(), InspectorDirectory(), CheckItemList(),
            PlanBoard(), TaskBoard(), InspectionResults(), EntityInspections(), Notifications(),
            NotificationReads()]),
        "credit": (credit, credit_projections()),
        # credit's own read models of the supervision log (abnormal-list grounds from
        # inspections): a runner of their own, so neither context waits on the other
        "credit_on_supervision": (supervision, credit_projections_of_supervision()),
        # supervision's reactions to credit decisions (opencheck.reactions)
        "supervision_on_credit": (credit, [WithdrawRepairedResults(supervision)]),
        # supervision's reactions to its own events: results 9–12 end the entity's registration
        # in the directory (a runner of its own: a failing reaction holds back no read model)
        "supervision_reactions": (supervision, [RecordTerminalResultsInDirectory(
            supervision, rules.results)]),
        # classes that react (企业信用风险分类): a fact about an entity rescores it at once,
        # after the read models it is scored on (runners above) show that fact
        "classes_on_credit": (credit, [ReclassifyOnCreditFacts(credit, reclassify)]),
        "classes_on_supervision": (supervision, [ReclassifyOnInspectionResults(reclassify)]),
        # the dashboard's pre-aggregated counts of each log
        "dashboard": (supervision, dashboard_projections()),
        "dashboard_on_credit": (credit, dashboard_projections_of_credit()),
    }
    runners = {name: ProjectionRunner(engine, app, projections, batch, name=name,
                                      settings=settings)
               for name, (app, projections) in readers.items()}
    # the tamper-evident record: a Merkle tree per log, checkpoints signed (opencheck.merkle_log)
    runners.update(log_runners(engine, settings, {"supervision": supervision, "credit": credit},
                               batch))
    # parallel catch-up: the segmentable projections split into segments of originators
    # (kernel.segments); positions stored for another count are settled first, once
    segments.attach_all(list(runners.values()), settings)
    platform = Platform(settings, rules, engine, supervision, runners, credit,
                        risk_classes=risk_classes,
                        read_engine=create_engine(settings.for_reads())
                        if settings.read_database_url else engine)
    if settings.is_postgres:
        platform.listener = ProgressListener(
            settings, [supervision.recorder.channel_name, credit.recorder.channel_name])
        for runner in runners.values():
            for r in [runner, *runner.parts]:
                r.listener = platform.listener
        platform.listener.start()
    # read-your-writes: in a command's scope, each save waits for the read models
    for app in (supervision, credit):
        app.on_saved = lambda: read_your_writes.after_save(platform.settle_all)
    return platform

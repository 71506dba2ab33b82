"""Classes that react and the red list's incentives, on SQLite and PostgreSQL (issue 17, parts 4
and 5): a listing changes the entity's class the day it is decided, so a draw a week later uses
it; every change is an event naming its indicators and records; replay, rebuild and the next
monthly run add nothing; a red-listed entity is drawn in class A, its twin in its own class, and
the draw still verifies; a red-listed applicant's commitment is accepted with documents to follow.
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
import sqlalchemy as sa

from credit.commitments.tables import commitments
from credit.rating.tables import risk_class_history, risk_classes
from opencheck.bootstrap import bootstrap
from opencheck.migrate import upgrade
from opencheck.scheduler import run_jobs
from supervision.plans.plan import PlanScope, PlanTerms
from supervision.tasks.tables import tasks
from tests.conftest import make_settings, postgres_schema
from tests.factories import (
    check_item,
    commitment,
    decision,
    entity,
    inspector,
    known_codes,
    listing_notice,
    lottery,
    lottery_draw,
)
from tests.integration.credit_helpers import (
    DAILY,
    MONTHLY,
    commend,
    entity_no,
    register,
)

DEPTS = {"market_regulation", "ecology_environment", "emergency_management", "health"}
FAR = date(2033, 1, 1)


def _world(platform, n: int = 30, over: dict | None = None) -> None:
    register(platform, range(n), reports_until=2026, over=over)
    platform.supervision.register_inspectors([inspector(i) for i in range(6)], date(2026, 1, 5))
    platform.supervision.add_check_item(check_item(1), known_codes())
    platform.settle()


def _plan(platform, today: date, n: int, ratios: dict) -> tuple[set[str], object]:
    """Draft, publish, draw and verify a plan over the county; (drawn codes, plan id)."""
    app = platform.supervision
    plan_id = app.draft_plan(PlanTerms(
        name=f"{today.year}年度双随机抽查 {n}", lead_department="market_regulation",
        departments=(), check_items=("T-001",), scope=PlanScope("330702"), ratios=ratios,
        due_on=date(today.year + 1, 6, 30), randomness=lottery(today, f"2026{n:03d}期")),
        today, "sup", DEPTS)
    lottery_draw(app, plan_id, today, f"{n:03d}")
    platform.settle()
    check = app.verify_draw(plan_id)
    assert check["verified"], check["differences"]
    with platform.engine.connect() as conn:
        drawn = set(conn.scalars(sa.select(tasks.c.uscc).where(tasks.c.plan_id == plan_id.hex)))
    return drawn, plan_id


def _history(platform, no: int | None = None) -> list[tuple]:
    h = risk_class_history.c
    stmt = sa.select(h.entity_no, h.classified_on, h["class"], h.score, h.reasons,
                     h.previous_class, h.factors, h.cause).order_by(h.entity_no, h.classified_on)
    if no is not None:
        stmt = stmt.where(h.entity_no == no)
    with platform.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(stmt)]


def _class(platform, no: int) -> int:
    with platform.engine.connect() as conn:
        return conn.scalar(sa.select(risk_classes.c["class"])
                           .where(risk_classes.c.entity_no == no))


def _changes(platform) -> list:
    """The recorded class-change events, in log order."""
    app = platform.credit
    return [e for n in app.recorder.select_notifications(start=1, limit=100_000)
            if "RiskClassChange" in n.topic
            for e in [app.mapper.to_domain_event(n)]]


class ReactiveClassScenario:
    backend = "sqlite"

    def test_a_serious_listing_changes_the_class_the_day_it_is_decided(self, platform):
        _world(platform)
        credit, code = platform.credit, entity(7).uscc
        no = entity_no(platform, code)
        # the monthly run of 1 October: established, reports on time: class A (score 25)
        run_jobs(platform, date(2026, 10, 1), {MONTHLY})
        assert _class(platform, no) == 0
        # a heavier penalty of 2024 recorded now: older than a year, it weighs 6 points: B
        heavy = credit.open_penalty(code, "market_regulation", date(2024, 5, 6), FAR)
        credit.decide_penalty(heavy, decision(7, decided_on=date(2024, 6, 3),
                                              heavier_penalty=True), FAR)
        platform.settle_all()
        assert _class(platform, no) == 1
        # the serious-list procedure on it: notice 5 October, listed 16 November (no statement)
        credit.give_listing_notice(code, listing_notice(
            7, noticed_on=date(2026, 10, 5), penalty_case_id=heavy), FAR)
        credit.decide_listing(code, True, "婺市监失信决〔2026〕7号", date(2026, 11, 16), "", FAR)
        platform.settle_all()
        # class D from the listing's day, without waiting for December's run
        assert _class(platform, no) == 3
        rows = _history(platform, no)
        assert [(r[1], r[2], r[5]) for r in rows] == [
            (date(2026, 10, 1), 1, 0), (date(2026, 11, 16), 3, 1)]
        # the change names its indicators, points and the records behind them
        last = _changes(platform)[-1]
        assert (last.entity_no, last.on, last.previous_class, last.risk_class) == \
            (no, date(2026, 11, 16), 1, 3)
        factors = {f["indicator"]: f for f in last.factors}
        assert factors["serious_list"]["points"] == 40
        assert factors["serious_list"]["records"][0]["no"] == "婺市监失信决〔2026〕7号"
        assert factors["penalty_older"]["points"] == 6
        assert factors["penalty_older"]["records"] == [
            {"kind": "penalty", "id": heavy.hex, "no": decision(7).decision_no}]
        assert "SeriousListing.Listed" in last.cause
        assert json.loads(rows[-1][6]) == json.loads(json.dumps(last.factors, default=str))
        # a draw a week later takes it at the D ratio (1.0): whatever the random number
        ratios = {"A": 0.03, "B": 0.05, "C": 0.2, "D": 1.0}
        for n in range(3):
            assert code in _plan(platform, date(2026, 11, 23), n, ratios)[0]

        # replaying the reaction records nothing twice
        before = len(_changes(platform))
        platform.runners["classes_on_credit"].reset()
        platform.catch_up()
        assert len(_changes(platform)) == before
        # a rebuild recreates the same history
        history = _history(platform)
        platform.runners["credit"].rebuild(["credit_risk_classes"])
        assert _history(platform) == history
        # December's run records no change for it (its score did not move)
        run_jobs(platform, date(2026, 12, 1), {MONTHLY})
        assert _history(platform, no) == rows
        assert _class(platform, no) == 3
        # removed from the list (decision revoked): back to B the same day, a third row
        credit.remove_from_serious_list(code, date(2026, 12, 10), "decision_revoked", FAR)
        platform.settle_all()
        rows = _history(platform, no)
        assert [(r[1], r[2]) for r in rows][-1] == (date(2026, 12, 10), 1)
        assert len(rows) == 3

    def test_red_listed_entity_is_drawn_in_class_a_its_twin_in_b(self, platform):
        # twins never classified yet: the drawer takes both as class B
        _world(platform)
        red, twin = entity(3).uscc, entity(4).uscc
        nos = np.array([entity_no(platform, red), entity_no(platform, twin)])
        assert platform.risk_classes(nos).tolist() == [1, 1]
        commend(platform, red, date(2026, 9, 1))
        run_jobs(platform, date(2026, 10, 2), {DAILY})
        platform.catch_up()
        # the same class for the score, a different class for the draw: B always, A at 3 %
        ratios = {"A": 0.0, "B": 1.0, "C": 1.0, "D": 1.0}
        drawn, plan_id = _plan(platform, date(2026, 10, 8), 1, ratios)
        assert twin in drawn and red not in drawn
        plan = platform.supervision.get_plan(plan_id)
        a = platform.supervision.draw_archive.load(plan.commitment["pool_digest"])
        rows = {a.pool.uscc[i].decode(): i for i in range(a.pool.entity_no.size)}
        assert a.params.red_list_class == 0
        assert a.pool.risk_class[rows[red]] == 0 and a.pool.risk_class[rows[twin]] == 1
        assert a.red_listed[rows[red]] and not a.red_listed[rows[twin]]
        # the class itself is untouched: the incentive acts on the draw only
        assert platform.risk_classes(nos).tolist() == [1, 1]

    def test_red_listed_applicant_commits_with_documents_to_follow(self, platform):
        _world(platform, n=6)
        commend(platform, entity(1).uscc, date(2026, 9, 1))
        run_jobs(platform, date(2026, 10, 2), {DAILY})
        platform.catch_up()
        on = date(2026, 10, 9)
        red = platform.credit.accept_commitment(commitment(1, committed_on=on), FAR)
        other = platform.credit.accept_commitment(commitment(2, committed_on=on), FAR)
        # before the red list took it: no incentive on that day
        early = platform.credit.accept_commitment(
            commitment(1, permit_type="酒类经营许可", committed_on=date(2026, 9, 30)), FAR)
        platform.settle_all()
        with platform.engine.connect() as conn:
            flags = dict(conn.execute(sa.select(commitments.c.commitment_id,
                                                commitments.c.documents_to_follow)).all())
        assert flags == {red.hex: True, other.hex: False, early.hex: False}


    def test_a_batch_rescored_together_equals_one_event_at_a_time(self, platform, tmp_path,
                                                                  monkeypatch):
        """The reaction rescores the facts of a batch together (one load of their entities'
        facts, one read of the entities their aggregates belong to): the same changes, days,
        classes and scores as one event per batch, also when one entity has several facts in
        the batch (penalty, listing, removal)."""
        from opencheck import reactions

        reads = []
        first_events_of = reactions.bulk.first_events_of
        monkeypatch.setattr(reactions.bulk, "first_events_of",
                            lambda app, ids: reads.append(len(ids)) or first_events_of(app, ids))
        for other in _second_platform(self.backend, tmp_path):
            histories = []
            for p, settle_each in ((platform, True), (other, False)):
                _world(p)
                run_jobs(p, date(2026, 10, 1), {MONTHLY})
                p.catch_up()
                step = p.settle_all if settle_each else (lambda: p.settle("credit"))
                _credit_story(p, step)
                assert p.runners["classes_on_credit"].lag() > 0 or settle_each
                p.settle_all()
                histories.append([r[:6] for r in _history(p)])
            assert histories[0] == histories[1]
            assert max(reads) > 1   # the batched run read several aggregates' owners at once
            # a change dated on the monthly run's day replaces that day's row of the history
            assert {r[0]: r[2] for r in histories[0] if r[5] is not None} == {
                entity_no(platform, entity(i).uscc): 1 for i in (3, 4, 7, 9)}
            seven = entity_no(platform, entity(7).uscc)
            assert [(r[1], r[2]) for r in histories[0] if r[0] == seven] == [
                (date(2026, 10, 1), 1), (date(2026, 11, 16), 3), (date(2026, 12, 10), 1)]


def _second_platform(backend: str, tmp_path):
    """A second fresh store of the same backend (for an A/B of one story)."""
    (tmp_path / "b").mkdir()
    schemas = postgres_schema() if backend == "postgres" else iter([None])
    for schema in schemas:
        settings = make_settings(backend, tmp_path / "b", schema)
        upgrade(settings)
        other = bootstrap(settings)
        try:
            yield other
        finally:
            other.close()


def _credit_story(platform, step) -> None:
    """Facts about four entities, `step` after each command: heavier penalties of 2024 for 3
    and 4 (B), and for 7 a penalty (B), a serious listing (D) and its removal (B)."""
    credit = platform.credit
    for i, decided in ((3, date(2024, 6, 3)), (4, date(2024, 7, 1)), (7, date(2024, 6, 3)),
                       (9, date(2024, 8, 5))):
        case = credit.open_penalty(entity(i).uscc, "market_regulation", decided, FAR)
        credit.decide_penalty(case, decision(i, decided_on=decided, heavier_penalty=True), FAR)
        step()
        if i == 7:
            heavy = case
    code = entity(7).uscc
    credit.give_listing_notice(code, listing_notice(
        7, noticed_on=date(2026, 10, 5), penalty_case_id=heavy), FAR)
    step()
    credit.decide_listing(code, True, "婺市监失信决〔2026〕7号", date(2026, 11, 16), "", FAR)
    step()
    credit.remove_from_serious_list(code, date(2026, 12, 10), "decision_revoked", FAR)
    step()


class TestReactiveClassesOnSQLite(ReactiveClassScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestReactiveClassesOnPostgres(ReactiveClassScenario):
    backend = "postgres"

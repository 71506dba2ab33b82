"""The application layer in memory: SupervisionApplication and CreditApplication on
eventsourcing's POPO store, their read ports served by in-memory fakes (tests.unit.fakes)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import numpy as np
import pytest

from credit.application import CreditApplication
from credit.lists.serious import serious_listing_id
from credit.repair.case import RepairCase
from credit.rules import DEFAULT_RULES
from kernel.errors import Conflict, InvalidInput, NotFound
from opencheck.reactions import WithdrawRepairedResults
from supervision.application import SupervisionApplication
from supervision.directory.inspectors import inspector_id
from supervision.plans.plan import PlanScope, PlanTerms
from supervision.tasks import recusal
from supervision.tasks.task import task_id
from tests.factories import (
    after_lottery,
    check_item,
    commitment,
    credential,
    decision,
    entity,
    heavier_penalty,
    inspector,
    known_codes,
    listing_notice,
    lottery,
    lottery_draw,
    uscc,
)
from tests.unit.fakes import POPO, InMemoryReadModels

TODAY = date(2026, 3, 2)          # the draw (a Monday)
INSPECTED_ON = date(2026, 3, 10)
PUBLISHED_ON = date(2026, 3, 16)
DEPTS = {"market_regulation", "ecology_environment", "emergency_management", "health"}
DEPT = "market_regulation"
RISKY = 3                         # entity(3): class D, so always drawn; inspector 1 has a conflict


def region(i: int) -> str:
    return "330702" if i % 2 == 0 else "330703"


class World:
    """Both applications in memory, wired as opencheck.bootstrap wires them."""

    def __init__(self) -> None:
        self.supervision = SupervisionApplication(env=POPO)
        self.reads = InMemoryReadModels(self.supervision)
        self.supervision.configure(draw_inputs=self.reads, draw_archive=self.reads,
                                   recusal_inputs=self.reads, risk_classes=self.risk_classes,
                                   check_item_catalogue=self.reads.catalogue)
        self.credit = CreditApplication(env=POPO).configure(DEFAULT_RULES, self.reads)

    def risk_classes(self, entity_no: np.ndarray) -> np.ndarray:
        """What credit's read model would say: entity RISKY is class D, the rest class B."""
        risky = self.reads.entities[entity(RISKY, region=region(RISKY)).uscc]["entity_no"]
        return np.where(entity_no == risky, 3, 1).astype(np.int8)

    def register(self) -> None:
        app, known = self.supervision, known_codes()
        app.register_entities([entity(i, region=region(i)) for i in range(12)])
        app.register_inspectors([inspector(i, region=region(i)) for i in range(8)], TODAY)
        app.add_check_item(check_item(1), known)
        app.publish_check_list(DEPT, TODAY, TODAY, known)
        app.declare_conflict(credential(1, region(1)), entity(RISKY, region=region(RISKY)).uscc,
                             "亲属关系", date(2026, 1, 1), None, TODAY)

    def drawn_plan(self) -> tuple[UUID, dict]:
        app = self.supervision
        plan_id = app.draft_plan(PlanTerms(
            name="2026年度双随机抽查", lead_department=DEPT, departments=(),
            check_items=("T-001",), scope=PlanScope("3307"),
            ratios={"A": 0.0, "B": 0.5, "C": 0.0, "D": 1.0}, due_on=date(2026, 6, 30),
            randomness=lottery(TODAY)), TODAY, "sup", DEPTS)
        return plan_id, lottery_draw(app, plan_id, TODAY)

    def risky_task(self, plan_id: UUID) -> UUID:
        no = self.reads.entities[entity(RISKY, region=region(RISKY)).uscc]["entity_no"]
        return task_id(plan_id, 1, no)

    def published(self, task: UUID, code: str, findings: str = "现场检查记录") -> None:
        """Every member acknowledges, the inspection starts, the result is recorded and
        published by the department."""
        app = self.supervision
        team = app.get_task(task).inspector_nos
        for member in team:
            app.acknowledge_task(task, member, TODAY)
        app.start_task(task, team[0], INSPECTED_ON)
        app.record_result(task, team[0], code, findings, INSPECTED_ON, team, INSPECTED_ON,
                          DEFAULT_RULES)
        app.publish_result(task, None, PUBLISHED_ON, "sup", None)


@pytest.fixture
def world() -> World:
    w = World()
    w.register()
    return w


def test_register_publish_draw_assign_and_record_a_result(world):
    app = world.supervision
    plan_id, record = world.drawn_plan()
    # the draw: class D always, half of class B (exact size, randomised rounding)
    assert {k: record["strata"]["D"][k] for k in ("population", "excluded_cool_off", "drawn")} \
        == {"population": 1, "excluded_cool_off": 0, "drawn": 1}
    assert record["strata"]["B"]["drawn"] in (5, 6) and record["pool_size"] == 12
    drawn = world.reads.tasks_of_draw(plan_id, 1)
    assert len(drawn) == record["drawn"] and app.get_plan(plan_id).status == "drawn"
    # one task per drawn entity, two distinct inspectors, never the conflicted one
    conflicted = next(no for no, row in world.reads.inspectors.items()
                      if row["credential_no"] == credential(1, region(1)))
    for no in drawn:
        team = app.get_task(task_id(plan_id, 1, no)).inspector_nos
        assert len(set(team)) == 2
    risky = app.get_task(world.risky_task(plan_id))
    assert risky.status == "assigned" and conflicted not in risky.inspector_nos
    # anyone can recompute it from the archived inputs; it happens once
    assert app.verify_draw(plan_id)["verified"] is True
    with pytest.raises(Conflict):
        app.draw(plan_id, after_lottery(TODAY), "sup")
    # the team inspects, records and publishes the result
    world.published(risky.id, "1")
    task = app.get_task(risky.id)
    assert task.status == "published" and task.parts[DEPT]["published_on"] == PUBLISHED_ON


def test_a_draw_needs_a_published_plan_and_the_committed_value(world):
    app = world.supervision
    plan_id = app.draft_plan(PlanTerms(
        name="未发布计划", lead_department=DEPT, departments=(), check_items=("T-001",),
        scope=PlanScope("3307"), ratios={"A": 0.0, "B": 0.5, "C": 0.0, "D": 1.0},
        due_on=date(2026, 6, 30), randomness=lottery(TODAY)), TODAY, "sup", DEPTS)
    with pytest.raises(Conflict, match="publish the plan"):
        app.draw(plan_id, after_lottery(TODAY), "sup")
    assert world.reads.archive == {}
    app.publish_plan(plan_id, TODAY, "sup")
    assert len(world.reads.archive) == 1       # frozen at publication, before the value exists
    with pytest.raises(Conflict, match="enter and confirm"):
        app.draw(plan_id, after_lottery(TODAY), "sup")
    with pytest.raises(InvalidInput):           # not the shape of a 福彩3D result
        app.enter_random_value(plan_id, " x ", after_lottery(TODAY), "sup")
    with pytest.raises(Conflict, match="not been drawn"):
        app.verify_draw(plan_id)


def test_recusal_draws_a_replacement_and_declares_the_conflict(world):
    app = world.supervision
    plan_id, _ = world.drawn_plan()
    task = world.risky_task(plan_id)
    withdrawn, stays = app.get_task(task).inspector_nos
    assert app.recuse(task, withdrawn, "配偶在该企业任职", TODAY) is True
    after = app.get_task(task)
    newcomer = next(no for no in after.inspector_nos if no != stays)
    assert withdrawn in after.former and newcomer != withdrawn and not after.short_staffed
    # drawn by the recorded algorithm among the eligible: not the team, not the conflicted
    pick = _replacement_draw(app, task)
    assert recusal.verify_pick(pick) and pick["inspector_no"] == newcomer
    conflicted = next(no for no, row in world.reads.inspectors.items()
                      if row["credential_no"] == credential(1, region(1)))
    assert not {withdrawn, stays, conflicted} & set(pick["candidates"])
    # the directory now knows the conflict: the next draw will not send them there
    declared = app.repository.get(inspector_id(world.reads.credential_of(withdrawn)))
    assert declared.open_conflict(after.uscc, TODAY) is not None


def test_a_task_keeps_the_terms_it_was_drawn_under_and_recusal_uses_them(world):
    app = world.supervision
    plan_id, _ = world.drawn_plan()
    task = world.risky_task(plan_id)
    risky = entity(RISKY, region=region(RISKY))
    assert app.get_task(task).recusal_terms == {
        "jurisdiction_digits": 4, "cross_station": True, "region": int(region(RISKY))}
    # the entity moves to another prefecture after the draw: a replacement is still drawn in
    # the jurisdiction the task was drawn in (金华 3307), not in the new one (衢州 3308, no one)
    app.change_entity_details(risky.uscc, {"region_code": "330802"})
    withdrawn = app.get_task(task).inspector_nos[0]
    assert app.recuse(task, withdrawn, "配偶在该企业任职", TODAY) is True
    assert not app.get_task(task).short_staffed
    assert _replacement_draw(app, task)["inspector_no"] in app.get_task(task).inspector_nos


def test_a_recusal_without_candidates_leaves_a_vacancy_that_a_refill_fills(world):
    app = world.supervision
    plan_id, _ = world.drawn_plan()
    task = world.risky_task(plan_id)
    while app.recuse(task, app.get_task(task).inspector_nos[0], "亲属在该企业任职", TODAY):
        pass   # every eligible inspector withdraws in turn
    assert app.get_task(task).short_staffed
    with pytest.raises(Conflict, match="no eligible inspector"):
        app.refill(task, TODAY)
    app.register_inspector(inspector(20, region="330702"), TODAY, known_codes())
    app.refill(task, TODAY)
    after = app.get_task(task)
    assert not after.short_staffed and len(after.inspector_nos) == 2
    assert max(world.reads.inspectors) in after.inspector_nos     # the newcomer took the place


def test_a_penalty_is_decided_and_published(world):
    credit, code = world.credit, entity(2).uscc
    with pytest.raises(NotFound):   # credit asks the directory's read model (a port)
        credit.open_penalty(uscc(999), DEPT, date(2025, 9, 1), date(2025, 9, 1))
    case = credit.open_penalty(code, DEPT, date(2025, 9, 1), date(2025, 9, 1))
    credit.decide_penalty(case, decision(1), date(2025, 9, 26))
    other = credit.open_penalty(entity(4).uscc, DEPT, date(2025, 9, 1), date(2025, 9, 1))
    with pytest.raises(Conflict, match="already used"):
        credit.decide_penalty(other, decision(1), date(2025, 9, 26))
    credit.publish_penalty(case, date(2025, 9, 30), date(2025, 9, 30))
    penalty = credit.repository.get(case)
    assert penalty.status == "published" and penalty.published_on == date(2025, 9, 30)
    assert penalty.decision.decision_no == decision(1).decision_no


def test_the_serious_list_procedure_notice_statement_decision(world):
    credit, code = world.credit, entity(4).uscc
    case = heavier_penalty(credit, code, 1, date(2024, 12, 20))
    credit.give_listing_notice(code, listing_notice(1, penalty_case_id=case), date(2025, 1, 6))
    with pytest.raises(Conflict):
        credit.give_listing_notice(code, listing_notice(2, penalty_case_id=case),
                                   date(2025, 1, 7))
    credit.record_listing_statement(code, date(2025, 1, 10), "陈述申辩", True, date(2025, 1, 10))
    credit.answer_listing_statement(code, date(2025, 2, 14), "听证后复核 reviewed after the "
                                    "hearing", False, date(2025, 2, 14))
    credit.decide_listing(code, True, "婺市监失信决〔2025〕1号", date(2025, 2, 20), "较重行政处罚",
                          date(2025, 2, 20))
    listing = credit.repository.get(serious_listing_id(code))
    assert listing.status == "listed" and listing.is_listed(date(2025, 3, 3))
    # joint punishment: no commitment accepted while listed; no early removal but by repair
    with pytest.raises(Conflict, match="serious dishonest list"):
        credit.accept_commitment(commitment(4, committed_on=date(2025, 3, 3)), date(2025, 3, 3))
    with pytest.raises(InvalidInput, match="credit repair"):
        credit.remove_from_serious_list(code, date(2025, 3, 3), "repaired", date(2025, 3, 3))


def test_repairing_a_negative_result_withdraws_it_from_the_public_record(world):
    supervision, credit = world.supervision, world.credit
    plan_id, _ = world.drawn_plan()
    negative = world.risky_task(plan_id)
    clean = next(task_id(plan_id, 1, no) for no in world.reads.tasks_of_draw(plan_id, 1)
                 if task_id(plan_id, 1, no) != negative)
    world.published(negative, "C", "未按规定公示年度报告")
    world.published(clean, "1")

    def apply(task: UUID) -> UUID:
        return credit.apply_for_repair("inspection_result", f"{task}:{DEPT}", date(2026, 4, 1),
                                       "守信承诺书", ["整改报告.pdf"], date(2026, 4, 1))

    with pytest.raises(Conflict, match="only a negative"):
        apply(clean)
    repair = apply(negative)
    credit.decide_repair(repair, True, date(2026, 4, 8), "sup", "已整改", date(2026, 4, 8))
    # the composition root's reaction: supervision withdraws the result credit repaired
    _react(credit, WithdrawRepairedResults(supervision))
    part = supervision.get_task(negative).parts[DEPT]
    assert part["withdrawn_on"] == date(2026, 4, 8)
    assert world.reads.published_result(negative, DEPT).withdrawn_on == date(2026, 4, 8)
    with pytest.raises(Conflict, match="left the public record"):
        apply(negative)


def _replacement_draw(app: SupervisionApplication, task: UUID) -> dict:
    """The recorded replacement draw (seed, candidates, pick) of the task's latest recusal."""
    events = app.repository.event_store.get(task)
    return [e for e in events if e.__class__.__name__ == "ReplacementAssigned"][-1].draw


def _react(credit: CreditApplication, reaction: WithdrawRepairedResults) -> None:
    for n in credit.recorder.select_notifications(start=None, limit=1000):
        event = credit.mapper.to_domain_event(n)
        if isinstance(event, RepairCase.Approved):
            reaction.approved(event, n.id, None)

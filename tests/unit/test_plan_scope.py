"""Scope is law, as pure rules and in the in-memory application: a plan names only items of
the list and of its departments, a general item limits the class ratios, each item's object
scope decides the pool and the items each task carries, a general item's yearly frequency is
used up, and results 9–12 end the entity's registration in the directory."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from credit.rules import DEFAULT_RULES
from kernel.errors import InvalidInput
from opencheck.reactions import RecordTerminalResultsInDirectory
from supervision.application import SupervisionApplication
from supervision.directory.entities import EntityData, MarketEntity
from supervision.plans.catalogue import CatalogueEntry, check_plan_items, general_cap
from supervision.plans.plan import PlanScope, PlanTerms
from supervision.plans.ports import Archived
from supervision.tasks.task import InspectionTask
from tests.factories import (
    check_item,
    entity,
    inspector,
    known_codes,
    lottery,
    lottery_draw,
)
from tests.unit.fakes import POPO, InMemoryReadModels

TODAY = date(2026, 3, 2)
DEPTS = {"market_regulation", "ecology_environment", "emergency_management", "health"}
CAP = DEFAULT_RULES.directory.general_item_max_ratio
RATIOS = {"A": 0.03, "B": 0.05, "C": 0.2, "D": 1.0}


def terms(**over) -> PlanTerms:
    t = PlanTerms(name="2026年度双随机抽查", lead_department="market_regulation",
                  departments=("market_regulation",), check_items=("SJ-006",),
                  scope=PlanScope("3309"), ratios=dict(RATIOS), due_on=date(2026, 6, 30))
    return replace(t, **over).validated(TODAY, DEPTS)


def entry(code: str = "SJ-006", **over) -> CatalogueEntry:
    fields = dict(code=code, department="market_regulation", category="key", default_ratio=0.1,
                  frequency_per_year=2, object_scope_types=("enterprise", "individual"),
                  object_scope_industries=("H",))
    fields.update(over)
    return CatalogueEntry(**fields)


def refusal(t: PlanTerms, *entries: CatalogueEntry) -> InvalidInput:
    with pytest.raises(InvalidInput) as e:
        check_plan_items(t, {x.code: x for x in entries}, CAP)
    return e.value


# -- the drafting rules -------------------------------------------------------------------------
def test_an_item_not_on_the_list_is_refused_naming_it():
    e = refusal(terms(check_items=("SJ-006", "ZZ-999")), entry())
    assert e.field == "check_items" and "ZZ-999" in e.message and "SJ-006" not in e.message


def test_an_item_of_a_department_outside_the_plan_is_refused_naming_both():
    e = refusal(terms(check_items=("WJ-001",)), entry("WJ-001", department="health"))
    assert e.field == "check_items" and "WJ-001" in e.message and "health" in e.message
    # a joint plan with that department may name it
    check_plan_items(terms(check_items=("WJ-001",), departments=("health",)),
                     {"WJ-001": entry("WJ-001", department="health")}, CAP)


def test_a_withdrawn_item_is_refused():
    e = refusal(terms(), entry(withdrawn=True))
    assert e.field == "check_items" and "withdrawn" in e.message


def test_an_item_whose_objects_the_plan_scope_excludes_is_refused():
    e = refusal(terms(scope=PlanScope("3309", entity_types=("cooperative",))), entry())
    assert e.field == "check_items" and "SJ-006" in e.message
    e = refusal(terms(scope=PlanScope("3309", industries=("F52",))), entry())
    assert e.field == "check_items"
    check_plan_items(terms(scope=PlanScope("3309", industries=("H62",))), {"SJ-006": entry()}, CAP)


def test_a_general_item_caps_every_class_ratio_a_key_item_does_not():
    general = entry(category="general", default_ratio=0.03)
    e = refusal(terms(), general)     # class D asks 100 %
    assert e.field == "ratios" and "SJ-006" in e.message and f"{CAP:.0%}" in e.message
    assert "D" in e.message
    capped = {k: min(r, CAP) for k, r in RATIOS.items()}
    check_plan_items(terms(ratios=capped), {"SJ-006": general}, CAP)
    # the cap is the configured rule, not the item's default (the 3 % floor is no ceiling)
    assert general_cap(general, CAP) == CAP and general_cap(entry(), CAP) is None
    check_plan_items(terms(), {"SJ-006": entry()}, CAP)            # key: 100 % is lawful
    check_plan_items(terms(ratios=capped, targeted_ratio=1.0), {"SJ-006": general}, CAP)


def test_the_archive_gives_each_entity_only_the_items_that_cover_it():
    archived = Archived(pool=None, roster=None, departments=(), salt=b"", params=None,
                        item_mask=np.array([[1, 0], [0, 1], [1, 1]], dtype=bool))
    items = ("SJ-005", "SJ-006")
    assert [archived.items_of(row, items) for row in (0, 1, 2)] == [
        ["SJ-005"], ["SJ-006"], ["SJ-005", "SJ-006"]]
    assert replace(archived, item_mask=None).items_of(1, items) == list(items)


# -- the entity's status found by an inspection -------------------------------------------------
def test_a_status_found_by_an_inspection_is_recorded_once_and_never_undoes_a_later_decision():
    e = MarketEntity.register(entity(1).validated(TODAY))
    assert e.record_status_found("deregistered", date(2026, 3, 10), "结果 9", "t1:mr") is True
    assert e.status == "deregistered" and e.status_since == date(2026, 3, 10)
    assert e.record_status_found("deregistered", date(2026, 3, 10), "结果 9", "t1:mr") is False
    e.change_status("active", date(2026, 4, 1), "登记机关更正 registry correction")
    # replaying the same finding, or an older one, leaves the later reactivation standing
    assert e.record_status_found("deregistered", date(2026, 3, 10), "结果 9", "t1:mr") is False
    assert e.record_status_found("revoked", date(2026, 3, 20), "结果 10", "t2:mr") is False
    assert e.record_status_found("cancelled", date(2026, 5, 1), "结果 11", "t3:mr") is True
    assert e.status == "cancelled"
    with pytest.raises(InvalidInput):
        e.record_status_found("active", date(2026, 6, 1), "?", "t4:mr")


def test_results_9_to_12_name_the_directory_status_they_record():
    assert {c: DEFAULT_RULES.result(c).entity_status for c in ("9", "10", "11", "12", "1")} == {
        "9": "deregistered", "10": "revoked", "11": "cancelled", "12": "moved_out", "1": None}


# -- the application in memory ------------------------------------------------------------------
class World:
    """Supervision in memory with a list of two items in 舟山 (3309): catering (H, enterprises and
    individual businesses) and an enterprise-only disclosure item (every industry)."""

    def __init__(self) -> None:
        self.app = SupervisionApplication(env=POPO)
        self.reads = InMemoryReadModels(self.app)
        self.app.configure(draw_inputs=self.reads, draw_archive=self.reads,
                           recusal_inputs=self.reads, check_item_catalogue=self.reads.catalogue)
        kinds = ("enterprise", "individual", "cooperative")
        self.rows: list[EntityData] = [
            entity(i, kinds[i % 3], region="330902", industry_code=("H6210", "F5211")[i % 2])
            for i in range(30)]
        self.app.register_entities(self.rows)
        self.app.register_inspectors([inspector(i, region="330902") for i in range(6)], TODAY)
        self.app.add_check_item(check_item(6, object_scope_industries=("H",)), known_codes())
        self.app.add_check_item(check_item(1, object_scope_types=("enterprise",),
                                           object_scope_industries=(), category="general",
                                           default_ratio=0.03), known_codes())

    def drawn(self, items: tuple[str, ...], ratios=None, on: date = TODAY) -> list[InspectionTask]:
        plan_id = self.app.draft_plan(PlanTerms(
            name="舟山双随机抽查", lead_department="market_regulation", departments=(),
            check_items=items, scope=PlanScope("3309"), ratios=ratios or {k: 1.0 for k in "ABCD"},
            due_on=date(on.year, 12, 30), randomness=lottery(on, f"{on:%Y%m%d}期")),
            on, "sup", DEPTS)
        record = lottery_draw(self.app, plan_id, on)
        self.reads.catch_up()
        return [self.app.repository.get(t) for t, row in self.reads.tasks.items()
                if row["plan_id"] == plan_id and row["draw_no"] == record["draw_no"]]

    def row(self, task: InspectionTask) -> EntityData:
        return next(r for r in self.rows if r.uscc == task.uscc)


def test_a_catering_item_draws_only_catering_entities_of_its_types():
    w = World()
    tasks = w.drawn(("T-006",))
    assert len(tasks) == 10      # every H entity that is an enterprise or individual business
    assert {w.row(t).industry_code[0] for t in tasks} == {"H"}
    assert {w.row(t).entity_type for t in tasks} == {"enterprise", "individual"}


def test_two_items_draw_their_union_and_each_task_carries_only_its_items():
    w = World()
    tasks = w.drawn(("T-006", "T-001"), ratios={k: CAP for k in "ABCD"})   # T-001 is general
    assert tasks
    for t in tasks:
        r = w.row(t)
        expected = [c for c, applies in (("T-006", r.industry_code[0] == "H"
                                          and r.entity_type != "cooperative"),
                                         ("T-001", r.entity_type == "enterprise")) if applies]
        assert t.check_items == expected


def test_a_general_item_refuses_ratios_above_its_limit_and_its_frequency_is_used_up():
    w = World()
    with pytest.raises(InvalidInput) as e:
        w.drawn(("T-001",))
    assert e.value.field == "ratios" and "T-001" in e.value.message
    at_cap = {k: CAP for k in "ABCD"}
    first = {t.uscc for t in w.drawn(("T-001",), at_cap)}
    assert len(first) == 2          # 20 % of the 10 enterprises
    # once a year (frequency_per_year 1): a second plan's pool leaves out those drawn already
    second = {t.uscc for t in w.drawn(("T-001",), at_cap)}
    assert second and not first & second
    # the key catering item has no frequency limit: the same entities are drawn again
    assert len(w.drawn(("T-006",))) == len(w.drawn(("T-006",))) == 10


def test_a_terminal_result_ends_the_registration_and_the_entity_leaves_the_pool():
    w = World()
    task = w.drawn(("T-006",))[0]
    team = task.inspector_nos
    for member in team:
        w.app.acknowledge_task(task.id, member, TODAY)
    w.app.start_task(task.id, team[0], date(2026, 3, 10))
    w.app.record_result(task.id, team[0], "9", "", date(2026, 3, 10), team, date(2026, 3, 10),
                        DEFAULT_RULES)
    reaction = RecordTerminalResultsInDirectory(w.app, DEFAULT_RULES.results)
    for _ in range(2):   # delivered twice: recorded once
        for n in w.app.recorder.select_notifications(start=None, limit=10_000):
            event = w.app.mapper.to_domain_event(n)
            if isinstance(event, InspectionTask.ResultRecorded):
                reaction.recorded(event, n.id, None)
    found = w.app.get_entity(task.uscc)
    assert found.status == "deregistered" and found.status_since == date(2026, 3, 10)
    assert found.version == 2    # registered, status changed once
    assert task.uscc not in {t.uscc for t in w.drawn(("T-006",))}


def test_a_plan_cannot_be_drafted_without_the_list_port():
    app = SupervisionApplication(env=POPO)
    with pytest.raises(RuntimeError, match="check-item list"):
        app.draft_plan(PlanTerms(name="x", lead_department="market_regulation", departments=(),
                                 check_items=("T-001",), scope=PlanScope(), ratios=RATIOS,
                                 due_on=date(2026, 6, 30)), TODAY, "sup", DEPTS)

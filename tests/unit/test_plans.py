"""The spot-check plan's rules and life cycle, as pure domain."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from kernel.clock import moment
from kernel.errors import Conflict, InvalidInput
from supervision.plans.plan import (
    PlanScope,
    PlanTerms,
    SpotCheckPlan,
    terms_from_event,
    terms_to_event,
)

TODAY = date(2026, 3, 2)
DEPTS = {"market_regulation", "ecology_environment"}


def terms(**over) -> PlanTerms:
    t = PlanTerms(name="2026年企业公示信息抽查", lead_department="market_regulation",
                  departments=("market_regulation",), check_items=("SJ-001",),
                  scope=PlanScope("3307"), ratios={"A": 0.03, "B": 0.05, "C": 0.2, "D": 1.0},
                  cool_off_days={"A": 365}, due_on=date(2026, 6, 30))
    return replace(t, **over)


def test_valid_terms_round_trip_through_the_event():
    t = terms(departments=("ecology_environment",), targeted=("X", "X"))
    v = t.validated(TODAY, DEPTS)
    assert v.departments == ("market_regulation", "ecology_environment")  # lead first, joint
    assert v.targeted == ("X",)
    assert terms_from_event(terms_to_event(v)) == v


@pytest.mark.parametrize("over,field", [
    ({"inspectors_per_task": 1}, "inspectors_per_task"),
    ({"ratios": {"A": 0.03, "B": 0.05, "C": 0.2}}, "ratios"),
    ({"ratios": {"A": 1.5, "B": 0.05, "C": 0.2, "D": 1.0}}, "ratios"),
    ({"lead_department": "tax"}, "departments"),
    ({"check_items": ()}, "check_items"),
    ({"due_on": TODAY}, "due_on"),
    ({"cool_off_days": {"E": 3}}, "cool_off_days"),
    ({"scope": PlanScope("33x")}, "scope.region_prefix"),
    ({"name": " "}, "name"),
])
def test_invalid_terms_name_the_field(over, field):
    with pytest.raises(InvalidInput) as e:
        terms(**over).validated(TODAY, DEPTS)
    assert e.value.field == field


def test_scope_is_directed_when_restricted_by_type_or_industry():
    assert not PlanScope("3307").directed
    assert PlanScope("3307", entity_types=("enterprise",)).directed


def test_life_cycle_drafted_published_drawn_superseded_redrawn_closed():
    plan = SpotCheckPlan(terms=terms_to_event(terms()), drafted_by="sup", drafted_on=TODAY)
    with pytest.raises(Conflict):
        plan.record_draw({"seed": 1}, TODAY, "sup")       # not published yet
    plan.publish(TODAY, "sup", {"source": "drand", "round": 1})
    with pytest.raises(Conflict):
        plan.publish(TODAY, "sup", {"source": "drand", "round": 2})
    plan.record_draw({"seed": 1}, TODAY, "sup")
    with pytest.raises(Conflict):
        plan.record_draw({"seed": 2}, TODAY, "sup")       # drawn once; no overwrite
    with pytest.raises(InvalidInput):                     # a redraw needs a reason
        plan.supersede("", 2, {"source": "drand", "round": 2}, moment(TODAY), "sup")
    plan.supersede("roster changed: two inspectors retired", 2, {"source": "drand", "round": 2},
                   moment(TODAY), "sup")
    assert plan.commitment == {"source": "drand", "round": 2, "commitment_no": 2}
    plan.record_draw({"seed": 2}, TODAY, "sup")
    assert [d["seed"] for d in plan.draws] == [1, 2] and plan.draws[0]["superseded_reason"]
    plan.close(TODAY, "sup")
    assert plan.status == "closed"
    assert [type(e).__name__ for e in plan.collect_events()] == [
        "Drafted", "Published", "EntitiesDrawn", "DrawSuperseded", "EntitiesDrawn", "Closed"]

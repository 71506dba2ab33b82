"""抽查计划 Spot-check plans: drafted → published → drawn (→ redrawn, with a reason) → closed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from kernel.errors import Conflict, InvalidInput

RISK_CLASSES = ("A", "B", "C", "D")


@dataclass(frozen=True)
class PlanScope:
    """Whom a plan may draw: undirected (不定向) = everyone in the region, directed (定向) = a subset."""

    region_prefix: str = ""
    industries: tuple[str, ...] = ()      # GB/T 4754 prefixes; () = all
    entity_types: tuple[str, ...] = ()    # () = all

    @property
    def directed(self) -> bool:
        return bool(self.industries or self.entity_types)  # 企业公示信息抽查办法 Art 5


@dataclass(frozen=True)
class PlanTerms:
    """Everything a plan fixes before its draw; checked by `validated()`."""

    name: str
    lead_department: str
    departments: tuple[str, ...]          # participating, lead first; > 1 = joint plan (部门联合)
    check_items: tuple[str, ...]
    scope: PlanScope
    ratios: dict[str, float]              # per credit risk class A–D
    targeted: tuple[str, ...] = ()        # USCCs with complaints or other key-supervision reasons
    targeted_ratio: float = 1.0
    cool_off_days: dict[str, int] = field(default_factory=dict)
    inspectors_per_task: int = 2
    cross_station: bool = True            # 所所交叉
    jurisdiction_digits: int = 4
    due_on: date | None = None

    def validated(self, today: date, known_departments: set[str]) -> PlanTerms:
        if not self.name.strip():
            raise InvalidInput("name must not be empty", field="name")
        departments = tuple(dict.fromkeys((self.lead_department, *self.departments)))
        for d in departments:
            if d not in known_departments:
                raise InvalidInput(f"unknown department {d!r}", field="departments")
        if not self.check_items:
            raise InvalidInput("a plan needs at least one check item", field="check_items")
        if set(self.ratios) != set(RISK_CLASSES):
            raise InvalidInput("ratios need one value for each class A, B, C, D", field="ratios")
        for k, r in (*self.ratios.items(), ("targeted_ratio", self.targeted_ratio)):
            if not 0.0 <= r <= 1.0:
                raise InvalidInput(f"ratio {k} must lie between 0 and 1", field="ratios")
        if set(self.cool_off_days) - set(RISK_CLASSES) or any(v < 0 for v in self.cool_off_days.values()):
            raise InvalidInput("cool_off_days maps classes A–D to days >= 0", field="cool_off_days")
        if self.inspectors_per_task < 2:  # 行政处罚法 Art 42: enforcement needs two officers
            raise InvalidInput("inspectors_per_task must be at least 2 (行政处罚法 Art 42)",
                               field="inspectors_per_task")
        if self.due_on is None or self.due_on <= today:
            raise InvalidInput("due_on must be a date after today", field="due_on")
        if self.scope.region_prefix and not (self.scope.region_prefix.isdigit()
                                             and len(self.scope.region_prefix) <= 6):
            raise InvalidInput("region_prefix must be up to 6 digits", field="scope.region_prefix")
        return PlanTerms(self.name.strip(), self.lead_department, departments, self.check_items,
                         self.scope, dict(self.ratios), tuple(dict.fromkeys(self.targeted)),
                         self.targeted_ratio, dict(self.cool_off_days), self.inspectors_per_task,
                         self.cross_station, self.jurisdiction_digits, self.due_on)


class SpotCheckPlan(Aggregate):
    """抽查计划 A spot-check plan; its draw record is the evidence anyone can re-check."""

    @staticmethod
    def create_id() -> UUID:
        return uuid4()

    @event("Drafted")
    def __init__(self, terms: dict[str, Any], drafted_by: str, drafted_on: date) -> None:
        self.terms, self.drafted_by, self.drafted_on = terms, drafted_by, drafted_on
        self.status = "drafted"
        self.published_on: date | None = None
        self.draws: list[dict[str, Any]] = []
        self.closed_on: date | None = None

    def publish(self, published_on: date, by: str) -> None:
        if self.status != "drafted":
            raise Conflict(f"plan is {self.status}; only a drafted plan can be published",
                           field="status")
        self._published(published_on=published_on, by=by)

    @event("Published")
    def _published(self, published_on: date, by: str) -> None:
        self.status, self.published_on = "published", published_on

    def check_can_draw(self) -> None:
        if self.status == "drafted":
            raise Conflict("publish the plan before drawing", field="status")
        if self.status == "drawn":
            raise Conflict("plan already drawn; a redraw needs a recorded reason", field="status")
        if self.status == "closed":
            raise Conflict("plan is closed", field="status")

    def record_draw(self, record: dict[str, Any], drawn_on: date, by: str) -> None:
        """EntitiesDrawn: algorithm, seed inputs, pool digest, strata counts, outcome fingerprint."""
        self.check_can_draw()
        self._entities_drawn(record=record, drawn_on=drawn_on, by=by)

    @event("EntitiesDrawn")
    def _entities_drawn(self, record: dict[str, Any], drawn_on: date, by: str) -> None:
        self.draws.append({**record, "drawn_on": drawn_on.isoformat(), "by": by})
        self.status = "drawn"

    def check_can_redraw(self, reason: str) -> str:
        if self.status != "drawn":
            raise Conflict("only a drawn plan can be redrawn", field="status")
        if len(reason.strip()) < 5:
            raise InvalidInput("a redraw needs a reason (at least 5 characters)", field="reason")
        return reason.strip()

    def record_redraw(self, record: dict[str, Any], reason: str, drawn_on: date, by: str) -> None:
        """A redraw never overwrites: it is a new, reasoned record next to the first."""
        reason = self.check_can_redraw(reason)
        self._entities_redrawn(record=record, reason=reason, drawn_on=drawn_on, by=by)

    @event("EntitiesRedrawn")
    def _entities_redrawn(self, record: dict[str, Any], reason: str, drawn_on: date,
                          by: str) -> None:
        self.draws.append({**record, "reason": reason, "drawn_on": drawn_on.isoformat(), "by": by})

    def close(self, closed_on: date, by: str) -> None:
        if self.status != "drawn":
            raise Conflict(f"plan is {self.status}; only a drawn plan can be closed", field="status")
        self._closed(closed_on=closed_on, by=by)

    @event("Closed")
    def _closed(self, closed_on: date, by: str) -> None:
        self.status, self.closed_on = "closed", closed_on

    @property
    def current_draw(self) -> dict[str, Any] | None:
        return self.draws[-1] if self.draws else None


def terms_to_event(terms: PlanTerms) -> dict[str, Any]:
    """Plain JSON-ready data for the Drafted event."""
    return {"name": terms.name, "lead_department": terms.lead_department,
            "departments": list(terms.departments), "check_items": list(terms.check_items),
            "scope": {"region_prefix": terms.scope.region_prefix,
                      "industries": list(terms.scope.industries),
                      "entity_types": list(terms.scope.entity_types),
                      "directed": terms.scope.directed},
            "ratios": terms.ratios, "targeted": list(terms.targeted),
            "targeted_ratio": terms.targeted_ratio, "cool_off_days": terms.cool_off_days,
            "inspectors_per_task": terms.inspectors_per_task, "cross_station": terms.cross_station,
            "jurisdiction_digits": terms.jurisdiction_digits, "due_on": terms.due_on.isoformat()}


def terms_from_event(data: dict[str, Any]) -> PlanTerms:
    s = data["scope"]
    return PlanTerms(data["name"], data["lead_department"], tuple(data["departments"]),
                     tuple(data["check_items"]),
                     PlanScope(s["region_prefix"], tuple(s["industries"]), tuple(s["entity_types"])),
                     dict(data["ratios"]), tuple(data["targeted"]), data["targeted_ratio"],
                     dict(data["cool_off_days"]), data["inspectors_per_task"],
                     data["cross_station"], data["jurisdiction_digits"],
                     date.fromisoformat(data["due_on"]))

"""抽查计划 Spot-check plans: drafted → published → drawn (→ redrawn, with a reason) → closed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from kernel.errors import Conflict, InvalidInput
from supervision.plans.commitment import RandomSource

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
    randomness: RandomSource = field(default_factory=RandomSource)
    control_share: float = 0.0            # uniform control sample, share of the expected size

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
        if not 0.0 <= self.control_share < 1.0:
            raise InvalidInput("control_share must be at least 0 and below 1",
                               field="control_share")
        if self.due_on is None or self.due_on <= today:
            raise InvalidInput("due_on must be a date after today", field="due_on")
        if self.scope.region_prefix and not (self.scope.region_prefix.isdigit()
                                             and len(self.scope.region_prefix) <= 6):
            raise InvalidInput("region_prefix must be up to 6 digits", field="scope.region_prefix")
        return PlanTerms(self.name.strip(), self.lead_department, departments, self.check_items,
                         self.scope, dict(self.ratios), tuple(dict.fromkeys(self.targeted)),
                         self.targeted_ratio, dict(self.cool_off_days), self.inspectors_per_task,
                         self.cross_station, self.jurisdiction_digits, self.due_on,
                         self.randomness.validated(today), self.control_share)


class SpotCheckPlan(Aggregate):
    """抽查计划 A spot-check plan; its commitments and draw records are the evidence anyone can
    re-check.

    Lifecycle: drafted → published (pool and roster frozen, their digests and a *future*
    randomness source committed) → drawn (only with the committed value) → closed. A redraw
    needs a reason and a fresh commitment: the plan goes back to awaiting randomness and the
    superseded draw's tasks are cancelled in the same save (supervision.plans.use_cases).
    """

    @staticmethod
    def create_id() -> UUID:
        return uuid4()

    @classmethod
    def draft(cls, terms: dict[str, Any], drafted_by: str, drafted_on: date,
              id: UUID | None = None) -> SpotCheckPlan:  # noqa: A002
        """Draft a plan; with `id` (derived from the request's Idempotency-Key: a plan has no
        natural key) a retried draft is the same plan, else a random one."""
        return cls._create(cls.Drafted, id=id, terms=terms, drafted_by=drafted_by,
                           drafted_on=drafted_on)

    @event("Drafted")
    def __init__(self, terms: dict[str, Any], drafted_by: str, drafted_on: date) -> None:
        self.terms, self.drafted_by, self.drafted_on = terms, drafted_by, drafted_on
        self.status = "drafted"
        self.published_on: date | None = None
        self.commitments: list[dict[str, Any]] = []
        self.draws: list[dict[str, Any]] = []
        self.entry: dict[str, Any] | None = None   # a lottery value awaiting its confirmation
        self.closed_on: date | None = None

    def publish(self, published_on: date, by: str, commitment: dict[str, Any]) -> None:
        self.check_can_publish()
        self._published(published_on=published_on, by=by,
                        commitment={**commitment, "commitment_no": 1})

    def check_can_publish(self) -> None:
        if self.status != "drafted":
            raise Conflict(f"plan is {self.status}; only a drafted plan can be published",
                           field="status")

    @event("Published")
    def _published(self, published_on: date, by: str, commitment: dict[str, Any]) -> None:
        self.status, self.published_on = "published", published_on
        self.commitments.append(commitment)

    @property
    def commitment(self) -> dict[str, Any]:
        """The commitment the next draw must use (the latest)."""
        return self.commitments[-1]

    def check_awaiting_randomness(self) -> None:
        if self.status == "drafted":
            raise Conflict("publish the plan before drawing: publishing commits to the random "
                           "source", field="status")
        if self.status == "drawn":
            raise Conflict("plan already drawn; a redraw needs a reason and a new commitment",
                           field="status")
        if self.status == "closed":
            raise Conflict("plan is closed", field="status")

    def enter_value(self, value: str, at: datetime, by: str) -> None:
        """An announced public draw's result, entered by a first user (lottery sources)."""
        self.check_awaiting_randomness()
        self._value_entered(commitment_no=self.commitment["commitment_no"], value=value,
                            at=at.isoformat(), by=by)

    @event("RandomValueEntered")
    def _value_entered(self, commitment_no: int, value: str, at: str, by: str) -> None:
        self.entry = {"commitment_no": commitment_no, "value": value, "entered_at": at,
                      "entered_by": by}

    def confirm_value(self, value: str, at: datetime, by: str) -> None:
        """A second user re-enters the value: the four-eyes check of a hand-entered value."""
        self.check_awaiting_randomness()
        entry = self.entry
        if entry is None or entry["commitment_no"] != self.commitment["commitment_no"]:
            raise Conflict("no value entered yet for this commitment", field="value")
        if entry.get("confirmed_by"):
            raise Conflict("the value is already confirmed", field="value")
        if by == entry["entered_by"]:
            raise Conflict("a second user must confirm the value (四眼原则 four-eyes)",
                           field="value")
        if value != entry["value"]:
            raise Conflict("the value differs from the one entered: check the published "
                           "result; the first user may enter it again", field="value")
        self._value_confirmed(commitment_no=entry["commitment_no"], at=at.isoformat(), by=by)

    @event("RandomValueConfirmed")
    def _value_confirmed(self, commitment_no: int, at: str, by: str) -> None:
        assert self.entry is not None
        self.entry = {**self.entry, "confirmed_at": at, "confirmed_by": by}

    @property
    def confirmed_value(self) -> str | None:
        e = self.entry
        if e and e.get("confirmed_by") and e["commitment_no"] == self.commitment["commitment_no"]:
            return e["value"]
        return None

    def record_draw(self, record: dict[str, Any], drawn_on: date, by: str) -> None:
        """EntitiesDrawn: the revealed value, the public and internal draw record."""
        self.check_awaiting_randomness()
        self._entities_drawn(record=record, drawn_on=drawn_on, by=by)

    @event("EntitiesDrawn")
    def _entities_drawn(self, record: dict[str, Any], drawn_on: date, by: str) -> None:
        self.draws.append({**record, "drawn_on": drawn_on.isoformat(), "by": by})
        self.status = "drawn"

    def check_can_redraw(self, reason: str, max_redraws: int) -> str:
        if self.status != "drawn":
            raise Conflict("only a drawn plan can be redrawn", field="status")
        if len(reason.strip()) < 5:
            raise InvalidInput("a redraw needs a reason (at least 5 characters)", field="reason")
        if len(self.draws) > max_redraws:
            raise Conflict(f"plan was redrawn {len(self.draws) - 1} time(s): the limit is "
                           f"{max_redraws} (重新抽取次数已达上限)", field="status")
        return reason.strip()

    def supersede(self, reason: str, max_redraws: int, commitment: dict[str, Any],
                  at: datetime, by: str) -> None:
        """A redraw: the current draw is superseded for a recorded reason and the plan commits
        to a new, later random value; it never overwrites the first record."""
        reason = self.check_can_redraw(reason, max_redraws)
        self._superseded(draw_no=len(self.draws), reason=reason,
                         commitment={**commitment,
                                     "commitment_no": len(self.commitments) + 1},
                         at=at.isoformat(), by=by)

    @event("DrawSuperseded")
    def _superseded(self, draw_no: int, reason: str, commitment: dict[str, Any], at: str,
                    by: str) -> None:
        self.draws[draw_no - 1] = {**self.draws[draw_no - 1], "superseded_at": at,
                                   "superseded_reason": reason, "superseded_by": by}
        self.commitments.append(commitment)
        self.status = "published"

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
            "jurisdiction_digits": terms.jurisdiction_digits, "due_on": terms.due_on.isoformat(),
            "randomness": terms.randomness.to_event(), "control_share": terms.control_share}


def terms_from_event(data: dict[str, Any]) -> PlanTerms:
    s = data["scope"]
    return PlanTerms(data["name"], data["lead_department"], tuple(data["departments"]),
                     tuple(data["check_items"]),
                     PlanScope(s["region_prefix"], tuple(s["industries"]), tuple(s["entity_types"])),
                     dict(data["ratios"]), tuple(data["targeted"]), data["targeted_ratio"],
                     dict(data["cool_off_days"]), data["inspectors_per_task"],
                     data["cross_station"], data["jurisdiction_digits"],
                     date.fromisoformat(data["due_on"]),
                     RandomSource.from_event(data.get("randomness")),
                     data.get("control_share", 0.0))

"""Derived credit facts as events: who joined or left the red list on a day, and each A–D run.

The red list and the risk classes are computed by jobs (credit.lists.red_list, credit.rating.scoring) from the
read models; what they find is recorded here, so the read tables are projections (a rebuild
recreates them, the credit file can travel back through them) and a repeated run is a no-op:
one `RedListDay` per evaluated day and one `ClassificationRun` per classification day, with
deterministic ids. Only CHANGES are recorded, as compact parallel lists (`PART` entities an
event at most): the first classification carries every entity, later runs the few that moved.
Aggregates are pure: the job passes the day, the recording day and what it computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from credit.common import credit_id
from credit.rules import RISK_INDICATORS
from kernel.errors import InvalidInput

# Entities per event: 50,000 changes are ~2 MB of JSON, so a city's first run (a million
# entities) is 20 events saved in one transaction.
PART = 50_000


def red_list_day_id(on: date) -> UUID:
    return credit_id("red-list-day", on.isoformat())


def classification_run_id(on: date) -> UUID:
    return credit_id("classification-run", on.isoformat())


def _parts(lists: dict[str, Sequence[Any]], size: int) -> list[dict[str, list[Any]]]:
    """Slices of parallel lists, `size` rows a slice (at least one slice)."""
    n = max((len(v) for v in lists.values()), default=0)
    return [{k: list(v[i:i + size]) for k, v in lists.items()}
            for i in range(0, max(n, 1), size)]


@dataclass(frozen=True)
class RedListChanges:
    """One evaluation of the red list on `on`: who joined (with the USCC, area and commendation
    the public list and the counts show) and who left. `reopened` (a subset of `joined`) are
    members whose period ended on this very day by an earlier evaluation: it goes on."""

    on: date
    recorded_on: date
    joined: list[int] = field(default_factory=list)          # entity_no
    uscc: list[str] = field(default_factory=list)
    region: list[int] = field(default_factory=list)          # GB/T 2260 code as a number
    section: list[int] = field(default_factory=list)         # GB/T 4754 A..T = 0..19
    commendation: list[str | None] = field(default_factory=list)
    commendation_no: list[str | None] = field(default_factory=list)
    reopened: list[int] = field(default_factory=list)
    left: list[int] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.joined or self.left)

    def check(self) -> None:
        n = len(self.joined)
        if any(len(v) != n for v in (self.uscc, self.region, self.section, self.commendation,
                                     self.commendation_no)):
            raise InvalidInput("the joined lists must be parallel", field="joined")
        joined = set(self.joined)
        if len(joined) != n or len(set(self.left)) != len(self.left):
            raise InvalidInput("an entity is named twice", field="joined")
        if joined & set(self.left):
            raise InvalidInput("an entity cannot join and leave on one evaluation", field="left")
        if not set(self.reopened) <= joined:
            raise InvalidInput("a reopened period must be among the joined", field="reopened")

    def parts(self, size: int = PART) -> list[dict[str, Any]]:
        joined = _parts({"joined": self.joined, "uscc": self.uscc, "region": self.region,
                         "section": self.section, "commendation": self.commendation,
                         "commendation_no": self.commendation_no}, size)
        left = _parts({"left": self.left}, size)
        reopened = set(self.reopened)
        count = max(len(joined), len(left))
        out = []
        for i in range(count):
            j = joined[i] if i < len(joined) else {k: [] for k in joined[0]}
            out.append({**j, "left": left[i]["left"] if i < len(left) else [],
                        "reopened": [no for no in j["joined"] if no in reopened],
                        "on": self.on, "recorded_on": self.recorded_on, "part": i,
                        "parts": count})
        return out


class RedListDay(Aggregate):
    """守信激励 The red list's changes on one day (国发〔2016〕33号, 守信联合激励: the rule in
    credit.rules `red_list`). The first evaluation of the day records who joined and who
    left (possibly no one); a later one of the same day, made once facts recorded during that
    day are known, records only what it changes."""

    @event("Evaluated")
    def __init__(self, id: UUID, on: date, recorded_on: date, part: int,  # noqa: A002
                 parts: int, joined: list[int], uscc: list[str], region: list[int],
                 section: list[int], commendation: list[str | None],
                 commendation_no: list[str | None], reopened: list[int],
                 left: list[int]) -> None:
        self.on, self.evaluations = on, 1

    @classmethod
    def evaluate(cls, changes: RedListChanges) -> RedListDay:
        changes.check()
        first, *more = changes.parts()
        day = cls(id=red_list_day_id(changes.on), **first)
        for part in more:
            day._more_changes(evaluation=1, **part)
        return day

    def reevaluate(self, changes: RedListChanges) -> bool:
        """Record a later evaluation of the same day; False (nothing recorded) if it changes
        nothing."""
        if changes.on != self.on:
            raise InvalidInput(f"this is the red list of {self.on}", field="on")
        changes.check()
        if changes.empty:
            return False
        first, *more = changes.parts()
        self._reevaluated(evaluation=self.evaluations + 1, **first)
        for part in more:
            self._more_changes(evaluation=self.evaluations, **part)
        return True

    @event("Reevaluated")
    def _reevaluated(self, evaluation: int, on: date, recorded_on: date, part: int, parts: int,
                     joined: list[int], uscc: list[str], region: list[int], section: list[int],
                     commendation: list[str | None], commendation_no: list[str | None],
                     reopened: list[int], left: list[int]) -> None:
        self.evaluations = evaluation

    @event("MoreChangesRecorded")
    def _more_changes(self, evaluation: int, on: date, recorded_on: date, part: int, parts: int,
                      joined: list[int], uscc: list[str], region: list[int], section: list[int],
                      commendation: list[str | None], commendation_no: list[str | None],
                      reopened: list[int], left: list[int]) -> None:
        pass


@dataclass(frozen=True)
class ClassChanges:
    """One A–D classification as of `on`: how many entities were classified (`per_class`:
    how many in A..D) and the entities whose class, score or reasons changed (every entity
    the first time), with their area for the counts. `reasons` are bitmasks over
    `indicators` (named in the event, so old events read right if indicators are added)."""

    on: date
    classified: int
    per_class: list[int]
    indicators: list[str]
    entity_no: list[int] = field(default_factory=list)
    risk_class: list[int] = field(default_factory=list)    # 0..3 = A..D
    score: list[float] = field(default_factory=list)
    reasons: list[int] = field(default_factory=list)
    region: list[int] = field(default_factory=list)
    section: list[int] = field(default_factory=list)

    def check(self) -> None:
        n = len(self.entity_no)
        if any(len(v) != n for v in (self.risk_class, self.score, self.reasons, self.region,
                                     self.section)):
            raise InvalidInput("the changed lists must be parallel", field="entity_no")
        if len(set(self.entity_no)) != n:
            raise InvalidInput("an entity is named twice", field="entity_no")
        if len(self.per_class) != 4 or sum(self.per_class) != self.classified:
            raise InvalidInput("per_class must count the classified entities in A..D",
                               field="per_class")
        if any(not 0 <= k <= 3 for k in self.risk_class):
            raise InvalidInput("risk_class is 0..3 (A..D)", field="risk_class")

    def parts(self, size: int = PART) -> list[dict[str, Any]]:
        slices = _parts({"entity_no": self.entity_no, "risk_class": self.risk_class,
                         "score": self.score, "reasons": self.reasons, "region": self.region,
                         "section": self.section}, size)
        return [{**s, "on": self.on, "part": i, "parts": len(slices)}
                for i, s in enumerate(slices)]


class ClassificationRun(Aggregate):
    """企业信用风险分类 One A–D classification of every entity (国市监信发〔2022〕6号: credit risk
    classes for differentiated supervision; internal, never public). One per day: the monthly
    job run again for the same day records nothing."""

    @event("Classified")
    def __init__(self, id: UUID, on: date, classified: int, per_class: list[int],  # noqa: A002
                 indicators: list[str], part: int, parts: int, entity_no: list[int],
                 risk_class: list[int], score: list[float], reasons: list[int],
                 region: list[int], section: list[int]) -> None:
        self.on, self.classified, self.per_class = on, classified, per_class

    @classmethod
    def record(cls, changes: ClassChanges) -> ClassificationRun:
        changes.check()
        first, *more = changes.parts()
        run = cls(id=classification_run_id(changes.on), classified=changes.classified,
                  per_class=list(changes.per_class), indicators=list(changes.indicators),
                  **first)
        for part in more:
            run._more_changes(indicators=list(changes.indicators), **part)
        return run

    @event("MoreChangesRecorded")
    def _more_changes(self, on: date, indicators: list[str], part: int, parts: int,
                      entity_no: list[int], risk_class: list[int], score: list[float],
                      reasons: list[int], region: list[int], section: list[int]) -> None:
        pass


def risk_class_change_id(entity_no: int, cause: str) -> UUID:
    return credit_id("risk-class-change", f"{entity_no}:{cause}")


@dataclass(frozen=True)
class ClassChange:
    """One entity's class changed as of `on` by `cause` (the event behind it), explained."""

    entity_no: int
    uscc: str
    on: date
    risk_class: int                 # 0..3 = A..D
    previous_class: int
    score: float
    reasons: int                    # bitmask over `indicators`
    cause: str
    factors: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[str] = field(default_factory=lambda: list(RISK_INDICATORS))
    region: int = 0
    section: int = 0

    def check(self) -> None:
        if not (0 <= self.risk_class <= 3 and 0 <= self.previous_class <= 3):
            raise InvalidInput("risk_class is 0..3 (A..D)", field="risk_class")
        if self.risk_class == self.previous_class:
            raise InvalidInput("a class change changes the class", field="risk_class")
        if not self.cause.strip():
            raise InvalidInput("a class change names its cause", field="cause")


class RiskClassChange(Aggregate):
    """企业信用风险分类 One entity's class changed by a fact about it, between monthly runs
    (国市监信发〔2022〕6号: classes follow the entity's credit as it changes). Internal, never
    public. One per entity and cause: a replay of the cause records nothing."""

    @event("ClassChanged")
    def __init__(self, id: UUID, entity_no: int, uscc: str, on: date,  # noqa: A002
                 risk_class: int, previous_class: int, score: float, reasons: int,
                 indicators: list[str], factors: list[dict[str, Any]], cause: str, region: int,
                 section: int) -> None:
        self.entity_no, self.on, self.risk_class = entity_no, on, risk_class

    @classmethod
    def record(cls, change: ClassChange) -> RiskClassChange:
        change.check()
        return cls(id=risk_class_change_id(change.entity_no, change.cause),
                   entity_no=change.entity_no, uscc=change.uscc, on=change.on,
                   risk_class=change.risk_class, previous_class=change.previous_class,
                   score=change.score, reasons=change.reasons,
                   indicators=list(change.indicators), factors=change.factors,
                   cause=change.cause, region=change.region, section=change.section)

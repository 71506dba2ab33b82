"""Classes that react: one entity rescored, with the monthly run's scoring, when a fact about it
changes (a listing, a penalty, a repair, a false commitment, an inspection result).

The composition root (opencheck.reactions) calls `reclassify_entities` with the facts of a batch
of events (each names an entity and a day), in log order; a change is recorded only when the class
differs from the one the drawer reads (`risk_classes`), as a `RiskClassChange` whose id derives
from the event that caused it, so a replayed reaction records nothing twice. The change names
every indicator that holds with its points and the records behind it (penalty case and decision
number, listing and decision number, inspection task and result code…): the class is explainable.
The monthly run then compares with what the change recorded and sees nothing new unless time moved
the score.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa

from credit.rating.evaluations import ClassChange
from credit.rating.facts import CreditFacts, among_nos, load_facts
from credit.rating.scoring import CLASS_B, indicators, report_years, score_counts
from credit.rating.tables import as_of_run, risk_classes
from credit.risk.hazard import stored_hazard
from credit.rules import RiskScoringRules, Rules
from supervision.directory.views import entities

_IN_LIST = 5_000


def explain(f: CreditFacts, rules: RiskScoringRules, counts: dict[str, np.ndarray],
            rows: dict[str, tuple[str, np.ndarray]], i: int) -> list[dict[str, Any]]:
    """The indicators that hold for entity `i` of `f`: count, points, floor and the records
    behind each (the facts must be loaded with `refs`)."""
    out = []
    for name, w in rules.indicators.items():
        n = int(counts[name][i])
        if n <= 0:
            continue
        records: list[dict[str, Any]] = []
        if name in rows:
            table, mask = rows[name]
            t = getattr(f, table)
            if "ref" in t:
                records = [dict(r) for r in t["ref"][mask & (t["entity"] == i)]]
        out.append({"indicator": name, "count": n,
                    "points": round(w.points * min(n, w.max_count), 1), "floor": w.floor,
                    "records": records})
    return out


@dataclass(frozen=True)
class Rescoring:
    """A fact about one entity that rescores it as of `day`: `cause` names the event (a class
    change's id derives from it), the entity by `uscc` or by `entity_no`."""

    day: date
    cause: str
    uscc: str | None = None
    entity_no: int | None = None


@dataclass(frozen=True, eq=False)
class _Scored:
    """The monthly run's scoring of a batch's entities as of one day (facts with `refs`)."""

    facts: CreditFacts
    counts: dict[str, np.ndarray]
    rows: dict[str, tuple[str, np.ndarray]]
    risk_class: np.ndarray
    score: np.ndarray
    reasons: np.ndarray

    def index(self, entity_no: int) -> int | None:
        i = int(np.searchsorted(self.facts.entity_no, entity_no))
        return i if i < self.facts.size and self.facts.entity_no[i] == entity_no else None


class _Scorer:
    """Scores the given entities as of any day: their facts are loaded once per set of report
    years the score looks at (a new year, a new load), the indicators computed once per day."""

    def __init__(self, conn: sa.Connection, rules: Rules, entity_nos: list[int]) -> None:
        self.conn, self.rules, self.among = conn, rules, entity_nos
        self._facts: dict[tuple[int, ...], tuple[CreditFacts, np.ndarray | None]] = {}
        self._days: dict[date, _Scored] = {}

    def on(self, day: date) -> _Scored:
        scored = self._days.get(day)
        if scored is None:
            rules = self.rules
            years = report_years(day, rules.abnormal_list, rules.risk_scoring.on_time_years)
            if years not in self._facts:
                f = load_facts(self.conn, rules, years, among=self.among, refs=True)
                self._facts[years] = (f, stored_hazard(self.conn, rules.hazard, f.entity_no)
                                      if rules.hazard.in_score else None)
            f, hazard = self._facts[years]
            counts, rows = indicators(f, rules.risk_scoring, rules.abnormal_list, day)
            c = score_counts(f, counts, rules.risk_scoring, hazard)
            scored = self._days[day] = _Scored(f, counts, rows, c.risk_class, c.score, c.reasons)
        return scored


def reclassify_entities(engine: sa.Engine, rules: Rules, record: Callable[[ClassChange], bool],
                        facts: Sequence[Rescoring]) -> int:
    """Rescore each fact's entity as of its day (or as of the entity's latest classification,
    if later: a late fact never dates a change before one already recorded), in the order
    given (the log's), and record a change through `record` where the class moved; how many
    were recorded. The facts of a batch share one load of their entities' credit facts; the
    class each fact is compared with is the one the fact before it left."""
    if not facts:
        return 0
    changes: list[ClassChange] = []
    with engine.connect() as conn:
        e = entities.c
        named = sorted({f.uscc for f in facts if f.entity_no is None and f.uscc})
        by_uscc: dict[str, int] = {}
        for at in range(0, len(named), _IN_LIST):   # within SQLite's bound-variable limit
            by_uscc.update(conn.execute(sa.select(e.uscc, e.entity_no).where(
                e.uscc.in_(named[at:at + _IN_LIST]))).all())
        nos = [f.entity_no if f.entity_no is not None else by_uscc.get(f.uscc or "")
               for f in facts]
        known = sorted({n for n in nos if n is not None})
        if not known:
            return 0
        only = among_nos(conn, known)
        uscc_of = dict(conn.execute(sa.select(e.entity_no, e.uscc).where(
            only(e.entity_no))).all())
        rc = risk_classes.c
        # each entity's class, classified_on and changed_on as the risk_classes row has them
        state = {int(no): [int(k), on, changed] for no, k, on, changed in conn.execute(
            sa.select(rc.entity_no, rc["class"], as_of_run(rc.classified_on), rc.changed_on)
            .where(only(rc.entity_no)))}
        scorer = _Scorer(conn, rules, known)
        for fact, no in zip(facts, nos):
            if no is None:
                continue
            previous, classified_on, changed_on = state.get(no, (CLASS_B, None, None))
            on = max([fact.day, *(d for d in (classified_on, changed_on) if d is not None)])
            scored = scorer.on(on)
            i = scored.index(no)
            if i is None or int(scored.risk_class[i]) == previous:
                continue
            risk_class = int(scored.risk_class[i])
            changes.append(ClassChange(
                entity_no=no, uscc=uscc_of.get(no, fact.uscc or ""), on=on,
                risk_class=risk_class, previous_class=previous, score=float(scored.score[i]),
                reasons=int(scored.reasons[i]), cause=fact.cause[:300],
                factors=explain(scored.facts, rules.risk_scoring, scored.counts, scored.rows, i),
                region=int(scored.facts.region[i]), section=int(scored.facts.section[i])))
            # what the change's projection leaves in the row (credit.rating.projections)
            state[no] = [risk_class, classified_on or on, on]
    return sum(1 for change in changes if record(change))


def factors_json(factors: list[dict[str, Any]] | None) -> str | None:
    return None if factors is None else json.dumps(factors, ensure_ascii=False, sort_keys=True,
                                                   default=str)

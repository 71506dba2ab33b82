"""Classes that react: one entity rescored, with the monthly run's scoring, when a fact about it
changes (a listing, a penalty, a repair, a false commitment, an inspection result).

The composition root (opencheck.reactions) calls `reclassify_entity` for the entity an event
names, as of the event's day; a change is recorded only when the class differs from the one the
drawer reads (`risk_classes`), as a `RiskClassChange` whose id derives from the event that
caused it, so a replayed reaction records nothing twice. The change names every indicator that
holds with its points and the records behind it (penalty case and decision number, listing and
decision number, inspection task and result code…): the class is explainable. The monthly run
then compares with what the change recorded and sees nothing new unless time moved the score.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa

from credit.rating.evaluations import ClassChange
from credit.rating.facts import CreditFacts, entity_scopes, load_facts
from credit.rating.scoring import CLASS_B, indicators, report_years, score_counts
from credit.rating.tables import risk_classes
from credit.risk.hazard import stored_hazard
from credit.rules import RiskScoringRules, Rules
from supervision.directory.views import entities, entity_pool


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


def rescore(conn: sa.Connection, rules: Rules, entity_no: int,
            on: date) -> tuple[int, float, int, list[dict[str, Any]]] | None:
    """(class, score, reasons, factors) of one entity as of `on`, with the monthly run's
    scoring; None if the entity is not in the pool."""
    years = report_years(on, rules.abnormal_list, rules.risk_scoring.on_time_years)
    among = sa.select(entity_pool.c.entity_no).where(entity_pool.c.entity_no == entity_no)
    f = load_facts(conn, rules, years, among=among, refs=True)
    if f.size != 1:
        return None
    counts, rows = indicators(f, rules.risk_scoring, rules.abnormal_list, on)
    hazard = stored_hazard(conn, rules.hazard, f.entity_no) if rules.hazard.in_score else None
    c = score_counts(f, counts, rules.risk_scoring, hazard)
    return (int(c.risk_class[0]), float(c.score[0]), int(c.reasons[0]),
            explain(f, rules.risk_scoring, counts, rows, 0))


def entity_no_of(conn: sa.Connection, uscc: str) -> int | None:
    return conn.scalar(sa.select(entities.c.entity_no).where(entities.c.uscc == uscc))


def reclassify_entity(engine: sa.Engine, rules: Rules, record: Any, *, day: date, cause: str,
                      uscc: str | None = None, entity_no: int | None = None) -> bool:
    """Rescore one entity as of `day` (or as of its latest classification, if later: a late
    event never dates a change before one already recorded) and record the change through
    `record` (a ClassChange → bool use case) if its class changed; whether one was recorded."""
    with engine.connect() as conn:
        if entity_no is None:
            entity_no = entity_no_of(conn, uscc or "")
        if entity_no is None:
            return False
        rc = risk_classes.c
        row = conn.execute(sa.select(rc["class"], rc.classified_on, rc.changed_on)
                           .where(rc.entity_no == entity_no)).first()
        previous = CLASS_B if row is None else int(row[0])
        on = max([day, *(d for d in (row[1], row[2]) if d is not None)] if row else [day])
        scored = rescore(conn, rules, entity_no, on)
        if scored is None or scored[0] == previous:
            return False
        region, section = entity_scopes(conn, np.array([entity_no], np.int64))
        if uscc is None:
            uscc = conn.scalar(sa.select(entities.c.uscc).where(entities.c.entity_no == entity_no))
    risk_class, score, reasons, factors = scored
    return record(ClassChange(entity_no=entity_no, uscc=uscc or "", on=on, risk_class=risk_class,
                              previous_class=previous, score=score, reasons=reasons,
                              cause=cause[:300], factors=factors, region=int(region[0]),
                              section=int(section[0])))


def factors_json(factors: list[dict[str, Any]] | None) -> str | None:
    return None if factors is None else json.dumps(factors, ensure_ascii=False, sort_keys=True,
                                                   default=str)

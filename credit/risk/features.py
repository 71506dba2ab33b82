"""Features of every entity from its event history as of one day: no look-ahead.

Every fact row carries the day it happened (``CreditFacts``: decided, since, day, filed, found;
complaints: received); a feature as of day d counts only rows dated on or before d, and the
rules' indicators are the A–D scoring's own as-of evaluation (credit.rating.scoring), so an
event after the cut-off changes no feature (tests/unit/test_risk_features.py). Entities
registered after d are not scored (``known``). Status "now" (``CreditFacts.active``) is never a
feature: it is today's status, not the cut-off's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from credit.rating.facts import CreditFacts, day_number
from credit.rating.scoring import indicators, score_counts
from credit.rules import RISK_INDICATORS, AbnormalListRules, RiskScoringRules

Rows = dict[str, np.ndarray]
NO_DAYS = 3650          # "never" for a days-since feature: ten years, past every window
HISTORY = ("complaints_90d", "complaints_365d", "complaints_substantiated_365d",
           "complaints_all", "inspections_all", "problems_all", "days_since_inspection",
           "days_since_problem", "penalties_all", "abnormal_listings_all", "age_years",
           "individual", "hazard")
FEATURES = (*RISK_INDICATORS, "rule_score", *HISTORY)


@dataclass(frozen=True, eq=False)
class History:
    """What the model reads: the credit facts, complaints as rows (entity, day, substantiated)
    and each entity's inherent hazard points (industry, size, licensed activities)."""

    facts: CreditFacts
    complaints: Rows = field(default_factory=dict)
    hazard: np.ndarray | None = None

    @property
    def size(self) -> int:
        return self.facts.size


def _count(n: int, entity: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return np.bincount(entity[mask], minlength=n).astype(np.float64)


def _days_since(n: int, entity: np.ndarray, day: np.ndarray, mask: np.ndarray,
                d: int) -> np.ndarray:
    last = np.full(n, -(1 << 30), np.int64)
    np.maximum.at(last, entity[mask], day[mask].astype(np.int64))
    return np.minimum(d - last, NO_DAYS).astype(np.float64)


def _rows(rows: Rows, *names: str) -> Rows:
    if rows and rows.get("entity") is not None:
        return rows
    return {"entity": np.zeros(0, np.int64), **{n: np.zeros(0, np.int32) for n in names}}


def feature_matrix(h: History, on: date, scoring: RiskScoringRules,
                   abnormal: AbnormalListRules, hazard_in_score: bool = False
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X float64 [entities × FEATURES], the rules' score as of `on` (with the hazard points
    if they are in the score), `known`: registered on or before `on`). Rows of entities not
    yet registered are zero."""
    f, n, d = h.facts, h.facts.size, day_number(on)
    counts, _ = indicators(f, scoring, abnormal, on)
    rule_score = score_counts(f, counts, scoring, h.hazard if hazard_in_score else None).score
    c = _rows(h.complaints, "day", "substantiated")
    ce, cd = c["entity"], c["day"].astype(np.int64)
    past = cd <= d
    r = _rows(f.results, "day", "negative", "clean")
    seen = r["day"] <= d
    problem = seen & (r["clean"] == 0)
    p = _rows(f.penalties, "decided")
    a = _rows(f.abnormal, "since")
    hazard = np.zeros(n) if h.hazard is None else np.asarray(h.hazard, np.float64)
    cols = {
        **{k: counts[k].astype(np.float64) for k in RISK_INDICATORS},
        "rule_score": rule_score,
        "complaints_90d": _count(n, ce, past & (cd > d - 90)),
        "complaints_365d": _count(n, ce, past & (cd > d - 365)),
        "complaints_substantiated_365d": _count(
            n, ce, past & (cd > d - 365) & (c["substantiated"] == 1)),
        "complaints_all": _count(n, ce, past),
        "inspections_all": _count(n, r["entity"], seen),
        "problems_all": _count(n, r["entity"], problem),
        "days_since_inspection": _days_since(n, r["entity"], r["day"], seen, d),
        "days_since_problem": _days_since(n, r["entity"], r["day"], problem, d),
        "penalties_all": _count(n, p["entity"], p["decided"] <= d),
        "abnormal_listings_all": _count(n, a["entity"], a["since"] <= d),
        "age_years": np.maximum(d - f.registered.astype(np.int64), 0) / 365.25,
        "individual": f.individual.astype(np.float64),
        "hazard": hazard,
    }
    known = f.registered <= d
    x = np.column_stack([cols[k] for k in FEATURES])
    x[~known] = 0.0
    return x, np.where(known, rule_score, 0.0), known

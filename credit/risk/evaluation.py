"""Out-of-sample measures of a score against the A–D rules (the Chicago food-inspection
evaluation's three figures): ROC AUC, problems found at the same inspection budget, and how
many days earlier problems are found when the period's inspections are done in score order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def roc_auc(y: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve: the chance a random positive outranks a random negative
    (Mann–Whitney U, ties counted one half); NaN without both classes."""
    y = np.asarray(y, bool)
    pos, neg = int(y.sum()), int((~y).sum())
    if not pos or not neg:
        return float("nan")
    order = np.argsort(score, kind="mergesort")
    s = np.asarray(score, np.float64)[order]
    ranks = np.empty(s.size, np.float64)
    # average ranks over ties, vectorised: the first and last index of each run of equal scores
    edges = np.flatnonzero(np.diff(s)) + 1
    starts = np.concatenate(([0], edges))
    ends = np.concatenate((edges, [s.size]))
    avg = (starts + ends - 1) / 2.0 + 1.0
    ranks[order] = np.repeat(avg, ends - starts)
    return float((ranks[y].sum() - pos * (pos + 1) / 2.0) / (pos * neg))


def _order(score: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """Highest score first; ties broken by a fixed random key, not by position."""
    return np.lexsort((tiebreak, -np.asarray(score, np.float64)))


def found_at_budget(y: np.ndarray, score: np.ndarray, budget: int,
                    tiebreak: np.ndarray) -> int:
    """Problems found when only the `budget` highest-scored entities are inspected."""
    top = _order(score, tiebreak)[:budget]
    return int(np.asarray(y, bool)[top].sum())


def mean_day_found(y: np.ndarray, score: np.ndarray, per_day: float,
                   tiebreak: np.ndarray) -> float:
    """The mean day (from the period's start) a problem is found when the period's inspections
    are done in score order at `per_day` a day."""
    y = np.asarray(y, bool)
    day = np.empty(y.size)
    day[_order(score, tiebreak)] = np.arange(y.size) / per_day
    return float(day[y].mean()) if y.any() else float("nan")


@dataclass(frozen=True)
class Comparison:
    """A model's score against the rules' on the same held-out inspections."""

    inspections: int
    problems: int
    budget: int
    period_days: int
    rules_auc: float
    model_auc: float
    rules_found: int
    model_found: int
    rules_mean_day: float
    model_mean_day: float

    @property
    def days_earlier(self) -> float:
        return self.rules_mean_day - self.model_mean_day

    @property
    def beats_rules(self) -> bool:
        """Better on both the ranking and the budget (never on a tie)."""
        return self.model_auc > self.rules_auc and self.model_found > self.rules_found

    def to_dict(self) -> dict:
        return {**self.__dict__, "days_earlier": round(self.days_earlier, 2),
                "beats_rules": self.beats_rules}


def compare(y: np.ndarray, rules_score: np.ndarray, model_score: np.ndarray,
            budget_share: float = 0.2, period_days: int = 365, seed: int = 0) -> Comparison:
    """Compare on the inspections `y` (problem found or not) of a later period: the budget is
    `budget_share` of them (the first ~fifth of the period, as Chicago's first month of two),
    the days are the period's spread evenly over its inspections."""
    y = np.asarray(y, bool)
    n = int(y.size)
    tiebreak = np.random.default_rng(seed).random(n)
    budget = max(1, int(round(budget_share * n))) if n else 0
    per_day = n / period_days if period_days else float(n)
    return Comparison(
        n, int(y.sum()), budget, period_days, roc_auc(y, rules_score), roc_auc(y, model_score),
        found_at_budget(y, rules_score, budget, tiebreak),
        found_at_budget(y, model_score, budget, tiebreak),
        mean_day_found(y, rules_score, per_day, tiebreak) if n else float("nan"),
        mean_day_found(y, model_score, per_day, tiebreak) if n else float("nan"))

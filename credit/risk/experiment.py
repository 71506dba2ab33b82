"""Train on one period, evaluate on the next, against the A–D rules (imports scikit-learn:
the CLI and the bench use it, the API never does).

Training: features as of `train_as_of`, labels = whether the inspections from `train_as_of` to
`eval_as_of` found a problem. Evaluation: features as of `eval_as_of` (which may include the
training labels, now history), labels = the inspections of the next `period_days`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from credit.rating.facts import day_number
from credit.risk.evaluation import Comparison, compare
from credit.risk.features import FEATURES, History, feature_matrix
from credit.risk.model import RiskModel
from credit.risk.training import fit
from credit.rules import AbnormalListRules, RiskScoringRules


def labels_between(results: dict[str, np.ndarray], first: date,
                   end: date) -> tuple[np.ndarray, np.ndarray]:
    """(entity positions, problem found) of the entities inspected in [first, end): one row per
    entity, a problem if any of its inspections in the window found one."""
    d = results["day"]
    m = (d >= day_number(first)) & (d < day_number(end))
    ent = results["entity"][m]
    bad = results["clean"][m] == 0
    rows = np.unique(ent)
    problem = np.zeros(rows.size, bool)
    problem[np.searchsorted(rows, ent[bad])] = True
    return rows, problem


@dataclass(frozen=True)
class Evaluation:
    model: RiskModel
    comparison: Comparison
    train_as_of: date
    eval_as_of: date
    eval_rows: np.ndarray
    model_score: np.ndarray        # per evaluated entity
    rules_score: np.ndarray
    features: np.ndarray           # per evaluated entity (for explanations)

    def to_dict(self) -> dict:
        return {"model_version": self.model.version, "algorithm": self.model.algorithm,
                "train_as_of": self.train_as_of.isoformat(),
                "eval_as_of": self.eval_as_of.isoformat(), **self.comparison.to_dict()}


def run(h: History, train_as_of: date, eval_as_of: date, period_days: int,
        scoring: RiskScoringRules, abnormal: AbnormalListRules,
        budget_share: float = 0.2, hazard_in_score: bool = False) -> Evaluation:
    """Fit on the training period, compare model and rules on the evaluation period."""
    results = h.facts.results
    tr_rows, tr_y = labels_between(results, train_as_of, eval_as_of)
    ev_rows, ev_y = labels_between(results, eval_as_of,
                                   eval_as_of + timedelta(days=period_days))
    x_tr, _, known_tr = feature_matrix(h, train_as_of, scoring, abnormal, hazard_in_score)
    keep = known_tr[tr_rows]
    tr_rows, tr_y = tr_rows[keep], tr_y[keep]
    model = fit(x_tr[tr_rows], tr_y, FEATURES, train_as_of, eval_as_of)
    x_ev, rules_ev, known_ev = feature_matrix(h, eval_as_of, scoring, abnormal, hazard_in_score)
    keep = known_ev[ev_rows]
    ev_rows, ev_y = ev_rows[keep], ev_y[keep]
    m_score = model.predict(x_ev[ev_rows])
    r_score = rules_ev[ev_rows]
    cmp = compare(ev_y, r_score, m_score, budget_share, period_days)
    return Evaluation(model, cmp, train_as_of, eval_as_of, ev_rows, m_score, r_score,
                      x_ev[ev_rows])

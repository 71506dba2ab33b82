"""Per-entity chances for the policy lab, from what the store measured: each class's
problem-found rate on the control sample where it holds enough inspections (unbiased: drawn
uniformly), else on the risk sample, else the overall rate."""

from __future__ import annotations

import numpy as np

from credit.risk.stats import class_outcomes

MIN_CONTROL = 30   # inspections of a class in the control sample before its rate is trusted


def class_rates(risk_class: np.ndarray, control: np.ndarray, problem: np.ndarray,
                prior: float = 0.15) -> tuple[np.ndarray, list[str]]:
    """(rate per class A..D, where each came from: control / risk sample / overall / prior)."""
    k, c, y = (np.asarray(risk_class, np.int64), np.asarray(control, bool),
               np.asarray(problem, bool))
    overall = float(y.mean()) if y.size else prior
    rates, sources = np.full(4, overall), ["overall" if y.size else "prior"] * 4
    risk = class_outcomes(k, c, y)[:4]
    for i in range(4):
        in_control = c & (k == i)
        if in_control.sum() >= MIN_CONTROL:
            rates[i], sources[i] = float(y[in_control].mean()), "control"
        elif risk[i].inspected:
            rates[i], sources[i] = risk[i].rate, "risk sample"
    return rates, sources

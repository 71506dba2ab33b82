"""Fit the risk model (scikit-learn): imported by the CLI and the bench only, never by the API.

Why logistic regression: a city labels a few thousand inspections a year against ~30 features,
most of them small counts; a regularised linear model on log counts does not overfit that, its
probability is calibrated enough to feed the policy lab's expected problems, it trains in well
under a second, and its coefficients × values are an exact per-entity explanation. Gradient
boosting (LightGBM) would need far more positives to beat it and an approximation to explain.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from sklearn.linear_model import LogisticRegression

from credit.risk.model import RiskModel, transform

C = 0.5       # L2 strength: moderate shrinkage for small labelled sets


def fit(x: np.ndarray, y: np.ndarray, features: tuple[str, ...], as_of: date,
        label_until: date) -> RiskModel:
    """Fit on features as of `as_of` and labels (problem found) from `as_of` to `label_until`."""
    y = np.asarray(y, bool)
    if y.all() or not y.any():
        raise ValueError("training needs inspections with and without problems found; "
                         f"got {int(y.sum())} of {y.size}")
    t = transform(x)
    mean = t.mean(axis=0)
    scale = t.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=C, max_iter=2000)
    lr.fit((t - mean) / scale, y)
    return RiskModel(tuple(features), tuple(map(float, mean)), tuple(map(float, scale)),
                     tuple(map(float, lr.coef_[0])), float(lr.intercept_[0]), as_of.isoformat(),
                     label_until.isoformat(), int(y.size))

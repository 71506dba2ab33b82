"""A fitted risk model as plain data: score and explain with numpy only (no model library on
the API's path). Training lives in ``credit.risk.training`` (scikit-learn).

The model is a logistic regression on standardised log1p features: score = σ(b + Σ wⱼ zⱼ),
zⱼ = (log1p(max(xⱼ, 0)) − μⱼ) / sⱼ. Each term wⱼ zⱼ is that feature's exact contribution to
the log-odds against an average entity, so the explanation is the model itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np

ALGORITHM = "logistic-regression/log1p-standardised/1"


def transform(x: np.ndarray) -> np.ndarray:
    return np.log1p(np.maximum(np.asarray(x, np.float64), 0.0))


@dataclass(frozen=True)
class RiskModel:
    """The fitted coefficients, the features they weigh, and the period it learnt from."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    trained_as_of: str           # ISO day of the features' cut-off
    label_until: str             # ISO day the training labels end (exclusive)
    training_rows: int
    algorithm: str = ALGORITHM

    @property
    def version(self) -> str:
        """A digest of everything that decides a score: two equal versions score alike."""
        body = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return "lr-" + hashlib.sha256(body.encode()).hexdigest()[:16]

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, d: dict) -> RiskModel:
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()})

    def _z(self, x: np.ndarray) -> np.ndarray:
        return (transform(x) - np.asarray(self.mean)) / np.asarray(self.scale)

    def log_odds(self, x: np.ndarray) -> np.ndarray:
        return self.intercept + self._z(x) @ np.asarray(self.coef)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The probability that an inspection finds a problem, per row of `x`."""
        return 1.0 / (1.0 + np.exp(-self.log_odds(x)))

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Per row and feature: coefficient × standardised value (log-odds against average)."""
        return self._z(x) * np.asarray(self.coef)

    def explain(self, row: np.ndarray, top: int = 5) -> list[dict]:
        """The `top` features that moved one entity's score most, largest first."""
        c = self.contributions(np.asarray(row, np.float64)[None, :])[0]
        order = np.argsort(-np.abs(c), kind="stable")[:top]
        return [{"feature": self.features[i], "value": float(row[i]),
                 "contribution": round(float(c[i]), 4)} for i in order]

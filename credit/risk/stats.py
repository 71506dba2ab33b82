"""Outcomes by class against the random control sample: rates with Wilson score intervals and
the lift of each class over control with a percentile bootstrap interval.

Why these: the Wilson interval keeps its coverage at the small counts and near-zero rates a
plan's class D or control sample produces (the normal approximation does not); the ratio of two
proportions has no exact interval, so its interval is a percentile bootstrap, resampling each
group's problem count from its own binomial (both groups are independent random samples within
a plan), seeded so a report is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kernel.rulebook import RISK_CLASSES

Z95 = 1.959963984540054
BOOTSTRAP_REPS = 4000
BOOTSTRAP_SEED = 20260422
CONTROL = "control"


def wilson(found: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of `found` successes out of `n` (NaNs for n = 0)."""
    if n <= 0:
        return float("nan"), float("nan")
    p = found / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def lift_interval(found: int, n: int, control_found: int, control_n: int,
                  reps: int = BOOTSTRAP_REPS, seed: int = BOOTSTRAP_SEED,
                  level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of (found/n) / (control_found/control_n); NaNs when a
    group is empty. Replicates with a zero control rate are dropped (infinite lift)."""
    if n <= 0 or control_n <= 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    a = rng.binomial(n, found / n, reps) / n
    c = rng.binomial(control_n, control_found / control_n, reps) / control_n
    ok = c > 0
    if not ok.any():
        return float("nan"), float("nan")
    ratio = a[ok] / c[ok]
    lo, hi = np.quantile(ratio, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


@dataclass(frozen=True)
class GroupOutcome:
    """问题发现率 One group's problem-found rate in a plan: a class, or the control sample."""

    group: str
    inspected: int
    found: int
    rate: float
    rate_low: float
    rate_high: float
    lift: float | None          # rate / control rate
    lift_low: float | None
    lift_high: float | None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def class_outcomes(risk_class: np.ndarray, control: np.ndarray,
                   problem: np.ndarray) -> list[GroupOutcome]:
    """Per class (A..D, from the entities drawn by risk) and for the control sample: inspected,
    problems found, rate with its Wilson interval, lift over control with its bootstrap
    interval. Arrays are per inspected entity; control entities count in the control row only,
    so each class row is the risk-based sample and the control row the uniform one."""
    risk_class = np.asarray(risk_class, np.int64)
    control = np.asarray(control, bool)
    problem = np.asarray(problem, bool)
    cn, cf = int(control.sum()), int((problem & control).sum())
    c_rate = cf / cn if cn else float("nan")
    out = []
    for k, letter in enumerate(RISK_CLASSES):
        m = (risk_class == k) & ~control
        n, found = int(m.sum()), int((problem & m).sum())
        rate = found / n if n else float("nan")
        lo, hi = wilson(found, n)
        if n and cn and cf:
            lift = rate / c_rate
            llo, lhi = lift_interval(found, n, cf, cn)
        else:
            lift = llo = lhi = None
        out.append(GroupOutcome(letter, n, found, rate, lo, hi, lift, llo, lhi))
    lo, hi = wilson(cf, cn)
    out.append(GroupOutcome(CONTROL, cn, cf, c_rate, lo, hi, 1.0 if cf else None, None, None))
    return out

"""政策实验室 Policy lab: replay a population under other draw ratios, control shares and budgets,
and compare expected problems found against inspector-days. Vectorised over entities.

Each entity i has a class h_i and a chance p_i that an inspection finds a problem (the model's
probability, or its class's rate measured on the control sample). A policy draws class h at
ratio r_h and a uniform control sample of `control_share` × the risk sample's size from the
whole pool (as the draw does, supervision.plans.drawing); an entity is inspected if either picks
it, with chance π_i = 1 − (1 − r_h)(1 − q), q = n_c / N. Expected inspections Σ π_i, expected
problems Σ π_i p_i, inspector-days = inspections × team size × days per inspection.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from kernel.rulebook import RISK_CLASSES

DEFAULT_RATIOS = (0.05, 0.20, 0.60, 1.00)   # the upper ends of DOMAIN §3's local defaults


@dataclass(frozen=True)
class Policy:
    """抽查比例 Ratios per class A..D, the control share, and the cost of one inspection."""

    ratios: tuple[float, float, float, float] = DEFAULT_RATIOS
    control_share: float = 0.10
    team_size: int = 2                 # 行政处罚法 Art 42: at least two officers
    days_per_inspection: float = 0.5   # per officer (assumed)
    budget_days: float | None = None   # inspector-days; ratios scaled down to fit

    def check(self) -> Policy:
        if len(self.ratios) != 4 or any(not 0 <= r <= 1 for r in self.ratios):
            raise ValueError(f"ratios must be four shares in [0, 1] for A..D, got {self.ratios}")
        if not 0 <= self.control_share < 1:
            raise ValueError(f"control_share must be in [0, 1), got {self.control_share}")
        if self.budget_days is not None and self.budget_days <= 0:
            raise ValueError(f"budget_days must be positive, got {self.budget_days}")
        return self


@dataclass(frozen=True)
class Outcome:
    policy: Policy
    scale: float                       # applied to the risk ratios to meet the budget
    inspections: float
    inspector_days: float
    problems: float
    control_inspections: float
    by_class: list[dict] = field(default_factory=list)

    @property
    def problems_per_100_days(self) -> float:
        return 100 * self.problems / self.inspector_days if self.inspector_days else 0.0

    def to_dict(self) -> dict:
        return {"ratios": dict(zip(RISK_CLASSES, self.policy.ratios)),
                "control_share": self.policy.control_share, "scale": round(self.scale, 4),
                "inspections": round(self.inspections, 1),
                "inspector_days": round(self.inspector_days, 1),
                "problems": round(self.problems, 1),
                "problems_per_100_days": round(self.problems_per_100_days, 2),
                "control_inspections": round(self.control_inspections, 1),
                "by_class": self.by_class}


def _summaries(risk_class: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Entities and Σp per class (one pass each)."""
    k = np.asarray(risk_class, np.int64)
    return (np.bincount(k, minlength=4).astype(np.float64),
            np.bincount(k, weights=np.asarray(p, np.float64), minlength=4))


def _at(count: np.ndarray, psum: np.ndarray, policy: Policy, scale: float) -> Outcome:
    r = np.minimum(np.asarray(policy.ratios) * scale, 1.0)
    n = count.sum()
    risk = float((r * count).sum())
    q = min(1.0, policy.control_share * risk / n) if n else 0.0
    pi = 1 - (1 - r) * (1 - q)              # per class: every entity of a class alike
    insp, probs = pi * count, pi * psum
    days = float(insp.sum()) * policy.team_size * policy.days_per_inspection
    rows = [{"class": c, "entities": int(count[i]), "ratio": round(float(r[i]), 4),
             "inspections": round(float(insp[i]), 1), "problems": round(float(probs[i]), 1),
             "rate": round(float(psum[i] / count[i]), 4) if count[i] else None}
            for i, c in enumerate(RISK_CLASSES)]
    return Outcome(policy, scale, float(insp.sum()), days, float(probs.sum()), float(q * n), rows)


def evaluate(risk_class: np.ndarray, p: np.ndarray, policy: Policy) -> Outcome:
    """Expected inspections, inspector-days and problems found under `policy`; with a budget,
    the risk ratios are scaled by the largest factor ≤ 1 that fits it (bisection)."""
    policy.check()
    count, psum = _summaries(risk_class, p)
    out = _at(count, psum, policy, 1.0)
    if policy.budget_days is None or out.inspector_days <= policy.budget_days:
        return out
    lo, hi = 0.0, 1.0
    for _ in range(50):
        mid = (lo + hi) / 2
        if _at(count, psum, policy, mid).inspector_days <= policy.budget_days:
            lo = mid
        else:
            hi = mid
    return _at(count, psum, policy, lo)


def frontier(risk_class: np.ndarray, p: np.ndarray, policy: Policy,
             points: int = 25) -> list[tuple[float, float]]:
    """(inspector-days, expected problems) as the policy's ratios are scaled from 0 to 3×."""
    count, psum = _summaries(risk_class, p)
    out = []
    for s in np.linspace(0.0, 3.0, points):
        o = _at(count, psum, replace(policy, budget_days=None), float(s))
        out.append((o.inspector_days, o.problems))
    return out


def simulate(risk_class: np.ndarray, p: np.ndarray, policy: Policy, runs: int = 5,
             seed: int = 0) -> np.ndarray:
    """Problems found in `runs` simulated draws (entity by entity, numpy): the spread around
    the expected value."""
    rng = np.random.default_rng(seed)
    k = np.asarray(risk_class, np.int64)
    r = np.minimum(np.asarray(policy.ratios), 1.0)[k]
    n = k.size
    q = min(1.0, policy.control_share * float(r.sum()) / n) if n else 0.0
    out = np.empty(runs)
    for i in range(runs):
        drawn = (rng.random(n) < r) | (rng.random(n) < q)
        out[i] = np.count_nonzero(drawn & (rng.random(n) < p))
    return out


def parse_ratios(text: list[str] | None, base: tuple[float, ...] = DEFAULT_RATIOS
                 ) -> tuple[float, float, float, float]:
    """`["A=0.03", "D=0.8"]` over `base` (ValueError naming the bad item)."""
    ratios = list(base)
    for item in text or []:
        letter, _, value = item.partition("=")
        if letter.strip().upper() not in RISK_CLASSES:
            raise ValueError(f"ratio {item!r}: expected CLASS=SHARE with CLASS one of A, B, C, D")
        try:
            ratios[RISK_CLASSES.index(letter.strip().upper())] = float(value)
        except ValueError:
            raise ValueError(f"ratio {item!r}: {value!r} is not a number") from None
    return tuple(ratios)  # type: ignore[return-value]

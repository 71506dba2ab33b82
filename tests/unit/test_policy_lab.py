"""Policy lab: expected values, budgets, the frontier, options parsing."""

from __future__ import annotations

import numpy as np
import pytest

from credit.risk.policy import Policy, evaluate, frontier, parse_ratios, simulate


def _pop(n=10_000, seed=1):
    rng = np.random.default_rng(seed)
    k = rng.choice(4, n, p=[.3, .5, .15, .05])
    return k, np.array([.05, .1, .2, .4])[k]


def test_expected_values_by_hand():
    k, p = np.array([0, 0, 3, 3]), np.array([0.1, 0.1, 0.5, 0.5])
    o = evaluate(k, p, Policy(ratios=(0.5, 0, 0, 1.0), control_share=0.0, team_size=2,
                              days_per_inspection=0.5))
    assert o.inspections == pytest.approx(3.0) and o.problems == pytest.approx(1.1)
    assert o.inspector_days == pytest.approx(3.0)


def test_a_budget_scales_the_ratios_to_fit():
    k, p = _pop()
    full = evaluate(k, p, Policy())
    half = evaluate(k, p, Policy(budget_days=full.inspector_days / 2))
    assert half.inspector_days <= full.inspector_days / 2 + 1e-6 and half.scale < 1
    assert half.problems < full.problems


def test_lower_a_ratio_and_more_control_cost_and_find_as_expected():
    k, p = _pop()
    base = evaluate(k, p, Policy(ratios=(0.05, .2, .6, 1.0), control_share=0.1))
    alt = evaluate(k, p, Policy(ratios=(0.03, .2, .6, 1.0), control_share=0.2))
    assert alt.control_inspections > base.control_inspections
    sims = simulate(k, p, Policy(), runs=20, seed=5)
    assert abs(sims.mean() - evaluate(k, p, Policy()).problems) < 4 * sims.std() + 5
    f = frontier(k, p, Policy(), points=5)
    assert f[0] == (0.0, 0.0) and all(a[0] <= b[0] and a[1] <= b[1] for a, b in zip(f, f[1:]))


def test_parse_ratios_names_the_bad_item():
    assert parse_ratios(["A=0.03", "d=0.8"])[0] == 0.03
    assert parse_ratios(["d=0.8"])[3] == 0.8
    with pytest.raises(ValueError, match="E=0.1"):
        parse_ratios(["E=0.1"])
    with pytest.raises(ValueError, match="not a number"):
        parse_ratios(["A=x"])
    with pytest.raises(ValueError, match="ratios"):
        Policy(ratios=(2, 0, 0, 0)).check()


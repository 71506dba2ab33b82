"""Outcomes by class: Wilson intervals, bootstrap lift, ROC AUC, the evaluation measures."""

from __future__ import annotations

import numpy as np
import pytest

from credit.risk.evaluation import compare, found_at_budget, roc_auc
from credit.risk.stats import class_outcomes, lift_interval, wilson


def test_wilson_matches_the_textbook_values():
    lo, hi = wilson(10, 100)
    assert lo == pytest.approx(0.0552, abs=1e-4) and hi == pytest.approx(0.1744, abs=1e-4)
    assert wilson(0, 20)[0] == 0.0 and wilson(0, 20)[1] == pytest.approx(0.1611, abs=1e-4)
    assert np.isnan(wilson(0, 0)[0])


def test_lift_interval_brackets_the_ratio_and_is_reproducible():
    lo, hi = lift_interval(30, 100, 10, 100)
    assert lo < 3.0 < hi and 1.0 < lo
    assert (lo, hi) == lift_interval(30, 100, 10, 100)


def test_class_outcomes_separate_control_from_the_risk_sample():
    k = np.array([0] * 50 + [3] * 50 + [1] * 100)
    control = np.array([False] * 100 + [True] * 100)
    problem = np.array([False] * 45 + [True] * 5 + [True] * 25 + [False] * 25
                       + [True] * 10 + [False] * 90)
    g = {o.group: o for o in class_outcomes(k, control, problem)}
    assert (g["A"].inspected, g["A"].found) == (50, 5)
    assert (g["D"].inspected, g["D"].found) == (50, 25)
    assert (g["control"].inspected, g["control"].found) == (100, 10)
    assert g["D"].lift == pytest.approx(5.0) and g["A"].lift == pytest.approx(1.0)
    assert g["D"].lift_low > 1.0 and g["B"].inspected == 0 and g["B"].lift is None


def test_roc_auc_counts_ties_half_and_matches_pairs():
    y = np.array([1, 0, 1, 0, 1], bool)
    s = np.array([0.9, 0.1, 0.5, 0.5, 0.2])
    pairs = [(a > b) + 0.5 * (a == b) for a in s[y] for b in s[~y]]
    assert roc_auc(y, s) == pytest.approx(np.mean(pairs))
    assert roc_auc(y, -s) == pytest.approx(1 - np.mean(pairs))


def test_a_perfect_score_finds_every_problem_first():
    y = np.zeros(100, bool)
    y[:10] = True
    perfect, useless = y.astype(float), np.zeros(100)
    assert found_at_budget(y, perfect, 10, np.arange(100)) == 10
    c = compare(y, useless, perfect, budget_share=0.1, period_days=100)
    assert c.model_auc == 1.0 and c.rules_auc == 0.5 and c.model_found == 10
    assert c.days_earlier > 40 and c.beats_rules

"""Statistical checks of the draw over 2,000 keyed runs on a small pool.

Each eligible entity must be drawn with its stratum's ratio, and a task's inspectors must be
uniform over the inspectors eligible for it (jurisdiction, recusal, cross-station); with a
control share, the control sample must be uniform over the whole pool, whatever the class. Tests
reject at p < 0.001, so a correct drawer fails one of them about once in a few hundred runs of
the suite; the keys are fixed, so the outcome is reproducible.
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations

import numpy as np
import pytest
from scipy import stats

from supervision.plans.drawing import STRATA, DrawParams, EntityPool, Roster, draw
from tests.unit.draw_fixtures import SALT, key_of, uscc_for

RUNS = 2000
ALPHA = 0.001
STATIONS = (330702, 330703, 330723)     # three county stations of one prefecture (Jinhua)
RATIOS = (0.05, 0.1, 0.3, 1.0, 1.0)     # A, B, C, D, targeted
X, Y = 7001, 7002                        # targeted entity with recusals; plain D-class entity


def build():
    """200 entities: 80 A (10 cooling off), 60 B, 30 C, 20 D, 10 targeted; 12 inspectors."""
    classes = [0] * 80 + [1] * 60 + [2] * 30 + [3] * 20 + [0] * 10
    n = len(classes)
    last_checked = np.full(n, -1)
    last_checked[:10] = 100                   # class A checked this year: cool-off
    entity_no = np.arange(n) * 3 + 1000
    entity_no[-2:] = (X, Y)
    targeted = np.zeros(n, bool)
    targeted[-10:-1] = True
    classes[-1] = 3
    region = np.resize(STATIONS, n)
    region[-2:] = (330702, 330703)
    pool = EntityPool(entity_no, uscc_for(entity_no, region), region, classes, last_checked,
                      targeted)
    roster = Roster(inspector_no=np.arange(900, 912), department=np.zeros(12),
                    region=np.repeat(STATIONS, 4),
                    conflicts={(904, X), (901, 1000)}, last_inspector={X: 908, 1003: 905})
    return pool, roster


@pytest.fixture(scope="module")
def runs():
    pool, roster = build()
    params = DrawParams(ratios=RATIOS[:4], targeted_ratio=RATIOS[4])
    drawn = np.zeros(pool.entity_no.size, np.int64)
    sizes = {name: [] for name in STRATA}
    teams = {X: [], Y: []}
    for run in range(RUNS):
        result = draw(pool, roster, params, key_of(run), SALT)
        assert not result.unassigned and not result.same_station.any()
        drawn[np.searchsorted(pool.entity_no, result.entity_no)] += 1
        for name in STRATA:
            sizes[name].append(result.strata[name]["target"])
        for e in teams:
            teams[e].append(result.teams[np.searchsorted(result.entity_no, e)].tolist())
    return pool, roster, drawn, sizes, teams


def stratum_rows(pool, h):
    code = np.where(pool.targeted, 4, pool.risk_class)
    cooling = (pool.last_checked_days >= 0) & (pool.last_checked_days < 365) & (code == 0)
    return np.flatnonzero((code == h) & ~cooling), np.flatnonzero((code == h) & cooling)


@pytest.mark.parametrize("h", range(len(STRATA)))
def test_each_entity_is_drawn_with_its_stratum_ratio(runs, h):
    pool, _, drawn, sizes, _ = runs
    rows, cooling = stratum_rows(pool, h)
    ratio = RATIOS[h]
    assert drawn[cooling].sum() == 0
    counts = drawn[rows]
    if ratio == 1.0:
        assert (counts == RUNS).all()
        return
    # the sample size: floor(r*N) plus a Bernoulli(frac) extra, i.e. binomial extras
    exact = ratio * rows.size
    extras = sum(sizes[STRATA[h]]) - RUNS * math.floor(exact)
    assert stats.binomtest(extras, RUNS, exact - math.floor(exact)).pvalue > ALPHA
    # every member equally likely (expected RUNS * ratio each)
    assert stats.chisquare(counts).pvalue > ALPHA
    assert stats.ttest_1samp(counts / RUNS, ratio).pvalue > ALPHA


def eligible_for(pool, roster, e):
    row = np.searchsorted(pool.entity_no, e)
    barred = {int(i) for i, x in roster.conflicts if x == e}
    barred |= {int(i) for x, i in roster.last_inspector if x == e}
    other = roster.inspector_no[roster.region != pool.region[row]]
    return [int(i) for i in other if i not in barred]


@pytest.mark.parametrize("e", [X, Y])
def test_inspectors_are_uniform_over_the_eligible(runs, e):
    pool, roster, _, _, teams = runs
    eligible = eligible_for(pool, roster, e)
    assert len(eligible) == (6 if e == X else 8)
    seen = Counter(i for team in teams[e] for i in team)
    assert set(seen) == set(eligible)           # never a barred or own-station inspector
    assert stats.chisquare([seen[i] for i in eligible]).pvalue > ALPHA


@pytest.mark.parametrize("e", [X, Y])
def test_teams_are_uniform_over_eligible_pairs(runs, e):
    pool, roster, _, _, teams = runs
    pairs = Counter(tuple(sorted(team)) for team in teams[e])
    possible = list(combinations(sorted(eligible_for(pool, roster, e)), 2))
    assert set(pairs) <= set(possible)
    assert stats.chisquare([pairs[p] for p in possible]).pvalue > ALPHA


CONTROL_SHARE = 0.25


@pytest.fixture(scope="module")
def control_runs():
    """The control sample over RUNS keys: how often each pool row was in it."""
    pool, roster = build()
    params = DrawParams(ratios=RATIOS[:4], targeted_ratio=RATIOS[4], control_share=CONTROL_SHARE)
    in_control = np.zeros(pool.entity_no.size, np.int64)
    sizes = []
    for run in range(RUNS):
        result = draw(pool, roster, params, key_of(f"control {run}"), SALT)
        in_control[np.searchsorted(pool.entity_no, result.entity_no[result.control])] += 1
        sizes.append(int(result.control.sum()))
    return pool, in_control, sizes


def test_control_sample_is_uniform_over_every_row_and_class(control_runs):
    pool, in_control, sizes = control_runs
    rows, cooling = stratum_rows(pool, 0)
    # the expected plan size: sum of ratio x eligible rows; the control share of it, rounded
    expected = CONTROL_SHARE * sum(RATIOS[h] * stratum_rows(pool, h)[0].size for h in range(5))
    extras = sum(sizes) - RUNS * math.floor(expected)
    assert set(sizes) <= {math.floor(expected), math.ceil(expected)}
    assert stats.binomtest(extras, RUNS, expected - math.floor(expected)).pvalue > ALPHA
    # every row equally likely, cooling-off rows included: chi-square over the 200 rows
    assert stats.chisquare(in_control).pvalue > ALPHA
    assert in_control[cooling].sum() > 0
    # and across classes (A, B, C, D, targeted): control draws proportional to class size
    code = np.where(pool.targeted, 4, pool.risk_class)
    per_class = np.bincount(code, weights=in_control, minlength=5)
    share = np.bincount(code, minlength=5) / code.size
    assert stats.chisquare(per_class, share * per_class.sum()).pvalue > ALPHA

"""Joint plans (部门联合) with `per_department` officers of each department per task (行政处罚法
Art 42): team layout, uniformity within each department, reasons, and draws without it unchanged."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import numpy as np
import pytest
from scipy import stats

from supervision.plans.drawing import DrawParams, EntityPool, Roster, draw, verify
from tests.unit.draw_fixtures import SALT, key_of, uscc_for
from tests.unit.test_drawing import check_teams, make_pool, make_roster

RUNS = 800
ALPHA = 0.001
STATIONS = (330702, 330703, 330723)


def per_department(roster, params, result) -> list[dict[int, int]]:
    """Per staffed task: inspectors of each participating department on its team."""
    dept = dict(zip(roster.inspector_no.tolist(), roster.department.tolist()))
    staffed = result.teams[result.teams[:, 0] >= 0]
    return [Counter(dept[i] for i in team.tolist()) for team in staffed]


@pytest.mark.parametrize(("departments", "per", "per_task"), [
    ((0, 1), 2, 2), ((0, 1, 2), 2, 2), ((2, 0), 3, 4), ((0, 1), 2, 7), ((1, 2, 0), 1, 5)])
def test_every_task_has_per_department_officers_of_each_department(departments, per, per_task):
    pool, roster = make_pool(n=400, seed=3), make_roster(per_station=9, departments=3)
    params = DrawParams(departments=departments, per_department=per,
                        inspectors_per_task=per_task)
    result = draw(pool, roster, params, key_of(5), SALT)
    assert params.team_size == max(per_task, per * len(departments))
    assert check_teams(pool, roster, params, result) == result.entity_no.size
    for counts in per_department(roster, params, result):
        assert all(counts[d] >= per for d in departments)
        assert set(counts) <= set(departments)
    # department i's columns hold its own officers: i*per .. i*per + per - 1
    dept = roster.department[np.searchsorted(roster.inspector_no, result.teams)]
    for i, d in enumerate(departments):
        assert (dept[:, i * per:(i + 1) * per] == d).all()


def test_per_department_is_ignored_by_single_department_plans():
    pool, roster = make_pool(n=400), make_roster()
    plain = draw(pool, roster, DrawParams(), key_of(21), SALT)
    for params in (DrawParams(per_department=3), DrawParams(departments=(0,), per_department=3)):
        assert params.team_size == 2
        assert draw(pool, roster, params, key_of(21), SALT).fingerprint() == plain.fingerprint()


def test_a_joint_draw_with_per_department_verifies():
    pool, roster = make_pool(n=300), make_roster(per_station=6, departments=2)
    params = DrawParams(departments=(0, 1), per_department=2)
    result = draw(pool, roster, params, key_of(9), SALT)
    assert verify(pool, roster, params, key_of(9), SALT, result) == []
    other = DrawParams(departments=(0, 1), per_department=3)
    assert any(d.startswith("params")
               for d in verify(pool, roster, other, key_of(9), SALT, result))


@pytest.mark.parametrize("bad", [0, -1, 1.5])
def test_per_department_must_be_a_positive_integer(bad):
    with pytest.raises(ValueError, match="per_department"):
        DrawParams(departments=(0, 1), per_department=bad)


def test_a_group_short_of_one_departments_officers_staffs_no_task():
    # Jinhua (3307): 3 of department 0, 1 of department 1; Hangzhou (3301): 2 and 2
    pool = EntityPool(entity_no=[1, 2], uscc=uscc_for([1, 2]), region=[330702, 330102],
                      risk_class=[3, 3],
                      last_checked_days=[-1, -1], targeted=[False, False])
    roster = Roster(inspector_no=[10, 11, 12, 13, 20, 21, 22, 23],
                    department=[0, 0, 0, 1, 0, 0, 1, 1],
                    region=[330702, 330703, 330723, 330703, 330102, 330105, 330106, 330105])
    result = draw(pool, roster, DrawParams(departments=(0, 1), per_department=2), key_of(3), SALT)
    assert dict(result.unassigned) == {
        1: "only 1 inspector(s) of department 1 in jurisdiction 3307 (2 needed)"}
    assert sorted(result.teams[1].tolist()) == [20, 21, 22, 23]
    # the same roster staffs both with one officer of each department
    assert not draw(pool, roster, DrawParams(departments=(0, 1)), key_of(3), SALT).unassigned


@pytest.fixture(scope="module")
def joint_runs():
    """60 entities at three stations, one always drawn (X at 330702); 12 inspectors, two of
    each department per station; a joint plan of departments 0 and 1, two officers each."""
    n = 60
    region = np.resize(STATIONS, n)
    region[-1] = 330702
    pool = EntityPool(np.arange(n) * 3 + 1000, uscc_for(np.arange(n) * 3 + 1000), region,
                      [1] * (n - 1) + [3], np.full(n, -1), np.zeros(n, bool))
    roster = Roster(np.arange(900, 912), np.arange(12) % 2, np.repeat(STATIONS, 4))
    params = DrawParams(ratios=(0, 0.3, 0, 1), departments=(0, 1), per_department=2)
    x = int(pool.entity_no[-1])
    pairs: dict[int, Counter] = {0: Counter(), 1: Counter()}
    for seed in range(20_000, 20_000 + RUNS):
        result = draw(pool, roster, params, key_of(seed), SALT)
        assert not result.unassigned
        team = result.teams[np.searchsorted(result.entity_no, x)].tolist()
        for d in (0, 1):
            pairs[d][tuple(sorted(team[2 * d:2 * d + 2]))] += 1
    return roster, pairs


@pytest.mark.parametrize("d", [0, 1])
def test_each_departments_officers_are_uniform_over_its_eligible_pairs(joint_runs, d):
    roster, pairs = joint_runs
    # 所所交叉: the department's inspectors of the two other stations
    eligible = roster.inspector_no[(roster.department == d) & (roster.region != 330702)]
    possible = list(combinations(eligible.tolist(), 2))
    assert set(pairs[d]) <= set(possible) and sum(pairs[d].values()) == RUNS
    assert stats.chisquare([pairs[d][p] for p in possible]).pvalue > ALPHA

"""The exact loop's vectorised batches give the loop's result, word for word, on random inputs:
scarce rosters (leftovers, swaps, unstaffed tasks), every jurisdiction width, with and without
cross-station checks, single-department and joint plans (per_department 2 keeps the loop)."""

from __future__ import annotations

import numpy as np
import pytest

from supervision.plans.drawing import DrawParams, Roster
from supervision.plans.drawing_inspectors import assign_inspectors

COUNTIES = np.array([330000 + p * 100 + c for p in range(1, 4) for c in range(2, 5)])


def _case(seed: int):
    rng = np.random.default_rng(seed)
    n_tasks, n_insp = int(rng.integers(0, 2500)), int(rng.integers(1, 70))
    joint = rng.random() < 0.3
    departments = tuple(range(int(rng.integers(2, 4)))) if joint else ()
    entity = np.sort(rng.choice(10**6, n_tasks, replace=False)).astype(np.int64)
    region = COUNTIES[rng.integers(0, COUNTIES.size, n_tasks)]
    number = np.arange(n_insp, dtype=np.int64) + 1000
    conflicts = np.column_stack([number[rng.integers(0, n_insp, n_insp)],
                                 entity[rng.integers(0, max(n_tasks, 1), n_insp)]]) \
        if n_tasks else ()
    last = np.column_stack([entity[rng.integers(0, n_tasks, n_tasks // 2)],
                            number[rng.integers(0, n_insp, n_tasks // 2)]]) if n_tasks else ()
    roster = Roster(number, rng.integers(0, max(len(departments), 1), n_insp),
                    COUNTIES[rng.integers(0, COUNTIES.size, n_insp)], conflicts=conflicts,
                    last_inspector=last)
    params = DrawParams(inspectors_per_task=int(rng.integers(2, 5)),
                        jurisdiction_digits=int(rng.choice([0, 2, 4, 6])),
                        cross_station=bool(rng.random() < 0.8), departments=departments,
                        per_department=int(rng.choice([1, 1, 2])) if joint else 1)
    return entity, region, roster, params


@pytest.mark.parametrize("seed", range(120))
def test_batched_leftovers_equal_the_loop(seed):
    entity, region, roster, params = _case(seed)
    ref = assign_inspectors(entity, region, roster, params, np.random.PCG64(seed), batched=False)
    fast = assign_inspectors(entity, region, roster, params, np.random.PCG64(seed))
    np.testing.assert_array_equal(fast.teams, ref.teams)
    np.testing.assert_array_equal(fast.same_station, ref.same_station)
    assert fast.unassigned == ref.unassigned and fast.counters == ref.counters

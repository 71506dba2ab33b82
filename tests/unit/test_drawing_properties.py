"""Properties of the draw over random small pools, rosters and parameters (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supervision.plans.drawing import (
    DrawParams,
    EntityPool,
    Roster,
    draw,
    verify,
    verify_public,
)
from tests.unit.draw_fixtures import uscc_for

COUNTIES = (330702, 330703, 330723, 330102, 330105, 410101)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def scenarios(draw_):
    """A pool, a roster (with conflicts and last inspectors), params, a key and a salt."""
    n = draw_(st.integers(0, 60))
    entity_no = np.array(sorted(draw_(st.sets(st.integers(1, 10**12), min_size=n, max_size=n))),
                         np.int64)
    ints = lambda lo, hi, size: np.array(draw_(st.lists(st.integers(lo, hi), min_size=size,
                                                        max_size=size)), np.int64)
    region = np.asarray(COUNTIES)[ints(0, 5, n)]
    pool = EntityPool(entity_no, uscc_for(entity_no, region), region, ints(0, 3, n),
                      ints(-1, 800, n), np.array(draw_(st.lists(st.booleans(), min_size=n,
                                                                max_size=n)), bool))
    m = draw_(st.integers(0, 16))
    inspector_no = np.arange(m, dtype=np.int64) * 7 + 100
    departments = ints(0, 2, m)
    pairs = st.tuples(st.sampled_from(inspector_no.tolist()), st.sampled_from(entity_no.tolist()))
    conflicts = draw_(st.sets(pairs, max_size=30)) if n and m else set()
    last = {e: i for i, e in draw_(st.sets(pairs, max_size=30))} if n and m else {}
    roster = Roster(inspector_no, departments, np.asarray(COUNTIES)[ints(0, 5, m)],
                    conflicts=conflicts, last_inspector=last)
    ratio = st.sampled_from([0.0, 0.05, 0.3, 0.5, 1.0])
    params = DrawParams(ratios=tuple(draw_(ratio) for _ in range(4)), targeted_ratio=draw_(ratio),
                        cool_off_days=tuple(draw_(st.sampled_from([0, 30, 365]))
                                            for _ in range(4)),
                        inspectors_per_task=draw_(st.integers(2, 3)),
                        departments=tuple(draw_(st.sampled_from([(), (0,), (0, 1), (2, 0, 1)]))),
                        cross_station=draw_(st.booleans()),
                        jurisdiction_digits=draw_(st.sampled_from([2, 4, 6])),
                        control_share=draw_(st.sampled_from([0.0, 0.1, 0.5, 0.99])))
    key, salt = (draw_(st.binary(min_size=32, max_size=32)) for _ in range(2))
    return pool, roster, params, key, salt


@SETTINGS
@given(scenarios())
def test_staffed_teams_obey_every_rule_and_nothing_is_dropped(scenario):
    pool, roster, params, key, salt = scenario
    result = draw(pool, roster, params, key, salt)
    k, div = params.team_size, 10 ** (6 - params.jurisdiction_digits)
    station = dict(zip(roster.inspector_no.tolist(), roster.region.tolist()))
    dept = dict(zip(roster.inspector_no.tolist(), roster.department.tolist()))
    barred = {(int(e), int(i)) for i, e in roster.conflicts}
    barred |= {(int(e), int(i)) for e, i in roster.last_inspector}
    region = dict(zip(pool.entity_no.tolist(), pool.region.tolist()))
    unassigned = dict(result.unassigned)
    assert len(unassigned) == len(result.unassigned)
    assert set(unassigned) <= set(result.entity_no.tolist())
    assert sum(c["drawn"] for c in result.strata.values()) == result.entity_no.size
    tasks_per_group, load = {}, {}
    for e, team in zip(result.entity_no.tolist(), result.teams.tolist()):
        tasks_per_group[region[e] // div] = tasks_per_group.get(region[e] // div, 0) + 1
        if e in unassigned:
            assert team == [-1] * k and unassigned[e]
            continue
        assert len(set(team)) == k >= params.inspectors_per_task >= 2
        assert all(i in station and station[i] // div == region[e] // div for i in team)
        assert not any((e, i) in barred for i in team)
        if params.departments:
            assert {dept[i] for i in team} <= set(params.departments)
        if len(params.departments) > 1:
            assert set(params.departments) <= {dept[i] for i in team}
        for i in team:
            load[i] = load.get(i, 0) + 1
    if not params.departments or len(params.departments) == 1:
        pool_size = {}
        for i in station:
            if not params.departments or dept[i] in params.departments:
                pool_size[station[i] // div] = pool_size.get(station[i] // div, 0) + 1
        for i, n in load.items():
            g = station[i] // div
            assert n <= math.ceil(tasks_per_group[g] * k / pool_size[g]) + 1
    if params.cross_station:
        own = [any(station[i] == region[e] for i in team)
               for e, team in zip(result.entity_no.tolist(), result.teams.tolist())
               if e not in unassigned]
        flagged = [bool(f) for e, f in zip(result.entity_no.tolist(), result.same_station)
                   if e not in unassigned]
        assert own == flagged


@SETTINGS
@given(scenarios())
def test_same_inputs_give_the_same_draw(scenario):
    pool, roster, params, key, salt = scenario
    first, second = draw(pool, roster, params, key, salt), draw(pool, roster, params, key, salt)
    assert first.fingerprint() == second.fingerprint()
    assert first.unassigned == second.unassigned
    assert verify(pool, roster, params, key, salt, first) == []
    file = [u.decode() for u in pool.uscc]
    assert verify_public(first.public_summary(), key, file) == []


@SETTINGS
@given(scenarios(), st.data())
def test_any_change_to_pool_key_or_salt_fails_verification(scenario, data):
    pool, roster, params, key, salt = scenario
    recorded = draw(pool, roster, params, key, salt).internal_summary()
    other = data.draw(st.binary(min_size=32, max_size=32).filter(lambda k: k != key))
    assert verify(pool, roster, params, other, salt, recorded)
    other = data.draw(st.binary(min_size=32, max_size=32).filter(lambda s: s != salt))
    assert verify(pool, roster, params, key, other, recorded)
    if pool.entity_no.size:
        arrays = {name: getattr(pool, name).copy() for name in
                  ("entity_no", "uscc", "region", "risk_class", "last_checked_days",
                   "targeted")}
        row = data.draw(st.integers(0, pool.entity_no.size - 1))
        field = data.draw(st.sampled_from(sorted(arrays)))
        if field == "entity_no":
            arrays[field] = np.delete(arrays[field], row)
            arrays = {k: (v if k == "entity_no" else np.delete(v, row)) for k, v in arrays.items()}
        elif field == "targeted":
            arrays[field][row] = ~arrays[field][row]
        elif field == "uscc":
            arrays[field][row] = uscc_for([10**12 + 1])[0]
        elif field == "region":
            arrays[field][row] = 330781 if arrays[field][row] != 330781 else 330782
        elif field == "risk_class":
            arrays[field][row] = (arrays[field][row] + 1) % 4
        else:
            arrays[field][row] += 1
        changed = EntityPool(**arrays)
        assert any(d.startswith("pool_digest") for d in
                   verify(changed, roster, params, key, salt, recorded))

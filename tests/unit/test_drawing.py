"""The draw (双随机): strata, cool-off, recusal, joint plans, reasons, reproducibility, verify.

The public side of ``opencheck-draw/2`` (ranks, control sample, public record) is in
test_drawing_public.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from fractions import Fraction

import numpy as np
import pytest

from supervision.plans import entity_draw, ranks
from supervision.plans.drawing import (
    ALGORITHM_VERSION,
    STRATA,
    DrawParams,
    EntityPool,
    Roster,
    derive_key,
    draw,
    pool_digest,
    salt_commitment,
    verify,
)
from tests.unit.draw_fixtures import SALT, key_of, uscc_for

# two prefectures of Zhejiang: Jinhua (3307) with three county stations, Hangzhou (3301) with two
COUNTIES = (330702, 330703, 330723, 330102, 330105)


def make_pool(n=200, seed=0, targeted_share=0.05, never_share=0.5, counties=COUNTIES,
              classes=(0.4, 0.3, 0.2, 0.1)) -> EntityPool:
    """A small synthetic pool; entity numbers are sparse to catch index/number mix-ups."""
    rng = np.random.default_rng(seed)
    entity_no = np.arange(n, dtype=np.int64) * 11 + 5_000
    region = np.asarray(counties)[rng.integers(0, len(counties), n)]
    return EntityPool(
        entity_no=entity_no, uscc=uscc_for(entity_no, region), region=region,
        risk_class=rng.choice(4, n, p=classes),
        last_checked_days=np.where(rng.random(n) < never_share, -1, rng.integers(0, 800, n)),
        targeted=rng.random(n) < targeted_share)


def make_roster(per_station=4, departments=1, counties=COUNTIES, conflicts=(), last=()):
    stations = np.repeat(np.asarray(counties), per_station)
    return Roster(inspector_no=np.arange(stations.size, dtype=np.int64) + 900,
                  department=np.arange(stations.size) % departments,
                  region=stations, conflicts=conflicts, last_inspector=last)


def loads(result):
    staffed = result.teams[result.teams >= 0]
    return dict(zip(*np.unique(staffed, return_counts=True)))


# --- entity draw -----------------------------------------------------------------------------

def test_strata_counts_follow_the_ratios_with_randomised_rounding():
    pool = make_pool(n=1000, never_share=1.0)
    params = DrawParams(ratios=(0.03, 0.05, 0.2, 1.0), targeted_ratio=0.5)
    result = draw(pool, make_roster(), params, key_of(1), SALT)
    ratios = (*params.ratios, params.targeted_ratio)
    for h, name in enumerate(STRATA):
        members = pool.targeted if h == 4 else (pool.risk_class == h) & ~pool.targeted
        counts = result.strata[name]
        assert counts["population"] == members.sum()
        assert counts["excluded_cool_off"] == 0 == counts["control"]
        exact = ratios[h] * counts["population"]
        assert counts["target"] == counts["drawn"] in (math.floor(exact), math.ceil(exact))
        assert np.isin(result.entity_no, pool.entity_no[members]).sum() == counts["drawn"]
    assert np.all(np.diff(result.entity_no) > 0)
    assert result.entity_no.dtype == np.int64
    assert not result.control.any() and result.control_cutoff is None


def test_cool_off_excludes_recently_checked_entities_only():
    pool = EntityPool(entity_no=np.arange(8) + 1, uscc=uscc_for(np.arange(8) + 1),
                      region=np.full(8, 330702), risk_class=np.array([0, 0, 0, 0, 1, 1, 0, 0]),
                      last_checked_days=np.array([-1, 0, 364, 365, 10, 500, 30, 30]),
                      targeted=np.array([False] * 6 + [True, False]))
    params = DrawParams(ratios=(1.0, 1.0, 1.0, 1.0), cool_off_days=(365, 30, 0, 0))
    result = draw(pool, make_roster(), params, key_of(3), SALT)
    # class A: 0 and 364 days are inside the year; never checked (-1) and exactly 365 are not
    assert result.strata["A"] == {"population": 5, "excluded_cool_off": 3, "target": 2,
                                  "control": 0, "drawn": 2}
    assert result.strata["B"] == {"population": 2, "excluded_cool_off": 1, "target": 1,
                                  "control": 0, "drawn": 1}
    # a complaint is itself the reason to inspect: targeted entities have no cool-off by default
    assert result.strata["targeted"] == {"population": 1, "excluded_cool_off": 0, "target": 1,
                                         "control": 0, "drawn": 1}
    assert result.entity_no.tolist() == [1, 4, 6, 7]
    cooled = DrawParams(ratios=(1.0, 1.0, 1.0, 1.0), targeted_cool_off_days=60)
    assert draw(pool, make_roster(), cooled, key_of(3), SALT).strata["targeted"]["drawn"] == 0


def test_targeted_entities_form_their_own_stratum():
    pool = make_pool(n=300, targeted_share=0.2, never_share=1.0)
    params = DrawParams(ratios=(0, 0, 0, 0), targeted_ratio=1.0)
    result = draw(pool, make_roster(), params, key_of(9), SALT)
    assert set(result.entity_no) == set(pool.entity_no[pool.targeted])


def reference_rows(pool, params, key, salt):
    """The specified rule, written out plainly: sizes, control sample, risk sample per stratum."""
    words = np.random.PCG64(int.from_bytes(key, "big")).random_raw(6)
    code = np.where(pool.targeted, 4, pool.risk_class)
    cool = np.array([*params.cool_off_days, params.targeted_cool_off_days])[code]
    eligible = ~((pool.last_checked_days >= 0) & (pool.last_checked_days < cool))
    ratios = (*params.ratios, params.targeted_ratio)

    def rounded(exact, word):
        return math.floor(exact) + (Fraction(int(word) >> 11, 2**53) < exact - math.floor(exact))

    def lowest(rows, rank, n):      # ascending (rank, uscc)
        return rows[np.lexsort((pool.uscc[rows], rank[rows]))[:n]]

    sizes = [rounded(Fraction(r) * int((eligible & (code == h)).sum()), words[h])
             for h, r in enumerate(ratios)]
    expected_size = sum(Fraction(r) * int((eligible & (code == h)).sum())
                        for h, r in enumerate(ratios))
    n_c = rounded(Fraction(params.control_share) * expected_size, words[5])
    control_rank = ranks.rank(key[:16], pool.uscc)
    risk_rank = ranks.rank(hashlib.sha256(key + salt).digest()[:16], pool.uscc)
    control = lowest(np.arange(pool.entity_no.size), control_rank, n_c)
    drawn = list(control)
    for h in range(5):
        rows = np.flatnonzero(eligible & (code == h))
        m_h = sizes[h] - int(np.isin(rows, control).sum())
        drawn.extend(lowest(np.setdiff1d(rows, control), risk_rank, max(0, m_h)))
    return sorted(drawn), sorted(control)


@pytest.mark.parametrize("share", [0.0, 0.25])
def test_entity_draw_is_the_documented_lowest_ranks_rule(monkeypatch, share):
    pool = make_pool(n=5000, never_share=0.7, seed=4)
    params = DrawParams(ratios=(0.03, 0.3, 0.6, 0.9), targeted_ratio=0.4, control_share=share)
    key = derive_key("plan-ref", 1, "beacon")
    drawn, control = reference_rows(pool, params, key, SALT)
    result = draw(pool, make_roster(), params, key, SALT)
    assert result.entity_no.tolist() == pool.entity_no[drawn].tolist()
    assert result.entity_no[result.control].tolist() == pool.entity_no[control].tolist()
    assert (len(control) > 0) == (share > 0)
    monkeypatch.setattr(ranks, "CHUNK", 333)     # chunking is an implementation detail
    again = draw(pool, make_roster(), params, key, SALT)
    assert again.fingerprint() == result.fingerprint()


def test_too_tight_prefilter_falls_back_to_the_same_result(monkeypatch):
    pool, roster = make_pool(n=3000), make_roster()
    params = DrawParams(ratios=(0.1, 0.3, 0.5, 0.9), control_share=0.3)
    expected = draw(pool, roster, params, key_of(5), SALT)
    monkeypatch.setattr(entity_draw, "prefilter", lambda n, population: 0)
    again = draw(pool, roster, params, key_of(5), SALT)
    assert np.array_equal(again.entity_no, expected.entity_no)
    assert np.array_equal(again.control, expected.control)


# --- parameters and inputs -------------------------------------------------------------------

@pytest.mark.parametrize("k", [0, 1, 1.5])
def test_fewer_than_two_inspectors_are_rejected(k):
    with pytest.raises(ValueError, match="Art 42"):
        DrawParams(inspectors_per_task=k)


@pytest.mark.parametrize("bad", [dict(ratios=(0.1, 0.2, 0.3, 1.1)), dict(targeted_ratio=-0.1),
                                 dict(cool_off_days=(-1, 0, 0, 0)), dict(departments=(1, 1)),
                                 dict(jurisdiction_digits=7), dict(ratios=(0.1, 0.2)),
                                 dict(control_share=1.0), dict(control_share=-0.01)])
def test_invalid_params_are_rejected(bad):
    with pytest.raises(ValueError):
        DrawParams(**bad)


def test_pool_and_roster_validate_their_arrays():
    two = uscc_for([1, 2])
    with pytest.raises(ValueError, match="sorted"):
        EntityPool([2, 1], two, [330702] * 2, [0, 0], [-1, -1], [False, False])
    with pytest.raises(ValueError, match="risk_class"):
        EntityPool([1, 2], two, [330702] * 2, [0, 4], [-1, -1], [False, False])
    with pytest.raises(ValueError, match="length"):
        EntityPool([1, 2], two, [330702], [0, 0], [-1, -1], [False, False])
    with pytest.raises(ValueError, match="length"):
        EntityPool([1, 2], two[:1], [330702] * 2, [0, 0], [-1, -1], [False, False])
    for bad in ("91330702000000001I", "9133070200000001", "91330702000000001X0", "９１"):
        with pytest.raises(ValueError, match="uscc"):
            EntityPool([1, 2], [two[0].decode(), bad], [330702] * 2, [0, 0], [-1, -1],
                       [False, False])
    twins = EntityPool([1, 2], [two[0]] * 2, [330702] * 2, [0, 0], [-1, -1], [False, False])
    with pytest.raises(ValueError, match="unique"):
        draw(twins, make_roster(), DrawParams(), key_of(1), SALT)
    with pytest.raises(ValueError, match="sorted"):
        Roster([5, 5], [0, 0], [330702] * 2)
    pool = make_pool(n=5)
    with pytest.raises(ValueError):
        pool.region[0] = 1          # frozen: arrays are read-only
    with pytest.raises(ValueError):
        pool.uscc[0] = b"0" * 18
    with pytest.raises(ValueError, match="32 bytes"):
        draw(pool, make_roster(), DrawParams(), key_of(1)[:16], SALT)
    with pytest.raises(ValueError, match="32 bytes"):
        draw(pool, make_roster(), DrawParams(), key_of(1), SALT + b"x")


def test_roster_normalises_pairs_from_sets_mappings_and_arrays():
    a = make_roster(conflicts={(903, 5011), (900, 5011), (901, 5000)},
                    last={5011: [902, 900], 5000: 901})
    b = make_roster(conflicts=np.array([[900, 5011], [903, 5011], [901, 5000], [900, 5011]]),
                    last=np.array([[5011, 900], [5000, 901], [5011, 902]]))
    assert a.conflicts.tolist() == [[901, 5000], [900, 5011], [903, 5011]]
    assert a.last_inspector.tolist() == [[5000, 901], [5011, 900], [5011, 902]]
    pool = make_pool(n=5)
    assert pool_digest(pool, a, SALT) == pool_digest(pool, b, SALT)


def test_derive_key_is_sha256_of_the_length_prefixed_inputs():
    h = hashlib.sha256(b"opencheck-draw-key/2\n")
    for part in ("plan-7", "2", "07 13 22 31 + 05"):
        h.update(len(part.encode()).to_bytes(8, "big") + part.encode())
    assert derive_key("plan-7", 2, "07 13 22 31 + 05") == h.digest()
    assert derive_key("plan-7", 1, "x") != derive_key("plan-7", 1, "x ")
    assert derive_key("plan-7", 1, "x") != derive_key("plan-7", 2, "x")
    assert derive_key("plan-7", 12, "3") != derive_key("plan-7", 1, "23")
    for bad in (0, -1, True, 1.0):
        with pytest.raises(ValueError, match="draw_no"):
            derive_key("plan-7", bad, "x")


def test_salt_commitment_is_the_tagged_sha256_of_the_salt():
    assert salt_commitment(SALT) == "sha256:" + hashlib.sha256(b"opencheck-salt/2\n" + SALT
                                                               ).hexdigest()
    with pytest.raises(ValueError, match="32 bytes"):
        salt_commitment(b"short")


def test_pool_digest_is_the_documented_salted_encoding():
    pool = make_pool(n=3)
    roster = make_roster(per_station=1, conflicts={(900, 5000)}, last={5011: 901})
    h = hmac.new(SALT, b"opencheck-pool/2\n", hashlib.sha256)
    arrays = [("pool.entity_no", pool.entity_no), ("pool.uscc", pool.uscc),
              ("pool.region", pool.region), ("pool.risk_class", pool.risk_class),
              ("pool.last_checked_days", pool.last_checked_days),
              ("pool.targeted", pool.targeted), ("roster.inspector_no", roster.inspector_no),
              ("roster.department", roster.department), ("roster.region", roster.region),
              ("roster.conflicts", roster.conflicts),
              ("roster.last_inspector", roster.last_inspector)]
    for name, arr in arrays:
        h.update(f"{name} {arr.dtype.str} {'x'.join(map(str, arr.shape))}\n".encode())
        h.update(np.ascontiguousarray(arr.T).tobytes())      # pair tables column by column
    assert pool_digest(pool, roster, SALT) == "hmac-sha256:" + h.hexdigest()
    assert pool.uscc.dtype.str == "|S18"
    assert pool_digest(pool, roster, bytes(32)) != pool_digest(pool, roster, SALT)


# --- inspector assignment --------------------------------------------------------------------

def check_teams(pool, roster, params, result):
    """Every rule of DOMAIN §3 on a finished draw; returns the number of staffed tasks."""
    div = 10 ** (6 - params.jurisdiction_digits)
    where = {int(e): int(r) for e, r in zip(pool.entity_no, pool.region)}
    station = dict(zip(roster.inspector_no.tolist(), roster.region.tolist()))
    dept = dict(zip(roster.inspector_no.tolist(), roster.department.tolist()))
    conflicts = {(int(i), int(e)) for i, e in roster.conflicts}
    last = {(int(e), int(i)) for e, i in roster.last_inspector}
    unassigned = {e for e, _ in result.unassigned}
    assert result.teams.shape == (result.entity_no.size, params.team_size)
    staffed = 0
    for e, team, same in zip(result.entity_no.tolist(), result.teams.tolist(),
                             result.same_station):
        if e in unassigned:
            assert team == [-1] * params.team_size
            continue
        staffed += 1
        assert len(set(team)) == params.team_size >= params.inspectors_per_task
        assert all(station[i] // div == where[e] // div for i in team)
        assert not any((i, e) in conflicts or (e, i) in last for i in team)
        assert set(params.departments) <= {dept[i] for i in team}
        if params.cross_station and not same:
            assert all(station[i] != where[e] for i in team)
    return staffed


def test_teams_respect_jurisdiction_recusal_and_cross_station():
    pool = make_pool(n=400, seed=2)
    drawn = draw(pool, make_roster(), DrawParams(), key_of(1), SALT).entity_no
    # declare conflicts and last inspectors for every drawn entity, two inspectors each
    conflicts = {(900 + (e % 40), int(e)) for e in drawn}
    last = {int(e): [900 + ((e + 7) % 40)] for e in drawn}
    roster = make_roster(per_station=8, conflicts=conflicts, last=last)
    params = DrawParams()
    result = draw(pool, roster, params, key_of(1), SALT)
    assert check_teams(pool, roster, params, result) == result.entity_no.size
    assert not result.unassigned and not result.same_station.any()


def test_joint_plan_covers_every_department():
    pool, params = make_pool(n=400), DrawParams(departments=(0, 1, 2))
    roster = make_roster(per_station=6, departments=3)
    result = draw(pool, roster, params, key_of(11), SALT)
    assert result.teams.shape[1] == 3
    assert check_teams(pool, roster, params, result) == result.entity_no.size
    params = DrawParams(departments=(2, 0), inspectors_per_task=4)
    result = draw(pool, roster, params, key_of(12), SALT)
    assert result.teams.shape[1] == 4
    assert check_teams(pool, roster, params, result) == result.entity_no.size


def test_single_department_plan_uses_only_that_department():
    pool, roster = make_pool(n=300), make_roster(per_station=6, departments=2)
    result = draw(pool, roster, DrawParams(departments=(1,)), key_of(2), SALT)
    used = np.isin(roster.inspector_no, result.teams)
    assert set(roster.department[used]) == {1}


def test_workload_cap_per_jurisdiction_group():
    pool, roster, params = make_pool(n=600), make_roster(per_station=3), DrawParams()
    result = draw(pool, roster, params, key_of(4), SALT)
    group_of_task = pool.region[np.searchsorted(pool.entity_no, result.entity_no)] // 100
    for group in np.unique(group_of_task):
        tasks = int((group_of_task == group).sum())
        members = roster.inspector_no[roster.region // 100 == group]
        cap = math.ceil(tasks * params.team_size / members.size) + 1
        assert max(loads(result).get(int(i), 0) for i in members) <= cap


def test_unstaffable_tasks_stay_drawn_with_a_reason():
    pool = EntityPool(entity_no=[1, 2, 3, 4, 5], uscc=uscc_for(range(1, 6)),
                      region=[330702, 330702, 330781, 410101, 330102],
                      risk_class=[3] * 5, last_checked_days=[-1] * 5, targeted=[False] * 5)
    roster = Roster(inspector_no=[10, 11, 12, 20, 21, 22], department=[0, 0, 0, 0, 0, 1],
                    region=[330702, 330703, 330781, 330102, 330105, 330106],
                    conflicts={(11, 2), (12, 2)}, last_inspector={2: 10})
    result = draw(pool, roster, DrawParams(), key_of(8), SALT)
    assert result.entity_no.tolist() == [1, 2, 3, 4, 5]
    reasons = dict(result.unassigned)
    assert reasons[2] == ("only 0 eligible inspector(s) in jurisdiction 3307 after conflicts "
                          "of interest and last-inspector exclusion (2 needed)")
    assert reasons[4] == "no inspector in jurisdiction 4101"
    assert 1 not in reasons and 3 not in reasons and 5 not in reasons
    assert result.teams[1].tolist() == [-1, -1] and result.teams[3].tolist() == [-1, -1]
    assert result.counters["unassigned"] == 2
    joint = draw(pool, roster, DrawParams(departments=(0, 1)), key_of(8), SALT)
    assert dict(joint.unassigned)[1] == "no inspector of department 1 in jurisdiction 3307"
    county = draw(pool, roster, DrawParams(jurisdiction_digits=6), key_of(8), SALT)
    assert dict(county.unassigned)[1] == "only 1 inspector(s) in jurisdiction 330702 (2 needed)"


def test_same_station_is_a_flagged_fallback():
    # Hangzhou: the only inspectors sit at the entity's own station
    pool = EntityPool(entity_no=[1, 2], uscc=uscc_for([1, 2]), region=[330102, 330702],
                      risk_class=[3, 3],
                      last_checked_days=[-1, -1], targeted=[False, False])
    roster = Roster([10, 11, 12, 13, 14], [0] * 5, [330102, 330102, 330703, 330723, 330702])
    result = draw(pool, roster, DrawParams(), key_of(1), SALT)
    assert result.same_station.tolist() == [True, False]
    assert result.counters["same_station_fallback"] == 1
    assert sorted(result.teams[0]) == [10, 11]
    assert sorted(result.teams[1]) == [12, 13]      # fallback only where unavoidable
    plain = draw(pool, roster, DrawParams(cross_station=False), key_of(1), SALT)
    assert not plain.same_station.any()


# --- reproducibility and verification --------------------------------------------------------

@pytest.fixture(scope="module")
def recorded():
    pool = make_pool(n=500, seed=5)
    roster = make_roster(conflicts={(900, 5000), (905, 5055)}, last={5011: 901})
    params = DrawParams(ratios=(0.1, 0.2, 0.4, 1.0), control_share=0.2)
    key = derive_key("plan-2025-031", 1, "public beacon 8831")
    return pool, roster, params, key, draw(pool, roster, params, key, SALT)


def test_same_inputs_give_the_identical_draw(recorded):
    pool, roster, params, key, result = recorded
    again = draw(pool, roster, params, key, SALT)
    assert again.fingerprint() == result.fingerprint()
    assert np.array_equal(again.entity_no, result.entity_no)
    assert np.array_equal(again.control, result.control)
    assert np.array_equal(again.teams, result.teams)
    assert again.unassigned == result.unassigned
    other = derive_key("plan-2025-031", 2, "public beacon 8831")
    assert draw(pool, roster, params, other, SALT).fingerprint() != result.fingerprint()
    assert result.algorithm_version == ALGORITHM_VERSION
    assert set(result.timings) >= {"entity_draw", "inspector_assignment", "pool_digest"}
    assert 0 < result.control.sum() < result.entity_no.size


def test_the_salt_changes_risk_sample_and_teams_but_not_the_control_sample(recorded):
    pool, roster, params, key, result = recorded
    other = draw(pool, roster, params, key, bytes(32))
    assert np.array_equal(other.entity_no[other.control], result.entity_no[result.control])
    assert other.control_cutoff == result.control_cutoff
    assert not np.array_equal(other.entity_no, result.entity_no)


def test_verify_accepts_the_recorded_draw_and_its_json_summary(recorded):
    pool, roster, params, key, result = recorded
    assert verify(pool, roster, params, key, SALT, result) == []
    summary = json.loads(json.dumps(result.internal_summary(outcome=True)))
    assert verify(pool, roster, params, key, SALT, summary) == []
    brief = json.loads(json.dumps(result.internal_summary()))
    assert verify(pool, roster, params, key, SALT, brief) == []


def test_verify_detects_a_different_pool(recorded):
    pool, roster, params, key, result = recorded
    risk = pool.risk_class.copy()
    risk[17] = (risk[17] + 1) % 4
    changed = EntityPool(pool.entity_no, pool.uscc, pool.region, risk, pool.last_checked_days,
                         pool.targeted)
    diffs = verify(changed, roster, params, key, SALT, result)
    assert any(d.startswith("pool_digest: recorded") for d in diffs)
    assert not any(d.startswith("public_pool_digest") for d in diffs)   # classes are not public


def test_verify_detects_a_different_roster(recorded):
    pool, roster, params, key, result = recorded
    more = make_roster(conflicts={(900, 5000), (905, 5055), (903, 5022)}, last={5011: 901})
    assert any(d.startswith("pool_digest") for d in verify(pool, more, params, key, SALT,
                                                           result))


def test_verify_detects_a_different_key(recorded):
    pool, roster, params, key, result = recorded
    other = derive_key("plan-2025-031", 1, "public beacon 8832")
    diffs = verify(pool, roster, params, other, SALT, result)
    assert diffs[0] == f"key: recorded {key.hex()}, given {other.hex()}"
    assert any(d.startswith("outcome") for d in diffs)


def test_verify_detects_a_wrong_salt(recorded):
    pool, roster, params, key, result = recorded
    diffs = verify(pool, roster, params, key, bytes(32), result.internal_summary(outcome=True))
    assert diffs[0].startswith("salt: the given salt's commitment sha256:")
    assert any(d.startswith("pool_digest: recorded hmac-sha256:") for d in diffs)
    assert any(d.startswith("outcome: recorded fingerprint") for d in diffs)


def test_verify_detects_different_params(recorded):
    pool, roster, params, key, result = recorded
    other = DrawParams(ratios=(0.1, 0.2, 0.4, 1.0), cross_station=False, control_share=0.2)
    diffs = verify(pool, roster, other, key, SALT, result.internal_summary())
    assert diffs[0].startswith("params: recorded sha256:")
    assert "(differs in cross_station)" in diffs[0]


def test_verify_detects_a_tampered_outcome(recorded):
    pool, roster, params, key, result = recorded
    summary = result.internal_summary(outcome=True)
    summary["teams"][3][0] = summary["teams"][4][0]
    summary["fingerprint"] = "sha256:" + "0" * 64
    diffs = verify(pool, roster, params, key, SALT, summary)
    assert diffs[0].startswith("outcome: recorded fingerprint")
    assert diffs[1].startswith("teams differ for 1 task(s), e.g. entity")
    summary = result.internal_summary(outcome=True)
    summary["control"][0] = not summary["control"][0]
    summary["fingerprint"] = "sha256:" + "0" * 64
    assert verify(pool, roster, params, key, SALT, summary)[1].startswith(
        "control flags differ for 1 entity(ies)")
    summary = result.internal_summary(outcome=True)
    summary["entity_no"][0] += 1
    summary["fingerprint"] = "sha256:" + "0" * 64
    assert "only in the record" in verify(pool, roster, params, key, SALT, summary)[1]


def test_empty_pool_and_empty_roster():
    empty = EntityPool([], [], [], [], [], [])
    result = draw(empty, make_roster(), DrawParams(control_share=0.5), key_of(1), SALT)
    assert result.entity_no.size == 0 and result.teams.shape == (0, 2)
    assert result.public_summary()["entities"] == [] and result.control_cutoff is None
    pool = make_pool(n=50)
    result = draw(pool, Roster([], [], []), DrawParams(), key_of(1), SALT)
    assert len(result.unassigned) == result.entity_no.size > 0
    assert all(reason.startswith("no inspector in jurisdiction") for _, reason in
               result.unassigned)

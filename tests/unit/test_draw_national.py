"""The draw in the national regime (workload caps leaving one or two slots of room, so nearly
every leftover step moves an inspector across his cap): its output on fixed inputs is pinned to
the one recorded before the exact loop moved onto a sorted free list, equals the loop's one task at
a time, and is the same from memory-mapped columns whose pages are handed back."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from supervision.plans import ranks
from supervision.plans.drawing import (
    DrawParams,
    EntityPool,
    Roster,
    derive_key,
    draw,
    public_pool_digest,
)
from supervision.plans.drawing_inspectors import assign_inspectors
from supervision.plans.team_repair import _stable_order
from tests.unit.draw_fixtures import SALT, uscc_for

COUNTIES = np.array([330000 + p * 100 + c for p in range(1, 4) for c in range(2, 5)])
PARAMS = DrawParams(ratios=(0.03, 0.05, 0.10, 0.61), control_share=0.1)
# recorded with the draw of commit 67e7c30 (vectorised batches in the exact loop)
PINNED = {"fingerprint": "sha256:3c6d32ee080537e5a0d17aaab597158012ca65d78e10ec9199b705f0a7a52e0f",
          "teams": "079bfda9d4c7659edcbfee16114a009244ec88fd9f0cc4ebac7fdbea78111324",
          "counters": {"repaired_slots": 1898, "same_station_fallback": 0, "unassigned": 0}}


def _province(entities: int = 40_000, inspectors: int = 36):
    rng = np.random.default_rng(2026)
    entity_no = np.arange(entities, dtype=np.int64) * 3 + 1_000
    region = COUNTIES[rng.integers(0, COUNTIES.size, entities)]
    checked = rng.random(entities) < 0.3
    pool = dict(entity_no=entity_no, uscc=uscc_for(entity_no, region), region=region,
                risk_class=rng.choice(4, entities, p=(0.5, 0.35, 0.12, 0.03)).astype(np.int8),
                last_checked_days=np.where(checked, rng.integers(0, 1500, entities), -1)
                .astype(np.int32),
                targeted=rng.random(entities) < 0.01)
    number = np.arange(inspectors, dtype=np.int64) + 500
    station = COUNTIES[np.arange(inspectors) % COUNTIES.size]
    last = np.column_stack([entity_no[checked], number[rng.integers(0, inspectors,
                                                                   checked.sum())]])
    conflicts = np.column_stack([number, entity_no[rng.integers(0, entities, inspectors)]])
    roster = Roster(number, np.zeros(inspectors, np.int16), station, conflicts=conflicts,
                    last_inspector=last)
    return pool, roster


def _summary(res) -> dict:
    return {"fingerprint": res.internal_summary()["fingerprint"],
            "teams": hashlib.sha256(res.teams.tobytes()).hexdigest(),
            "counters": res.counters}


def test_the_draw_on_fixed_inputs_is_unchanged():
    pool, roster = _province()
    res = draw(EntityPool(**pool), roster, PARAMS, derive_key("national", 1, "r"), SALT)
    assert _summary(res) == PINNED


def test_the_leftover_steps_equal_the_loop_under_tight_caps():
    pool, roster = _province()
    res = draw(EntityPool(**pool), roster, PARAMS, derive_key("national", 2, "r"), SALT)
    for seed in range(3):
        args = (res.entity_no, EntityPool(**pool).region[np.searchsorted(pool["entity_no"],
                                                                         res.entity_no)],
                roster, PARAMS)
        fast = assign_inspectors(*args, np.random.PCG64(seed))
        loop = assign_inspectors(*args, np.random.PCG64(seed), batched=False)
        assert fast.counters["repaired_slots"] > fast.teams.shape[0] // 10
        np.testing.assert_array_equal(fast.teams, loop.teams)
        assert fast.unassigned == loop.unassigned and fast.counters == loop.counters


def test_a_mapped_pool_draws_the_same(tmp_path):
    pool, roster = _province()
    for name, column in pool.items():
        np.save(tmp_path / f"{name}.npy", column)
    mapped = EntityPool(**{name: np.load(tmp_path / f"{name}.npy", mmap_mode="r")
                           for name in pool})
    assert isinstance(mapped.uscc.base, np.ndarray)
    key = derive_key("national", 1, "r")
    assert _summary(draw(mapped, roster, PARAMS, key, SALT)) == PINNED
    assert mapped.public_digest == EntityPool(**pool).public_digest


def test_the_proposals_order_is_the_stable_argsort():
    rng = np.random.default_rng(7)
    for n in (0, 1, 2, 7, 5_000, 200_000):
        for high in (3, 2**20, 2**64 - 1):          # many ties, some, practically none
            key = rng.integers(0, high, n, dtype=np.uint64, endpoint=True)
            np.testing.assert_array_equal(_stable_order(key), np.argsort(key, kind="stable"))


def _codes(rng, n: int, regions: int) -> np.ndarray:
    number = rng.choice(31**9, n, replace=False)
    region = 110000 + rng.integers(0, regions, n)
    codes = uscc_for(number, region)
    codes.view(np.uint8).reshape(-1, 18)[:, 1] = np.frombuffer(b"123459ABC", np.uint8)[
        rng.integers(0, 9, n)]                       # several types: more first halves
    return codes


def test_the_pool_file_digest_equals_the_sorted_file_s(monkeypatch):
    rng = np.random.default_rng(11)
    for n, regions in ((0, 1), (1, 1), (2, 1), (3_000, 3), (20_000, 900)):
        codes = _codes(rng, n, regions)
        expected = public_pool_digest(np.sort(codes))
        assert ranks.pool_file_digest(codes, step=1_000) == expected
        monkeypatch.setattr(ranks, "_FIRSTS", 4)     # too many first halves: strings sorted
        assert ranks.pool_file_digest(codes, step=1_000) == expected
        monkeypatch.undo()
        if n > 1:
            twice = np.concatenate((codes, codes[n // 2:n // 2 + 1]))
            with pytest.raises(ValueError, match="unique"):
                ranks.pool_file_digest(twice)

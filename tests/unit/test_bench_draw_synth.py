"""The draw benchmark's province written block by block to mapped columns equals the one made in
memory (so the national-size curve draws the pool the 10 M figure draws), and draws the same."""

from __future__ import annotations

import numpy as np

from bench.draw_synth import POOL, load_pool, synthetic, write_pool
from supervision.plans.drawing import DrawParams, derive_key, draw
from tests.unit.draw_fixtures import SALT


def test_the_chunked_synthesis_equals_the_one_in_memory(tmp_path):
    pool, roster, _ = synthetic(3_500, 40, 2, block=1_000)
    times = write_pool(tmp_path / "pool", 3_500, 40, 2, block=1_000, reference=tmp_path)
    assert set(times) == {"write", "bare_write"}
    mapped, mapped_roster = load_pool(tmp_path / "pool")
    for name, _ in POOL:
        assert isinstance(getattr(mapped, name).base, np.memmap) or \
            isinstance(getattr(mapped, name).base.base, np.memmap)
        np.testing.assert_array_equal(getattr(mapped, name), getattr(pool, name), err_msg=name)
        assert (tmp_path / name).stat().st_size == getattr(pool, name).nbytes   # bare copy
    for name in ("inspector_no", "department", "region", "conflicts", "last_inspector"):
        np.testing.assert_array_equal(getattr(mapped_roster, name), getattr(roster, name))
    assert np.unique(pool.uscc).size == pool.uscc.size
    params = DrawParams(ratios=(0.03, 0.05, 0.10, 0.61), control_share=0.1)
    key = derive_key("synth", 1, "r")
    assert draw(mapped, mapped_roster, params, key, SALT).internal_summary()["fingerprint"] == \
        draw(pool, roster, params, key, SALT).internal_summary()["fingerprint"]


def test_blocks_do_not_depend_on_how_many_are_made():
    small, _, _ = synthetic(2_500, 10, 1, block=1_000)
    large, _, _ = synthetic(3_500, 10, 1, block=1_000)
    np.testing.assert_array_equal(large.uscc[:2_500], small.uscc)
    np.testing.assert_array_equal(large.risk_class[:2_500], small.risk_class)

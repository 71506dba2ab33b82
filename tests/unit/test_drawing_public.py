"""The public side of ``opencheck-draw/2``: ranks, the control sample, the public record and its
verification without login, and what the public record must never reveal (DOMAIN §7)."""

from __future__ import annotations

import copy
import hashlib
import json
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supervision.plans import ranks
from supervision.plans.drawing import (
    DrawParams,
    EntityPool,
    derive_key,
    draw,
    public_pool_digest,
    verify_public,
)
from tests.unit.draw_fixtures import ALPHABET, SALT, key_of, rank_reference, uscc_for
from tests.unit.test_drawing import make_pool, make_roster

codes = st.text(alphabet=ALPHABET, min_size=18, max_size=18)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=16, max_size=16), st.lists(codes, min_size=1, max_size=40))
def test_numpy_rank_agrees_with_the_pure_python_reference(key16, usccs):
    assert ranks.rank(key16, usccs).tolist() == [rank_reference(key16, u) for u in usccs]


def test_rank_on_many_random_codes_and_the_documented_test_vector():
    rng = random.Random(20251101)
    usccs = ["".join(rng.choice(ALPHABET) for _ in range(18)) for _ in range(20_000)]
    key16 = rng.randbytes(16)
    assert ranks.rank(key16, usccs).tolist() == [rank_reference(key16, u) for u in usccs]
    assert ranks.rank(bytes(16), ["914403001922038216"]).tolist() == [10438736612513044021]
    assert rank_reference(bytes(16), "914403001922038216") == 10438736612513044021
    extremes = ["0" * 18, "Y" * 18, "0" * 9 + "Y" * 9, "Y" * 9 + "0" * 9]
    assert ranks.rank(b"\xff" * 16, extremes).tolist() == \
        [rank_reference(b"\xff" * 16, u) for u in extremes]


def test_public_pool_digest_is_the_tagged_sha256_of_the_sorted_file():
    usccs = sorted(c.decode() for c in uscc_for([7, 3, 11]))
    text = "".join(u + "\n" for u in usccs).encode()
    expected = "sha256:" + hashlib.sha256(b"opencheck-public-pool/2\n" + text).hexdigest()
    assert public_pool_digest(usccs) == expected
    pool = EntityPool([3, 7, 11], uscc_for([3, 7, 11]), [330702] * 3, [0, 1, 3], [-1] * 3,
                      [False] * 3)
    assert pool.public_digest == expected
    with pytest.raises(ValueError, match="ascending"):
        public_pool_digest(usccs[::-1])


@pytest.fixture(scope="module")
def honest():
    pool = make_pool(n=600, seed=8, never_share=0.4)
    params = DrawParams(ratios=(0.05, 0.1, 0.3, 0.8), control_share=0.3)
    key = derive_key("plan-2026-007", 1, "drand quicknet round 123456")
    result = draw(pool, make_roster(), params, key, SALT)
    public = json.loads(json.dumps(result.public_summary()))
    file = sorted(u.decode() for u in pool.uscc)
    return pool, key, result, public, file


def test_control_sample_is_the_lowest_control_ranks_of_the_whole_pool(honest):
    pool, key, result, _, _ = honest
    crank = np.array([rank_reference(key[:16], u.decode()) for u in pool.uscc], np.uint64)
    n_c = int(result.control.sum())
    lowest = np.sort(np.argsort(crank, kind="stable")[:n_c])
    assert result.entity_no[result.control].tolist() == pool.entity_no[lowest].tolist()
    assert result.control_cutoff == str(crank[lowest].max())
    assert result.control_rank.tolist() == crank[np.searchsorted(pool.entity_no,
                                                                 result.entity_no)].tolist()
    # cooling-off rows are in the control sample's frame like every other row
    cooling = (pool.last_checked_days >= 0) & (pool.last_checked_days < 365) & \
        (pool.risk_class == 0) & ~pool.targeted
    assert (crank[cooling] <= int(result.control_cutoff)).any()
    assert np.isin(pool.entity_no[cooling & (crank <= int(result.control_cutoff))],
                   result.entity_no).all()


def test_verify_public_accepts_the_honest_record(honest):
    _, key, result, public, file = honest
    assert verify_public(public, key, file) == []
    assert verify_public(public, key, list(reversed(file))) == []   # any order of the file
    assert public["drawn"] == result.entity_no.size
    assert public["control_drawn"] == int(result.control.sum()) > 0


def test_verify_public_catches_a_dropped_control_entity(honest):
    _, key, _, public, file = honest
    forged = copy.deepcopy(public)
    control = [e for e in forged["entities"] if e["control"]]
    middle = sorted(control, key=lambda e: int(e["control_rank"]))[len(control) // 2]
    forged["entities"].remove(middle)
    forged["drawn"] -= 1
    forged["control_drawn"] -= 1
    diffs = verify_public(forged, key, file)
    assert any(d.startswith("control sample: 1 pool entities among the") and middle["uscc"] in d
               for d in diffs), diffs


def test_verify_public_catches_an_entity_not_in_the_pool(honest):
    _, key, _, public, file = honest
    forged = copy.deepcopy(public)
    stranger = uscc_for([10**11])[0].decode()
    assert stranger not in file
    rank = str(ranks.rank(key[:16], [stranger])[0])
    forged["entities"].append({"uscc": stranger, "control": False, "control_rank": rank})
    forged["drawn"] += 1
    diffs = verify_public(forged, key, file)
    assert diffs == [f"entities: 1 not in the public pool, e.g. ['{stranger}']"]


def test_verify_public_catches_a_tampered_pool_file(honest):
    _, key, _, public, file = honest
    drawn = {e["uscc"] for e in public["entities"]}
    quiet = next(u for u in file if u not in drawn)
    shorter = [u for u in file if u != quiet]
    diffs = verify_public(public, key, shorter)
    assert diffs[0].startswith("public_pool_digest: recorded sha256:")
    assert diffs[1] == f"pool_size: recorded {len(file)}, the pool file has {len(shorter)}"
    swapped = shorter + [uscc_for([10**11])[0].decode()]
    assert verify_public(public, key, swapped)[0].startswith("public_pool_digest")


def test_verify_public_catches_forged_ranks_counts_and_keys(honest):
    _, key, _, public, file = honest
    forged = copy.deepcopy(public)
    forged["entities"][0]["control_rank"] = "1"
    assert any(d.startswith("control_rank: recorded rank differs") for d in
               verify_public(forged, key, file))
    forged = copy.deepcopy(public)
    forged["control_cutoff"] = str(int(public["control_cutoff"]) + 1)
    assert any(d.startswith("control_cutoff: recorded") for d in verify_public(forged, key, file))
    forged = copy.deepcopy(public)
    forged["drawn"] += 1
    assert verify_public(forged, key, file)[0].startswith("drawn: recorded")
    other = key_of("another beacon")
    diffs = verify_public(public, other, file)
    assert diffs[0].startswith("key: recorded")
    assert any(d.startswith("control sample:") for d in diffs)


def _flatten(value, path=""):
    """Every (key path, leaf) of a JSON value."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flatten(v, f"{path}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _flatten(v, f"{path}/{i}")
    else:
        yield path, value


def test_public_summary_of_a_one_entity_class_d_pool_reveals_no_class():
    def pool_of(risk_class):
        return EntityPool([1], uscc_for([1]), [330702], [risk_class], [-1], [False])

    params = DrawParams(ratios=(1.0, 1.0, 1.0, 1.0), control_share=0.5)
    roster = make_roster()
    public = draw(pool_of(3), roster, params, key_of(1), SALT).public_summary()
    assert public["drawn"] == 1
    names = {p.rsplit("/", 1)[-1].lower() for p, _ in _flatten(public)}
    assert not {n for n in names if any(w in n for w in ("strat", "class", "risk", "ratio",
                                                         "param", "cool", "target", "eligib"))}
    assert not names & {"a", "b", "c", "d", "pool_digest"}
    numbers = {p for p, v in _flatten(public) if isinstance(v, (int, float))
               and not isinstance(v, bool)}
    assert numbers == {"/pool_size", "/drawn", "/control_drawn"}     # no per-class counts
    # the same pool with a class A entity: the very same public record
    same = draw(pool_of(0), roster, params, key_of(1), SALT).public_summary()
    assert same == public
    internal = draw(pool_of(3), roster, params, key_of(1), SALT).internal_summary()
    assert internal["strata"]["D"]["drawn"] == 1    # the internal record does keep it


def test_public_summary_lists_uscc_flag_and_rank_only(honest):
    _, _, result, public, _ = honest
    assert set(public) == {"algorithm_version", "key", "salt_commitment", "public_pool_digest",
                           "pool_size", "drawn", "control_drawn", "control_cutoff", "entities"}
    assert all(set(e) == {"uscc", "control", "control_rank"} for e in public["entities"])
    listed = [e["uscc"] for e in public["entities"]]
    assert listed == sorted(listed)             # USCC order: no link to internal numbering
    assert public["salt_commitment"] == result.salt_commitment

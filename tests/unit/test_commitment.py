"""Commit, then reveal: the committed source, the value's checks, the plan's lifecycle."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kernel.errors import Conflict, InvalidInput
from supervision.plans import beacon, commitment
from supervision.plans.commitment import RandomSource
from supervision.plans.plan import SpotCheckPlan
from tests.factories import after_lottery, drand_round, lottery

DELAY = timedelta(minutes=60)


def test_a_drand_commitment_names_a_round_after_the_delay():
    v = drand_round(0)
    at = v["time"] - DELAY - timedelta(seconds=1)
    c = commitment.commit(RandomSource(), at, DELAY)
    assert c["round"] == v["round"] and c["chain_hash"] == beacon.QUICKNET.chain_hash
    assert c["round_time"] > c["committed_at"]
    # a redraw's commitment is always a later round than the superseded one
    again = commitment.commit(RandomSource(), at - timedelta(hours=5), DELAY, after=c)
    assert again["round"] == v["round"] + 1


def test_the_draw_takes_only_the_committed_round_once_it_exists():
    v = drand_round(0)
    c = commitment.commit(RandomSource(), v["time"] - DELAY - timedelta(seconds=1), DELAY)
    with pytest.raises(Conflict, match="cannot run before"):
        commitment.reveal_drand(c, v["round"], v["signature"], v["time"] - timedelta(seconds=1))
    other = drand_round(1)
    with pytest.raises(InvalidInput) as wrong_round:
        commitment.reveal_drand(c, other["round"], other["signature"], other["time"])
    assert wrong_round.value.field == "round"
    flipped = v["signature"][:-1] + ("0" if v["signature"][-1] != "0" else "1")
    with pytest.raises(InvalidInput) as bad:
        commitment.reveal_drand(c, v["round"], flipped, v["time"])
    assert bad.value.field == "signature"
    # another round's (valid) signature is not this round's
    with pytest.raises(InvalidInput):
        commitment.reveal_drand(c, v["round"], other["signature"], v["time"])
    assert commitment.reveal_drand(c, v["round"], v["signature"], v["time"]) == v["randomness"]


def test_a_lottery_is_committed_before_and_entered_after_its_drawing():
    day = date(2026, 3, 2)
    source = lottery(day).validated(day)
    with pytest.raises(Conflict):   # committing after the drawing could pick a known value
        commitment.commit(source, after_lottery(day), DELAY)
    c = commitment.commit(source, after_lottery(day) - timedelta(hours=10), DELAY)
    with pytest.raises(Conflict):
        commitment.check_lottery_entry(c, "381", after_lottery(day) - timedelta(hours=2))
    with pytest.raises(InvalidInput):
        commitment.check_lottery_entry(c, "38", after_lottery(day))
    assert commitment.check_lottery_entry(c, "３８１", after_lottery(day)) == "381"
    with pytest.raises(InvalidInput):   # the drafted source is checked too
        lottery(day - timedelta(days=1)).validated(day)


def _published_lottery_plan(day: date) -> SpotCheckPlan:
    plan = SpotCheckPlan(terms={}, drafted_by="sup", drafted_on=day)
    plan.publish(day, "sup", commitment.commit(lottery(day).validated(day),
                                               after_lottery(day) - timedelta(hours=10), DELAY))
    return plan


def test_a_second_user_confirms_the_same_value():
    day = date(2026, 3, 2)
    plan = _published_lottery_plan(day)
    with pytest.raises(Conflict):
        plan.confirm_value("381", after_lottery(day), "sup2")   # nothing entered yet
    plan.enter_value("381", after_lottery(day), "sup")
    with pytest.raises(Conflict, match="second user"):
        plan.confirm_value("381", after_lottery(day), "sup")
    with pytest.raises(Conflict, match="differs"):
        plan.confirm_value("318", after_lottery(day), "sup2")
    assert plan.confirmed_value is None
    plan.confirm_value("381", after_lottery(day), "sup2")
    assert plan.confirmed_value == "381"


def test_redraws_need_a_reason_a_new_commitment_and_stay_within_the_limit():
    day = date(2026, 3, 2)
    plan = _published_lottery_plan(day)
    plan.record_draw({"draw_no": 1}, day, "sup")
    with pytest.raises(InvalidInput):
        plan.supersede("no", 1, {"source": "lottery"}, after_lottery(day), "sup")
    plan.supersede("pool held a deregistered entity", 1, {"source": "lottery"},
                   after_lottery(day), "sup")
    assert plan.status == "published" and plan.commitment["commitment_no"] == 2
    assert plan.draws[0]["superseded_reason"] == "pool held a deregistered entity"
    assert plan.confirmed_value is None   # the first commitment's value does not carry over
    plan.record_draw({"draw_no": 2}, day, "sup")
    with pytest.raises(Conflict, match="limit"):
        plan.supersede("another good reason", 1, {"source": "lottery"}, after_lottery(day),
                       "sup")

"""The open-data delta is exact: applied to the previous records it gives the current ones."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from credit.opendata.dumps import apply_delta, delta

records = st.dictionaries(st.text(min_size=1, max_size=4),
                          st.fixed_dictionaries({"v": st.integers(0, 3),
                                                 "s": st.sampled_from(["甲", "乙", None])}),
                          max_size=20)


@given(records, records)
def test_applying_the_delta_gives_the_current_records(before, after):
    lines = list(delta(before, after))
    assert apply_delta(before, lines) == after
    ops = {line["op"] for line in lines}
    assert ops <= {"added", "changed", "removed"}
    # each key at most once, and only keys whose record differs
    assert len({line["key"] for line in lines}) == len(lines)
    assert all(before.get(line["key"]) != after.get(line["key"]) for line in lines)


def test_an_unchanged_day_has_an_empty_delta():
    same = {"a": {"v": 1}, "b": {"v": 2}}
    assert list(delta(same, dict(same))) == []

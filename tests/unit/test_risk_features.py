"""Features as of a date never see the future: an event after the cut-off changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from credit.rating.facts import NEVER, day_number
from credit.risk.features import FEATURES, History, feature_matrix
from credit.risk.synthetic import generate
from credit.rules import AbnormalListRules, RiskScoringRules

S, A = RiskScoringRules(), AbnormalListRules()


@pytest.fixture(scope="module")
def province():
    return generate(3_000, seed=11, years=3)


def _add(rows: dict, **cols) -> dict:
    return {k: np.concatenate([rows[k], np.asarray(cols[k], rows[k].dtype)]) for k in rows}


def _future(h: History, day: int) -> History:
    """Every kind of event, for every entity, dated `day`."""
    f, n = h.facts, h.size
    e = np.arange(n)
    one, d = np.ones(n), np.full(n, day)
    never = np.full(n, NEVER)
    facts = replace(
        f,
        penalties=_add(f.penalties, entity=e, decided=d, severity=one * 2, fine_or_above=one,
                       ended=never, repaired=never),
        serious=_add(f.serious, entity=e, since=d, until=never),
        abnormal=_add(f.abnormal, entity=e, since=d, until=never),
        results=_add(f.results, entity=e, day=d, negative=one, clean=0 * one),
        false_commitments={"entity": e, "found": d, "repaired": never})
    comp = _add(h.complaints, entity=e, day=d, substantiated=one)
    return History(facts, comp, h.hazard)


def test_an_event_after_the_cut_off_changes_no_feature(province):
    h, cut = province.history, province.eval_as_of
    before = feature_matrix(h, cut, S, A)
    after = feature_matrix(_future(h, day_number(cut) + 1), cut, S, A)
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)


def test_the_same_event_on_the_cut_off_day_is_seen(province):
    h, cut = province.history, province.eval_as_of
    x0, s0, _ = feature_matrix(h, cut, S, A)
    x1, s1, known = feature_matrix(_future(h, day_number(cut)), cut, S, A)
    col = FEATURES.index("complaints_90d")
    assert (x1[known, col] == x0[known, col] + 1).all()
    assert (s1[known] >= 80).all()        # serious list: class D floor


def test_an_entity_registered_after_the_cut_off_is_not_scored(province):
    h = province.history
    cut = province.train_as_of
    _, _, known = feature_matrix(h, cut, S, A)
    assert (known == (h.facts.registered <= day_number(cut))).all()
    assert not known.all()


def test_features_as_of_an_earlier_day_ignore_the_training_labels(province):
    h = province.history
    x, _, _ = feature_matrix(h, province.train_as_of, S, A)
    late = h.facts.results["day"] > day_number(province.train_as_of)
    cut = replace(h.facts, results={k: v[~late] for k, v in h.facts.results.items()})
    np.testing.assert_array_equal(x, feature_matrix(History(cut, h.complaints, h.hazard),
                                                    province.train_as_of, S, A)[0])
    assert province.eval_as_of - province.train_as_of >= timedelta(days=364)
    assert date(2000, 1, 1) < province.train_as_of

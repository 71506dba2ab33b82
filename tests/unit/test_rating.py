"""The A–D score and the red-list rule over fact arrays (pure numpy, no database)."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from credit.lists.red_list import eligible
from credit.rating.facts import NEVER, CreditFacts
from credit.rating.scoring import classify, reason_names
from credit.rules import DEFAULT_RULES, Rules
from supervision.plans.pool import epoch_day

ON = date(2026, 10, 1)
RULES = DEFAULT_RULES


def d(day: date | None) -> int:
    return NEVER if day is None else epoch_day(day)


def facts(n: int, registered=date(2015, 3, 1), reports=True, penalties=(), serious=(),
          abnormal=(), false_commitments=(), results=(), commendations=None) -> CreditFacts:
    """`n` entities; fact rows as tuples whose first item is the entity's position (by
    default every entity holds a commendation from 2024 to 2028)."""
    def rows(items, names, dated):
        cols = list(zip(*items)) if items else [()] * len(names)
        return {name: np.array([d(v) if name in dated else v for v in col],
                               dtype=np.int64 if name == "entity" else np.int32)
                for name, col in zip(names, cols)}
    reps = [(i, y, d(date(y + 1, 5, 1))) for i in range(n) for y in (2024, 2025)] if reports \
        else []
    return CreditFacts(
        entity_no=np.arange(1, n + 1, dtype=np.int64) * 7,
        registered=np.full(n, d(registered), np.int32), active=np.ones(n, bool),
        individual=np.zeros(n, bool),
        penalties=rows(penalties, ("entity", "decided", "severity", "fine_or_above", "ended",
                                   "repaired"), {"decided", "ended", "repaired"}),
        serious=rows(serious, ("entity", "since", "until"), {"since", "until"}),
        abnormal=rows(abnormal, ("entity", "since", "until"), {"since", "until"}),
        false_commitments=rows(false_commitments, ("entity", "found", "repaired"),
                               {"found", "repaired"}),
        results=rows(results, ("entity", "day", "negative", "clean"), {"day"}),
        reports={"entity": np.array([r[0] for r in reps], np.int64),
                 "year": np.array([r[1] for r in reps], np.int32),
                 "filed": np.array([r[2] for r in reps], np.int32)},
        commendations=rows([(i, date(2024, 1, 1), date(2028, 1, 1)) for i in range(n)]
                           if commendations is None else commendations,
                           ("entity", "since", "until"), {"since", "until"}))


def graded(f: CreditFacts, rules: Rules = RULES):
    c = classify(f, rules.risk_scoring, rules.abnormal_list, ON)
    return ["ABCD"[k] for k in c.risk_class], c.score.tolist(), [reason_names(int(m))
                                                                  for m in c.reasons]


def test_a_clean_established_compliant_entity_is_class_a_and_a_newcomer_b():
    classes, scores, reasons = graded(facts(1))
    assert classes == ["A"] and scores == [25.0]
    assert reasons == [["annual_reports_on_time", "established"]]
    classes, scores, _ = graded(facts(1, registered=date(2026, 3, 1), reports=False))
    assert classes == ["B"] and scores == [50.0]


def test_a_heavy_recent_penalty_in_force_is_class_d_until_repaired_or_old():
    heavy = (0, date(2026, 9, 1), 2, 1, None, None)
    assert graded(facts(1, penalties=[heavy]))[0] == ["D"]
    repaired = (0, date(2026, 9, 1), 2, 1, None, date(2026, 9, 30))
    assert graded(facts(1, penalties=[repaired]))[0] == ["A"]
    revoked = (0, date(2026, 9, 1), 2, 1, date(2026, 9, 15), None)
    assert graded(facts(1, penalties=[revoked]))[0] == ["A"]
    old = (0, date(2024, 9, 1), 2, 1, None, None)
    classes, scores, reasons = graded(facts(1, penalties=[old]))
    assert classes == ["B"] and scores == [31.0] and "penalty_older" in reasons[0]
    future = (0, date(2026, 10, 2), 2, 1, None, None)   # decided after the day: not yet
    assert graded(facts(1, penalties=[future]))[0] == ["A"]


def test_lists_are_vetoes_and_counts_are_capped():
    assert graded(facts(1, serious=[(0, date(2025, 1, 1), date(2028, 1, 1))]))[0] == ["D"]
    assert graded(facts(1, abnormal=[(0, date(2026, 7, 15), None)]))[0] == ["C"]
    ended = (0, date(2026, 7, 15), date(2026, 9, 1))
    assert graded(facts(1, abnormal=[ended]))[0] == ["A"]
    many = [(0, date(2026, 5, 1), 1, 1, None, None)] * 5   # 5 general penalties, counted 3×
    _, scores, _ = graded(facts(1, penalties=many))
    assert scores == [25.0 + 3 * 12]


def test_inspection_results_and_commitments_count_within_their_windows():
    negative = [(0, date(2026, 3, 1), 1, 0), (0, date(2023, 3, 1), 1, 0)]
    _, scores, reasons = graded(facts(1, results=negative))
    assert scores == [35.0] and "negative_result" in reasons[0]
    _, scores, reasons = graded(facts(1, results=[(0, date(2026, 3, 1), 0, 1)]))
    assert scores == [20.0] and "clean_result" in reasons[0]
    _, scores, _ = graded(facts(1, false_commitments=[(0, date(2026, 1, 1), None)]))
    assert scores == [40.0]


def test_weights_and_cut_points_are_configurable():
    rules = Rules.model_validate({"risk_scoring": {"b_from": 20, "established": {"points": 0}}})
    classes, scores, _ = graded(facts(1), rules)
    assert classes == ["B"] and scores == [35.0]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.dates(date(2022, 1, 1), date(2027, 1, 1)),
                          st.integers(0, 2), st.booleans()), max_size=12),
       st.lists(st.integers(0, 5), min_size=1, max_size=6, unique=True))
def test_entities_are_scored_independently(pen, subset):
    """Vectorised scoring never mixes entities: a subset scores as it does within the whole."""
    penalties = [(i, day, sev, 1, None, date(2026, 6, 1) if rep else None)
                 for i, day, sev, rep in pen]
    whole = classify(facts(6, penalties=penalties), RULES.risk_scoring, RULES.abnormal_list, ON)
    for i in subset:
        alone = classify(facts(1, penalties=[(0, *p[1:]) for p in penalties if p[0] == i]),
                         RULES.risk_scoring, RULES.abnormal_list, ON)
        assert (alone.score[0], alone.risk_class[0], alone.reasons[0]) == \
            (whole.score[i], whole.risk_class[i], whole.reasons[i])


def test_red_list_rule():
    r = RULES.red_list
    f = facts(6, penalties=[(1, date(2025, 6, 1), 1, 1, None, None),        # fine in 2 years
                            (2, date(2025, 6, 1), 1, 1, None, date(2026, 1, 1)),   # repaired
                            (3, date(2024, 6, 1), 1, 1, None, None),        # older than 2 years
                            (4, date(2026, 6, 1), 0, 0, None, None)],       # criticism only
              abnormal=[(5, date(2026, 7, 15), None)])
    assert eligible(f, r, ON).tolist() == [True, False, True, True, True, False]
    strict = r.model_copy(update={"repaired_penalties_disqualify": True})
    assert eligible(f, strict, ON).tolist()[2] is False
    young = facts(1, registered=date(2025, 1, 1))
    assert eligible(young, r, ON).tolist() == [False]


def test_red_list_needs_a_commendation_in_force_unless_the_rule_says_otherwise():
    r = RULES.red_list
    f = facts(4, commendations=[(0, date(2025, 1, 1), date(2027, 1, 1)),
                                (1, date(2024, 1, 1), ON),                 # ended that day
                                (2, date(2026, 11, 1), date(2028, 1, 1))])  # after ON
    assert eligible(f, r, ON).tolist() == [True, False, False, False]
    clean_record_alone = r.model_copy(update={"require_commendation": False})
    assert eligible(f, clean_record_alone, ON).tolist() == [True] * 4

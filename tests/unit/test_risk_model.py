"""The model on the planted-truth province: it learns, beats the rules there, and explains."""

from __future__ import annotations

import numpy as np
import pytest

from credit.risk import experiment
from credit.risk.evaluation import roc_auc
from credit.risk.model import RiskModel
from credit.risk.synthetic import generate
from credit.rules import AbnormalListRules, RiskScoringRules


@pytest.fixture(scope="module")
def evaluation():
    p = generate(20_000, seed=3)
    return p, experiment.run(p.history, p.train_as_of, p.eval_as_of, p.period_days,
                             RiskScoringRules(), AbnormalListRules())


def test_the_model_beats_the_rules_out_of_sample_and_stays_below_the_truth(evaluation):
    p, ev = evaluation
    c = ev.comparison
    truth = roc_auc(p.eval_problem, p.propensity[p.eval_rows])
    assert c.inspections == p.eval_rows.size and c.problems == int(p.eval_problem.sum())
    assert c.rules_auc < c.model_auc < truth
    assert c.beats_rules and c.days_earlier > 0


def test_contributions_add_up_to_the_score_and_the_model_round_trips(evaluation):
    _, ev = evaluation
    m = ev.model
    x = ev.features[:50]
    np.testing.assert_allclose(m.intercept + m.contributions(x).sum(axis=1), m.log_odds(x))
    again = RiskModel.from_dict(m.to_dict())
    assert again.version == m.version
    np.testing.assert_allclose(again.predict(x), ev.model_score[:50])
    top = m.explain(x[0], top=3)
    assert len(top) == 3 and abs(top[0]["contribution"]) >= abs(top[-1]["contribution"])

"""A learned model feeding a draw stratum (rules.model_stratum), on SQLite and PostgreSQL: off
without a model that beat the rules; with one, the highest-scored entities are drawn in a higher
class and the pool it fed is recorded as an event naming the draw's public pool digest."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import sqlalchemy as sa

from credit.rating.scoring import StoredRiskClasses
from credit.risk.complaint import ComplaintData
from credit.risk.features import FEATURES
from credit.risk.model import RiskModel
from credit.risk.rules import ModelStratumRules
from credit.risk.stratum import ModelStratum
from credit.risk.tables import risk_model_pools
from supervision.plans.plan import PlanScope, PlanTerms
from supervision.plans.tables import plan_draws
from tests.factories import (
    check_item,
    entity,
    inspector,
    known_codes,
    lottery,
    lottery_draw,
)
from tests.integration.test_cli import _cli

ON = date(2025, 9, 22)
DEPTS = {"market_regulation", "ecology_environment", "emergency_management", "health"}


def _entity(i: int):
    return entity(i, region="330702" if i % 2 else "330703")


def _model(beats: bool) -> tuple[RiskModel, dict]:
    coef = [5.0 if f == "complaints_all" else 0.0 for f in FEATURES]
    m = RiskModel(FEATURES, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES), tuple(coef), -3.0,
                  "2024-09-01", "2025-09-01", 100)
    return m, {"beats_rules": beats, "rules_auc": 0.55, "model_auc": 0.6 if beats else 0.5}


class StratumScenario:
    backend = "sqlite"

    def test_a_model_that_beat_the_rules_raises_its_top_entities_and_is_recorded(self,
                                                                                  platform):
        app, credit = platform.supervision, platform.credit
        app.register_entities([_entity(i) for i in range(40)])
        app.register_inspectors([inspector(i, region="330702" if i % 2 else "330703")
                                 for i in range(12)], ON)
        app.add_check_item(check_item(1), known_codes())
        platform.settle()
        complained = [_entity(i).uscc for i in (3, 4)]
        for n, uscc in enumerate(complained):
            credit.record_complaint(ComplaintData(uscc, "market_regulation", f"R-{n}",
                                                  date(2025, 8, 1), "letter", "价格", True),
                                    ON)
        rules = platform.rules.model_copy(update={"model_stratum": ModelStratumRules(
            enabled=True, top_share=0.05, raise_to="D")})
        stratum = ModelStratum(platform.engine, rules, StoredRiskClasses(platform.engine),
                               credit.record_model_use, lambda: ON)
        with platform.engine.connect() as conn:
            nos = np.array(sorted(conn.scalars(sa.text("SELECT entity_no FROM entities"))),
                           np.int64)
        # a model that did not beat the rules changes nothing and cannot be recorded as used
        weak, ev = _model(False)
        credit.record_model_evaluation(weak.version, weak.to_dict(), ev, ON)
        platform.settle("credit")
        np.testing.assert_array_equal(stratum(nos), StoredRiskClasses(platform.engine)(nos))
        with pytest.raises(ValueError, match="did not beat"):
            credit.record_model_use(weak.version, "sha256:x", 1, 0, "sha256:y", ON)
        # one that did: the two entities with complaints are drawn as class D
        strong, ev = _model(True)
        strong = RiskModel.from_dict({**strong.to_dict(), "intercept": -2.5})
        credit.record_model_evaluation(strong.version, strong.to_dict(), ev, ON)
        platform.settle("credit")
        app.risk_classes = stratum
        plan_id = app.draft_plan(PlanTerms(
            name="模型分层试点", lead_department="market_regulation", departments=(),
            check_items=("T-001",), scope=PlanScope("3307"),
            ratios={"A": 0.0, "B": 0.0, "C": 0.0, "D": 1.0}, due_on=date(2025, 12, 31),
            randomness=lottery(ON)), ON, "sup", DEPTS)
        lottery_draw(app, plan_id, ON)
        platform.settle()
        platform.settle("credit")
        with platform.engine.connect() as conn:
            public = conn.execute(sa.select(plan_draws.c.public)
                                  .where(plan_draws.c.plan_id == plan_id.hex)).scalar_one()
            fed = conn.execute(sa.select(risk_model_pools)).all()
        drawn = {e["uscc"] for e in public["entities"]}
        assert drawn == set(complained)          # only class D is drawn: the two raised
        assert len(fed) == 1 and fed[0].model_version == strong.version
        assert fed[0].public_pool_digest == public["public_pool_digest"]
        assert fed[0].raised == 2 and fed[0].pool_size == 40
        # the CLI explains an entity's score by the features that moved it
        r = _cli(platform.settings, "risk", "explain", complained[0], "--as-of", "2025-09-22")
        assert r.returncode == 0, r.stderr
        # coefficient 5 × log1p(1 complaint) = 3.466 (mean 0, scale 1)
        assert "complaints_all" in r.stdout and "+3.466" in r.stdout and strong.version in r.stdout
        r = _cli(platform.settings, "risk", "explain", _entity(39).uscc.replace("9", "8", 1))
        assert r.returncode == 2 and "uscc" in r.stderr


class TestStratumOnSQLite(StratumScenario):
    pass


@pytest.mark.postgres
class TestStratumOnPostgres(StratumScenario):
    backend = "postgres"

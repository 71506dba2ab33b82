"""The closed loop (DOMAIN §1), on SQLite and PostgreSQL: a heavy penalty moves the entity to
class D at the monthly reclassification, so the next draw takes it at the D ratio (1.0: always);
after credit repair and time it falls back and is drawn at its class's ratio again."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import sqlalchemy as sa

from credit.rating.tables import risk_classes
from kernel.errors import Conflict
from opencheck.scheduler import run_jobs
from supervision.plans.plan import PlanScope, PlanTerms
from supervision.tasks.tables import tasks
from tests.factories import (
    check_item,
    decision,
    entity,
    inspector,
    known_codes,
    lottery,
    lottery_draw,
)
from tests.integration.credit_helpers import PLEDGE, entity_no, register

DEPTS = {"market_regulation", "ecology_environment", "emergency_management", "health"}
FAR = date(2033, 1, 1)
RATIOS = {"A": 0.03, "B": 0.05, "C": 0.2, "D": 1.0}


def _plan(platform, today: date, n: int) -> set[str]:
    """Draft, publish and draw a plan over the county today; the codes of the drawn entities."""
    app = platform.supervision
    plan_id = app.draft_plan(PlanTerms(
        name=f"{today.year}年度双随机抽查 {n}", lead_department="market_regulation",
        departments=(), check_items=("T-001",), scope=PlanScope("330702"), ratios=RATIOS,
        due_on=date(today.year + 1, 6, 30), randomness=lottery(today, f"2026{n:03d}期")),
        today, "sup", DEPTS)
    record = lottery_draw(app, plan_id, today, f"{n:03d}")
    platform.settle()
    assert app.verify_draw(plan_id)["verified"]
    with platform.engine.connect() as conn:
        drawn = set(conn.scalars(sa.select(tasks.c.uscc).where(tasks.c.plan_id == plan_id.hex)))
    assert len(drawn) == record["drawn"]
    return drawn


def _class_of(platform, uscc: str) -> tuple[int, float, str]:
    with platform.engine.connect() as conn:
        row = conn.execute(sa.select(risk_classes.c["class"], risk_classes.c.score,
                                     risk_classes.c.reasons)
                           .where(risk_classes.c.entity_no == entity_no(platform, uscc))).one()
    return tuple(row)


class ClosedLoopScenario:
    backend = "sqlite"

    def test_heavy_penalty_makes_class_d_and_always_drawn_then_repair_brings_it_back(
            self, platform):
        register(platform, range(40), reports_until=2026)
        app, credit = platform.supervision, platform.credit
        app.register_inspectors([inspector(i) for i in range(6)], date(2026, 1, 5))
        app.add_check_item(check_item(1), known_codes())
        platform.settle()
        code = entity(7).uscc
        # never classified: every entity counts as class B for the drawer
        assert platform.risk_classes(np.array([entity_no(platform, code)])).tolist() == [1]
        # a heavier penalty (较重行政处罚), decided and published in September 2026
        case = credit.open_penalty(code, "market_regulation", date(2026, 8, 3), FAR)
        credit.decide_penalty(case, decision(decided_on=date(2026, 9, 1), heavier_penalty=True),
                              FAR)
        credit.publish_penalty(case, date(2026, 9, 7), FAR)
        # the monthly job (1 October) re-classifies the province: 7 is D, the others A
        assert "risk-reclassification" in run_jobs(platform, date(2026, 10, 1))
        risk_class, score, reasons = _class_of(platform, code)
        assert risk_class == 3 and score >= 80 and "heavy_penalty" in reasons.split(",")
        assert _class_of(platform, entity(8).uscc)[0] == 0
        for n in range(3):   # D ratio 1.0: whatever the public random number, 7 is drawn
            assert code in _plan(platform, date(2026, 10, 8), n)
        # repair: a heavy penalty only after 12 months of publicity (SAMR Order 107)
        credit.record_penalty_fulfilment(case, "fine_paid", date(2026, 9, 20), FAR)
        credit.record_penalty_fulfilment(case, "obligations_fulfilled", date(2026, 9, 21), FAR)
        with pytest.raises(Conflict, match="possible from 2027-09-07"):
            credit.apply_for_repair("penalty", case.hex, date(2027, 9, 6), PLEDGE, ["凭证"], FAR)
        repair = credit.apply_for_repair("penalty", case.hex, date(2027, 9, 7), PLEDGE,
                                         ["罚款缴纳凭证"], FAR)
        credit.decide_repair(repair, True, date(2027, 9, 8), "supervisor", "", FAR)
        run_jobs(platform, date(2027, 10, 1))
        assert _class_of(platform, code)[0] == 0
        drawn = [_plan(platform, date(2027, 10, 8), n) for n in range(3, 9)]
        assert sum(code in d for d in drawn) <= 2   # A ratio 3 %: rarely, not always


class TestClosedLoopOnSQLite(ClosedLoopScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestClosedLoopOnPostgres(ClosedLoopScenario):
    backend = "postgres"

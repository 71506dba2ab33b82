"""Risk measured on a real store (SQLite and PostgreSQL): outcomes by class against the draw's
control sample; complaints recorded as events under the authority rules and read back as
features; the CLI (risk outcomes, risk evaluate, policy-lab) over the same store."""

from __future__ import annotations

import json
from datetime import date
from uuid import UUID

import pytest

from credit.jobs import reclassify
from credit.risk import views as risk_views
from credit.risk.complaint import ComplaintData
from credit.risk.features import FEATURES, feature_matrix
from credit.risk.queries import drawn_outcomes, load_history, plan_outcomes
from kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from kernel.http.auth import User
from supervision.plans.plan import PlanScope, PlanTerms
from supervision.tasks import views as task_views
from tests.factories import (
    check_item,
    entity,
    inspector,
    known_codes,
    lottery,
    lottery_draw,
)
from tests.integration.test_cli import _cli

DRAWN_ON = date(2025, 9, 22)
INSPECTED_ON = date(2025, 9, 26)
DEPTS = {"market_regulation", "ecology_environment", "emergency_management", "health"}
SUP = User(1, "sup", "supervisor", "Sup", "market_regulation", None)
OTHER = User(2, "env", "supervisor", "Env", "ecology_environment", None)


def _world(platform, n: int = 60) -> UUID:
    app = platform.supervision
    app.register_entities([entity(i, region="330702" if i % 2 else "330703") for i in range(n)])
    app.register_inspectors([inspector(i, region="330702" if i % 2 else "330703")
                             for i in range(12)], DRAWN_ON)
    app.add_check_item(check_item(1), known_codes())
    platform.settle()
    reclassify(platform, date(2025, 9, 1))
    plan_id = app.draft_plan(PlanTerms(
        name="2025年度双随机抽查", lead_department="market_regulation", departments=(),
        check_items=("T-001",), scope=PlanScope("3307"),
        ratios={"A": 0.3, "B": 0.3, "C": 0.3, "D": 1.0}, due_on=date(2025, 12, 31),
        randomness=lottery(DRAWN_ON), control_share=0.5), DRAWN_ON, "sup", DEPTS)
    lottery_draw(app, plan_id, DRAWN_ON)
    platform.settle()
    return plan_id


def _inspect_all(platform, plan_id: UUID) -> dict[str, bool]:
    """Every staffed task records a result: a problem (code A) for every third entity."""
    app = platform.supervision
    with platform.engine.connect() as conn:
        drawn = task_views.list_tasks(conn, DRAWN_ON, plan_id=plan_id.hex, limit=500)[1]
    found = {}
    for i, t in enumerate(x for x in drawn if len(x["team"]) >= 2):
        tid, team = UUID(t["task_id"]), [m["inspector_no"] for m in t["team"]]
        for no in team:
            app.acknowledge_task(tid, no, DRAWN_ON)
        app.start_task(tid, team[0], DRAWN_ON)
        code = "A" if i % 3 == 0 else "1"
        app.record_result(tid, team[0], code, "检查发现 findings" if code == "A" else "",
                          INSPECTED_ON, team, INSPECTED_ON, platform.rules)
        found[t["uscc"]] = code == "A"
    platform.settle()
    return found


class RiskScenario:
    backend = "sqlite"

    def test_outcomes_by_class_against_the_control_sample(self, platform):
        plan_id = _world(platform)
        found = _inspect_all(platform, plan_id)
        with platform.engine.connect() as conn:
            drawn = drawn_outcomes(conn)[plan_id.hex]
            (meta, groups), = plan_outcomes(conn)
        # the control flags are the public record's; every control entity is a drawn task
        assert drawn["control"].any() and not drawn["control"].all()
        assert meta["inspected"] == len(found) and meta["drawn"] == drawn["entity_no"].size
        g = {o.group: o for o in groups}
        assert sum(o.inspected for o in groups) == len(found)
        assert sum(o.found for o in groups) == sum(found.values())
        inspected = drawn["inspected"]
        assert g["control"].inspected == int((drawn["control"] & inspected).sum())
        for o in groups:
            if o.inspected:
                assert o.rate_low <= o.rate <= o.rate_high

    def test_complaints_are_events_under_the_authority_rules(self, platform):
        app = platform.supervision
        app.register_entities([entity(i) for i in range(3)])
        platform.settle()
        uscc = entity(1).uscc
        data = ComplaintData(uscc, "market_regulation", "12315-2025-0001", date(2025, 3, 1),
                             "hotline_12315", "食品安全", True, "过期食品")
        today = date(2025, 3, 5)
        with pytest.raises(Forbidden):       # another department's complaint
            platform.credit.record_complaint(data, today, actor=OTHER)
        with pytest.raises(InvalidInput) as e:
            platform.credit.record_complaint(
                ComplaintData(uscc, "market_regulation", "x1", date(2025, 3, 1), "fax", "价格",
                              False), today, actor=SUP)
        assert e.value.field == "channel"
        with pytest.raises(InvalidInput) as e:
            platform.credit.record_complaint(
                ComplaintData(uscc, "市场监管局", "x2", date(2025, 3, 1), "letter", "价格",
                              False), today, actor=SUP)
        assert e.value.field == "department"
        with pytest.raises(NotFound):
            platform.credit.record_complaint(
                ComplaintData(entity(9).uscc, "market_regulation", "x3", date(2025, 3, 1),
                              "letter", "价格", False), today, actor=SUP)
        cid = platform.credit.record_complaint(data, today, actor=SUP)
        with pytest.raises(Conflict):
            platform.credit.record_complaint(data, today, actor=SUP)
        platform.settle("credit")
        with platform.engine.connect() as conn:
            row = risk_views.complaint(conn, cid)
            h = load_history(conn, platform.rules, today)
        assert row["substantiated"] is True and row["recorded_by"] == "sup"
        col = FEATURES.index("complaints_substantiated_365d")
        x_after, _, _ = feature_matrix(h, today, platform.rules.risk_scoring,
                                       platform.rules.abnormal_list)
        x_before, _, _ = feature_matrix(h, date(2025, 2, 28), platform.rules.risk_scoring,
                                        platform.rules.abnormal_list)
        assert x_after[:, col].sum() == 1 and x_before[:, col].sum() == 0

    def test_cli_outcomes_evaluate_and_policy_lab(self, platform):
        plan_id = _world(platform)
        _inspect_all(platform, plan_id)
        r = _cli(platform.settings, "risk", "outcomes", "--json")
        assert r.returncode == 0, r.stderr
        body = json.loads(r.stdout)
        assert body["plans"][0]["plan_id"] == plan_id.hex
        assert [g["group"] for g in body["all_plans"]] == ["A", "B", "C", "D", "control"]
        r = _cli(platform.settings, "policy-lab", "--ratio", "A=0.03", "--control-share", "0.2")
        assert r.returncode == 0, r.stderr
        assert "what-if" in r.stdout and "configured" in r.stdout
        r = _cli(platform.settings, "policy-lab", "--ratio", "E=0.1")
        assert r.returncode == 2 and "E=0.1" in r.stderr
        # one plan, no earlier period: the model cannot train, and says so in one line
        r = _cli(platform.settings, "risk", "evaluate", "--as-of", "2025-09-01")
        assert r.returncode == 2 and "training needs inspections" in r.stderr, r.stderr


class TestRiskOnSQLite(RiskScenario):
    pass


@pytest.mark.postgres
class TestRiskOnPostgres(RiskScenario):
    backend = "postgres"

"""A small province seeded through the application (never by writing read models directly)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

import sqlalchemy as sa

from credit.jobs import reclassify, refresh_red_list
from kernel.clock import today_in_china
from kernel.http import auth
from opencheck.bootstrap import Platform
from supervision.directory.tables import inspectors
from supervision.plans.schemas import PlanCreate
from supervision.tasks.tables import task_inspectors, tasks
from tests.factories import (
    check_item,
    commitment,
    credential,
    decision,
    entity,
    inspector,
    known_codes,
    lottery_draw,
)
from tests.integration.credit_helpers import PLEDGE, commend

PASSWORDS = {"sup": "super-pass-123", "admin": "admin-pass-123", "insp1": "insp1-pass-123",
             "insp2": "insp2-pass-123"}


@dataclass
class World:
    inspector_no: int            # insp1's inspector record
    plan_id: str                 # a drawn plan
    my_tasks: int                # tasks insp1 is on


def _industry(i: int) -> str:
    return "H6210" if i % 3 == 0 else "F5211"


def seed(p: Platform) -> World:
    today = today_in_china()
    app = p.supervision
    # the directory: two counties of Jinhua, two industries, some individual businesses
    app.register_entities([entity(i, "individual" if i % 5 == 0 else "enterprise",
                                  region="330702" if i % 2 else "330703",
                                  industry_code=_industry(i)) for i in range(60)])
    p.settle()
    app.change_entity_status(entity(59, region="330702").uscc, "deregistered",
                             date(2025, 6, 1), "申请注销 voluntary deregistration")
    app.register_inspectors([inspector(i, region="330702" if i % 2 else "330703")
                             for i in range(8)], today)
    # the item's object scope covers both industries of the directory (scope is law)
    app.add_check_item(check_item(1, object_scope_industries=("F", "H")), known_codes())
    p.settle()
    with p.engine.connect() as conn:
        numbers = dict(conn.execute(sa.select(inspectors.c.credential_no,
                                              inspectors.c.inspector_no)).all())
    mine, other = numbers[credential(1, "330702")], numbers[credential(2, "330703")]
    auth.add_user(p.engine, "sup", PASSWORDS["sup"], "supervisor", display_name="监管员 Sup",
                  department="market_regulation")
    auth.add_user(p.engine, "admin", PASSWORDS["admin"], "admin")
    auth.add_user(p.engine, "insp1", PASSWORDS["insp1"], "inspector", display_name="检查员1",
                  department="market_regulation", inspector_no=mine)
    auth.add_user(p.engine, "insp2", PASSWORDS["insp2"], "inspector", display_name="检查员2",
                  department="market_regulation", inspector_no=other)
    # a drawn plan, so coverage and the inspectors' inboxes are not empty
    body = PlanCreate(name="种子计划 Seed plan", lead_department="market_regulation",
                      check_items=["T-001"], scope={"region_prefix": "3307"},
                      ratios={"A": 0.03, "B": 0.5, "C": 0.2, "D": 1.0},
                      due_on=today + timedelta(days=120),
                      randomness={"source": "lottery", "lottery": "福彩3D", "issue": "2026381期",
                                  "draw_date": today})
    plan_id = app.draft_plan(body.to_terms(p.rules.draw), today, "sup",
                             set(p.rules.directory.department_codes))
    lottery_draw(app, plan_id, today, "381")
    _short_staffed_task(p, today)
    p.settle()
    # the rest of each of insp1's teams has acknowledged, so insp1 can start after signing
    with p.engine.connect() as conn:
        teams = conn.execute(sa.select(task_inspectors.c.task_id, task_inspectors.c.inspector_no)
                             .where(task_inspectors.c.active.is_(True))).all()
    my_tasks = {t for t, no in teams if no == mine}
    for task_id, no in teams:
        if task_id in my_tasks and no != mine:
            app.acknowledge_task(UUID(task_id), no, today)
    # credit facts: a commitment awaiting verification; the jobs' A–D classes and red list
    p.credit.accept_commitment(commitment(7, committed_on=today - timedelta(days=3)), today)
    for i in (3, 7):   # 诚信典型, so the red list has members
        commend(p, entity(i, region="330702").uscc, today - timedelta(days=30))
    # a fine of five months ago, paid and fulfilled, whose credit repair awaits a decision
    credit, code = p.credit, entity(13, region="330702").uscc
    case = credit.open_penalty(code, "market_regulation", today - timedelta(days=160), today)
    credit.decide_penalty(case, decision(13, decided_on=today - timedelta(days=150)), today)
    credit.publish_penalty(case, today - timedelta(days=145), today)
    for kind in ("fine_paid", "obligations_fulfilled"):
        credit.record_penalty_fulfilment(case, kind, today - timedelta(days=140), today)
    credit.apply_for_repair("penalty", case.hex, today - timedelta(days=2), PLEDGE,
                            ["缴款凭证 receipt.pdf"], today)
    p.catch_up()
    reclassify(p, today)
    refresh_red_list(p, today)
    p.catch_up()   # the counts the overview reads are projections
    return World(mine, plan_id.hex, len(my_tasks))


def _short_staffed_task(p: Platform, today: date) -> None:
    """A plan on one entity of county 330703, its inspectors drawn from that county only: they
    withdraw one after another until nobody there is left (a vacancy); then a new inspector
    joins the county, so the supervisor can staff the place (补充抽取)."""
    app = p.supervision
    body = PlanCreate(name="补员计划 Staffing plan", lead_department="market_regulation",
                      check_items=["T-001"], scope={"region_prefix": "330703"},
                      ratios={"A": 0, "B": 0, "C": 0, "D": 0},
                      cool_off_days={"A": 0, "B": 0, "C": 0, "D": 0},
                      targeted=[entity(4, region="330703").uscc], targeted_ratio=1.0,
                      jurisdiction_digits=6, cross_station=False,
                      due_on=today + timedelta(days=90),
                      randomness={"source": "lottery", "lottery": "福彩3D", "issue": "2026382期",
                                  "draw_date": today})
    plan_id = app.draft_plan(body.to_terms(p.rules.draw), today, "sup",
                             set(p.rules.directory.department_codes))
    lottery_draw(app, plan_id, today, "382")
    p.settle()
    with p.engine.connect() as conn:
        (task_id,) = conn.scalars(sa.select(tasks.c.task_id).where(tasks.c.plan_id == plan_id.hex))
    while app.recuse(UUID(task_id), app.get_task(UUID(task_id)).inspector_nos[0],
                     "亲属在该企业任职 a relative works there", today):
        p.settle()
    p.settle()
    app.register_inspectors([inspector(8, region="330703")], today)
    p.settle()

"""`opencheck rebuild` recreates every read table as the runners built it incrementally, on SQLite
and PostgreSQL: the directory, plans and tasks, notifications and their read marks, the credit
lists, the red list, the A–D classes and their history, and the dashboard's counts."""

from __future__ import annotations

from datetime import date, datetime, timezone
from uuid import UUID

import pytest
import sqlalchemy as sa

from credit.jobs import reclassify
from credit.rating.tables import red_list, risk_class_history
from credit.record import views as file_views
from credit.record.public import public_credit_record
from credit.risk.complaint import ComplaintData
from dashboard.tables import red_list_counts, risk_class_counts
from kernel.db import metadata, read_model_tables
from supervision.directory.tables import entities
from supervision.plans.plan import PlanScope, PlanTerms
from supervision.tasks.tables import notification_reads, notifications, task_inspectors
from tests.factories import (
    check_item,
    commitment,
    credential,
    decision,
    entity,
    inspector,
    known_codes,
    licence,
    listing_notice,
    lottery,
    lottery_draw,
)
from tests.integration.credit_helpers import PLEDGE, commend, daily
from tests.integration.test_cli import _cli

# Tables that are not projections of events, so a rebuild leaves them: accounts, the runners'
# own bookkeeping, the daily job's sweep marks, the draw's archived inputs (written with the
# draw so it can be verified), the login throttle and the audit trail of reads.
NOT_READ_MODELS = {"users", "projection_tracking", "projection_segments", "projection_failures",
                   "job_marks",
                   "draw_archives", "login_throttle", "audit_reads", "scheduler_leadership",
                   "log_checkpoints"}   # the last: signed evidence the tree is checked against
FAR = date(2033, 1, 1)   # "today" for commands recorded in the scenario's future
DRAWN_ON = date(2026, 3, 2)
DEPTS = {"market_regulation", "ecology_environment", "emergency_management", "health"}
READ_AT = datetime(2026, 3, 3, 9, 30, tzinfo=timezone.utc)


def _e(i: int):
    """Entities in two counties and two industries (areas and classes to count)."""
    return entity(i, region="330703" if i % 2 else "330702",
                  industry_code="H6210" if i % 3 == 0 else "F5211")


def _register(platform, numbers, reports_until: int) -> None:
    app = platform.supervision
    app.register_entities([_e(i) for i in numbers])
    for i in numbers:
        for year in range(2015, reports_until + 1):
            app.file_annual_report(_e(i).uscc, year, date(year + 1, 4, 1))
    platform.settle()


def snapshot(platform) -> dict[str, list[tuple]]:
    """Every read table's rows, sorted."""
    with platform.engine.connect() as conn:
        return {t.name: sorted(tuple(map(repr, r)) for r in conn.execute(sa.select(t)))
                for t in read_model_tables()}


def _count(platform, table: sa.Table, *where) -> int:
    with platform.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)
                            ).scalar_one()


class RebuildScenario:
    backend = "sqlite"

    def test_rebuild_equals_incremental_for_every_read_table(self, platform):
        # every table is either a projection's (tagged) or known not to be a read model
        untagged = {t.name for t in metadata.sorted_tables if "projection" not in t.info}
        assert untagged == NOT_READ_MODELS
        app, credit = platform.supervision, platform.credit
        # a directory: 12 entities filing every report, 2 owing the 2025 one
        _register(platform, range(1, 13), reports_until=2025)
        _register(platform, [13, 14], reports_until=2024)
        # inspectors, a check item, a plan drawn, one result recorded, a notification read
        app.register_inspectors([inspector(i, region="330702" if i % 2 else "330703")
                                 for i in range(6)], DRAWN_ON)
        app.declare_conflict(credential(1, "330702"), _e(4).uscc, "亲属关系", DRAWN_ON, None,
                             DRAWN_ON)
        app.add_check_item(check_item(1), known_codes())
        app.publish_check_list("market_regulation", DRAWN_ON, DRAWN_ON, known_codes())
        platform.settle()
        plan_id = app.draft_plan(PlanTerms(
            name="2026年度双随机抽查", lead_department="market_regulation", departments=(),
            check_items=("T-001",), scope=PlanScope("3307"),
            ratios={"A": 0.5, "B": 0.5, "C": 0.5, "D": 1.0}, due_on=date(2026, 12, 31),
            randomness=lottery(DRAWN_ON)), DRAWN_ON, "sup", DEPTS)
        lottery_draw(app, plan_id, DRAWN_ON)
        platform.settle()
        with platform.engine.connect() as conn:
            team = conn.execute(sa.select(task_inspectors.c.task_id,
                                          task_inspectors.c.inspector_no)).all()
            first = conn.execute(sa.select(notifications.c.inspector_no,
                                           notifications.c.position).limit(1)).one()
        task_id, members = team[0][0], [no for t, no in team if t == team[0][0]]
        for no in members:
            app.acknowledge_task(UUID(task_id), no, DRAWN_ON)
        app.start_task(UUID(task_id), members[0], DRAWN_ON)
        # false information publicised: a follow-up, a referral, an abnormal-list ground
        # (per check item, with an attachment: task_item_results, task_attachments)
        app.record_result(UUID(task_id), members[0], "C", "年报资产数据不实", DRAWN_ON, members,
                          DRAWN_ON, platform.rules,
                          items=[{"check_item": "T-001", "result_code": "C",
                                  "findings": "年报资产数据不实"}],
                          attachments=[{"sha256": "a" * 64, "media_type": "image/png",
                                        "size": 10, "filename": "现场照片.png"}])
        app.order_follow_up(UUID(task_id), None, "order_correct", 20, "", DRAWN_ON, "sup", None)
        app.refer_finding(UUID(task_id), None, "health", "卫生许可证过期", DRAWN_ON, "sup",
                          DEPTS, None)
        assert app.mark_notification_read(first.inspector_no, first.position, READ_AT)
        # commended entities (the red list's positive record)
        for i in range(1, 9):
            commend(platform, _e(i).uscc, date(2026, 1, 5))
        # a commitment, a serious-list notice
        credit.accept_commitment(commitment(5, uscc=_e(5).uscc, committed_on=date(2026, 3, 3)),
                                 date(2026, 3, 3))
        credit.give_listing_notice(_e(6).uscc, listing_notice(1, noticed_on=date(2026, 3, 4),
                                                              ground="abnormal_three_years"),
                                   date(2026, 3, 4))
        # its decision, long after the statement period, records the legal representative
        credit.decide_listing(_e(6).uscc, True, "婺市监失信〔2026〕9号", date(2026, 5, 6), "",
                              FAR)
        # the daily job on several days (a month start among them), the first classification
        daily(platform, date(2026, 6, 29), date(2026, 7, 3))
        assert reclassify(platform, date(2026, 7, 1)) is not None
        # a fine takes a member off the red list and changes its class; 12 is deregistered
        with platform.engine.connect() as conn:   # (the drawn entity may be on no list)
            member = conn.scalar(sa.select(red_list.c.uscc).where(red_list.c.until.is_(None))
                                 .order_by(red_list.c.entity_no).limit(1))
        case = credit.open_penalty(member, "market_regulation", date(2026, 7, 1), FAR)
        credit.decide_penalty(case, decision(2, decided_on=date(2026, 7, 6)), FAR)
        credit.publish_penalty(case, date(2026, 7, 7), FAR)
        # a licensing decision published (双公示), an objection to the penalty (异议), left open
        # past its deadline for the daily job to flag
        from credit.objections.aggregate import RecordRef

        credit.publish_licence(credit.grant_licence(licence(1, uscc=_e(3).uscc), FAR),
                               date(2026, 3, 5), FAR)
        platform.catch_up()
        credit.file_objection(RecordRef("penalty", member, decision(2).decision_no),
                              "处罚对象错误", "赵六六", "13800001111", date(2026, 7, 8))
        for kind in ("fine_paid", "obligations_fulfilled"):
            credit.record_penalty_fulfilment(case, kind, date(2026, 7, 8), FAR)
        credit.apply_for_repair("penalty", case.hex, date(2026, 10, 8), PLEDGE, ["缴款凭证"], FAR)
        app.change_entity_status(_e(12).uscc, "deregistered", date(2026, 7, 10), "注销")
        platform.catch_up()
        daily(platform, date(2026, 7, 15), date(2026, 7, 17))
        assert reclassify(platform, date(2026, 8, 1)) is not None
        daily(platform, date(2026, 8, 1), date(2026, 8, 2))
        platform.catch_up()
        # the scenario reaches every kind of derived table
        assert _count(platform, red_list, red_list.c.until.is_not(None)) >= 1
        assert _count(platform, red_list, red_list.c.until.is_(None)) >= 5
        assert _count(platform, risk_class_history) > 14     # everyone, then the changes
        # the fine changed the member's class the day it was decided (a reactive change)
        assert _count(platform, risk_class_history,
                      risk_class_history.c.classified_on == date(2026, 7, 6)) >= 1
        with platform.engine.connect() as conn:
            days = set(conn.scalars(sa.select(risk_class_counts.c.classified_on)))
            counted = set(conn.scalars(sa.select(red_list_counts.c.counted_on)))
        assert days == {date(2026, 7, 1), date(2026, 8, 1)}
        assert counted == {date(2026, 7, 1), date(2026, 8, 1), date(2026, 8, 2)}
        assert _count(platform, notification_reads) == 1
        # the credit file travels through the class history: the fine changed the class
        with platform.engine.connect() as conn:
            no = conn.scalar(sa.select(entities.c.entity_no).where(entities.c.uscc == member))
            then = file_views.risk_of(conn, no, platform.rules, date(2026, 7, 3))
            now = file_views.risk_of(conn, no, platform.rules, date(2026, 8, 2))
            items = [i for i in file_views.timeline(conn, member, date(2026, 8, 2))
                     if i["kind"] == "risk.classified"]
        # (the fine's decision day: classes react, the August run found nothing more)
        assert (then["classified_on"], now["classified_on"]) == (date(2026, 7, 1),
                                                                 date(2026, 7, 6))
        assert then["score"] < now["score"] and len(items) == 2
        # 公共信用信息报告 a credit report issued: the register is a projection too
        with platform.engine.connect() as conn:
            record = public_credit_record(conn, member, date(2026, 8, 2))
        credit.issue_credit_report(member, record, datetime(2026, 8, 2, 1, tzinfo=timezone.utc))
        platform.catch_up()
        # risk measured (credit.risk): a complaint, a model's evaluation and a pool it fed
        platform.credit.record_complaint(ComplaintData(
            member, "market_regulation", "12315-1", date(2026, 7, 2), "letter", "价格", True),
            date(2026, 8, 2))
        platform.credit.record_model_evaluation("lr-test", {"features": []},
                                                {"beats_rules": True}, date(2026, 8, 2))
        platform.credit.record_model_use("lr-test", "sha256:pool", 10, 1, "sha256:raised",
                                         date(2026, 8, 2))
        assert platform.settle_all()
        incremental = snapshot(platform)
        empty = sorted(name for name, rows in incremental.items() if not rows)
        assert empty == [], f"the scenario leaves {empty} empty"
        # the command line rebuilds every projection from zero
        r = _cli(platform.settings, "rebuild")
        assert r.returncode == 0, r.stdout + r.stderr
        rebuilt = snapshot(platform)
        assert {k: len(v) for k, v in rebuilt.items()} == \
            {k: len(v) for k, v in incremental.items()}
        for name in incremental:
            assert rebuilt[name] == incremental[name], name


class TestRebuildOnSQLite(RebuildScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestRebuildOnPostgres(RebuildScenario):
    backend = "postgres"

"""The credit lists through the daily job with injected dates, on SQLite and PostgreSQL:
abnormal list (annual report, inspection grounds) → listing after 10 working days → removal
when cured; 3 years → serious list; serious list expiry; repair waiting periods; red list."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from credit.record import views as file_views
from kernel.errors import Conflict
from kernel.workdays import add_workdays
from tests.factories import entity
from tests.integration.credit_helpers import (
    PLEDGE,
    commend,
    daily,
    inspect,
    listing_rows,
    lists_on,
    public_lists,
    red_periods,
    register,
)

FAR = date(2033, 1, 1)   # "today" for commands recorded in the scenario's future


class CreditListsScenario:
    backend = "sqlite"

    def test_annual_report_ground_lists_after_ten_working_days_and_cure_removes(self, platform):
        # 1 files on time; 2 never; 3 is an individual business; 4 files within the window
        register(platform, [1, 2, 3, 4], over={3: {"entity_type": "individual"}})
        commend(platform, entity(2).uscc, date(2026, 1, 5))
        app = platform.supervision
        app.file_annual_report(entity(1).uscc, 2025, date(2026, 6, 20))
        code2, code3, code4 = (entity(2).uscc, entity(3, entity_type="individual").uscc,
                               entity(4).uscc)
        daily(platform, date(2026, 6, 29), date(2026, 7, 7))
        # the ground arose on 1 July; no listing before the 10-working-day window ends
        (row,) = listing_rows(platform, code2)
        assert row["status"] == "pending" and row["first_ground_on"] == date(2026, 7, 1)
        assert listing_rows(platform, entity(1).uscc) == []
        app.file_annual_report(code4, 2025, date(2026, 7, 8))
        daily(platform, date(2026, 7, 8), date(2026, 7, 16))
        assert add_workdays(date(2026, 7, 1), 10) == date(2026, 7, 15)
        (row,) = listing_rows(platform, code2)
        assert row["status"] == "listed" and row["listed_on"] == date(2026, 7, 15)
        assert row["escalation_on"] == date(2029, 7, 15)
        assert listing_rows(platform, code4)[0]["status"] == "cleared"   # cured in time
        (marked,) = listing_rows(platform, code3)
        assert marked["marked"] and marked["escalation_on"] is None   # marked, never escalated
        (entry,) = public_lists(platform, code2, date(2026, 7, 16))
        assert entry["list"] == "abnormal" and entry["since"] == date(2026, 7, 15)
        assert "年度报告" in entry["reason"] and "Order 68" in entry["legal_basis"]
        assert public_lists(platform, code3, date(2026, 7, 16))[0]["label"].startswith(
            "经营异常状态")
        # filing the report cures the ground: removed the same day (within 5 working days)
        app.file_annual_report(code2, 2025, date(2026, 8, 3))
        daily(platform, date(2026, 8, 3))
        (row,) = listing_rows(platform, code2)
        assert row["status"] == "removed" and row["removed_on"] == date(2026, 8, 3)
        assert row["removal_reason"] == "cured"
        # off the abnormal list, on no negative list, commended: the red list takes it
        assert [e["list"] for e in public_lists(platform, code2, date(2026, 8, 3))] == ["red"]

    def test_the_report_sweep_reads_only_entities_registered_since(self, platform, monkeypatch):
        import sqlalchemy as sa

        from credit.lists.tables import job_marks
        from credit.lists.use_cases import RETRY_LATER
        from tests.integration.credit_helpers import entity_no

        def mark():
            with platform.engine.connect() as conn:
                return conn.scalar(sa.select(job_marks.c.value)
                                   .where(job_marks.c.name == "annual_report:2025"))

        register(platform, [1], reports_until=2024)      # owes the 2025 report
        # a run that could not record everything leaves the mark alone
        real = platform.credit.run_abnormal_list
        monkeypatch.setattr(platform.credit, "run_abnormal_list",
                            lambda work, today: real(work, today) + Counter({RETRY_LATER: 1}))
        daily(platform, date(2026, 7, 1))
        assert mark() is None
        monkeypatch.undo()
        daily(platform, date(2026, 7, 1))
        assert mark() == entity_no(platform, entity(1).uscc)
        assert listing_rows(platform, entity(1).uscc)[0]["first_ground_on"] == date(2026, 7, 1)
        # an older entity entered after the sweep (an import) is still found, from 1 July
        register(platform, [2], reports_until=2024)
        daily(platform, date(2026, 7, 2))
        assert listing_rows(platform, entity(2).uscc)[0]["first_ground_on"] == date(2026, 7, 1)
        assert mark() == entity_no(platform, entity(2).uscc)

    def test_an_on_time_report_recorded_late_cures_the_ground_it_raised(self, platform):
        register(platform, [1], reports_until=2024)
        code = entity(1).uscc
        daily(platform, date(2026, 7, 1), date(2026, 7, 20))
        assert listing_rows(platform, code)[0]["status"] == "listed"
        # the paper filing of 20 June is keyed in on 21 July: dated before the ground arose
        platform.supervision.file_annual_report(code, 2025, date(2026, 6, 20))
        platform.settle()
        daily(platform, date(2026, 7, 21))
        (row,) = listing_rows(platform, code)
        assert row["status"] == "removed" and row["removal_reason"] == "cured"

    def test_the_job_run_again_for_a_day_leaves_the_red_list_as_it_is(self, platform):
        register(platform, [1], reports_until=2025)
        code = entity(1).uscc
        commend(platform, code, date(2026, 1, 5), date(2026, 9, 1))   # ends on 1 September
        daily(platform, date(2026, 9, 1))     # evaluates 31 August (joins), then 1 September
        assert red_periods(platform, code) == [(date(2026, 8, 31), date(2026, 9, 1))]
        daily(platform, date(2026, 9, 1))     # again (a manual run-jobs after the scheduler's)
        daily(platform, date(2026, 9, 2))
        assert red_periods(platform, code) == [(date(2026, 8, 31), date(2026, 9, 1))]

    def test_inspection_grounds_list_and_their_cures_remove(self, platform):
        register(platform, [1, 2, 3], reports_until=2025)
        code1, code2, code3 = (entity(i).uscc for i in (1, 2, 3))
        app = platform.supervision
        # 6: unreachable at the registered address; C: false information; B then overdue order
        inspect(platform, code1, "6", date(2026, 3, 2), "t1")
        c_task = inspect(platform, code2, "C", date(2026, 3, 2), "t2")
        b_task = inspect(platform, code3, "B", date(2026, 3, 2), "t3")
        app.order_follow_up(b_task, None, "order_publicise", 5, "", date(2026, 3, 2), "sup", None)
        app.order_follow_up(c_task, None, "order_correct", 20, "", date(2026, 3, 2), "sup", None)
        app.record_follow_up_outcome(b_task, None, "overdue", date(2026, 3, 10), "",
                                     date(2026, 3, 10), "sup", None)
        platform.catch_up()
        daily(platform, date(2026, 3, 2), date(2026, 3, 24))
        decide_by = add_workdays(date(2026, 3, 2), 10)
        for code in (code1, code2):
            (row,) = listing_rows(platform, code)
            assert (row["status"], row["listed_on"]) == ("listed", decide_by)
        (row,) = listing_rows(platform, code3)
        assert row["listed_on"] == add_workdays(date(2026, 3, 10), 10)
        assert row["grounds"] == "publicity_order"
        # a later inspection reaches 1; 2 corrects its information as ordered
        inspect(platform, code1, "1", date(2026, 4, 1), "t4")
        app.record_follow_up_outcome(c_task, None, "satisfied", date(2026, 4, 2), "",
                                     date(2026, 4, 2), "sup", None)
        platform.catch_up()
        daily(platform, date(2026, 4, 3))
        assert [r["removed_on"] for r in (listing_rows(platform, code1)[0],
                                          listing_rows(platform, code2)[0])] == \
            [date(2026, 4, 1), date(2026, 4, 2)]
        assert listing_rows(platform, code3)[0]["status"] == "listed"
        # abnormal-list repair: apply once the obligation is done, no waiting period
        repair = platform.credit.apply_for_repair("abnormal_listing", code3, date(2026, 4, 7),
                                                  PLEDGE, ["已公示 publicised"], FAR)
        platform.credit.decide_repair(repair, True, date(2026, 4, 8), "supervisor", "", FAR)
        daily(platform, date(2026, 4, 8), date(2026, 4, 10))
        (row,) = listing_rows(platform, code3)
        assert row["removal_reason"] == "repaired" and row["removed_on"] == date(2026, 4, 8)
        assert "abnormal" not in [e["list"] for e in public_lists(platform, code3,
                                                                  date(2026, 4, 9))]

    def test_three_years_escalate_to_the_serious_list_which_expires_after_three_years(
            self, platform):
        register(platform, [1, 2])
        code1, code2 = entity(1).uscc, entity(2).uscc
        daily(platform, date(2026, 7, 1))
        daily(platform, date(2026, 7, 15))
        assert listing_rows(platform, code1)[0]["listed_on"] == date(2026, 7, 15)
        # late runs only: 2 files its reports on 2029-07-18, after the notice, before the decision
        for year in range(2025, 2029):
            platform.supervision.file_annual_report(code2, year, date(2029, 7, 18))
        daily(platform, date(2029, 7, 15))
        credit = platform.credit
        assert credit._listing(code1).status == "noticed"
        assert credit._listing(code1).ground == "abnormal_three_years"
        daily(platform, date(2029, 7, 20), date(2029, 7, 24))
        decided_on = add_workdays(date(2029, 7, 15), 6)
        serious = credit._listing(code1)
        assert (serious.status, serious.listed_on) == ("listed", decided_on)
        (row,) = listing_rows(platform, code1)
        assert (row["status"], row["removal_reason"]) == ("removed", "escalated")
        assert [e["list"] for e in public_lists(platform, code1, decided_on)] == ["serious"]
        # time travel: as of 07-20 the entity was still on the abnormal list, only noticed
        with platform.engine.connect() as conn:
            then = file_views.timeline(conn, code1, date(2029, 7, 20))
            now = file_views.timeline(conn, code1, date(2029, 8, 1))
        assert lists_on(platform, code1, date(2029, 7, 20)) == \
            {"abnormal": True, "serious": False, "red": False}
        assert "serious.noticed" in [i["kind"] for i in then]
        assert not {"serious.decided", "abnormal.removed"} & {i["kind"] for i in then}
        assert {"serious.decided", "abnormal.removed"} <= {i["kind"] for i in now}
        # 2 filed meanwhile: cured on the filing day, so the decision is not to list
        assert listing_rows(platform, code2)[0]["removed_on"] == date(2029, 7, 18)
        assert credit._listing(code2).status == "clear"
        # early repair of a serious listing only after a year (SAMR Order 44/107)
        with pytest.raises(Conflict, match="possible from"):
            credit.apply_for_repair("serious_listing", code1, date(2030, 7, 1), PLEDGE,
                                    ["整改报告"], FAR)
        # 3 years on the list: removed automatically by the daily job
        daily(platform, date(2032, 7, 22), date(2032, 7, 24))
        assert credit._listing(code1).status == "clear"
        assert not lists_on(platform, code1, date(2032, 7, 24))["serious"]
        assert lists_on(platform, code1, date(2031, 1, 1))["serious"]

    def test_red_list_follows_the_rule_as_of_each_day(self, platform):
        register(platform, [1, 2], reports_until=2025)
        platform.supervision.register_entities(
            [entity(3, registered_on=date(2025, 6, 1))])
        platform.supervision.file_annual_report(entity(3).uscc, 2025, date(2026, 5, 1))
        platform.settle()
        code1, code2, code3 = (entity(i).uscc for i in (1, 2, 3))
        register(platform, [4], reports_until=2025)   # clean, but never commended
        for code in (code1, code2):
            commend(platform, code, date(2026, 1, 5), date(2029, 1, 5))
        commend(platform, code3, date(2026, 1, 5), date(2027, 6, 5))
        # the job of 09-01 evaluates 08-31 again (facts of a day arrive after its run), then 09-01
        daily(platform, date(2026, 9, 1))
        assert [red_periods(platform, c) for c in (code1, code2, code3, entity(4).uscc)] == \
            [[(date(2026, 8, 31), None)]] * 2 + [[], []]
        # a fine decided on 2026-09-02 takes 2 off; the repair brings it back
        credit = platform.credit
        case = credit.open_penalty(code2, "market_regulation", date(2026, 8, 1), FAR)
        from tests.factories import decision

        credit.decide_penalty(case, decision(decided_on=date(2026, 9, 2)), FAR)
        credit.publish_penalty(case, date(2026, 9, 3), FAR)
        credit.record_penalty_fulfilment(case, "fine_paid", date(2026, 9, 4), FAR)
        credit.record_penalty_fulfilment(case, "obligations_fulfilled", date(2026, 9, 4), FAR)
        daily(platform, date(2026, 9, 2), date(2026, 9, 3))
        assert red_periods(platform, code2) == [(date(2026, 8, 31), date(2026, 9, 2))]
        with pytest.raises(Conflict, match="possible from 2026-12-03"):   # 3 months (general)
            credit.apply_for_repair("penalty", case.hex, date(2026, 12, 2), PLEDGE, ["凭证"], FAR)
        repair = credit.apply_for_repair("penalty", case.hex, date(2026, 12, 3), PLEDGE, ["凭证"],
                                         FAR)
        credit.decide_repair(repair, True, date(2026, 12, 4), "supervisor", "", FAR)
        daily(platform, date(2026, 12, 4))
        assert red_periods(platform, code2)[-1] == (date(2026, 12, 4), None)
        (entry,) = public_lists(platform, code2, date(2026, 12, 4))
        assert entry["list"] == "red" and entry["since"] == date(2026, 12, 4)
        assert "守合同重信用企业" in entry["reason"]        # the public sees why
        assert entry["decision_no"] == f"市监信用〔2026〕{code2[-6:]}号"
        # 3 is active for two years on 2027-06-01
        daily(platform, date(2027, 5, 31), date(2027, 6, 1))
        assert red_periods(platform, code3) == [(date(2027, 6, 1), None)]
        # a revoked commendation takes 1 off from the day of revocation
        credit.revoke_commendation(f"市监信用〔2026〕{code1[-6:]}号", date(2027, 6, 2),
                                   "荣誉撤销 obtained by false statements", FAR)
        platform.settle()
        daily(platform, date(2027, 6, 2))
        assert red_periods(platform, code1) == [(date(2026, 8, 31), date(2027, 6, 2))]
        with pytest.raises(Conflict, match="already revoked"):
            credit.revoke_commendation(f"市监信用〔2026〕{code1[-6:]}号", date(2027, 6, 3), "again",
                                       FAR)
        # 3's commendation runs out on 2027-06-05 (valid_until is the first day without it)
        daily(platform, date(2027, 6, 4), date(2027, 6, 5))
        assert red_periods(platform, code3) == [(date(2027, 6, 1), date(2027, 6, 5))]
        with platform.engine.connect() as conn:
            file = file_views.credit_file(conn, code1, platform.rules, date(2027, 6, 3))
            kinds = [i["kind"] for i in file_views.timeline(conn, code1, date(2027, 6, 3))]
        assert [c["in_force"] for c in file["commendations"]] == [False]
        assert "commendation.granted" in kinds and "commendation.revoked" in kinds


class TestCreditListsOnSQLite(CreditListsScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestCreditListsOnPostgres(CreditListsScenario):
    backend = "postgres"

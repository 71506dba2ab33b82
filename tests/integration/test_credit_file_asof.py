"""Time travel of the whole credit file (信用档案 as of a day), on SQLite and PostgreSQL: one
entity's history over 2027–2028, then the file asked as of several days, section by section.

Dates lie after the day the events are really recorded (the abnormal list keeps the recording
date of its events, and a fact recorded after the asked day is not shown).
"""

from __future__ import annotations

from datetime import date

import pytest

from credit.record import views as file_views
from kernel.workdays import add_workdays
from opencheck.scheduler import run_jobs
from tests.factories import commitment as commitment_data
from tests.factories import decision, entity, listing_notice
from tests.integration.credit_helpers import (
    MONTHLY,
    PLEDGE,
    commend,
    daily,
    inspect,
    register,
)

FAR = date(2033, 1, 1)   # "today" for commands dated in the scenario's future
DEPT = "market_regulation"


class CreditFileAsOfScenario:
    backend = "sqlite"

    def _history(self, platform) -> dict:
        """The entity's history; returns the ids and days the assertions need."""
        register(platform, [1], reports_until=2027)   # report R filed on R+1-04-01
        code, credit, sup = entity(1).uscc, platform.credit, platform.supervision
        # commended, red-listed; classified on 2027-01-05
        commend(platform, code, date(2027, 1, 4), date(2030, 1, 4))
        daily(platform, date(2027, 1, 4), date(2027, 1, 5))
        run_jobs(platform, date(2027, 1, 5), {MONTHLY})
        # a commitment, verified fulfilled on 2027-02-20
        promise = credit.accept_commitment(commitment_data(1, committed_on=date(2027, 1, 20)), FAR)
        credit.verify_commitment(promise, "fulfilled", date(2027, 2, 20), "onsite", "", FAR)
        # a penalty opened 02-01, decided 03-01 (heavier), published 03-03: off the red list
        case = credit.open_penalty(code, DEPT, date(2027, 2, 1), FAR)
        credit.decide_penalty(case, decision(decided_on=date(2027, 3, 1), heavier_penalty=True),
                              FAR)
        credit.publish_penalty(case, date(2027, 3, 3), FAR)
        daily(platform, date(2027, 3, 1), date(2027, 3, 2))
        # unreachable on 04-01: listed after 10 working days; the result published on 04-20
        task = inspect(platform, code, "6", date(2027, 4, 1))
        listed_on = add_workdays(date(2027, 4, 1), 10)
        daily(platform, date(2027, 4, 1))
        daily(platform, listed_on)
        sup.publish_result(task, DEPT, date(2027, 4, 20), "supervisor", DEPT)
        # serious list: notice 05-03, statement 05-10, listed 06-01 on the heavier penalty
        credit.give_listing_notice(code, listing_notice(noticed_on=date(2027, 5, 3),
                                                        penalty_case_id=case), FAR)
        credit.record_listing_statement(code, date(2027, 5, 10), "陈述 statement", False, FAR)
        credit.answer_listing_statement(code, date(2027, 5, 17), "不予采纳 not adopted", False, FAR)
        credit.decide_listing(code, True, "婺市监失信决〔2027〕1号", date(2027, 6, 1), "", FAR)
        # the abnormal listing repaired on 2027-07-01 (address reachable again)
        repair = credit.apply_for_repair("abnormal_listing", code, date(2027, 6, 25), PLEDGE,
                                         ["住所已能联系 reachable again"], FAR)
        credit.decide_repair(repair, True, date(2027, 7, 1), "supervisor", "", FAR)
        platform.settle()
        daily(platform, date(2027, 7, 1))
        run_jobs(platform, date(2027, 7, 5), {MONTHLY})
        # deregistered on 2028-02-01
        sup.change_entity_status(code, "deregistered", date(2028, 2, 1), "注销登记")
        platform.settle()
        platform.catch_up()
        return {"code": code, "case": case.hex, "task": task.hex, "listed_on": listed_on}

    def _file(self, platform, code: str, day: date) -> dict:
        with platform.engine.connect() as conn:
            return file_views.credit_file(conn, code, platform.rules, FAR, day)

    def test_the_whole_file_as_of_several_days(self, platform):
        h = self._history(platform)
        code = h["code"]
        # 2027-01-10: red-listed, classified, nothing else yet
        f = self._file(platform, code, date(2027, 1, 10))
        assert f["as_of"] == date(2027, 1, 10)
        assert (f["entity"]["status"], f["entity"]["last_annual_report_year"]) == ("active", 2025)
        assert f["lists"] == {"abnormal": False, "serious": False, "red": True}
        assert [p["until"] for p in f["red_list"]] == [None]
        assert f["risk"]["classified_on"] == date(2027, 1, 5)
        assert f["risk"]["risk_class"] in ("A", "B")
        early_class = f["risk"]["risk_class"]
        assert f["penalties"] == f["commitments"] == f["inspections"] == []
        assert f["abnormal_listings"] == f["serious_listings"] == f["repairs"] == []
        assert [c["in_force"] for c in f["commendations"]] == [True]
        # 2027-02-15: the case is open, undecided; the commitment awaits verification
        f = self._file(platform, code, date(2027, 2, 15))
        (p,) = f["penalties"]
        assert (p["status"], p["decided_on"], p["decision_no"], p["in_publicity"]) == \
            ("opened", None, None, False)
        (c,) = f["commitments"]
        assert (c["status"], c["verified_on"]) == ("awaiting", None)
        # 2027-03-10: decided and published, in publicity; off the red list since 03-01
        f = self._file(platform, code, date(2027, 3, 10))
        (p,) = f["penalties"]
        assert (p["status"], p["published_on"], p["in_publicity"]) == \
            ("published", date(2027, 3, 3), True)
        assert f["commitments"][0]["status"] == "fulfilled"
        assert f["lists"]["red"] is False
        assert f["red_list"][-1]["until"] is not None
        # 2027-04-10: the result recorded, not yet published; the listing still pending
        f = self._file(platform, code, date(2027, 4, 10))
        (r,) = f["inspections"]
        assert (r["result_code"], r["published_on"], r["public"]) == ("6", None, False)
        assert r["publish_by_provisional"] is True       # 2027: no official schedule here
        (a,) = f["abnormal_listings"]
        assert (a["status"], a["listed_on"]) == ("pending", None)
        assert [g["ground"] for g in a["grounds"]] == ["unreachable"]
        assert not f["lists"]["abnormal"]
        # 2027-05-20: listed abnormal, result public, serious list noticed with a statement
        f = self._file(platform, code, date(2027, 5, 20))
        assert f["lists"] == {"abnormal": True, "serious": False, "red": False}
        assert f["inspections"][0]["public"] is True
        assert f["abnormal_listings"][0]["listed_on"] == h["listed_on"]
        (s,) = f["serious_listings"]
        assert (s["status"], s["statement_on"], s["decided_on"]) == \
            ("noticed", date(2027, 5, 10), None)
        # 2027-06-26: on both lists, the repair applied for and pending
        f = self._file(platform, code, date(2027, 6, 26))
        assert f["lists"] == {"abnormal": True, "serious": True, "red": False}
        assert f["serious_listings"][0]["status"] == "listed"
        assert [(x["status"], x["decided_on"]) for x in f["repairs"]] == [("pending", None)]
        assert f["abnormal_listings"][0]["removed_on"] is None
        # 2027-07-10: the abnormal listing removed by repair, reclassified on 07-05
        f = self._file(platform, code, date(2027, 7, 10))
        assert f["lists"] == {"abnormal": False, "serious": True, "red": False}
        (a,) = f["abnormal_listings"]
        assert (a["status"], a["removal_reason"]) == ("removed", "repaired")
        assert f["repairs"][0]["status"] == "approved"
        assert f["risk"]["classified_on"] == date(2027, 7, 5)
        assert f["risk"]["risk_class"] == "D" != early_class
        assert "serious_list" in {x["indicator"] for x in f["risk"]["reasons"]}
        # the profile follows the status history: deregistered from 2028-02-01
        assert self._file(platform, code, date(2028, 1, 31))["entity"]["status"] == "active"
        f = self._file(platform, code, date(2028, 2, 1))
        assert (f["entity"]["status"], f["entity"]["status_since"]) == \
            ("deregistered", date(2028, 2, 1))
        assert f["entity"]["last_annual_report_year"] == 2026
        # before registration: the entity is known, its status is not yet
        assert self._file(platform, code, date(2014, 1, 1))["entity"]["status"] is None

    def test_the_file_of_today_is_the_file_as_of_today(self, platform):
        h = self._history(platform)
        with platform.engine.connect() as conn:
            now = file_views.credit_file(conn, h["code"], platform.rules, date(2028, 3, 1))
        then = self._file(platform, h["code"], date(2028, 3, 1))
        assert {k: v for k, v in now.items() if k != "risk"} == \
            {k: v for k, v in then.items() if k != "risk"}


class TestCreditFileAsOfOnSQLite(CreditFileAsOfScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestCreditFileAsOfOnPostgres(CreditFileAsOfScenario):
    backend = "postgres"

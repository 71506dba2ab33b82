"""The internal credit file's licensing decisions (行政许可) and objections (异议) on SQLite and
PostgreSQL: both sections and their timeline as of a day, the objector's contact masked."""

from __future__ import annotations

from datetime import date

import pytest

from credit.objections.aggregate import RecordRef
from credit.record import views as file_views
from credit.record.schemas import CreditFileRecord
from dashboard.entity_credit import sections
from tests.factories import entity, licence
from tests.integration.credit_helpers import register

FAR = date(2030, 1, 1)   # "today" for commands recorded in the scenario's past
LATER_NO = "婺市监许〔2026〕99号"


class CreditFilePubrecScenario:
    backend = "sqlite"

    def test_licences_and_objections_in_the_file_as_of_a_day(self, platform):
        credit, code = platform.credit, entity(1).uscc
        register(platform, [1, 2])
        # a licence decided 2026-03-02, published 03-05; another decided 04-01, unpublished
        granted = credit.grant_licence(licence(1), FAR)
        credit.publish_licence(granted, date(2026, 3, 5), FAR)
        credit.grant_licence(licence(1, decision_no=LATER_NO, decided_on=date(2026, 4, 1),
                                     valid_from=date(2026, 4, 1)), FAR)
        credit.grant_licence(licence(2), FAR)   # another entity's: never in this file
        platform.catch_up()
        # an objection to the published one, filed 03-10, corrected 03-16
        filed = credit.file_objection(RecordRef("licence", code, licence(1).decision_no),
                                      "许可信息有误", "张三丰", "13812345678", date(2026, 3, 10))
        platform.catch_up()
        credit.handle_objection(filed, "corrected", date(2026, 3, 16), "已更正", FAR)
        platform.catch_up()
        with platform.engine.connect() as conn:
            now = file_views.credit_file(conn, code, platform.rules, FAR)
            during = file_views.credit_file(conn, code, platform.rules, FAR, date(2026, 3, 12))
            early = file_views.credit_file(conn, code, platform.rules, FAR, date(2026, 3, 3))
            timeline = file_views.timeline(conn, code, FAR)
            timeline_early = file_views.timeline(conn, code, date(2026, 3, 12))
        # today: both decisions, the objection handled; the contact masked everywhere
        assert sorted(x["decision_no"] for x in now["licences"]) == sorted(
            [licence(1).decision_no, LATER_NO])
        by_no = {x["decision_no"]: x for x in now["licences"]}
        assert by_no[licence(1).decision_no]["status"] == "published"
        assert by_no[LATER_NO]["status"] == "granted" and by_no[LATER_NO]["published_on"] is None
        (objection,) = now["objections"]
        assert (objection["status"], objection["handled_on"]) == ("corrected", date(2026, 3, 16))
        assert (objection["contact_name"], objection["contact"]) == ("张**", "138****78")
        assert objection["record_key"] == licence(1).decision_no
        # on 03-12: published, the objection still under review; on 03-03: granted, none yet
        (l1,) = during["licences"]
        assert (l1["status"], l1["published_on"]) == ("published", date(2026, 3, 5))
        (open_,) = during["objections"]
        assert open_["status"] == "open" and open_["handled_on"] is None
        assert open_["status_label"] == "异议处理中 Objection under review"
        (l0,) = early["licences"]
        assert (l0["status"], l0["published_on"]) == ("granted", None)
        assert early["objections"] == []
        # the timeline: each fact once, on its day
        kinds = [(i["on"], i["kind"]) for i in timeline if i["kind"].split(".")[0]
                 in ("licence", "objection")]
        assert kinds == [(date(2026, 3, 2), "licence.decided"),
                         (date(2026, 3, 5), "licence.published"),
                         (date(2026, 3, 10), "objection.filed"),
                         (date(2026, 3, 16), "objection.handled"),
                         (date(2026, 4, 1), "licence.decided")]
        assert "objection.handled" not in {i["kind"] for i in timeline_early}
        # the API's schema and the dashboard's sections carry it, never the full contact
        shown = CreditFileRecord.model_validate(now).model_dump_json()
        page = str(sections(now))
        for text in (shown, page, str(timeline)):
            assert "13812345678" not in text and "张三丰" not in text
        assert "138****78" in page and LATER_NO in page and "asof-objections" in page


class TestCreditFilePubrecOnSQLite(CreditFilePubrecScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestCreditFilePubrecOnPostgres(CreditFilePubrecScenario):
    backend = "postgres"

"""The dashboard's objection queue over HTTP: open objections with masked contacts, overdue
first; the department records the outcome there and the queue empties."""

from __future__ import annotations

import json
from datetime import timedelta

from credit.objections.aggregate import RecordRef
from kernel.clock import today_in_china
from tests.e2e.conftest import PASSWORDS
from tests.e2e.test_dashboard_http import callback, login, route
from tests.factories import entity, licence


def test_the_queue_masks_contacts_and_records_the_outcome(client, platform):
    today, code = today_in_china(), entity(1).uscc
    platform.supervision.register_entities([entity(1)])
    platform.settle("supervision")
    found = platform.credit.grant_licence(licence(1, decided_on=today - timedelta(days=40),
                                                  valid_from=today - timedelta(days=40)), today)
    platform.credit.publish_licence(found, today - timedelta(days=35), today)
    platform.catch_up()
    ref = RecordRef("licence", code, licence(1).decision_no)
    platform.credit.file_objection(ref, "有效期有误", "赵六六", "13800001111",
                                   today - timedelta(days=30))   # overdue by now
    platform.credit.file_objection(ref, "许可内容有误", "钱七七", "qian@example.cn", today)
    platform.catch_up()
    login(client, "supervisor", PASSWORDS["supervisor"])
    page = json.dumps(json.loads(route(client, "/dashboard/objections")), ensure_ascii=False)
    assert "objections-table" in page and "13800001111" not in page
    # the queue's rows come from the grid's rows callback: masked, overdue first
    rows = callback(client, [("objections-table", "getRowsResponse")],
                    [("objections-table", "getRowsRequest", {"startRow": 0, "endRow": 50})])
    found = rows.json()["response"]["objections-table"]["getRowsResponse"]
    text = json.dumps(found, ensure_ascii=False)
    assert found["rowCount"] == 2 and "138****11" in text and "q***@example.cn" in text
    assert "13800001111" not in text and "qian@example.cn" not in text
    assert [r["state"] for r in found["rowData"]] == ["逾期 Overdue", "处理中 Open"]
    r = callback(client, [("objection-msg", "children"), ("objections-queue", "children"),
                          ("objection-choice", "options"), ("objection-choice", "value")],
                 [("objection-handle", "n_clicks", 1)],
                 [("objection-choice", "value", None), ("objection-outcome", "value", None),
                  ("objection-reasons", "value", None)])
    assert "objection-error" in r.text
    from credit.objections.views import list_objections

    with platform.engine.connect() as conn:
        ids = [o["id"] for o in list_objections(conn, today=today, status="open")[1]]
    for objection_id in ids:
        r = callback(client, [("objection-msg", "children"), ("objections-queue", "children"),
                              ("objection-choice", "options"), ("objection-choice", "value")],
                     [("objection-handle", "n_clicks", 1)],
                     [("objection-choice", "value", objection_id),
                      ("objection-outcome", "value", "upheld"),
                      ("objection-reasons", "value", "经核实信息无误")])
        assert r.status_code == 200 and "objection-done" in r.text, r.text
    assert "objections-none" in r.text
    # an empty reason is refused with the field named
    assert "objection-error" in callback(
        client, [("objection-msg", "children"), ("objections-queue", "children"),
                 ("objection-choice", "options"), ("objection-choice", "value")],
        [("objection-handle", "n_clicks", 2)],
        [("objection-choice", "value", ids[0]), ("objection-outcome", "value", "upheld"),
         ("objection-reasons", "value", "")]).text

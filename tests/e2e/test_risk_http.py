"""Risk over HTTP: complaints through the API (authority, 422/404/409 with the field), and the
dashboard's risk page: outcomes, the policy lab and the complaint form."""

from __future__ import annotations

from datetime import date

from kernel.http import auth
from tests.e2e.conftest import PASSWORDS, token
from tests.e2e.test_dashboard_http import callback, login, route
from tests.factories import entity

BODY = {"department": "market_regulation", "reference_no": "12315-2026-0001",
        "received_on": "2026-01-05", "channel": "hotline_12315", "category": "食品安全",
        "substantiated": True, "summary": "销售过期食品"}


def _register(platform, n: int = 3) -> None:
    platform.supervision.register_entities([entity(i) for i in range(n)])
    platform.settle()


def test_complaints_through_the_api(client, platform):
    _register(platform)
    sup = token(client, "supervisor")
    uscc = entity(1).uscc
    r = client.post("/api/v1/complaints", headers=sup, json={**BODY, "uscc": uscc})
    assert r.status_code == 201, r.text
    assert r.json()["substantiated"] is True and r.json()["recorded_by"] == "supervisor"
    r = client.post("/api/v1/complaints", headers=sup, json={**BODY, "uscc": uscc})
    assert r.status_code == 409 and r.json()["field"] == "reference_no"
    r = client.post("/api/v1/complaints", headers=sup,
                    json={**BODY, "uscc": uscc, "reference_no": "x", "channel": "fax"})
    assert r.status_code == 422 and "channel" in r.text
    r = client.post("/api/v1/complaints", headers=sup,
                    json={**BODY, "uscc": entity(7).uscc, "reference_no": "y"})
    assert r.status_code == 404 and r.json()["field"] == "uscc"
    r = client.post("/api/v1/complaints", headers=sup,
                    json={**BODY, "uscc": uscc, "reference_no": "z",
                          "received_on": "2999-01-01"})
    assert r.status_code == 422 and r.json()["field"] == "received_on"
    r = client.get(f"/api/v1/entities/{uscc}/complaints", headers=sup)
    assert [c["reference_no"] for c in r.json()] == ["12315-2026-0001"]
    # an inspector may not record one; a supervisor of another department may not either
    r = client.post("/api/v1/complaints", headers=token(client, "inspector"),
                    json={**BODY, "uscc": uscc, "reference_no": "w"})
    assert r.status_code == 403
    auth.add_user(platform.engine, "env", "env-pass-12345", "supervisor",
                  department="ecology_environment")
    r = client.post("/api/v1/auth/token", data={"username": "env",
                                                "password": "env-pass-12345"})
    env = {"Authorization": f"Bearer {r.json()['access_token']}"}
    r = client.post("/api/v1/complaints", headers=env,
                    json={**BODY, "uscc": uscc, "reference_no": "v"})
    assert r.status_code == 403 and r.json()["field"] == "department"


def test_the_risk_page_lab_and_complaint_form(client, platform):
    _register(platform, 5)
    login(client, "supervisor", PASSWORDS["supervisor"])
    page = route(client, "/dashboard/risk")
    assert "risk-page" in page and "risk-no-draw" in page and "complaint-record" in page
    lab = [("lab-A", "value", 0.03), ("lab-B", "value", 0.2), ("lab-C", "value", 0.6),
           ("lab-D", "value", 1.0), ("lab-control", "value", 0.2), ("lab-budget", "value", None),
           ("lab-team", "value", 2), ("lab-days", "value", 0.5)]
    r = callback(client, [("lab-out", "children")], [("lab-run", "n_clicks", 1)], lab)
    assert r.status_code == 200 and "lab-table" in r.text and "What-if" in r.text, r.text
    r = callback(client, [("lab-out", "children")], [("lab-run", "n_clicks", 1)],
                 [(*lab[0][:2], 2.0), *lab[1:]])
    assert "lab-error" in r.text and "ratios" in r.text
    form = [("complaint-uscc", "value", entity(2).uscc),
            ("complaint-department", "value", "market_regulation"),
            ("complaint-ref", "value", "D-1"),
            ("complaint-received", "date", date(2026, 1, 5).isoformat()),
            ("complaint-channel", "value", "letter"), ("complaint-category", "value", "价格"),
            ("complaint-substantiated", "value", ["yes"]), ("complaint-summary", "value", "")]
    outs = [("complaint-msg", "children"), ("complaint-ref", "value")]
    r = callback(client, outs, [("complaint-record", "n_clicks", 1)], form)
    assert "complaint-done" in r.text, r.text
    r = callback(client, outs, [("complaint-record", "n_clicks", 2)], form)
    assert "complaint-error" in r.text and "reference_no" in r.text
    # an inspector is refused the page
    client.cookies.clear()
    login(client, "inspector", PASSWORDS["inspector"])
    assert "forbidden" in route(client, "/dashboard/risk")

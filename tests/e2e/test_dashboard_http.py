"""The dashboard over HTTP (no browser): mounted beside the API, login cookie, role checks.

Dash callbacks are JSON POSTs to /dashboard/_dash-update-component; these tests send them the
way the browser does, with or without the session cookie.
"""

from __future__ import annotations

import json
from typing import Any

from dashboard.session import COOKIE
from tests.e2e.conftest import PASSWORDS


def callback(client, outputs: list[tuple[str, str]], inputs: list[tuple[str, str, Any]],
             state: list[tuple[str, str, Any]] = ()) -> Any:
    """POST one callback as dash-renderer does; returns the response."""
    key = (".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..") if len(outputs) > 1 \
        else f"{outputs[0][0]}.{outputs[0][1]}"
    body = {"output": key, "outputs": [{"id": i, "property": p} for i, p in outputs]
            if len(outputs) > 1 else {"id": outputs[0][0], "property": outputs[0][1]},
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state]}
    return client.post("/dashboard/_dash-update-component", json=body)


def route(client, path: str) -> str:
    r = callback(client, [("page", "children"), ("topbar", "children")],
                 [("url", "pathname", path)])
    assert r.status_code == 200, r.text
    return r.text


def login(client, username: str, password: str):
    return callback(client, [("login-error", "children")],
                    [("login-submit", "n_clicks", 1), ("login-password", "n_submit", None)],
                    [("login-username", "value", username), ("login-password", "value", password)])


def test_the_dashboard_login_is_throttled_with_the_api_login(client):
    # 5 wrong passwords through the form (the default limit per user); the 5th says why
    for _ in range(4):
        assert "Wrong username or password" in login(client, "auditor", "wrong-password").text
    assert "Too many failed logins" in login(client, "auditor", "wrong-password").text
    assert "Too many failed logins" in login(client, "auditor", PASSWORDS["auditor"]).text
    # the count is the API's too (one table)
    r = client.post("/api/v1/auth/token",
                    data={"username": "auditor", "password": PASSWORDS["auditor"]})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0


def test_a_password_change_ends_a_dashboard_session(client):
    from kernel.http import auth

    login(client, "supervisor", PASSWORDS["supervisor"])
    assert "overview-filters" in route(client, "/dashboard/")
    auth.set_password(client.app.state.platform.engine, "supervisor", "another-long-phrase")
    assert "login-form" in route(client, "/dashboard/")


OVERVIEW = ([("overview-body", "children")],
            [("f-region", "value", None), ("f-department", "value", None),
             ("f-industry", "value", None), ("f-dates", "start_date", "2026-01-01"),
             ("f-dates", "end_date", "2026-12-31")])


def test_dashboard_is_mounted_and_api_404s_stay_404(client):
    r = client.get("/dashboard/")
    assert r.status_code == 200 and "_dash-config" in r.text
    assert client.get("/dashboard/_dash-layout").status_code == 200
    r = client.get("/api/v1/does-not-exist")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")


def test_without_a_session_the_dashboard_shows_the_login(client):
    assert "login-form" in route(client, "/dashboard/")
    assert "login-form" in route(client, "/dashboard/plans")
    # a data callback without a session returns no data, only the redirect to the login
    r = callback(client, *OVERVIEW).json()
    assert r["response"] == {} and r["sideUpdate"]["redirect"]["href"] == "/dashboard/login"
    client.cookies.set(COOKIE, "forged.token.value", path="/dashboard/")
    assert "login-form" in route(client, "/dashboard/")


def test_login_sets_an_httponly_samesite_strict_cookie_and_logout_clears_it(client):
    r = login(client, "supervisor", "wrong-password")
    assert "Wrong username or password" in r.text and COOKIE not in r.headers.get("set-cookie", "")
    r = login(client, "supervisor", PASSWORDS["supervisor"])
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie and "Path=/dashboard/" in cookie
    assert "overview-filters" in route(client, "/dashboard/")
    r = callback(client, *OVERVIEW)
    assert r.status_code == 200 and "stat-active" in r.text
    r = callback(client, [("redirect", "href")], [("logout", "n_clicks", 1)])
    assert f"{COOKIE}=;" in r.headers["set-cookie"] or 'Max-Age=0' in r.headers["set-cookie"]
    client.cookies.delete(COOKIE, path="/dashboard/")
    assert "login-form" in route(client, "/dashboard/")


def test_an_inspector_cannot_reach_supervisor_pages_or_their_data(client):
    login(client, "inspector", PASSWORDS["inspector"])
    assert "Overview" not in route(client, "/dashboard/")
    for path in ("/dashboard/plans", "/dashboard/entity"):
        assert "forbidden" in route(client, path)
    # calling a supervisor callback directly yields no data
    r = callback(client, *OVERVIEW).json()
    assert r["response"] == {} and "Not permitted" in r["sideUpdate"]["notice"]["children"]
    r = callback(client, [("plans-grid", "getRowsResponse")],
                 [("plans-grid", "getRowsRequest", {"startRow": 0, "endRow": 50})])
    assert r.json()["response"] == {}


def test_a_supervisor_cannot_use_the_inspector_workspace(client):
    login(client, "supervisor", PASSWORDS["supervisor"])
    assert "forbidden" in route(client, "/dashboard/tasks")
    r = callback(client, [("my-tasks-grid", "getRowsResponse")],
                 [("my-tasks-grid", "getRowsRequest", {"startRow": 0, "endRow": 50})],
                 [("ws-queue", "value", "overdue")])
    assert r.json()["response"] == {}


def test_the_overview_lists_penalty_decisions_overdue_for_publication(client, platform):
    from datetime import timedelta

    from kernel.clock import today_in_china
    from opencheck.scheduler import run_jobs
    from tests.factories import decision, entity

    today = today_in_china()
    platform.supervision.register_entities([entity(1)])
    platform.settle("supervision")
    case = platform.credit.open_penalty(entity(1).uscc, "market_regulation",
                                        today - timedelta(days=40), today)
    platform.credit.decide_penalty(case, decision(7, decided_on=today - timedelta(days=30)),
                                   today)
    run_jobs(platform, today, {"credit-daily"})
    platform.catch_up()
    login(client, "supervisor", PASSWORDS["supervisor"])
    year = [("f-region", "value", None), ("f-department", "value", None),
            ("f-industry", "value", None),
            ("f-dates", "start_date", f"{today.year - 1}-01-01"),
            ("f-dates", "end_date", f"{today.year}-12-31")]
    r = callback(client, OVERVIEW[0], year)
    assert r.status_code == 200
    text = json.dumps(r.json(), ensure_ascii=False)
    assert "stat-penalties-overdue" in text and '"penalties-overdue"' in text
    assert "Days overdue" in text and "penalties-overdue-grid-xlsx" in text
    # the panel is a shared grid: its rows come from its rows callback, in the overview's scope
    r = callback(client, [("penalties-overdue-grid", "getRowsResponse")],
                 [("penalties-overdue-grid", "getRowsRequest", {"startRow": 0, "endRow": 10})],
                 year)
    found = r.json()["response"]["penalties-overdue-grid"]["getRowsResponse"]
    assert found["rowCount"] == 1 and found["rowData"][0]["decision_no"] == "婺市监处罚〔2025〕7号"
    assert found["rowData"][0]["days_overdue"] > 0


def test_the_entity_file_has_an_as_of_date_picker_and_shows_the_credit_file_then(client,
                                                                                  platform):
    """截至 As of: the page's date picker re-renders the credit file's sections as of that day;
    a 2027 deadline counted without a schedule carries the Mon–Fri fallback marker."""
    import json
    from datetime import date

    from dashboard.entity_credit import PROVISIONAL
    from tests.factories import commitment, entity

    platform.supervision.register_entities([entity(1)])
    platform.settle()
    promise = platform.credit.accept_commitment(commitment(1, committed_on=date(2027, 1, 20)),
                                                date(2033, 1, 1))
    platform.credit.verify_commitment(promise, "fulfilled", date(2027, 2, 20), "onsite", "",
                                      date(2033, 1, 1))
    platform.catch_up()
    assert login(client, "supervisor", PASSWORDS["supervisor"]).status_code == 200
    page = json.dumps(json.loads(route(client, "/dashboard/entity")), ensure_ascii=False)
    assert "entity-asof" in page and "截至 As of" in page
    code = entity(1).uscc

    def file_on(day: str) -> str:
        r = callback(client, [("entity-file", "children")],
                     [("entity-selected", "data", code), ("entity-asof", "date", day)])
        assert r.status_code == 200, r.text
        return json.dumps(r.json(), ensure_ascii=False)

    before, awaiting, verified = (file_on(d) for d in ("2027-01-19", "2027-02-01",
                                                       "2027-03-01"))
    assert "asof-commitments-empty" in before and "截至 2027-01-19" in before
    assert "asof-commitments" in awaiting and "awaiting" in awaiting
    assert PROVISIONAL in awaiting          # verify_by in 2027, no schedule for 2027
    assert "fulfilled" in verified and "awaiting" not in verified
    assert "asof-risk" in verified and "asof-lists" in verified
    # the timeline offers its rows for export (CSV / .xlsx), as shown
    assert "entity-timeline-export" in verified and '"table-data"' in verified

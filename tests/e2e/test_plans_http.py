"""Plans over HTTP: draft, publish, draw with a public random value, verify, inbox, public record."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from kernel.clock import today_in_china
from kernel.http import auth
from kernel.http.read_your_writes import NOT_COMMANDS
from supervision.directory.tables import inspectors
from tests.e2e.conftest import lottery_draw, lottery_source, token
from tests.factories import check_item, credential, entity, inspector, known_codes

TODAY = date(2026, 3, 2)


def _world(platform) -> int:
    app = platform.supervision
    app.register_entities([entity(i, region="330702" if i % 2 else "330703") for i in range(40)])
    app.register_inspectors([inspector(i, region="330702" if i % 2 else "330703")
                             for i in range(6)], TODAY)
    app.add_check_item(check_item(1), known_codes())
    platform.settle()
    with platform.engine.connect() as conn:
        no = conn.execute(sa.select(inspectors.c.inspector_no).where(
            inspectors.c.credential_no == credential(1, "330702"))).scalar_one()
    auth.add_user(platform.engine, "insp1", "insp1-pass-123", "inspector", inspector_no=no)
    return no


def _plan_body(**over) -> dict:
    body = {"name": "2026年度双随机抽查", "lead_department": "market_regulation",
            "check_items": ["T-001"], "scope": {"region_prefix": "3307"},
            "ratios": {"A": 0.03, "B": 0.5, "C": 0.2, "D": 1.0}, "due_on": "2099-06-30"}
    body.update(over)
    return body


def test_plan_draw_verify_inbox_and_public_record(client, platform):
    inspector_no = _world(platform)
    sup = token(client, "supervisor")
    r = client.post("/api/v1/plans", json=_plan_body(randomness=lottery_source()), headers=sup)
    assert r.status_code == 201, r.text
    plan_id = r.json()["plan_id"]
    assert r.json()["terms"]["inspectors_per_task"] == 2      # the rules' default
    assert client.post(f"/api/v1/plans/{plan_id}/draw", json={},
                       headers=sup).status_code == 409          # not published yet
    r = lottery_draw(client, platform, plan_id, "123")
    assert r.status_code == 201, r.text
    drawn = r.json()["drawn"]
    assert drawn == 20 and r.json()["record"]["randomness"] == "123"
    assert client.post(f"/api/v1/plans/{plan_id}/draw", json={},
                       headers=sup).status_code == 409          # drawn once
    r = client.get(f"/api/v1/plans/{plan_id}/draw/verification", headers=sup)
    assert r.status_code == 200 and r.json()["verified"] is True, r.text
    # the inspector sees only their own tasks
    mine = client.get("/api/v1/me/tasks", headers=_inspector_token(client)).json()
    assert mine["total"] > 0
    assert all(inspector_no in [m["inspector_no"] for m in t["team"]] for t in mine["items"])
    assert client.get("/api/v1/me/tasks", headers=token(client, "inspector")).status_code == 403
    assert client.get("/api/v1/me/tasks", headers=sup).status_code == 403
    # the public sees the plan, its draw record and the drawn entities, never inspectors
    r = client.get(f"/api/v1/public/plans/{plan_id}")
    assert r.status_code == 200 and len(r.json()["drawn_entities"]) == drawn
    assert "inspector_no" not in r.text and "team" not in r.text and "credential" not in r.text
    assert client.get("/api/v1/public/plans").json()["total"] == 1


def _inspector_token(client) -> dict:
    r = client.post("/api/v1/auth/token", data={"username": "insp1", "password": "insp1-pass-123"})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_bad_plans_are_422_naming_the_field(client, platform):
    _world(platform)
    sup = token(client, "supervisor")
    for over, field in [({"inspectors_per_task": 1}, "inspectors_per_task"),
                        ({"lead_department": "tax_bureau"}, "departments"),
                        ({"ratios": {"A": 0.1}}, "ratios"),
                        ({"due_on": "2000-01-01"}, "due_on")]:
        r = client.post("/api/v1/plans", json=_plan_body(**over), headers=sup)
        assert r.status_code == 422, (over, r.text)
        assert r.json()["detail"][0]["loc"][-1] == field
    assert client.get("/api/v1/plans", headers=sup).json()["total"] == 0
    assert client.get("/api/v1/plans/not-a-uuid", headers=sup).status_code == 422
    assert client.get("/api/v1/plans/00000000-0000-0000-0000-000000000000",
                      headers=sup).status_code == 404
    assert client.get("/api/v1/public/plans/00000000-0000-0000-0000-000000000000").status_code == 404


def _plan_events(platform) -> int:
    return platform.supervision.recorder.max_notification_id() or 0


def test_idempotency_key_on_plans_drafts_once_and_replays_the_answer(client, platform):
    _world(platform)
    plain = token(client, "supervisor")
    sup = {**plain, "Idempotency-Key": "plan-2026-1"}
    first = client.post("/api/v1/plans", json=_plan_body(), headers=sup)
    assert first.status_code == 201, first.text
    recorded = _plan_events(platform)
    again = client.post("/api/v1/plans", json=_plan_body(), headers=sup)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _plan_events(platform) == recorded
    assert client.get("/api/v1/plans", headers=sup).json()["total"] == 1
    # the same key with another body: 422 on the header, nothing drafted
    r = client.post("/api/v1/plans", json=_plan_body(name="另一个计划"), headers=sup)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert client.get("/api/v1/plans", headers=sup).json()["total"] == 1
    # a command without a body (publish) is replayed too, and so is its conflict
    path = f"/api/v1/plans/{first.json()['plan_id']}/publish"
    keyed = {**plain, "Idempotency-Key": "publish-1"}
    assert client.post(path, headers=keyed).status_code == 200
    r = client.post(path, headers=keyed)
    assert r.status_code == 200 and r.headers["Idempotent-Replayed"] == "true"
    assert client.post(path, headers=plain).status_code == 409   # no key: a real repeat


def test_every_authenticated_command_declares_the_idempotency_key(client):
    schema = client.get("/openapi.json").json()
    commands = [(path, method, op) for path, ops in schema["paths"].items()
                for method, op in ops.items() if method in ("post", "put", "patch", "delete")]
    assert len(commands) > 40
    for path, method, op in commands:
        declared = any(p["name"] == "Idempotency-Key" for p in op.get("parameters", []))
        # public routes and sign-in (/auth/: a password change answers a token, never replayed)
        authenticated = bool(op.get("security")) and not path.startswith(NOT_COMMANDS)
        assert declared == authenticated, (method, path)


def test_the_check_item_list_bounds_a_plan_over_http(client, platform):
    _world(platform)
    app, known = platform.supervision, known_codes()
    app.add_check_item(check_item(101, "health"), known)
    app.add_check_item(check_item(2, category="general", default_ratio=0.03), known)
    platform.settle()
    sup = token(client, "supervisor")
    cap = f"{platform.rules.directory.general_item_max_ratio:.0%}"
    for over, field, named in [({"check_items": ["T-001", "ZZ-999"]}, "check_items", "ZZ-999"),
                               ({"check_items": ["T-101"]}, "check_items", "health"),
                               ({"check_items": ["T-002"]}, "ratios", cap)]:
        r = client.post("/api/v1/plans", json=_plan_body(**over), headers=sup)
        assert r.status_code == 422, (over, r.text)
        detail = r.json()["detail"][0]
        assert detail["loc"] == ["body", field] and named in detail["msg"], detail
    assert client.get("/api/v1/plans", headers=sup).json()["total"] == 0
    # lawful: the health item in a joint plan with health; the general item within its limit
    assert client.post("/api/v1/plans", headers=sup, json=_plan_body(
        check_items=["T-101"], departments=["health"])).status_code == 201
    assert client.post("/api/v1/plans", headers=sup, json=_plan_body(
        check_items=["T-002"], ratios={k: 0.2 for k in "ABCD"})).status_code == 201


def test_coverage_reports_each_department_against_the_national_floor(client, platform):
    _world(platform)
    sup = token(client, "supervisor")
    plan_id = client.post("/api/v1/plans", json=_plan_body(randomness=lottery_source()),
                          headers=sup).json()["plan_id"]
    drawn = lottery_draw(client, platform, plan_id).json()["drawn"]
    year = today_in_china().year
    r = client.get("/api/v1/coverage", params={"year": year}, headers=sup)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["floor"] == 0.03 and "企业公示信息抽查办法 Art 4" in body["floor_source"]
    rows = {d["department"]: d for d in body["departments"]}
    assert list(rows) == [d.code for d in platform.rules.directory.departments]
    assert rows["market_regulation"] == {"department": "market_regulation", "entities": 40,
                                         "drawn": drawn, "ratio": drawn / 40, "floor": 0.03,
                                         "below_floor": False}
    assert rows["health"]["ratio"] is None and not rows["health"]["below_floor"]
    before = client.get("/api/v1/coverage", params={"year": year - 1}, headers=sup).json()
    assert [d["drawn"] for d in before["departments"]] == [0, 0, 0, 0]
    assert next(d for d in before["departments"]
                if d["department"] == "market_regulation")["below_floor"] is True
    assert client.get("/api/v1/coverage", params={"region_prefix": "33x"},
                      headers=sup).status_code == 422
    assert client.get("/api/v1/coverage", headers=token(client, "inspector")).status_code == 403


def test_a_draw_seven_inspectors_cannot_staff_is_409_until_the_shortfall_is_accepted(client,
                                                                                     platform):
    _world(platform)
    app = platform.supervision
    app.register_inspectors([inspector(i, region="330702" if i % 2 else "330703")
                             for i in range(6, 7)], TODAY)          # 7 inspectors in all
    platform.settle()
    sup = token(client, "supervisor")
    plan_id = client.post("/api/v1/plans", json=_plan_body(inspectors_per_task=10,
                                                            randomness=lottery_source()),
                          headers=sup).json()["plan_id"]
    # 10 per task, 7 in the jurisdiction group: 409 with the numbers, nothing drawn
    r = lottery_draw(client, platform, plan_id)
    assert r.status_code == 409, r.text
    assert r.json()["field"] == "accept_shortfall"
    assert "金华市 3307：每项任务需要执法人员 10 名，现有 7 名" in r.json()["detail"]
    assert "needs 10 inspectors per task, 7 available in group 3307" in r.json()["detail"]
    assert client.get(f"/api/v1/plans/{plan_id}", headers=sup).json()["draw_records"] == []
    # accepted: 201, every task unstaffed and the shortfall on the record for everyone
    r = client.post(f"/api/v1/plans/{plan_id}/draw", json={"accept_shortfall": True},
                    headers=sup)
    assert r.status_code == 201, r.text
    drawn = r.json()
    assert drawn["unassigned"] == drawn["drawn"] == 20
    staffing = drawn["record"]["staffing"]
    assert staffing["accepted_shortfall"] is True and staffing["shortfalls"] == [
        {"group": "3307", "department": None, "needed": 10, "available": 7, "entities": 40,
         "expected_tasks": 20.0}]
    public = client.get(f"/api/v1/public/plans/{plan_id}")
    assert public.status_code == 200
    record = public.json()["draw_records"][0]
    assert record["unassigned"] == 20 and record["record"]["staffing"]["shortfalls"] == [
        {"group": "3307", "department": None, "needed": 10, "available": 7}]
    assert "expected_tasks" not in public.text     # sums of class ratios: internal
    assert "inspector_no" not in public.text and "credential" not in public.text
    # supervisors see them as short-staffed, never as fully staffed
    short = client.get(f"/api/v1/tasks?view=short_staffed&plan_id={plan_id}", headers=sup).json()
    assert short["total"] == 20
    assert all(t["short_staffed"] and t["status"] == "unstaffed" and t["team_needed"] == 10
               for t in short["items"])

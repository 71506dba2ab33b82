"""Inspection tasks over HTTP: inbox isolation (403), the ≥ 2 signatures rule, bad input naming
the field with nothing recorded, publication and the public record, notifications and SSE."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest
import sqlalchemy as sa

from kernel.clock import today_in_china
from kernel.http import auth
from supervision.directory.tables import inspectors
from tests.e2e.conftest import lottery_draw, lottery_source, token
from tests.factories import check_item, credential, entity, inspector, known_codes


def _login(client, name: str) -> dict:
    r = client.post("/api/v1/auth/token", data={"username": name, "password": f"{name}-pass-123"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def world(client, platform):
    """A drawn plan; one user per inspector; the first task with its team and an outsider."""
    app = platform.supervision
    app.register_entities([entity(i, region="330702" if i % 2 else "330703") for i in range(20)])
    app.register_inspectors([inspector(i, region="330702" if i % 2 else "330703")
                             for i in range(6)], today_in_china())
    app.add_check_item(check_item(1), known_codes())
    platform.settle()
    users = {}
    with platform.engine.connect() as conn:
        for i in range(6):
            no = conn.execute(sa.select(inspectors.c.inspector_no).where(
                inspectors.c.credential_no == credential(i, "330702" if i % 2 else "330703"))
            ).scalar_one()
            uid = auth.add_user(platform.engine, f"insp{i}", f"insp{i}-pass-123", "inspector",
                                inspector_no=no, department="market_regulation")
            users[no] = (f"insp{i}", uid)
    sup = token(client, "supervisor")
    plan = client.post("/api/v1/plans", headers=sup, json={
        "name": "2026年度双随机抽查", "lead_department": "market_regulation",
        "check_items": ["T-001"], "scope": {"region_prefix": "3307"},
        "ratios": {"A": 0.03, "B": 0.5, "C": 0.2, "D": 1.0}, "due_on": "2099-06-30",
        "randomness": lottery_source()}).json()
    r = lottery_draw(client, platform, plan["plan_id"], "077")
    assert r.status_code == 201, r.text
    task = client.get(f"/api/v1/plans/{plan['plan_id']}/tasks", headers=sup).json()["items"][0]
    team = [m["inspector_no"] for m in task["team"]]
    outsider = next(no for no in users if no not in team)
    return {"plan_id": plan["plan_id"], "task": task, "sup": sup,
            "a": (_login(client, users[team[0]][0]), users[team[0]][1]),
            "b": (_login(client, users[team[1]][0]), users[team[1]][1]),
            "out": (_login(client, users[outsider][0]), users[outsider][1])}


def _result(w, **over) -> dict:
    body = {"result_code": "C", "findings": "年报资产数据与实际不符",
            "inspected_on": today_in_china().isoformat(), "signatures": [w["a"][1], w["b"][1]]}
    body.update(over)
    return body


def _started(client, w) -> str:
    tid = w["task"]["task_id"]
    for who in ("a", "b"):
        r = client.post(f"/api/v1/tasks/{tid}/acknowledgement", headers=w[who][0])
        assert r.status_code == 200, r.text
    assert client.post(f"/api/v1/tasks/{tid}/start", headers=w["a"][0]).status_code == 200
    return tid


def test_an_inspector_never_reads_or_changes_another_inspectors_task(client, world):
    w, tid = world, world["task"]["task_id"]
    out = w["out"][0]
    assert client.get(f"/api/v1/tasks/{tid}", headers=w["a"][0]).status_code == 200
    assert client.get(f"/api/v1/tasks/{tid}", headers=w["sup"]).status_code == 200
    assert client.get(f"/api/v1/tasks/{tid}", headers=out).status_code == 403
    for path, body in (("acknowledgement", None), ("start", None),
                       ("recusal", {"reason": "亲属关系"}), ("result", _result(w))):
        r = client.post(f"/api/v1/tasks/{tid}/{path}", json=body, headers=out)
        assert r.status_code == 403, (path, r.text)
    assert tid not in [t["task_id"] for t in
                       client.get("/api/v1/me/tasks?limit=500", headers=out).json()["items"]]
    # supervisor-only commands are refused to inspectors
    for path in ("publication", "follow-up", "referral"):
        assert client.post(f"/api/v1/tasks/{tid}/{path}", json={}, headers=w["a"][0]) \
            .status_code in (403, 422)
    assert client.post(f"/api/v1/tasks/{tid}/publication", headers=w["a"][0]).status_code == 403
    task = client.get(f"/api/v1/tasks/{tid}", headers=w["sup"]).json()
    assert all(m["acknowledged_on"] is None for m in task["team"]) and task["results"] == []


def test_bad_results_name_the_field_and_record_nothing(client, world):
    w = world
    tid = w["task"]["task_id"]
    assert client.post(f"/api/v1/tasks/{tid}/result", json=_result(w), headers=w["a"][0]) \
        .status_code == 409                                       # not started yet
    _started(client, w)
    today = today_in_china()
    cases = [({"signatures": [w["a"][1]]}, "signatures"),               # one signature
             ({"signatures": [w["a"][1], w["a"][1]]}, "signatures"),    # the same one twice
             ({"signatures": [w["a"][1], w["out"][1]]}, "signatures"),  # not on the team
             ({"signatures": [w["a"][1], 1]}, "signatures"),            # the admin: no inspector
             ({"result_code": "Z"}, "result_code"),
             ({"inspected_on": (today + timedelta(days=1)).isoformat()}, "inspected_on"),
             ({"inspected_on": (today - timedelta(days=1)).isoformat()}, "inspected_on"),
             ({"findings": ""}, "findings")]
    for over, field in cases:
        r = client.post(f"/api/v1/tasks/{tid}/result", json=_result(w, **over), headers=w["a"][0])
        assert r.status_code == 422, (over, r.text)
        assert r.json()["detail"][0]["loc"][-1] == field, (over, r.text)
        if over.get("signatures") in ([w["a"][1], w["out"][1]], [w["a"][1], 1]):
            # the stranger is named, not numbered, in Chinese first
            said = r.json()["detail"][0]["msg"] + r.text
            assert ("不是本任务检查组成员" in r.text or "不是检查人员账号" in r.text), r.text
            assert "No. " not in said and "[" not in r.json()["detail"][0]["msg"], r.text
    assert client.post(f"/api/v1/tasks/{tid}/result", json=_result(w), headers=w["out"][0]) \
        .status_code == 403
    assert client.get(f"/api/v1/tasks/{tid}", headers=w["a"][0]).json()["results"] == []
    r = client.post(f"/api/v1/tasks/{tid}/result", json=_result(w), headers=w["b"][0])
    assert r.status_code == 201, r.text
    assert sorted(r.json()["results"][0]["signatures"]) == sorted(
        m["inspector_no"] for m in w["task"]["team"])


def test_publication_reaches_the_public_record_without_inspectors(client, world):
    w = world
    tid, uscc = _started(client, w), w["task"]["uscc"]
    assert client.post(f"/api/v1/tasks/{tid}/result", json=_result(w),
                       headers=w["a"][0]).status_code == 201
    assert client.get(f"/api/v1/public/inspections?uscc={uscc}").json()["total"] == 0
    awaiting = client.get("/api/v1/tasks?view=awaiting_publication", headers=w["sup"]).json()
    assert [t["task_id"] for t in awaiting["items"]] == [tid]
    r = client.post(f"/api/v1/tasks/{tid}/follow-up", headers=w["sup"],
                    json={"kind": "order_correct", "deadline_workdays": 10})
    assert r.status_code == 201 and r.json()["results"][0]["follow_ups"][0]["outcome"] == "open"
    r = client.post(f"/api/v1/tasks/{tid}/referral", headers=w["sup"],
                    json={"to_department": "health", "matter": "发现无证经营食品"})
    assert r.status_code == 201, r.text
    queue = client.get("/api/v1/referrals?department=health", headers=w["sup"]).json()
    assert queue["total"] == 1 and queue["items"][0]["from_department"] == "market_regulation"
    r = client.post(f"/api/v1/tasks/{tid}/publication", headers=w["sup"],
                    json={"department": "market_regulation"})
    assert r.status_code == 200 and r.json()["status"] == "published", r.text
    assert client.post(f"/api/v1/tasks/{tid}/publication", headers=w["sup"]).status_code == 409
    public = client.get(f"/api/v1/public/inspections?uscc={uscc}")
    assert public.status_code == 200 and public.json()["total"] == 1
    item = public.json()["items"][0]
    assert (item["result_code"], item["result_name_en"]) == ("C", "false information publicised")
    plan = client.get(f"/api/v1/public/plans/{w['plan_id']}").json()
    assert [r["uscc"] for r in plan["published_results"]] == [uscc]
    for text in (public.text, str(plan["published_results"])):
        assert "inspector" not in text and "signatures" not in text and "年报资产" not in text


def test_notifications_list_read_and_stream(client, world):
    w, tid = world, world["task"]["task_id"]
    headers = w["a"][0]
    notes = client.get("/api/v1/me/notifications?unread=true", headers=headers).json()
    mine = [n for n in notes["items"] if n["task_id"] == tid]
    assert mine and mine[0]["kind"] == "assignment" and not mine[0]["read"]
    r = client.post(f"/api/v1/me/notifications/{mine[0]['position']}/read", headers=headers)
    assert r.status_code == 200 and r.json()["read"] is True
    assert client.post(f"/api/v1/me/notifications/{mine[0]['position']}/read",
                       headers=w["out"][0]).status_code == 404       # not the outsider's
    # the stream replays from a cursor and ends after max_seconds
    token_only = headers["Authorization"].split()[1]
    r = client.get(f"/api/v1/me/notifications/stream?access_token={token_only}"
                   f"&after=0&max_seconds=0.5")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    assert "event: assignment" in r.text and tid in r.text
    assert f"id: {mine[0]['position']}" in r.text
    r = client.get("/api/v1/me/notifications/stream?max_seconds=0.5", headers=w["b"][0])
    assert r.status_code == 200 and tid in r.text                    # unread ones first
    assert client.get("/api/v1/me/notifications/stream?max_seconds=0.5").status_code == 401
    assert client.get("/api/v1/me/notifications/stream?max_seconds=0.5",
                      headers=w["sup"]).status_code == 403


def test_commands_honour_the_idempotency_key(client, world):
    w, tid = world, world["task"]["task_id"]
    headers = {**w["a"][0], "Idempotency-Key": "ack-1"}
    first = client.post(f"/api/v1/tasks/{tid}/acknowledgement", headers=headers)
    again = client.post(f"/api/v1/tasks/{tid}/acknowledgement", headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert client.post(f"/api/v1/tasks/{tid}/acknowledgement",
                       headers=w["a"][0]).status_code == 409       # without the key: a repeat


def test_staffing_draws_again_only_for_an_empty_place(client, world):
    w, tid = world, world["task"]["task_id"]
    # the team is complete: nothing to fill; inspectors may not ask; unknown task: 404
    r = client.post(f"/api/v1/tasks/{tid}/staffing", headers=w["sup"])
    assert r.status_code == 409 and "nothing to fill" in r.json()["detail"]
    assert client.post(f"/api/v1/tasks/{tid}/staffing", headers=w["a"][0]).status_code == 403
    r = client.post(f"/api/v1/tasks/{'0' * 32}/staffing", headers=w["sup"])
    assert r.status_code == 404 and r.json()["field"] == "task_id"
    # a recusal is replaced at once while inspectors are left; the result says so
    r = client.post(f"/api/v1/tasks/{tid}/recusal", json={"reason": "亲属关系"}, headers=w["a"][0])
    assert r.status_code == 200 and r.json()["replaced"] is True, r.text


def test_a_cancelled_task_leaves_the_inbox_refuses_every_command_and_tells_its_team(client,
                                                                                   platform,
                                                                                   world):
    w, tid = world, world["task"]["task_id"]
    a, b = w["a"][0], w["b"][0]
    assert client.post(f"/api/v1/tasks/{tid}/acknowledgement", headers=a).status_code == 200
    inbox = client.get("/api/v1/me/tasks", headers=b).json()
    assert tid in [t["task_id"] for t in inbox["items"]]
    # a redraw supersedes the draw: its use case saves the cancelled tasks with the plan
    app = platform.supervision
    plan_id = UUID(w["plan_id"])
    app.save(*app.cancel_tasks_of_draw(plan_id, 1, "第2次抽取取代第1次 draw 2 supersedes draw 1",
                                       today_in_china(), "supervisor"))
    platform.settle()
    for who in (a, b):
        mine = client.get("/api/v1/me/tasks", headers=who).json()
        assert tid not in [t["task_id"] for t in mine["items"]]
        old = client.get("/api/v1/me/tasks?status=cancelled", headers=who).json()
        assert tid in [t["task_id"] for t in old["items"]]
    # every action answers 409
    for path, body in (("acknowledgement", None), ("start", None),
                       ("recusal", {"reason": "亲属关系"}), ("result", _result(w))):
        r = client.post(f"/api/v1/tasks/{tid}/{path}", json=body, headers=b)
        assert r.status_code == 409, (path, r.text)
    assert client.post(f"/api/v1/tasks/{tid}/staffing", headers=w["sup"]).status_code == 409
    record = client.get(f"/api/v1/tasks/{tid}", headers=w["sup"]).json()
    assert record["status"] == "cancelled" and not record["short_staffed"]
    # each member is told, with the reason
    for who in (a, b):
        notes = client.get("/api/v1/me/notifications?unread=true", headers=who).json()["items"]
        told = [n for n in notes if n["task_id"] == tid and n["kind"] == "cancellation"]
        assert len(told) == 1 and "draw 2 supersedes draw 1" in told[0]["message"]
    r = client.get("/api/v1/me/notifications/stream?after=0&max_seconds=0.5", headers=b)
    assert "event: cancellation" in r.text
    # nobody else was told anything
    out = client.get("/api/v1/me/notifications", headers=w["out"][0]).json()["items"]
    assert not [n for n in out if n["task_id"] == tid]

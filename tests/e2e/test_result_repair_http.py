"""Credit repair of a negative spot-check result over HTTP: the approval's response comes after
supervision has withdrawn the result, so the public record no longer shows it."""

from __future__ import annotations

from tests.e2e.conftest import token
from tests.integration.test_inspection_scenario import _tasks, _world
from tests.integration.test_result_repair import _published


def test_approved_repair_withdraws_the_result(client, platform):
    first, second = _tasks(platform, _world(platform))[:2]
    negative, clean = _published(platform, first, "B"), _published(platform, second, "1")
    platform.catch_up()
    sup, uscc = token(client, "supervisor"), first["uscc"]
    assert [i["result_code"] for i in
            client.get(f"/api/v1/public/credit/{uscc}").json()["inspections"]] == ["B"]

    def apply(record_id: str):
        return client.post("/api/v1/repairs", headers=sup, json={
            "record_kind": "inspection_result", "record_id": record_id,
            "applied_on": "2025-11-03", "pledge": "守信承诺书", "evidence": ["整改报告.pdf"]})

    r = apply(clean)
    assert r.status_code == 409 and "negative" in r.json()["detail"]
    r = apply("nonsense")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "record_id"]
    r = apply(negative)
    assert r.status_code == 201, r.text
    r = client.post(f"/api/v1/repairs/{r.json()['id']}/decision", headers=sup,
                    json={"approve": True, "decided_on": "2025-11-10", "reason": "已整改"})
    assert r.status_code == 200, r.text
    assert client.get(f"/api/v1/public/credit/{uscc}").json()["inspections"] == []
    listed = client.get(f"/api/v1/public/inspections?uscc={uscc}").json()
    assert listed["total"] == 0

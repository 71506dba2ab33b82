"""审计 The audit trail over HTTP: each non-public read by a signed-in user leaves one record (who,
when, what); public reads, refused reads and misses leave none; the admin exports it as CSV; a
read whose record cannot be written is refused (503), never answered unaudited."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from kernel.db import audit_reads
from tests.e2e.conftest import token
from tests.e2e.test_draw_http import _plan, _world
from tests.e2e.test_observability_http import sample
from tests.factories import before_round, drand_round, entity

BOTH = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)


def _drawn_plan(client, platform) -> str:
    _world(platform)
    sup = token(client, "supervisor")
    plan_id = _plan(client)
    v = drand_round(0)
    platform.clock = lambda: before_round(0)
    assert client.post(f"/api/v1/plans/{plan_id}/publish", headers=sup).status_code == 200
    platform.clock = lambda: v["time"] + timedelta(seconds=5)
    r = client.post(f"/api/v1/plans/{plan_id}/draw",
                    json={"round": v["round"], "signature": v["signature"]}, headers=sup)
    assert r.status_code == 201, r.text
    return plan_id


def _trail(platform) -> list[dict]:
    with platform.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            sa.select(audit_reads).order_by(audit_reads.c.id))]


@BOTH
def test_each_non_public_read_leaves_one_record_and_the_admin_exports_them(client, platform):
    drawn = 'opencheck_draw_duration_seconds_count{outcome="drawn"}'
    before = sample(client.get("/metrics").text, drawn)
    plan_id = _drawn_plan(client, platform)
    assert sample(client.get("/metrics").text, drawn) == before + 1   # the draw was timed
    code = entity(1).uscc
    sup, aud = token(client, "supervisor"), token(client, "auditor")

    # public reads, refused reads and misses: no record
    assert client.get(f"/api/v1/public/entities/{code}").status_code == 200
    assert client.get(f"/api/v1/public/plans/{plan_id}").status_code == 200
    assert client.get(f"/api/v1/public/credit/{code}").status_code == 200
    assert client.get(f"/api/v1/entities/{code}/credit").status_code == 401
    assert client.get(f"/api/v1/entities/{code}/credit",
                      headers=token(client, "inspector")).status_code == 403
    assert client.get(f"/api/v1/entities/{entity(99).uscc}/credit", headers=sup).status_code == 404
    assert _trail(platform) == []

    # the credit file, the risk class, the draw archive, the auditor's recomputation
    started = datetime.now(timezone.utc)
    reads = [
        (f"/api/v1/entities/{code}/credit", sup, "credit_file", code, "supervisor"),
        (f"/api/v1/entities/{code}/risk-class", sup, "risk_class", code, "supervisor"),
        (f"/api/v1/plans/{plan_id}/commitments/1/archive", aud, "draw_archive", plan_id, "auditor"),
        (f"/api/v1/plans/{plan_id}/draw/verification", aud, "draw_verification", plan_id,
         "auditor"),
    ]
    ids = []
    for path, who, *_ in reads:
        r = client.get(path, headers=who)
        assert r.status_code == 200, r.text
        ids.append(r.headers["X-Request-ID"])
    assert client.get(f"/api/v1/entities/{code}/risk-class", headers=sup).json()["risk_class"] \
        in "ABCD"
    trail = _trail(platform)[:4]
    assert [(t["username"], t["role"], t["category"], t["subject"]) for t in trail] == \
        [(role, role, category, subject) for _, _, category, subject, role in reads]
    assert [t["request_id"] for t in trail] == ids
    for t in trail:
        at = t["at"] if t["at"].tzinfo else t["at"].replace(tzinfo=timezone.utc)
        assert started - timedelta(seconds=1) <= at <= datetime.now(timezone.utc)
    assert trail[0]["route"] == "/api/v1/entities/{uscc}/credit"

    # the export: admins only, CSV, and recorded itself
    assert client.get("/api/v1/audit/export", headers=sup).status_code == 403
    admin = token(client, "admin")
    r = client.get("/api/v1/audit/export", headers=admin, params={"since": "2026-01-01"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [(x["username"], x["category"], x["subject"]) for x in rows[:5]] == \
        [(t["username"], t["category"], t["subject"]) for t in _trail(platform)[:5]]
    assert rows[-1]["category"] == "audit_export" and rows[-1]["username"] == "admin"
    assert rows[-1]["subject"] == "since=2026-01-01"
    r = client.get("/api/v1/audit/export", headers=admin,
                   params={"since": "2026-02-01", "until": "2026-01-01"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "until"
    before = len(_trail(platform))
    r = client.get("/api/v1/audit/export", headers=admin, params={"until": "2000-01-01"})
    assert r.status_code == 200 and r.content.decode("utf-8-sig").splitlines() == [
        "id,at,username,role,category,subject,route,request_id"]
    assert len(_trail(platform)) == before + 1


@BOTH
def test_a_read_whose_record_cannot_be_written_is_refused(client, platform):
    platform.supervision.register_entities([entity(1)])
    platform.settle()
    sup = token(client, "supervisor")
    with platform.engine.begin() as conn:   # the trail is gone: nothing can be recorded
        conn.execute(sa.text("ALTER TABLE audit_reads RENAME TO audit_reads_away"))
    r = client.get(f"/api/v1/entities/{entity(1).uscc}/credit", headers=sup)
    assert r.status_code == 503 and r.headers["Retry-After"] == "5"
    assert "audit" in r.json()["detail"] and entity(1).uscc not in r.text
    # public reads do not depend on it
    assert client.get(f"/api/v1/public/entities/{entity(1).uscc}").status_code == 200


def test_the_dashboard_entity_file_is_audited(client, platform):
    from tests.e2e.conftest import PASSWORDS
    from tests.e2e.test_dashboard_http import callback, login

    platform.supervision.register_entities([entity(1)])
    platform.settle()
    show = ([("entity-file", "children")],
            [("entity-selected", "data", entity(1).uscc), ("entity-asof", "date", None)])
    assert callback(client, *show).json()["response"] == {}   # no session: nothing, no record
    assert _trail(platform) == []
    assert login(client, "supervisor", PASSWORDS["supervisor"]).status_code == 200
    r = callback(client, *show)
    assert r.status_code == 200 and entity(1).uscc in r.text
    [t] = _trail(platform)
    assert (t["username"], t["category"], t["subject"], t["route"]) == \
        ("supervisor", "entity_file", entity(1).uscc, "dashboard:entity")

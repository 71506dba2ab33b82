"""开放数据 over HTTP (the list and the files of the daily dumps, the scheduler's job) and the
batch lookup for joint-punishment checks (signed in, ≤ 100 codes, audited)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from kernel.clock import today_in_china
from kernel.db import audit_reads
from opencheck.scheduler import JOBS, run_jobs
from tests.e2e.conftest import token
from tests.factories import decision, entity, uscc

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _world(platform) -> None:
    """Three entities; 1 has a penalty in publicity and is on the serious list."""
    t = today_in_china()
    platform.supervision.register_entities([entity(i) for i in (1, 2, 3)])
    platform.settle()
    credit = platform.credit
    case = credit.open_penalty(uscc(1), "market_regulation", t - timedelta(days=40), t)
    credit.decide_penalty(case, decision(5, decided_on=t - timedelta(days=30)), t)
    credit.publish_penalty(case, t - timedelta(days=25), t)
    platform.catch_up()


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_the_daily_job_writes_a_dump_served_publicly(client, platform, tmp_path):
    _world(platform)
    platform.settings.open_data_dir = str(tmp_path / "open-data")
    assert client.get("/api/v1/public/open-data").json() == []
    assert "尚无数据" in client.get("/open-data").text
    # the scheduler's job (04:00 daily) on two days: a full dump, then a delta
    assert any(j.id == "open-data-dump" for j in JOBS)
    day = today_in_china()
    summary = run_jobs(platform, day - timedelta(days=1), {"open-data-dump"})["open-data-dump"]
    assert summary.startswith(f"open data {day - timedelta(days=1)}: 1 rows")
    run_jobs(platform, day, {"open-data-dump"})
    dumps = client.get("/api/v1/public/open-data").json()
    assert [d["date"] for d in dumps] == [day.isoformat(), (day - timedelta(1)).isoformat()]
    latest = dumps[0]
    assert latest["previous"] == (day - timedelta(1)).isoformat()
    penalties = latest["datasets"]["penalties"]
    assert penalties["rows"] == 1 and penalties["added"] == 0 and penalties["removed"] == 0
    # every linked file downloads; the manifest lists its sha256
    manifest = client.get(latest["manifest"]).json()
    for name, x in latest["datasets"].items():
        for kind, url in x["files"].items():
            r = client.get(url)
            assert r.status_code == 200, url
            if kind == "csv":
                assert r.content.startswith("\ufeff".encode()) and "text/csv" in \
                    r.headers["content-type"]
        assert manifest["datasets"][name]["rows"] == x["rows"]
    body = client.get(penalties["files"]["jsonl"]).text
    assert "婺市监处罚〔2025〕5号" in body and "50000.00" in body
    # nothing but the manifest's files: unknown names, other folders, traversal
    for path in (f"/api/v1/public/open-data/{day}/secret.txt",
                 f"/api/v1/public/open-data/{day}/..%2F..%2Fopencheck.db",
                 "/api/v1/public/open-data/1999-01-01/manifest.json",
                 "/api/v1/public/open-data/today/manifest.json"):
        r = client.get(path)
        assert r.status_code == 404, (path, r.status_code)
    page = client.get("/open-data").text
    assert "行政处罚" in page and penalties["files"]["csv"] in page


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_batch_lookup_answers_each_code_and_is_audited(client, platform):
    _world(platform)
    sup = token(client, "supervisor")
    url = "/api/v1/credit/batch-lookup"
    assert client.get(url, params={"codes": uscc(1)}).status_code == 401
    codes = [uscc(1), uscc(2), uscc(9), "91330102MA2XXXXXXX", uscc(1)]
    r = client.get(url, params={"codes": ",".join(codes[:3])}, headers=sup)
    assert r.status_code == 200, r.text
    r = client.get(url, params=[("codes", ",".join(codes[:2])), *(("codes", c) for c in codes[2:])],
                   headers=sup)
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["found", "found", "not_found", "invalid", "found"]
    assert [x["code"] for x in results] == codes
    first = results[0]
    assert first["summary"]["penalties_in_publicity"] == 1 and not first["summary"]["serious"]
    assert first["record"]["penalties"][0]["decision_no"] == "婺市监处罚〔2025〕5号"
    assert results[3]["reason"] and results[3]["record"] is None
    assert "risk_class" not in r.text and "score" not in r.text
    assert r.json()["limit"] == 100
    # above the limit: 422 naming the field and the limit, in Chinese and English
    many = ",".join([uscc(1)] * 101)
    too_many = client.get(url, params={"codes": many}, headers=sup)
    assert too_many.status_code == 422
    assert too_many.json()["detail"][0]["loc"] == ["body", "codes"]
    assert "100" in too_many.json()["detail"][0]["msg"] and "一次最多" in too_many.text
    assert client.get(url, params={"codes": ",".join([uscc(2)] * 100)},
                      headers=sup).status_code == 200
    assert client.get(url, params={"codes": " , "}, headers=sup).status_code == 422
    # each answered lookup left one audit record naming the codes asked for
    with platform.engine.connect() as conn:
        trail = conn.execute(sa.select(audit_reads.c.category, audit_reads.c.subject,
                                       audit_reads.c.username)
                             .where(audit_reads.c.category == "batch_lookup")).all()
    assert len(trail) == 3 and all(t.username == "supervisor" for t in trail)
    assert uscc(9) in trail[1].subject


def test_the_batch_limit_is_a_rule():
    from credit.rules import load_rules

    assert load_rules().joint_punishment.batch_lookup_max_codes == 100

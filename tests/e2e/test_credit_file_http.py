"""The credit file, its timeline, the public lists and abnormal-list repair over HTTP; and the
privacy rule: no public response or page ever carries the A–D class or score (DOMAIN §7)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from credit.rules import RISK_INDICATORS
from kernel.clock import today_in_china
from kernel.workdays import add_workdays
from opencheck.scheduler import run_jobs
from tests.e2e.conftest import token
from tests.factories import decision, entity
from tests.integration.credit_helpers import PLEDGE, commend, inspect, register

TODAY = today_in_china()
SHOWN_ON = TODAY - timedelta(days=40)   # an unreachable finding recorded then: listed by now


@pytest.fixture
def world(client, platform):
    """1 unreachable (listed), 2 heavily penalised (class D), 3 clean; classified today."""
    register(platform, [1, 2, 3], reports_until=TODAY.year - 1)
    for i in (1, 2, 3):   # all commended: only 3's clean record keeps it on the red list
        commend(platform, entity(i).uscc, SHOWN_ON - timedelta(days=30))
    inspect(platform, entity(1).uscc, "6", SHOWN_ON, "unreachable")
    credit = platform.credit
    case = credit.open_penalty(entity(2).uscc, "market_regulation", SHOWN_ON, TODAY)
    credit.decide_penalty(case, decision(decided_on=SHOWN_ON, heavier_penalty=True), TODAY)
    credit.publish_penalty(case, SHOWN_ON + timedelta(days=1), TODAY)
    run_jobs(platform, TODAY, {"credit-daily", "risk-reclassification"})
    platform.catch_up()
    return token(client, "supervisor")


def test_credit_file_timeline_and_public_lists(client, platform, world):
    code = entity(1).uscc
    r = client.get(f"/api/v1/entities/{code}/credit", headers=world)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["lists"] == {"abnormal": True, "serious": False, "red": False}
    assert body["risk"]["risk_class"] == "C" and body["risk"]["score"] >= 60
    assert "abnormal_list" in [x["indicator"] for x in body["risk"]["reasons"]]
    (listing,) = body["abnormal_listings"]
    assert listing["listed_on"] == add_workdays(SHOWN_ON, 10).isoformat()
    assert listing["grounds"][0]["ground"] == "unreachable"
    assert client.get(f"/api/v1/entities/{entity(2).uscc}/credit",
                      headers=world).json()["risk"]["risk_class"] == "D"
    assert client.get(f"/api/v1/entities/{code}/credit").status_code == 401
    assert client.get(f"/api/v1/entities/{entity(99).uscc}/credit",
                      headers=world).status_code == 404
    # the timeline today shows the listing; as of the listing day it was not recorded yet
    r = client.get(f"/api/v1/entities/{code}/credit/timeline", headers=world)
    kinds = [i["kind"] for i in r.json()["items"]]
    assert "abnormal.listed" in kinds and "inspection.result" in kinds
    r = client.get(f"/api/v1/entities/{code}/credit/timeline", headers=world,
                   params={"as_of": add_workdays(SHOWN_ON, 10).isoformat()})
    assert r.status_code == 200 and not r.json()["lists"]["abnormal"]
    assert "abnormal.listed" not in [i["kind"] for i in r.json()["items"]]
    assert "inspection.result" in [i["kind"] for i in r.json()["items"]]
    # the public lists: no login, public fields only
    r = client.get("/api/v1/public/lists/abnormal")
    assert r.status_code == 200 and r.json()["total"] == 1
    (member,) = r.json()["items"]
    assert member["uscc"] == code and member["list"] == "abnormal" and member["legal_basis"]
    assert {m["uscc"] for m in client.get("/api/v1/public/lists/red").json()["items"]} == \
        {entity(3).uscc}
    assert client.get("/api/v1/public/lists/serious").json()["total"] == 0
    assert client.get("/api/v1/public/lists/black").status_code == 422
    record = client.get(f"/api/v1/public/credit/{code}").json()
    assert [(e["list"], e["since"]) for e in record["lists"]] == \
        [("abnormal", add_workdays(SHOWN_ON, 10).isoformat())]


def test_abnormal_listing_is_repaired_over_http(client, platform, world):
    code = entity(1).uscc
    body = {"record_kind": "abnormal_listing", "record_id": code, "applied_on": str(TODAY),
            "pledge": PLEDGE, "evidence": ["住所已能联系 reachable again"]}
    r = client.post("/api/v1/repairs", json=body, headers={**world, "Idempotency-Key": "rep-1"})
    assert r.status_code == 201, r.text
    again = client.post("/api/v1/repairs", json=body,
                        headers={**world, "Idempotency-Key": "rep-1"})
    assert again.status_code == 201 and again.headers.get("idempotent-replayed") == "true"
    r = client.post(f"/api/v1/repairs/{r.json()['id']}/decision",
                    json={"approve": True, "decided_on": str(TODAY)}, headers=world)
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert client.get("/api/v1/public/lists/abnormal").json()["total"] == 0
    assert client.get(f"/api/v1/entities/{code}/credit",
                      headers=world).json()["abnormal_listings"][0]["removal_reason"] == \
        "repaired"
    r = client.post("/api/v1/repairs", json={**body, "record_id": entity(3).uscc}, headers=world)
    assert r.status_code == 404 and r.json()["field"] == "record_id"


FORBIDDEN_KEYS = {"risk", "risk_class", "class", "score", "reasons", "classified_on"}
FORBIDDEN = re.compile("|".join([r"\brisk_class\b", r"\bclassified_on\b", "风险分类", "信用风险",
                                  *(rf"\b{name}\b" for name in RISK_INDICATORS)]))


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_no_public_response_or_page_carries_the_class_or_score(client, platform, world):
    codes = [entity(i).uscc for i in (1, 2, 3)]
    scores = {client.get(f"/api/v1/entities/{c}/credit", headers=world).json()["risk"]["score"]
              for c in codes}
    paths = client.get("/openapi.json").json()["paths"]
    fills = {"uscc": codes, "list_name": ["abnormal", "serious", "red"]}
    checked = []
    for path, ops in paths.items():
        if not path.startswith("/api/v1/public/") or "get" not in ops:
            continue
        names = re.findall(r"{(\w+)}", path)
        if any(n not in fills for n in names):
            continue   # e.g. a plan id: no credit data behind it
        values = fills[names[0]] if names else [None]
        for v in values:
            url = path.replace(f"{{{names[0]}}}", v) if names else path
            for params in ({"q": "测试"}, {"q": codes[1]}) if url.endswith("/search") else ({},):
                r = client.get(url, params=params)
                assert r.status_code == 200, (url, r.text)
                if not r.headers["content-type"].startswith("application/json"):
                    continue   # the report PDF: its text is checked in test_privacy
                assert not _keys(r.json()) & FORBIDDEN_KEYS, url
                assert not FORBIDDEN.search(r.text), (url, FORBIDDEN.search(r.text))
                checked.append(url)
    for url in ["/", "/?q=测试", *[f"/entity/{c}" for c in codes]]:
        page = client.get(url)
        assert page.status_code == 200
        assert not FORBIDDEN.search(page.text), (url, FORBIDDEN.search(page.text))
        assert not any(f">{s}<" in page.text or f" {s} " in page.text for s in scores), url
        checked.append(url)
    assert any("/lists/" in u for u in checked) and any("/credit/" in u for u in checked)
    assert json.dumps(checked)   # every public route with an entity or list parameter was seen


def test_the_credit_file_as_of_a_day_over_http(client, platform, world):
    code = entity(2).uscc
    before = SHOWN_ON   # decided that day, published the next
    r = client.get(f"/api/v1/entities/{code}/credit", headers=world,
                   params={"as_of": before.isoformat()})
    assert r.status_code == 200, r.text
    body = r.json()
    # the day of the decision: decided, not yet published nor in publicity, not yet classified
    assert body["as_of"] == before.isoformat()
    (case,) = body["penalties"]
    assert (case["status"], case["published_on"], case["in_publicity"]) == \
        ("decided", None, False)
    assert body["risk"]["classified_on"] is None and body["entity"]["status"] == "active"
    today = client.get(f"/api/v1/entities/{code}/credit", headers=world).json()
    assert today["as_of"] == TODAY.isoformat() and today["penalties"][0]["in_publicity"]
    assert today["penalties"][0]["publication_due_on_provisional"] is False
    for bad in ("2026-13-01", "yesterday", "1900-01-01"):
        r = client.get(f"/api/v1/entities/{code}/credit", headers=world, params={"as_of": bad})
        assert r.status_code == 422 and r.json()["field"] == "as_of", r.text
    # the public record takes no as_of: a past day could bring back repaired records
    public = client.get(f"/api/v1/public/credit/{code}", params={"as_of": before.isoformat()})
    assert public.json()["as_of"] == TODAY.isoformat()
    early = client.get(f"/api/v1/entities/{code}/credit", headers=world,
                       params={"as_of": (SHOWN_ON - timedelta(days=1)).isoformat()}).json()
    assert early["penalties"] == [] and not early["lists"]["serious"]

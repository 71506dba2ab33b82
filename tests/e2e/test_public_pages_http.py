"""The public pages over HTTP: the three lists with search and keyset paging, published results,
the check-item list, plans with their draws and the draw's verification; human labels only;
nothing internal on any of them (the A–D class, unpublished or expired records, inspectors)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import unquote
from uuid import UUID

import pytest

from credit.jobs import refresh_red_list
from credit.objections.aggregate import RecordRef
from kernel.clock import today_in_china
from opencheck.scheduler import run_jobs
from tests.e2e.conftest import lottery_draw, lottery_source, token
from tests.e2e.test_privacy import SECRETS, _inspect
from tests.factories import (
    check_item,
    decision,
    entity,
    heavier_penalty,
    inspector,
    known_codes,
    listing_notice,
)
from tests.integration.credit_helpers import commend, inspect, register

TODAY = today_in_china()
SHOWN_ON = TODAY - timedelta(days=40)
PAGES = ("/lists/abnormal", "/lists/serious", "/lists/red", "/inspections", "/check-items",
         "/plans")
# internal words and codes a public page must never carry
INTERNAL = ("risk_class", "风险分类", "低风险", "较高风险", "高风险", "credential_no", "inspector_no",
            "检查员", "market_regulation", "heavier_penalty", "T-001", "T-002", "business_restricted",
            "notes", "statement", "id_masked")


@pytest.fixture
def world(client, platform) -> dict:
    """1 unreachable (abnormal list), 2 heavily penalised and on the serious list, 3 and 4
    commended (red list), 5–11 in a drawn plan, one of whose results is published."""
    app, credit = platform.supervision, platform.credit
    register(platform, range(1, 12), reports_until=TODAY.year - 1)
    app.add_check_item(check_item(1, name="营业执照规范使用情况检查",
                                  object_scope_industries=("F", "H")), known_codes())
    app.add_check_item(check_item(2, name="年度报告公示信息检查", category="general",
                                  default_ratio=0.03), known_codes())
    app.publish_check_list("market_regulation", TODAY, TODAY, known_codes())
    app.register_inspectors([inspector(i) for i in range(4)], TODAY)
    for i in (3, 4):
        commend(platform, entity(i).uscc, SHOWN_ON - timedelta(days=30))
    inspect(platform, entity(1).uscc, "6", SHOWN_ON, "unreachable")
    code = entity(2).uscc
    heavier = heavier_penalty(credit, code, 1, TODAY - timedelta(days=70), TODAY)
    credit.publish_penalty(heavier, TODAY - timedelta(days=65), TODAY)
    credit.give_listing_notice(code, listing_notice(noticed_on=TODAY - timedelta(days=60),
                                                    penalty_case_id=heavier), TODAY)
    credit.decide_listing(code, True, "婺市监失信〔2026〕7号", TODAY - timedelta(days=50),
                          "较重处罚", TODAY)
    case = credit.open_penalty(entity(3).uscc, "market_regulation", SHOWN_ON, TODAY)
    credit.decide_penalty(case, decision(3, decided_on=SHOWN_ON,
                                         kinds=["fine", "business_restricted"],
                                         restriction_months=6), TODAY)
    credit.publish_penalty(case, SHOWN_ON + timedelta(days=1), TODAY)
    run_jobs(platform, TODAY, {"credit-daily", "risk-reclassification"})
    refresh_red_list(platform, TODAY)
    platform.catch_up()
    sup = token(client, "supervisor")
    plan = client.post("/api/v1/plans", headers=sup, json={
        "name": "公开页面测试计划", "lead_department": "market_regulation", "check_items": ["T-001"],
        "scope": {"region_prefix": "3307"}, "ratios": {"A": 1, "B": 1, "C": 1, "D": 1},
        "due_on": "2099-01-01", "randomness": lottery_source()}).json()["plan_id"]
    drawn = lottery_draw(client, platform, plan)
    assert drawn.status_code == 201, drawn.text
    _inspect(platform, UUID(plan), entity(5).uscc, publish=True)
    _inspect(platform, UUID(plan), entity(6).uscc, publish=False)
    platform.catch_up()
    return {"plan": plan}


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_every_public_page_with_human_labels_and_nothing_internal(client, platform, world):
    plan = world["plan"]
    pages = {path: client.get(path) for path in (
        *PAGES, f"/plans/{plan}", f"/plans/{plan}/draws/1", f"/entity/{entity(3).uscc}",
        f"/entity/{entity(2).uscc}", f"/entity/{entity(1).uscc}", "/")}
    for path, r in pages.items():
        assert r.status_code == 200, (path, r.text)
        for word in SECRETS + ("risk_class", "credential_no", "inspector_no", "id_masked"):
            assert word not in r.text, (path, word)
        shown = _text(r.text)   # codes may be form values and links, never visible text
        for word in INTERNAL:
            assert word not in shown, (path, word)
        for link in PAGES:   # every page reaches every other from its navigation
            assert f'href="{link}"' in r.text, (path, link)
    abnormal = pages["/lists/abnormal"].text
    assert entity(1).name in abnormal and entity(2).name not in abnormal
    assert "作出决定机关 Deciding authority" in abnormal
    assert "—" not in _text(abnormal).split("Deciding authority", 1)[1].split("列入日期")[0]
    serious = pages["/lists/serious"].text
    assert entity(2).name in serious and "婺市监失信〔2026〕7号" in serious
    assert "届满移出 Expires on" in serious and "市场监管局" in serious
    red = pages["/lists/red"].text
    assert entity(4).name in red and entity(2).name not in red
    # penalty kinds and departments in words, never codes
    record = pages[f"/entity/{entity(3).uscc}"].text
    assert "罚款 fine、限制开展生产经营活动 business restricted" in record
    assert "市场监管局 Market regulation" in record
    # results: the published one with its item's name; the unpublished one nowhere
    results = pages["/inspections"].text
    assert entity(5).name in results and entity(6).name not in results
    assert "营业执照规范使用情况检查" in results
    items = pages["/check-items"].text
    assert "年度报告公示信息检查" in items and "一般检查事项 General item" in items
    plan_page = pages[f"/plans/{plan}"].text
    assert "营业执照规范使用情况检查" in plan_page and f"/plans/{plan}/draws/1" in plan_page
    assert "公开页面测试计划" in pages["/plans"].text
    draw = pages[f"/plans/{plan}/draws/1"].text
    assert "验证通过 Verified" in draw and f"/api/v1/public/plans/{plan}/draws/1/record" in draw


def test_list_search_and_keyset_paging(client, platform):
    # 45 commended entities: the red list spans three pages of 20
    register(platform, range(1, 46), reports_until=TODAY.year - 1)
    for i in range(1, 46):
        commend(platform, entity(i).uscc, SHOWN_ON - timedelta(days=i))
    refresh_red_list(platform, TODAY)
    platform.catch_up()
    seen, after, pages = [], "", 0
    while True:
        r = client.get("/lists/red", params={"after": after} if after else {})
        assert r.status_code == 200
        seen += re.findall(r'href="/entity/([0-9A-Z]{18})"', r.text)
        pages += 1
        found = re.search(r'after=([^"&]+)"', r.text)
        if not found:
            break
        after = found.group(1).replace("%7E", "~")
    assert pages == 3 and len(seen) == len(set(seen)) == 45
    # newest first: entity 1 was commended last
    assert seen[0] == entity(1).uscc and seen[-1] == entity(45).uscc
    # search by a name part and by a code prefix
    one = client.get("/lists/red", params={"q": entity(7).name}).text
    assert re.findall(r'href="/entity/([0-9A-Z]{18})"', one) == [entity(7).uscc]
    by_code = client.get("/lists/red", params={"q": entity(7).uscc}).text
    assert entity(7).uscc in by_code and "共 1 条" in by_code
    # a malformed cursor is the first page, an unknown list a 404 page
    assert client.get("/lists/red", params={"after": "not-a-day"}).status_code == 200
    missing = client.get("/lists/black")
    assert missing.status_code == 404 and "No list named" in missing.text


def test_page_errors_are_pages_not_500(client, platform):
    assert client.get("/plans/not-a-uuid").status_code == 404
    assert client.get("/plans/00000000-0000-0000-0000-000000000001").status_code == 404
    assert client.get("/plans/00000000-0000-0000-0000-000000000001/draws/1").status_code == 404
    bad = client.get("/inspections", params={"q": "91330702ABCDEFGH5Y"})
    assert bad.status_code == 422 and "Invalid code" in bad.text
    assert client.get("/check-items", params={"department": "nope"}).status_code == 200
    # keyset paging: a malformed cursor is the first page, an overlong one a 422
    assert client.get("/inspections", params={"after": "not-a-cursor"}).status_code == 200
    assert client.get("/inspections", params={"after": "x" * 201}).status_code == 422


def _codes(html: str) -> list[str]:
    return re.findall(r'href="/entity/([0-9A-Z]{18})"', html)


def _next(html: str, path: str) -> str | None:
    found = re.search(rf'href="{re.escape(path)}\?q=[^"&]*(?:&|&amp;)after=([^"&]+)"', html)
    return unquote(found.group(1)) if found else None


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_results_page_and_api_keyset_paging_and_objection_marker(client, platform, world,
                                                                 monkeypatch):
    plan = world["plan"]
    for i in (7, 8, 9, 10, 11):   # six published results in all (5 and these), one day
        _inspect(platform, UUID(plan), entity(i).uscc, publish=True)
    # 异议: one result and one serious-list entry under objection (key: plan id:department)
    platform.credit.file_objection(RecordRef("inspection", entity(5).uscc,
                                             f"{UUID(plan).hex}:market_regulation"),
                                   "结果有误", "异议人", "13700001111", TODAY)
    platform.credit.file_objection(RecordRef("list", entity(2).uscc, "serious"), "名单有误",
                                   "异议人", "13700001111", TODAY)
    platform.catch_up()
    # the API: three pages of two, no overlap, the same order as one long page
    whole = client.get("/api/v1/public/inspections", params={"limit": 50}).json()
    assert whole["total"] == 6 and whole["next"] is None
    seen, after = [], None
    for _ in range(3):
        page = client.get("/api/v1/public/inspections",
                          params={"limit": 2, **({"after": after} if after else {})}).json()
        assert len(page["items"]) == 2 and page["total"] == 6
        seen += [(i["uscc"], i["plan_id"], i["department"]) for i in page["items"]]
        after = page["next"]
    assert after is None and len(set(seen)) == 6
    assert seen == [(i["uscc"], i["plan_id"], i["department"]) for i in whole["items"]]
    marked = {i["uscc"]: i["objection_under_review"] for i in whole["items"]}
    assert marked[entity(5).uscc] is True and sum(marked.values()) == 1
    # the page: three pages of two by its Next link, the marker on the one result
    monkeypatch.setattr("opencheck.public_pages.PAGE", 2)
    shown, after, texts = [], None, []
    for _ in range(3):
        r = client.get("/inspections", params={"after": after} if after else {})
        assert r.status_code == 200
        shown += _codes(r.text)
        texts.append(r.text)
        after = _next(r.text, "/inspections")
    assert after is None and shown == [i["uscc"] for i in whole["items"]]
    assert sum(t.count("异议处理中 Objection under review") for t in texts) == 1
    assert "13700001111" not in "".join(texts)
    # the lists: API and page mark the entry under objection, not the others
    (member,) = client.get("/api/v1/public/lists/serious").json()["items"]
    assert member["uscc"] == entity(2).uscc and member["objection_under_review"] is True
    assert all(not m["objection_under_review"]
               for m in client.get("/api/v1/public/lists/red").json()["items"])
    assert "异议处理中 Objection under review" in client.get("/lists/serious").text
    assert "异议处理中" not in client.get("/lists/red").text
    assert "异议处理中" not in client.get("/lists/abnormal").text


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_search_keyset_paging_codes_then_names(client, platform, monkeypatch):
    # 11 entities of 婺城区 (codes 91330702…), one elsewhere whose name holds that prefix
    register(platform, range(1, 12), reports_until=None)
    prefix = entity(1).uscc[:8]
    register(platform, [12], reports_until=None,
             over={12: {"region": "330102", "name": f"{prefix}商行"}})
    whole = client.get("/api/v1/public/search", params={"q": prefix, "limit": 100}).json()
    assert whole["total"] == 12 and whole["items"][-1]["uscc"] == entity(12, region="330102").uscc
    seen, after = [], None
    for size in (5, 5, 2):   # the last page crosses from the codes to the names
        page = client.get("/api/v1/public/search",
                          params={"q": prefix, "limit": 5, **({"after": after} if after else {})})
        assert page.status_code == 200, page.text
        assert len(page.json()["items"]) == size
        seen += [i["uscc"] for i in page.json()["items"]]
        after = page.json()["next"]
    assert after is None and seen == [i["uscc"] for i in whole["items"]] and len(set(seen)) == 12
    # names only, and the search page by its Next link
    names = [i["uscc"] for i in client.get("/api/v1/public/search",
                                           params={"q": "测试", "limit": 100}).json()["items"]]
    monkeypatch.setattr("opencheck.web.PAGE", 4)
    shown, after = [], None
    for _ in range(3):
        r = client.get("/", params={"q": "测试", **({"after": after} if after else {})})
        shown += _codes(r.text)
        after = _next(r.text, "/")
    assert after is None and shown == names and len(names) == 11
    assert client.get("/api/v1/public/search",
                      params={"q": "测试", "after": "n~garbage"}).status_code == 200

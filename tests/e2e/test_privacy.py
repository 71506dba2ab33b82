"""One entity with every kind of internal and expired fact: none of it may reach any public
response or page. Positive controls prove the pages do show what is public."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from uuid import UUID

import pytest
from stdnum.cn import ric

from credit.lists.public import entries_of
from credit.objections.aggregate import RecordRef
from credit.penalties.views import public_penalties
from credit.record.public import LISTS
from kernel.clock import today_in_china
from supervision.tasks import views as task_views
from supervision.tasks.views import published_inspections
from tests.factories import (
    check_item,
    commitment,
    credential,
    decision,
    entity,
    heavier_penalty,
    inspector,
    known_codes,
    licence,
    listing_notice,
    uscc,
)

SECRETS = ("FINDINGS-SECRET", "NOTES-SECRET", "FACTS-SECRET", "STATEMENT-SECRET", "CONTENT-SECRET", "VNOTE-SECRET",
           "检查员秘密", "REPAIR-PLEDGE-SECRET", "REVOKE-REASON-SECRET", "REPLY-SECRET",
           # an objector (异议人): name, phone, reason; an unpublished licence's number
           "异议人秘密", "13912345678", "139****78", "OBJECTION-REASON-SECRET", "JY-HIDDEN-908")
HIDDEN_DECISIONS = ("〔2026〕901号", "〔2026〕902号", "〔2026〕903号", "〔2026〕904号",
                    "〔2026〕905号", "〔2026〕906号", "〔2026〕908号")
SHOWN = ("〔2026〕907号", "婺市监失信〔2026〕1号")
LICENCE_SHOWN = "婺市监许〔2026〕909号"
PERSON_ID = "33070219800101123" + ric.calc_check_digit("33070219800101123" + "0")
WORDS = ("risk_class", "credential_no", "inspector_no", "legal_representative_", "person_key",
         "id_masked", "notes", "statement", "verification_note")


def _penalty(platform, code, no, decided, published=None, **over):
    t = today_in_china()
    case = platform.credit.open_penalty(code, "market_regulation", decided - timedelta(days=5), t,
                                        notes="NOTES-SECRET internal case notes")
    platform.credit.decide_penalty(case, decision(no, decision_no=f"婺市监处罚〔2026〕{no}号",
                                                  decided_on=decided, **over), t)
    if published:
        platform.credit.publish_penalty(case, published, t)
    return case


def _build(platform) -> str:
    t, app, credit = today_in_china(), platform.supervision, platform.credit
    code = uscc(1)
    # the entity's legal representative is registered with a resident ID number
    app.register_entities([entity(i, legal_representative_id=PERSON_ID) if i == 1 else entity(i)
                           for i in range(6)])
    app.register_inspectors([inspector(i, name=f"检查员秘密{i}") for i in range(4)], t)
    app.add_check_item(check_item(1), known_codes())
    app.declare_conflict(credential(1), code, "REASON 亲属", t - timedelta(days=10), None, t)
    platform.settle()
    # a commitment awaiting verification and one verified with an internal note
    credit.accept_commitment(commitment(1, content="CONTENT-SECRET 承诺内容",
                                        committed_on=t - timedelta(days=100)), t)
    fulfilled = credit.accept_commitment(commitment(1, permit_type="其他许可 other permit",
                                                    committed_on=t - timedelta(days=90)), t)
    credit.verify_commitment(fulfilled, "fulfilled", t - timedelta(days=80), "written",
                             "VNOTE-SECRET verification note", t)
    # penalties: unpublished, simple procedure, warning only, expired, revoked, repaired, shown
    _penalty(platform, code, 901, t - timedelta(days=30))
    # (publishing these two is refused: SAMR Order 45 publicises neither)
    _penalty(platform, code, 902, t - timedelta(days=30), procedure="simple",
             fine_amount=Decimal("100"))
    _penalty(platform, code, 903, t - timedelta(days=30), kinds=["warning"], fine_amount=None)
    _penalty(platform, code, 904, t - timedelta(days=400), t - timedelta(days=395),
             kinds=["circulated_criticism"], fine_amount=None)
    revoked = _penalty(platform, code, 905, t - timedelta(days=30), t - timedelta(days=20))
    credit.revoke_penalty(revoked, "revoked", t - timedelta(days=10), "REVOKE-REASON-SECRET", t)
    repaired = _penalty(platform, code, 906, t - timedelta(days=200), t - timedelta(days=195))
    credit.record_penalty_fulfilment(repaired, "fine_paid", t - timedelta(days=150), t)
    credit.record_penalty_fulfilment(repaired, "obligations_fulfilled", t - timedelta(days=150), t)
    repair = credit.apply_for_repair("penalty", str(repaired), t - timedelta(days=5),
                                     "REPAIR-PLEDGE-SECRET 守信承诺", ["proof.pdf"], t)
    credit.decide_repair(repair, True, t - timedelta(days=2), "sup", "ok", t)
    _penalty(platform, code, 907, t - timedelta(days=30), t - timedelta(days=25))
    # serious list: the notice's facts and the entity's statement stay internal
    heavier = heavier_penalty(credit, code, 1, t - timedelta(days=70), t)
    credit.give_listing_notice(code, listing_notice(facts="FACTS-SECRET 违法事实",
                                                    noticed_on=t - timedelta(days=60),
                                                    penalty_case_id=heavier), t)
    credit.record_listing_statement(code, t - timedelta(days=55), "STATEMENT-SECRET 陈述申辩",
                                    True, t)
    credit.answer_listing_statement(code, t - timedelta(days=52), "REPLY-SECRET 复核意见", False,
                                    t)
    credit.decide_listing(code, True, "婺市监失信〔2026〕1号", t - timedelta(days=50), "较重处罚", t)
    # 双公示: one licence published, one decided two days ago and not yet published
    granted = credit.grant_licence(licence(1, decision_no=LICENCE_SHOWN,
                                           decided_on=t - timedelta(days=20),
                                           valid_from=t - timedelta(days=20)), t)
    credit.publish_licence(granted, t - timedelta(days=18), t)
    credit.grant_licence(licence(1, decision_no="婺市监许〔2026〕908号", licence_no="JY-HIDDEN-908",
                                 decided_on=t - timedelta(days=2),
                                 valid_from=t - timedelta(days=2)), t)
    platform.catch_up()
    # an objection (异议) to the shown penalty: the record is marked, the objector never shown
    credit.file_objection(RecordRef("penalty", code, "婺市监处罚〔2026〕907号"),
                          "OBJECTION-REASON-SECRET 处罚对象有误", "异议人秘密", "13912345678", t)
    platform.catch_up()
    return code


def _inspect(platform, plan_id: UUID, code: str, publish: bool) -> None:
    t, app = today_in_china(), platform.supervision
    with platform.engine.connect() as conn:
        task = next(x for x in task_views.plan_tasks(conn, plan_id.hex, limit=500)[1]
                    if x["uscc"] == code)
    team = [m["inspector_no"] for m in task["team"]]
    task_id = UUID(task["task_id"])
    for member in team:
        app.acknowledge_task(task_id, member, t)
    app.start_task(task_id, team[0], t)
    app.record_result(task_id, team[0], "B", "FINDINGS-SECRET 现场检查记录", t,
                      team, t, platform.rules)
    if publish:
        app.publish_result(task_id, None, t, "sup", None)
    platform.settle()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_no_internal_or_expired_fact_reaches_the_public(client, platform):
    from tests.e2e.conftest import lottery_draw, lottery_source, token

    code = _build(platform)
    sup = token(client, "supervisor")
    plan = client.post("/api/v1/plans", headers=sup, json={
        "name": "隐私测试计划", "lead_department": "market_regulation", "check_items": ["T-001"],
        "scope": {"region_prefix": "3307"}, "ratios": {"A": 1, "B": 1, "C": 1, "D": 1},
        "due_on": "2099-01-01", "randomness": lottery_source()}).json()["plan_id"]
    assert lottery_draw(client, platform, plan).status_code == 201

    # results: the entity's own stays unpublished; another entity's is published (control)
    _inspect(platform, UUID(plan), code, publish=False)
    _inspect(platform, UUID(plan), uscc(2), publish=True)

    pages = {path: client.get(path) for path in (
        f"/api/v1/public/credit/{code}", f"/api/v1/public/entities/{code}",
        f"/api/v1/public/entities/{code}/penalties", f"/api/v1/public/search?q={code}",
        "/api/v1/public/search?q=测试", "/api/v1/public/plans", f"/api/v1/public/plans/{plan}",
        "/api/v1/public/check-items", f"/entity/{code}", f"/?q={code}",
        f"/api/v1/public/inspections?uscc={code}", f"/api/v1/public/credit/{uscc(2)}",
        f"/entity/{uscc(2)}", f"/api/v1/public/inspections?plan_id={plan}",
        # the public pages (opencheck.public_pages)
        "/lists/serious", "/lists/abnormal", "/lists/red", "/inspections",
        f"/inspections?q={code}", "/check-items", "/plans", f"/plans/{plan}",
        f"/plans/{plan}/draws/1", f"/lists/serious?q={code}")}
    for path, r in pages.items():
        assert r.status_code == 200, (path, r.text)
        text = r.text
        for secret in SECRETS + HIDDEN_DECISIONS:
            assert secret not in text, (path, secret)
        for word in WORDS:
            assert word not in text, (path, word)
    assert pages[f"/api/v1/public/credit/{code}"].json()["inspections"] == []
    shown = pages[f"/api/v1/public/credit/{uscc(2)}"].json()["inspections"]
    assert [i["result_code"] for i in shown] == ["B"] and "findings" not in shown[0]
    record = pages[f"/api/v1/public/credit/{code}"].json()
    assert [p["decision_no"] for p in record["penalties"]] == ["婺市监处罚〔2026〕907号"]
    assert [entry["decision_no"] for entry in record["lists"]] == ["婺市监失信〔2026〕1号"]
    for shown in SHOWN:
        assert shown in pages[f"/entity/{code}"].text, shown
    # the pages: the listing shown, the unpublished result not, the published one (control)
    assert "婺市监失信〔2026〕1号" in pages["/lists/serious"].text
    assert "No published results" in pages[f"/inspections?q={code}"].text
    assert uscc(2) in pages["/inspections"].text and code not in pages["/inspections"].text
    for path in (f"/plans/{plan}", f"/plans/{plan}/draws/1", "/plans", "/inspections"):
        for word in ("检查员", "Inspector", "A类", "D类", "风险"):
            assert word not in pages[path].text, (path, word)
    # the penalty, the listing, the published licence (in its number and the entity's lists)
    assert json.dumps(record, ensure_ascii=False).count("〔2026〕") == 3
    assert [x["decision_no"] for x in record["licences"]] == [LICENCE_SHOWN]
    assert [x["state"] for x in record["commitments"]] == ["fulfilled", "awaiting"]
    assert record["penalties"][0]["objection_under_review"] is True
    page = pages[f"/entity/{code}"].text
    assert "Licensing decisions (1)" in page and "Commitments (2)" in page
    # 异议 on the published result and on the serious-list entry: each public output that lists
    # them marks them "异议处理中", none shows the objector
    t = today_in_china()
    platform.credit.file_objection(RecordRef("inspection", uscc(2),
                                             f"{UUID(plan).hex}:market_regulation"),
                                   "OBJECTION-REASON-SECRET", "异议人秘密", "13912345678", t)
    platform.credit.file_objection(RecordRef("list", code, "serious"), "OBJECTION-REASON-SECRET",
                                   "异议人秘密", "13912345678", t)
    platform.catch_up()
    marked = {path: client.get(path) for path in (
        f"/api/v1/public/inspections?plan_id={plan}", "/api/v1/public/inspections",
        "/api/v1/public/lists/serious", "/inspections", "/lists/serious",
        f"/lists/serious?q={code}", f"/api/v1/public/credit/{uscc(2)}")}
    for path, r in marked.items():
        assert r.status_code == 200, (path, r.text)
        for secret in SECRETS:
            assert secret not in r.text, (path, secret)
        if path.startswith("/api/v1/public/credit"):
            assert r.json()["inspections"][0]["objection_under_review"] is True
        elif path.startswith("/api"):
            assert [i["objection_under_review"] for i in r.json()["items"]] == [True], path
        else:
            assert r.text.count("异议处理中 Objection under review") == 1, path


    # the one-statement record equals the sections read one query at a time
    other = pages[f"/api/v1/public/credit/{uscc(2)}"].json()
    t = today_in_china()
    with platform.engine.connect() as conn:
        for c, rec in ((code, record), (uscc(2), other)):
            one_by_one = {"lists": entries_of(conn, c, t, LISTS),
                          "penalties": public_penalties(conn, c, t),
                          "inspections": published_inspections(conn, uscc=c, limit=None)[1]}
            # (the record adds the 异议 marker to each item: credit.record.public)
            unmarked = {k: [{f: v for f, v in i.items() if f != "objection_under_review"}
                            for i in rec[k]] for k in one_by_one}
            assert unmarked == json.loads(json_of(one_by_one)), c


def json_of(value) -> str:
    from kernel.http.api import json_bytes

    return json_bytes(value).decode()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_no_internal_or_expired_fact_reaches_the_report_the_open_data_or_a_batch_lookup(
        client, platform, tmp_path):
    import io

    import pypdf

    from opencheck.scheduler import run_jobs
    from tests.e2e.conftest import token

    code = _build(platform)
    platform.settings.open_data_dir = str(tmp_path / "open-data")
    # the credit report (PDF) and its verification
    pdf = client.get(f"/api/v1/public/credit/{code}/report.pdf")
    assert pdf.status_code == 200, pdf.text
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    flat = "".join(text.split())
    platform.catch_up()
    verified = client.get(f"/api/v1/public/credit-reports/{pdf.headers['x-report-no']}"
                          f"/verification", params={"code": pdf.headers["x-report-digest"]})
    assert verified.json()["genuine"]
    # the open data: every file of a dump and of its delta
    run_jobs(platform, today_in_china(), {"open-data-dump"})
    (dump,) = client.get("/api/v1/public/open-data").json()
    files = {url: client.get(url) for x in dump["datasets"].values()
             for url in x["files"].values()}
    files[dump["manifest"]] = client.get(dump["manifest"])
    assert dump["datasets"]["penalties"]["rows"] == 1 and dump["datasets"]["serious_list"]["rows"] == 1
    # a batch lookup by another department
    batch = client.get("/api/v1/credit/batch-lookup", params={"codes": f"{code},{uscc(2)}"},
                       headers=token(client, "supervisor"))
    texts = {"report.pdf": flat, "verification": verified.text, "batch": batch.text,
             "/open-data": client.get("/open-data").text,
             **{url: r.text for url, r in files.items()}}
    for where, body in texts.items():
        for secret in SECRETS + HIDDEN_DECISIONS:
            assert "".join(secret.split()) not in "".join(body.split()), (where, secret)
        for word in WORDS + ("score",):
            assert word not in body, (where, word)
        # the resident ID number neither in full nor masked; inspectors not at all
        assert PERSON_ID not in body, where
        assert "********" not in body and credential(1) not in body, where
    for shown in (*SHOWN, LICENCE_SHOWN):   # positive controls: the public decisions are there
        assert shown in flat and shown in batch.text, shown
    assert "异议处理中" in flat and "承诺属实" in flat   # the marker; the kept commitment
    summary = batch.json()["results"][0]["summary"]
    assert (summary["licences_valid"], summary["commitments"],
            summary["objections_under_review"]) == (1, 2, 1)
    assert dump["datasets"]["licences"]["rows"] == 1 and dump["datasets"]["commitments"]["rows"] == 2
    assert any("婺市监处罚〔2026〕907号" in r.text for r in files.values())
    assert any("婺市监失信〔2026〕1号" in r.text for r in files.values())
    assert any(LICENCE_SHOWN in r.text for r in files.values())

"""公共信用信息报告: the PDF renders Chinese, its number and code are in the register, and the
public verification tells a genuine report from an altered one."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pypdf
import pytest

from credit.record.public import public_credit_record
from credit.reports.report import report_digest
from kernel.clock import today_in_china
from tests.factories import decision, entity, uscc

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _published_penalty(platform, code: str, no: int) -> None:
    t = today_in_china()
    case = platform.credit.open_penalty(code, "market_regulation", t - timedelta(days=40), t)
    platform.credit.decide_penalty(case, decision(no, decided_on=t - timedelta(days=30)), t)
    platform.credit.publish_penalty(case, t - timedelta(days=25), t)
    platform.catch_up()


def _text(body: bytes) -> str:
    """The PDF's text without whitespace (table cells wrap long values over lines)."""
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)
    return "".join(text.split())


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_report_is_issued_registered_and_verifiable(client, platform):
    # an entity with a penalty in publicity
    platform.supervision.register_entities([entity(1), entity(2)])
    platform.settle()
    code = uscc(1)
    _published_penalty(platform, code, 71)

    # the download: a PDF in Chinese with its number and verification code
    r = client.get(f"/api/v1/public/credit/{code}/report.pdf")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    number, digest = r.headers["x-report-no"], r.headers["x-report-digest"]
    assert number.startswith(f"XYBG{today_in_china():%Y%m%d}") and len(digest) == 64
    text = _text(r.content)
    for shown in ("公共信用信息报告", "测试1号商贸有限公司", code, number, digest,
                  "婺市监处罚〔2025〕71号", "虚假宣传", "罚款", "市场监督管理"):
        assert "".join(shown.split()) in text, (shown, text)
    assert "/credit-report/verify?report_no=" in text

    # the same content the same day: the same report, no second issuance
    again = client.get(f"/api/v1/public/credit/{code}/report.pdf")
    assert (again.headers["x-report-no"], again.headers["x-report-digest"]) == (number, digest)
    platform.catch_up()

    # genuine: the number with its code; the code is the digest anyone can recompute
    v = client.get(f"/api/v1/public/credit-reports/{number}/verification",
                   params={"code": digest}).json()
    assert v["genuine"] and v["uscc"] == code and v["entity_name"] == "测试1号商贸有限公司"
    assert v["proof"].startswith("/api/v1/public/log/credit/proof?position=")
    as_of = datetime.fromisoformat(v["as_of"])
    with platform.engine.connect() as conn:
        record = public_credit_record(conn, code, today_in_china())
    assert report_digest(number, code, as_of, record) == digest

    # altered or unknown: not genuine, and the entity is not named
    wrong = client.get(f"/api/v1/public/credit-reports/{number}/verification",
                       params={"code": "0" * 64}).json()
    assert not wrong["genuine"] and wrong["known_number"] and wrong["uscc"] is None
    unknown = client.get("/api/v1/public/credit-reports/XYBG20260101FFFFFFFFFFFF/verification",
                         params={"code": digest}).json()
    assert not unknown["genuine"] and not unknown["known_number"]
    assert client.get(f"/api/v1/public/credit-reports/{number}/verification"
                      ).status_code == 422   # the code is required

    # the public page says the same, in Chinese with English alongside
    page = client.get("/credit-report/verify", params={"report_no": number, "code": digest})
    assert page.status_code == 200 and "真实 Genuine" in page.text and code in page.text
    page = client.get("/credit-report/verify", params={"report_no": number, "code": "ab" * 32})
    assert "不符 Not genuine" in page.text and "测试1号商贸有限公司" not in page.text
    assert client.get("/credit-report/verify", params={"report_no": number}).status_code == 422
    assert f"/api/v1/public/credit/{code}/report.pdf" in client.get(f"/entity/{code}").text

    # a change to the record: a new report number; the old report stays genuine
    _published_penalty(platform, code, 72)
    newer = client.get(f"/api/v1/public/credit/{code}/report.pdf")
    assert newer.headers["x-report-no"] != number
    assert "婺市监处罚〔2025〕72号" in _text(newer.content)
    platform.catch_up()
    assert client.get(f"/api/v1/public/credit-reports/{number}/verification",
                      params={"code": digest}).json()["genuine"]

    # an entity with an empty record still gets a report; unknown and invalid codes do not
    assert client.get(f"/api/v1/public/credit/{uscc(2)}/report.pdf").status_code == 200
    missing = client.get(f"/api/v1/public/credit/{uscc(3)}/report.pdf")
    assert missing.status_code == 404 and missing.json()["field"] == "uscc"
    assert client.get("/api/v1/public/credit/123/report.pdf").status_code == 422


def test_the_builtin_cid_font_renders_chinese_without_a_font_file():
    from credit.reports.pdf import render_report
    from kernel.pdf_fonts import CID_FONT, cjk_font

    assert cjk_font("/nonexistent/font.ttf") == CID_FONT
    record = {"entity": {"name": "金华测试有限公司", "uscc": uscc(1), "entity_type": "enterprise",
                         "legal_representative": "张三", "registered_on": date(2020, 1, 1),
                         "address": "浙江省金华市", "registering_authority": "金华市市场监督管理局",
                         "status": "active"},
              "lists": [], "penalties": [], "false_commitments": [], "inspections": []}
    report = {"report_no": "XYBG20261204ABCDEF012345",
              "as_of": datetime(2026, 12, 4, 1, 2, 3).astimezone(), "digest": "ab" * 32}
    text = _text(render_report(report, record, "http://example/verify",
                               font_path="/nonexistent/font.ttf"))
    assert "金华测试有限公司" in text and "公共信用信息报告" in text and "无None" in text

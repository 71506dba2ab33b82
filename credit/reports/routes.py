"""公共信用信息报告 Public routes: download an entity's credit report (PDF), verify a report."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from credit.record.public import public_credit_record
from credit.reports.pdf import render_report
from credit.reports.views import verify_report
from kernel.clock import china_date
from kernel.errors import NotFound
from kernel.http.api import ERRORS, PlatformDep, Proved, PublicConn
from kernel.labels import department_labels
from kernel.uscc import checked_uscc

public_router = APIRouter(tags=["public"])
ReportNo = Annotated[str, Query(min_length=1, max_length=32, description="报告编号 report number")]
Code = Annotated[str, Query(min_length=1, max_length=128,
                            description="校验码 the verification code printed on the report")]


class ReportVerificationPublic(Proved):
    """报告核验 Whether a report number and verification code are genuine."""

    genuine: bool
    report_no: str
    known_number: bool
    reason: str
    uscc: str | None = None
    entity_name: str | None = None
    as_of: datetime | None = None
    version: str | None = None


def verify_url(base: str, report_no: str, digest: str) -> str:
    """The public page that checks this report."""
    query = urlencode({"report_no": report_no, "code": digest})
    return f"{base.rstrip('/')}/credit-report/verify?{query}"


@public_router.get("/credit/{uscc}/report.pdf", response_class=Response,
                   responses={200: {"content": {"application/pdf": {}},
                                    "description": "the report (PDF)"}, 404: ERRORS[404]})
def credit_report(uscc: str, request: Request, p: PlatformDep) -> Response:
    """公共信用信息报告 The entity's public credit report as a PDF, issued now (or the one issued
    earlier today for the same content) and recorded in the report register."""
    code = checked_uscc(uscc)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with p.engine.connect() as conn:
        record = public_credit_record(conn, code, china_date(now), p.rules)
    if record is None:
        raise NotFound(f"未找到该市场主体 no market entity with code {code}", field="uscc")
    report = p.credit.issue_credit_report(code, record, now)
    base = p.settings.public_base_url or str(request.base_url)
    departments = department_labels(p.rules)
    body = render_report(report, record, verify_url(base, report["report_no"], report["digest"]),
                         labels=lambda d: departments.get(d, d),
                         font_path=p.settings.report_font_file)
    return Response(body, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{report["report_no"]}.pdf"',
        "X-Report-No": report["report_no"], "X-Report-Digest": report["digest"],
        "Cache-Control": "no-store"})


@public_router.get("/credit-reports/{report_no}/verification",
                   response_model=ReportVerificationPublic)
def report_verification(report_no: str, code: Code, conn: PublicConn) -> dict:
    """报告核验 Is this report number with this verification code a report the platform issued?
    The entity is named only when both match."""
    return verify_report(conn, report_no[:32], code)

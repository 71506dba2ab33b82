"""Public pages of the credit report's verification and of the open data (server-rendered)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from credit.opendata.dumps import list_dumps
from credit.reports.views import verify_report
from kernel.clock import CHINA
from kernel.http.api import PlatformDep, PublicConn
from opencheck.web import templates

router = APIRouter(include_in_schema=False)


@router.get("/credit-report/verify", response_class=HTMLResponse)
def verify_page(request: Request, conn: PublicConn, report_no: str = "",
                code: str = "") -> HTMLResponse:
    report_no, code = report_no.strip()[:32], code.strip()[:128]
    v = verify_report(conn, report_no, code) if report_no and code else None
    error = ("请同时填写报告编号和校验码 Enter both the report number and the code"
             if bool(report_no) != bool(code) else None)
    as_of = v["as_of"].astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S") if v and v["genuine"] \
        else None
    return templates.TemplateResponse(request, "report_verify.html", {
        "report_no": report_no, "code": code, "v": v, "as_of": as_of, "error": error},
        status_code=422 if error else 200)


@router.get("/open-data", response_class=HTMLResponse)
def open_data_page(request: Request, p: PlatformDep) -> HTMLResponse:
    return templates.TemplateResponse(request, "open_data.html",
                                      {"dumps": list_dumps(p.settings)})

"""Public pages of 双公示 and objections: licensing decisions, commitments, the objection form
(server-rendered, no script, phone width; the same views as the public API)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from credit.commitments.views import public_commitments
from credit.licensing.views import public_licences
from credit.objections.aggregate import RecordRef
from credit.objections.rules import RECORD_KINDS
from credit.objections.views import mark_under_review
from kernel.clock import today_in_china
from kernel.errors import DomainError
from kernel.http.api import PlatformDep, PublicConn
from kernel.uscc import InvalidUSCC, validate_uscc
from opencheck.web import templates

router = APIRouter(include_in_schema=False)
PAGE = 20


def _code(uscc: str) -> str | None:
    try:
        return validate_uscc(uscc.strip()) if uscc.strip() else None
    except InvalidUSCC:
        return None


def _page(offset: int) -> int:
    return max(0, min(offset, 10_000))


@router.get("/licences", response_class=HTMLResponse)
def licences_page(request: Request, conn: PublicConn, q: str = "", uscc: str = "",
                  offset: int = 0) -> HTMLResponse:
    """行政许可 Published licensing decisions, searchable by number, licence or name."""
    q, offset, code = q.strip()[:100], _page(offset), _code(uscc)
    total, items = public_licences(conn, today=today_in_china(), uscc=code, q=q or None,
                                   offset=offset, limit=PAGE)
    mark_under_review(conn, "licence", items, key="decision_no")
    return templates.TemplateResponse(request, "licences.html", {
        "q": q, "uscc": code or "", "items": items, "total": total, "offset": offset,
        "limit": PAGE})


@router.get("/commitments", response_class=HTMLResponse)
def commitments_page(request: Request, conn: PublicConn, p: PlatformDep, uscc: str = "",
                     offset: int = 0) -> HTMLResponse:
    """信用承诺 The commitments public today."""
    offset, code = _page(offset), _code(uscc)
    total, items = public_commitments(conn, p.rules, today=today_in_china(), uscc=code,
                                      offset=offset, limit=PAGE)
    mark_under_review(conn, "commitment", items, key="id")
    return templates.TemplateResponse(request, "commitments.html", {
        "uscc": code or "", "items": items, "total": total, "offset": offset, "limit": PAGE})


def _form(request: Request, values: dict, error: str | None = None,
          status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, "objection_form.html", {
        "v": values, "kinds": RECORD_KINDS, "error": error}, status_code=status)


@router.get("/objections/new", response_class=HTMLResponse)
def objection_form(request: Request, kind: str = "penalty", uscc: str = "",
                   key: str = "") -> HTMLResponse:
    """提出异议 The objection form, prefilled from a record's link."""
    return _form(request, {"record_kind": kind if kind in RECORD_KINDS else "penalty",
                           "uscc": uscc[:40], "record_key": key[:100]})


@router.post("/objections", response_class=HTMLResponse)
def file_objection_page(request: Request, p: PlatformDep,
                        record_kind: str = Form(..., max_length=20),
                        uscc: str = Form(..., max_length=40),
                        record_key: str = Form(..., max_length=100),
                        reason: str = Form(..., max_length=4000),
                        contact_name: str = Form(..., max_length=100),
                        contact: str = Form(..., max_length=200)) -> HTMLResponse:
    """File the objection; the receipt shows its id and deadline, never the contact."""
    values = {"record_kind": record_kind, "uscc": uscc, "record_key": record_key,
              "reason": reason}
    try:
        objection_id = p.credit.file_objection(RecordRef(record_kind, uscc, record_key),
                                               reason, contact_name, contact, today_in_china())
    except DomainError as e:
        return _form(request, values, e.message, e.status_code)
    p.settle("credit", timeout=10)
    from credit.objections.routes import receipt

    with p.engine.connect() as conn:
        found = receipt(conn, objection_id)
    return templates.TemplateResponse(request, "objection_filed.html",
                                      {"o": found, "kinds": RECORD_KINDS}, status_code=201)

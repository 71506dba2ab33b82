"""Public web pages at `/`: search and an entity's credit record (server-rendered, no script)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from credit.record.public import RECORD, public_record_of, record_params
from kernel.clock import today_in_china
from kernel.http.api import PublicConn, run_trip
from kernel.labels import (
    ENTITY_STATUSES,
    ENTITY_TYPES,
    PENALTY_KINDS,
    department_labels,
    until_label,
)
from kernel.regions import region_name
from kernel.uscc import InvalidUSCC, validate_uscc
from supervision.directory.search import COUNT_CAP, search_page
from supervision.directory.views import item_names

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals.update(type_label=lambda t: ENTITY_TYPES.get(t, t),
                             status_label=lambda s: ENTITY_STATUSES.get(s, s),
                             region_label=lambda c: region_name(c, full=True) or c,
                             kind_label=lambda k: PENALTY_KINDS.get(k, k), until_label=until_label,
                             cap=COUNT_CAP)
router = APIRouter(include_in_schema=False)
PAGE = 20


@router.get("/", response_class=HTMLResponse)
def home(request: Request, conn: PublicConn, q: str = "", after: str = "") -> HTMLResponse:
    """查询 Search by code or name, keyset-paged (`after`: the page before's last row)."""
    q, after = q.strip()[:100], after[:200]
    total, items, nxt = search_page(conn, q, after or None, PAGE) if q else (0, [], None)
    return templates.TemplateResponse(request, "index.html", {
        "q": q, "items": items, "total": total, "after": after, "next": nxt, "error": None})


@router.get("/entity/{uscc}", response_class=HTMLResponse)
async def entity_page(request: Request, uscc: str) -> HTMLResponse:
    try:
        code = validate_uscc(uscc)
    except InvalidUSCC as e:
        return _message(request, f"代码无效 Invalid code: {e.reason}", 422)
    today = today_in_china()   # the same one statement as the API's lookup
    params = record_params(code, today, request.app.state.platform.rules)
    record, _ = public_record_of(await run_trip(request, RECORD, params), today)
    if record is None:
        return _message(request, f"未找到 No entity with code {code}", 404)
    departments = department_labels(request.app.state.platform.rules)
    names = await run_in_threadpool(_item_names, request.app.state.platform.read_engine,
                                    {c for i in record["inspections"] for c in i["check_items"]})
    return templates.TemplateResponse(request, "entity.html", {
        "r": record, "timeline": timeline(record, departments), "today": today,
        "dept": lambda code: departments.get(code, code) if code else "",
        "item": lambda code: names.get(code, code)})


def _item_names(engine: Any, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    with engine.connect() as conn:
        return item_names(conn, codes)


def _message(request: Request, text: str, status: int) -> HTMLResponse:
    return templates.TemplateResponse(request, "index.html", {
        "q": "", "items": [], "total": 0, "after": "", "next": None, "error": text},
        status_code=status)


def timeline(record: dict[str, Any], departments: dict[str, str]) -> list[dict[str, Any]]:
    """Public events of the record, newest first."""
    e = record["entity"]
    events = [{"on": e["registered_on"], "text": "成立登记 Registered"}]
    if e["status"] != "active" and e["status_since"]:
        events.append({"on": e["status_since"], "text": ENTITY_STATUSES.get(e["status"], e["status"])})
    for entry in record["lists"]:
        events.append({"on": entry["since"], "text": f"列入 Listed: {entry['label']}"})
    for p in record["penalties"]:
        events.append({"on": p["decided_on"],
                       "text": f"行政处罚 Penalty {p['decision_no']}: {p['violation_type']}"})
    for c in record["false_commitments"]:
        events.append({"on": c["verified_on"],
                       "text": f"虚假承诺 False commitment ({c['permit_type']})"})
    for i in record["inspections"]:
        events.append({"on": i["inspected_on"], "text": "双随机抽查 Spot check "
                                                         f"({departments.get(i['department'], i['department'])}): "
                                                         f"{i['result_name_zh']} {i['result_name_en']}"})
    return sorted(events, key=lambda x: x["on"], reverse=True)

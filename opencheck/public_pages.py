"""Public pages of 一公开 beyond the entity record: the three lists, published inspection results,
the check-item list, plans with their draw records and the draw's verification.

Server-rendered (no script), read through the contexts' views; human labels only
(kernel.labels): department names, penalty kinds, check-item names, never codes.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from credit.lists.public import COUNT_CAP, list_page
from credit.record.public_pages_data import inspections_page, mark_list_entries
from kernel.clock import today_in_china
from kernel.errors import NotFound
from kernel.http.api import PlatformDep, PublicConn
from kernel.labels import (
    CHECK_CATEGORIES,
    CHECK_METHODS,
    DRAW_SOURCES,
    ENTITY_TYPES,
    LISTS,
    PLAN_STATUSES,
    department_labels,
    region_label,
    until_label,
)
from kernel.uscc import InvalidUSCC, validate_uscc
from opencheck.web import PAGE, templates
from supervision.directory.views import item_names, published_items
from supervision.plans import views as plan_views
from supervision.tasks.views import published_inspections

router = APIRouter(include_in_schema=False)
MAX_OFFSET = 10_000   # offset paging stops here (the short lists: check items, plans)
Text = Annotated[str, Query(max_length=100)]
Offset = Annotated[int, Query(ge=0)]


def _render(request: Request, template: str, p: Any, **context: Any) -> HTMLResponse:
    departments = department_labels(p.rules)
    names = context.pop("item_names", {})
    return templates.TemplateResponse(request, template, {
        **context, "dept": lambda code: departments.get(code, code) if code else "",
        "item": lambda code: names.get(code, code), "departments": departments,
        "today": today_in_china(), "until_label": until_label, "prefix_label": region_label}, status_code=200)


def _error(request: Request, text: str, status: int) -> HTMLResponse:
    return templates.TemplateResponse(request, "index.html", {
        "q": "", "items": [], "total": 0, "after": "", "next": None, "error": text},
        status_code=status)


def _cursor(after: str) -> tuple[date, str] | None:
    """`2026-05-01~91330702…` → (day, uscc); anything else is the first page."""
    day, _, code = after.partition("~")
    try:
        return date.fromisoformat(day), code[:18]
    except ValueError:
        return None


@router.get("/lists/{name}", response_class=HTMLResponse)
def list_members(request: Request, name: str, conn: PublicConn, p: PlatformDep, q: Text = "",
                 after: Text = "") -> HTMLResponse:
    """经营异常名录 / 严重违法失信名单 / 守信激励名单: current members, searchable."""
    if name not in LISTS:
        return _error(request, f"无此名单 No list named {name[:30]}: abnormal, serious, red", 404)
    q = q.strip()
    total, items, last = list_page(conn, name, today_in_china(), q, _cursor(after), PAGE)
    mark_list_entries(conn, items)
    for e in items:   # GSXT names the deciding authority; a listing without one is its register's
        e["authority_label"] = (e["authority"] or department_labels(p.rules).get(
            e["department"] or "", "") or e["registering_authority"] or "—")
    return _render(request, "lists.html", p, name=name, title=LISTS[name], lists=LISTS, q=q,
                   items=items, total=total, capped=total > COUNT_CAP, cap=COUNT_CAP,
                   after=after, next=f"{last[0].isoformat()}~{last[1]}" if last else None)


@router.get("/inspections", response_class=HTMLResponse)
def inspections(request: Request, conn: PublicConn, p: PlatformDep, q: Text = "",
                after: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    """双随机抽查结果 Published inspection results, all or one entity's (by its code), newest
    first, keyset-paged, those under objection marked."""
    q = q.strip().upper()
    if q:
        try:
            q = validate_uscc(q)
        except InvalidUSCC as e:
            return _error(request, f"代码无效 Invalid code: {e.reason}", 422)
    total, items, nxt = inspections_page(conn, uscc=q or None, after=after or None, limit=PAGE)
    names = item_names(conn, {c for i in items for c in i["check_items"]})
    return _render(request, "inspections.html", p, q=q, items=items, total=total,
                   after=after, next=nxt, item_names=names)


@router.get("/check-items", response_class=HTMLResponse)
def check_items(request: Request, conn: PublicConn, p: PlatformDep, department: Text = "",
                category: Text = "", offset: Offset = 0) -> HTMLResponse:
    """随机抽查事项清单 The published check-item lists, by department and category."""
    department = department if department in department_labels(p.rules) else ""
    category = category if category in CHECK_CATEGORIES else ""
    offset = min(offset, MAX_OFFSET)
    total, items = published_items(conn, department=department or None,
                                   category=category or None, offset=offset, limit=PAGE)
    return _render(request, "check_items.html", p, items=items, total=total, offset=offset,
                   limit=PAGE, department=department, category=category,
                   categories=CHECK_CATEGORIES, methods=CHECK_METHODS, types=ENTITY_TYPES)


@router.get("/plans", response_class=HTMLResponse)
def plans(request: Request, conn: PublicConn, p: PlatformDep, offset: Offset = 0
          ) -> HTMLResponse:
    """抽查计划 Published plans, newest first, with their draws."""
    offset = min(offset, MAX_OFFSET)
    total, items = plan_views.list_plans(conn, public=True, offset=offset, limit=PAGE)
    return _render(request, "plans.html", p, items=items, total=total, offset=offset,
                   limit=PAGE, statuses=PLAN_STATUSES,
                   item_names=item_names(conn, {c for x in items for c in x["check_items"]}))


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(request: Request, plan_id: str, conn: PublicConn, p: PlatformDep) -> HTMLResponse:
    """One published plan: items, commitments, every draw, the drawn entities, the results."""
    found = _plan(conn, p, plan_id)
    if isinstance(found, str):
        return _error(request, found, 404)
    live = [d for d in found["draw_records"] if not d["superseded"]]
    drawn = plan_views.public_drawn_entities(conn, found["plan_id"], live[-1]["draw_no"]) \
        if live else []
    _, results = published_inspections(conn, plan_id=found["plan_id"], limit=None)
    return _render(request, "plan.html", p, plan=found, drawn=drawn, results=results,
                   statuses=PLAN_STATUSES, sources=DRAW_SOURCES,
                   item_names=item_names(conn, set(found["check_items"])))


@router.get("/plans/{plan_id}/draws/{draw_no}", response_class=HTMLResponse)
def draw_verification(request: Request, plan_id: str, draw_no: int, conn: PublicConn,
                      p: PlatformDep) -> HTMLResponse:
    """抽取验证 A draw checked from public data alone, and how to check it yourself."""
    found = _plan(conn, p, plan_id)
    if isinstance(found, str):
        return _error(request, found, 404)
    if not 1 <= draw_no <= 1000:
        return _error(request, f"无此抽取 No draw {draw_no} in this plan", 404)
    try:
        check = p.supervision.public_verification(UUID(found["plan_id"]), draw_no)
    except NotFound as e:
        return _error(request, f"无此抽取 No such draw: {e}", 404)
    return _render(request, "draw.html", p, plan=found, check=check, sources=DRAW_SOURCES)


def _plan(conn: Any, p: Any, plan_id: str) -> dict[str, Any] | str:
    """The published plan, or the page's not-found text."""
    try:
        key = UUID(plan_id).hex
    except ValueError:
        return f"计划编号无效 Invalid plan id {plan_id[:40]}"
    found = plan_views.plan(conn, key, public=True,
                            class_counts_min=p.rules.draw.public_class_counts_min)
    return found if found is not None else f"未找到 No published plan {plan_id[:40]}"

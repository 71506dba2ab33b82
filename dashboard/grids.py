"""Every dashboard grid, done once: server-side paging, sorting and filtering (dash-ag-grid's
infinite row model), and export of all the rows the grid's filter and sort select to CSV and
.xlsx. A page declares a `Grid` (columns, roles, a `fetch` answering a getRowsRequest) and calls
`view` in its layout and `serve` in its register; nothing else.

The grid sends ``{startRow, endRow, sortModel, filterModel}``; each page query sorts and filters
only by whitelisted columns (plus a unique tie-breaker, so pages never overlap) and returns
``(total, rows)``. A column shown as a label (a status) filters by its labels (`Grid.labels`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import dash_ag_grid as dag
import sqlalchemy as sa
from dash import Input, Output, State, ctx, dcc, html, no_update

from dashboard.filters import Filters
from dashboard.queries import OPEN_TASK, workload_counts
from dashboard.session import guarded
from kernel.clock import CHINA
from kernel.labels import PLAN_STATUSES, TASK_STATUSES
from supervision.directory.views import entities, inspectors
from supervision.plans.views import plans
from supervision.tasks.views import SHORT_STAFFED, task_inspectors, tasks

MAX_PAGE = 500
MAX_EXPORT = 100_000   # rows in one export; a larger selection is cut and says so
TEXT_OPS = ("contains", "notContains", "equals", "notEqual", "startsWith", "endsWith")


def window(request: dict[str, Any] | None, cap: int = MAX_PAGE) -> tuple[int, int]:
    """(offset, limit) of a getRowsRequest, bounded."""
    request = request or {}
    start = max(0, int(request.get("startRow") or 0))
    end = int(request.get("endRow") or start + 50)
    return start, max(1, min(cap, end - start))


def order(request: dict[str, Any] | None, allowed: dict[str, sa.ColumnElement],
          default: list[sa.ColumnElement], tie: sa.ColumnElement) -> list[sa.ColumnElement]:
    chosen = []
    for s in (request or {}).get("sortModel") or []:
        column = allowed.get(s.get("colId"))
        if column is not None:
            chosen.append(column.desc() if s.get("sort") == "desc" else column.asc())
    return [*(chosen or default), tie]


def _condition(column: sa.ColumnElement, model: dict[str, Any],
               labels: dict[str, str] | None) -> sa.ColumnElement | None:
    """One ag-grid column filter (text, number or date) as SQL; None if it says nothing."""
    if "conditions" in model:   # "a AND b" / "a OR b"
        parts = [c for c in (_condition(column, m, labels) for m in model["conditions"]) if
                 c is not None]
        if not parts:
            return None
        return sa.and_(*parts) if model.get("operator", "AND") == "AND" else sa.or_(*parts)
    op, kind = model.get("type"), model.get("filterType")
    if op == "blank":
        return sa.or_(column.is_(None), sa.cast(column, sa.String) == "")
    if op == "notBlank":
        return sa.and_(column.is_not(None), sa.cast(column, sa.String) != "")
    if kind == "text":
        text = str(model.get("filter") or "").strip()
        if not text or op not in TEXT_OPS:
            return None
        if labels:   # shown as "已分派 Assigned", stored as "assigned": filter by the label
            codes = [k for k, v in labels.items() if _text_match(op, v, text) or k == text]
            return column.not_in(codes) if op in ("notContains", "notEqual") else \
                column.in_(codes)
        value = sa.cast(column, sa.String)
        if op in ("equals", "notEqual"):
            return value == text if op == "equals" else value != text
        esc = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = {"contains": f"%{esc}%", "notContains": f"%{esc}%", "startsWith": f"{esc}%",
                "endsWith": f"%{esc}"}[op]
        matched = value.ilike(like, escape="\\")
        return sa.not_(matched) if op == "notContains" else matched
    if kind in ("number", "date"):
        def val(key: str) -> Any:
            v = model.get(key)
            return v if kind == "number" or v is None else date.fromisoformat(str(v)[:10])
        a, b = val("filter" if kind == "number" else "dateFrom"), \
            val("filterTo" if kind == "number" else "dateTo")
        if a is None:
            return None
        return {"equals": column == a, "notEqual": column != a, "lessThan": column < a,
                "lessThanOrEqual": column <= a, "greaterThan": column > a,
                "greaterThanOrEqual": column >= a,
                "inRange": sa.and_(column >= a, column <= (b if b is not None else a))
                }.get(op)
    return None


def _text_match(op: str, label: str, text: str) -> bool:
    label, text = label.lower(), text.lower()
    return {"contains": text in label, "notContains": text in label, "equals": label == text,
            "notEqual": label == text, "startsWith": label.startswith(text),
            "endsWith": label.endswith(text)}.get(op, False)


def filtered(stmt: sa.Select, request: dict[str, Any] | None,
             allowed: dict[str, sa.ColumnElement],
             labels: dict[str, dict[str, str]] | None = None) -> sa.Select:
    """The statement narrowed by the grid's filterModel, whitelisted columns only."""
    for col_id, model in ((request or {}).get("filterModel") or {}).items():
        column = allowed.get(col_id)
        if column is None or not isinstance(model, dict):
            continue
        condition = _condition(column, model, (labels or {}).get(col_id))
        if condition is not None:
            stmt = stmt.where(condition)
    return stmt


def _page(conn: sa.Connection, stmt: sa.Select, request: dict[str, Any] | None,
          allowed: dict[str, sa.ColumnElement], default: list, tie: sa.ColumnElement,
          labels: dict[str, dict[str, str]] | None = None) -> tuple[int, list[dict[str, Any]]]:
    offset, limit = window(request, (request or {}).get("cap") or MAX_PAGE)
    stmt = filtered(stmt, request, allowed, labels)
    total = conn.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one()
    rows = conn.execute(stmt.order_by(*order(request, allowed, default, tie))
                        .offset(offset).limit(limit))
    return total, [_plain(r._mapping) for r in rows]


def page(conn: sa.Connection, stmt: sa.Select, request: dict[str, Any] | None,
         allowed: dict[str, sa.ColumnElement], default: list, tie: sa.ColumnElement,
         labels: dict[str, dict[str, str]] | None = None) -> tuple[int, list[dict[str, Any]]]:
    """One page of a statement as the grid asked for it: filtered, sorted, windowed."""
    return _page(conn, stmt, request, allowed, default, tie, labels)


def _plain(row: Any) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}


# -- the grid component and its callbacks ---------------------------------------------------
Fetch = Callable[..., tuple[int, list[dict[str, Any]]]]


@dataclass(frozen=True)
class Grid:
    """One grid of the dashboard: `fetch(platform, user, request, *states) -> (total, rows)`
    answers a getRowsRequest with rows shaped as shown; `states` are (id, prop) it also reads."""

    id: str
    columns: list[dict[str, Any]]
    row_id: str
    fetch: Fetch
    roles: tuple[str, ...]
    title: str
    states: tuple[tuple[str, str], ...] = ()
    filterable: frozenset[str] | None = None   # None: every column with a field
    extra: dict[str, Any] = field(default_factory=dict)
    row_class_rules: dict[str, str] | None = None   # e.g. overdue rows in red


def _column(c: dict[str, Any], filterable: frozenset[str] | None) -> dict[str, Any]:
    can = c.get("field") is not None and (filterable is None or c["field"] in filterable) \
        and c.get("filter", True) is not False
    kind = {"date": "agDateColumnFilter", "number": "agNumberColumnFilter"}.get(
        c.get("kind", ""), "agTextColumnFilter")
    out = {k: v for k, v in c.items() if k != "kind"}
    out["filter"] = kind if can else False
    if can:
        out["filterParams"] = {"maxNumConditions": 1, "buttons": ["reset"]}
    return out


def view(grid: Grid, height: int = 320, page_size: int = 25) -> html.Div:
    """The grid with paging, sorting, filters, and its export buttons (CSV, .xlsx)."""
    return html.Div([
        html.Div([
            html.Button("导出 CSV Export CSV", id=f"{grid.id}-csv", className="button-light"),
            html.Button("导出 Excel Export .xlsx", id=f"{grid.id}-xlsx",
                        className="button-light"),
            dcc.Download(id=f"{grid.id}-download"),
        ], className="grid-tools actions"),
        dag.AgGrid(
            **({"rowClassRules": grid.row_class_rules} if grid.row_class_rules else {}),
            id=grid.id, columnDefs=[_column(c, grid.filterable) for c in grid.columns],
            rowModelType="infinite", getRowId=f"params.data.{grid.row_id}",
            defaultColDef={"sortable": True, "resizable": True, "minWidth": 90},
            dashGridOptions={"cacheBlockSize": page_size, "maxBlocksInCache": 20,
                             "infiniteInitialRowCount": 1, "pagination": True,
                             "paginationPageSize": page_size,
                             "paginationPageSizeSelector": False, **grid.extra},
            columnSize="responsiveSizeToFit", style={"height": f"{height}px"},
            className="ag-theme-alpine"),
    ], className="grid", id=f"{grid.id}-box")


def export_rows(grid: Grid, platform: Any, user: Any, request: dict[str, Any] | None,
                *states: Any) -> tuple[list[str], list[list[Any]], bool]:
    """(headers, rows, cut): every row the grid's filter and sort select, as shown."""
    asked = {k: v for k, v in (request or {}).items() if k in ("sortModel", "filterModel")}
    total, rows = grid.fetch(platform, user, {**asked, "startRow": 0, "endRow": MAX_EXPORT,
                                              "cap": MAX_EXPORT}, *states)
    shown = [c for c in grid.columns if c.get("field")]
    return ([c.get("headerName", c["field"]) for c in shown],
            [[_cell(r.get(c["field"])) for c in shown] for r in rows], total > len(rows))


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是 Yes" if value else "否 No"
    return value


def to_csv(headers: list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 with a BOM, so Excel on Chinese Windows opens it right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(["" if v is None else v for v in r] for r in rows)
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(headers: list[str], rows: list[list[Any]], title: str) -> bytes:
    from openpyxl import Workbook  # only exports need it

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "Sheet1")
    sheet.append(headers)
    for r in rows:
        sheet.append([v if not isinstance(v, dict) else str(v) for v in r])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def serve(app: Any, get_platform: Callable[[], Any], grid: Grid) -> None:
    """The grid's rows callback and its export callback."""
    states = [State(i, p) for i, p in grid.states]

    @app.callback(Output(grid.id, "getRowsResponse"), Input(grid.id, "getRowsRequest"), *states)
    @guarded(get_platform, grid.roles)
    def rows(user, request, *values):
        total, found = grid.fetch(get_platform(), user, request, *values)
        return {"rowData": found, "rowCount": total}

    @app.callback(Output(f"{grid.id}-download", "data"), Input(f"{grid.id}-csv", "n_clicks"),
                  Input(f"{grid.id}-xlsx", "n_clicks"), State(grid.id, "getRowsRequest"),
                  *states, prevent_initial_call=True)
    @guarded(get_platform, grid.roles)
    def export(user, csv_clicks, xlsx_clicks, request, *values):
        if ctx.triggered_id not in (f"{grid.id}-csv", f"{grid.id}-xlsx"):
            return no_update
        headers, found, _cut = export_rows(grid, get_platform(), user, request, *values)
        stamp = get_platform().clock().astimezone(CHINA).strftime("%Y%m%d-%H%M")
        name = f"{grid.id.removesuffix('-grid')}-{stamp}"
        if ctx.triggered_id.endswith("-csv"):
            return dcc.send_bytes(to_csv(headers, found), f"{name}.csv")
        return dcc.send_bytes(to_xlsx(headers, found, grid.title), f"{name}.xlsx")


def plans_page(conn: sa.Connection, request: dict[str, Any] | None,
               status: str | None = None) -> tuple[int, list[dict[str, Any]]]:
    """Plans, newest first unless the grid sorts otherwise."""
    p = plans.c
    stmt = sa.select(p.plan_id, p.name, p.lead_department, p.departments, p.region_prefix,
                     p.status, p.drafted_on, p.published_on, p.due_on, p.draws)
    if status:
        stmt = stmt.where(p.status == status)
    allowed = {k: p[k] for k in ("name", "lead_department", "status", "drafted_on",
                                 "published_on", "due_on", "draws", "region_prefix")}
    return _page(conn, stmt, request, allowed, [p.drafted_on.desc()], p.plan_id,
                 {"status": PLAN_STATUSES})


def _task_stmt(*where: sa.ColumnElement) -> sa.Select:
    return (sa.select(tasks.c.task_id, tasks.c.plan_id, tasks.c.uscc,
                      entities.c.name.label("entity_name"), entities.c.address, tasks.c.status,
                      tasks.c.assigned_on, tasks.c.due_on, tasks.c.departments,
                      tasks.c.unassigned_reason, SHORT_STAFFED.label("short_staffed"))
            .join(entities, entities.c.entity_no == tasks.c.entity_no).where(*where))


def with_team(conn: sa.Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add each task's active team as names ("检查员1, 检查员3") and inspector numbers."""
    team: dict[str, list[tuple[int, str]]] = {r["task_id"]: [] for r in rows}
    if team:
        for task_id, no, name in conn.execute(
                sa.select(task_inspectors.c.task_id, task_inspectors.c.inspector_no,
                          inspectors.c.name)
                .join(inspectors, inspectors.c.inspector_no == task_inspectors.c.inspector_no)
                .where(task_inspectors.c.task_id.in_(list(team)),
                       task_inspectors.c.active.is_(True))
                .order_by(task_inspectors.c.inspector_no)):
            team[task_id].append((no, name))
    return [{**r, "team": ", ".join(n for _, n in team[r["task_id"]]),
             "team_nos": [no for no, _ in team[r["task_id"]]]} for r in rows]


TASK_SORT = {"uscc": tasks.c.uscc, "entity_name": entities.c.name, "status": tasks.c.status,
             "assigned_on": tasks.c.assigned_on, "due_on": tasks.c.due_on}


def plan_tasks_page(conn: sa.Connection, plan_id: str, request: dict[str, Any] | None
                    ) -> tuple[int, list[dict[str, Any]]]:
    """The tasks of a plan's latest draw."""
    latest = sa.select(plans.c.draws).where(plans.c.plan_id == plan_id).scalar_subquery()
    stmt = _task_stmt(tasks.c.plan_id == plan_id, tasks.c.draw_no == latest)
    total, rows = _page(conn, stmt, request, TASK_SORT, [tasks.c.uscc], tasks.c.task_id,
                        {"status": TASK_STATUSES})
    return total, with_team(conn, rows)


def my_tasks_page(conn: sa.Connection, inspector_no: int, request: dict[str, Any] | None,
                  open_only: bool = False) -> tuple[int, list[dict[str, Any]]]:
    """我的任务 An inspector's own tasks (active assignments only), soonest due first."""
    mine = sa.select(task_inspectors.c.task_id).where(
        task_inspectors.c.inspector_no == inspector_no, task_inspectors.c.active.is_(True))
    where = [tasks.c.task_id.in_(mine), tasks.c.status != "cancelled"]
    if open_only:
        where.append(tasks.c.status.in_(OPEN_TASK))
    total, rows = _page(conn, _task_stmt(*where), request, TASK_SORT, [tasks.c.due_on],
                        tasks.c.task_id, {"status": TASK_STATUSES})
    return total, with_team(conn, rows)


def workload_page(conn: sa.Connection, f: Filters, request: dict[str, Any] | None
                  ) -> tuple[int, list[dict[str, Any]]]:
    """Inspectors by workload in the period, busiest first."""
    counted = workload_counts(f).subquery()
    i = inspectors.c
    n_tasks = sa.func.coalesce(counted.c.tasks, 0).label("tasks")
    n_open = sa.func.coalesce(counted.c.open, 0).label("open")
    stmt = (sa.select(i.inspector_no, i.credential_no, i.name, i.department, i.station,
                      n_tasks, n_open)
            .join(counted, counted.c.inspector_no == i.inspector_no, isouter=True)
            .where(i.status == "active"))
    if f.department:
        stmt = stmt.where(i.department == f.department)
    if f.region_prefix:
        stmt = stmt.where(i.region_code.startswith(f.region_prefix, autoescape=True))
    allowed = {"name": i.name, "department": i.department, "station": i.station,
               "credential_no": i.credential_no, "tasks": n_tasks, "open": n_open}
    return _page(conn, stmt, request, allowed, [n_tasks.desc()], i.inspector_no)

"""Server-side pages of the three directories (market entities, inspectors, check items) for
dash-ag-grid's infinite row model: sorted and filtered on whitelisted columns only."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from dashboard.grids import _page
from supervision.directory.views import check_items, entities, inspectors

MAX_FILTER = 100   # characters of a filter term


def _filtered(stmt: sa.Select, request: dict[str, Any] | None,
              allowed: dict[str, sa.ColumnElement]) -> sa.Select:
    """The grid's text filters (contains / equals / starts with) on allowed columns."""
    for col_id, spec in ((request or {}).get("filterModel") or {}).items():
        column = allowed.get(col_id)
        term = str((spec or {}).get("filter") or "").strip()[:MAX_FILTER]
        if column is None or not term:
            continue
        kind = (spec or {}).get("type") or "contains"
        if kind == "equals":
            stmt = stmt.where(column == term)
        elif kind == "startsWith":
            stmt = stmt.where(column.startswith(term, autoescape=True))
        else:
            stmt = stmt.where(column.contains(term, autoescape=True))
    return stmt


def entities_page(conn: sa.Connection, request: dict[str, Any] | None
                  ) -> tuple[int, list[dict[str, Any]]]:
    """市场主体名录库 The entity directory, by USCC unless the grid sorts otherwise."""
    e = entities.c
    allowed = {k: e[k] for k in ("uscc", "name", "entity_type", "region_code", "industry_code",
                                 "registered_on", "status", "address", "legal_representative")}
    stmt = _filtered(sa.select(*allowed.values()), request, allowed)
    return _page(conn, stmt, request, allowed, [e.uscc], e.entity_no)


def inspectors_page(conn: sa.Connection, request: dict[str, Any] | None
                    ) -> tuple[int, list[dict[str, Any]]]:
    """执法检查人员名录库 The inspector directory, by credential number."""
    i = inspectors.c
    allowed = {k: i[k] for k in ("credential_no", "name", "department", "region_code",
                                 "station", "status", "status_since")}
    stmt = _filtered(sa.select(*allowed.values()), request, allowed)
    return _page(conn, stmt, request, allowed, [i.credential_no], i.inspector_no)


def check_items_page(conn: sa.Connection, request: dict[str, Any] | None
                     ) -> tuple[int, list[dict[str, Any]]]:
    """随机抽查事项清单 The working check-item list (withdrawn items included, marked)."""
    c = check_items.c
    allowed = {k: c[k] for k in ("code", "name", "sub_item", "department", "category",
                                 "method", "default_ratio", "frequency_per_year",
                                 "qualification", "object_scope_types", "withdrawn")}
    stmt = _filtered(sa.select(*allowed.values()), request, allowed)
    return _page(conn, stmt, request, allowed, [c.code], c.code)

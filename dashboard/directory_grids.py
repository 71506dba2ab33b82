"""Server-side pages of the three directories (market entities, inspectors, check items) for
the shared grid (`dashboard.grids`): paged, sorted and filtered on whitelisted columns only."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from dashboard.grids import page
from supervision.directory.views import check_items, entities, inspectors


def entities_page(conn: sa.Connection, request: dict[str, Any] | None
                  ) -> tuple[int, list[dict[str, Any]]]:
    """市场主体名录库 The entity directory, by USCC unless the grid sorts otherwise."""
    e = entities.c
    allowed = {k: e[k] for k in ("uscc", "name", "entity_type", "region_code", "industry_code",
                                 "registered_on", "status", "address", "legal_representative")}
    return page(conn, sa.select(*allowed.values()), request, allowed, [e.uscc], e.entity_no)


def inspectors_page(conn: sa.Connection, request: dict[str, Any] | None
                    ) -> tuple[int, list[dict[str, Any]]]:
    """执法检查人员名录库 The inspector directory, by credential number."""
    i = inspectors.c
    allowed = {k: i[k] for k in ("credential_no", "name", "department", "region_code",
                                 "station", "status", "status_since")}
    return page(conn, sa.select(*allowed.values()), request, allowed, [i.credential_no],
                i.inspector_no)


def check_items_page(conn: sa.Connection, request: dict[str, Any] | None
                     ) -> tuple[int, list[dict[str, Any]]]:
    """随机抽查事项清单 The working check-item list (withdrawn items included, marked)."""
    c = check_items.c
    allowed = {k: c[k] for k in ("code", "name", "sub_item", "department", "category",
                                 "method", "default_ratio", "frequency_per_year",
                                 "qualification", "object_scope_types", "withdrawn")}
    return page(conn, sa.select(*allowed.values()), request, allowed, [c.code], c.code)

"""The long public lists as pages, keyset-paged, with the "异议处理中 Objection under review"
marker: published inspection results and list members.

supervision does not know objections (credit's): the results are read through its views and
marked here. A cursor (`after`) is the last item's key in the list's stable order, so a deep
page costs what the first does and a page never repeats or skips an item when rows are added.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from credit.lists.public import public_list
from credit.objections.views import inspection_key, list_key, mark_under_review
from supervision.tasks.views import published_inspections

SEP = "~"


def inspection_cursor(after: str | None) -> tuple[date, str, str, str] | None:
    """`2026-05-01~<uscc>~<plan id>~<department>` → the key; anything else: the first page."""
    parts = (after or "").split(SEP)
    if len(parts) != 4:
        return None
    try:
        return date.fromisoformat(parts[0]), parts[1][:18], parts[2][:32], parts[3][:40]
    except ValueError:
        return None


def inspections_page(conn: sa.Connection, *, uscc: str | None = None,
                     plan_id: str | None = None, after: str | None = None, limit: int = 20
                     ) -> tuple[int, list[dict[str, Any]], str | None]:
    """(count, a page of published results after the cursor, marked; the next cursor or None)."""
    total, items = published_inspections(conn, uscc=uscc, plan_id=plan_id, limit=limit + 1,
                                         after=inspection_cursor(after))
    page, more = items[:limit], len(items) > limit
    last = page[-1] if more else None
    nxt = SEP.join((last["published_on"].isoformat(), last["uscc"], last["plan_id"],
                    last["department"])) if last else None
    return total, mark_under_review(conn, "inspection", page, inspection_key), nxt


def marked_list(conn: sa.Connection, name: str, today: date, offset: int, limit: int
                ) -> tuple[int, list[dict[str, Any]]]:
    """One list's current members (credit.lists.public.public_list), marked."""
    total, items = public_list(conn, name, today, offset, limit)
    return total, mark_under_review(conn, "list", items, list_key)


def mark_list_entries(conn: sa.Connection, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mark the entries of a list page (credit.lists.public.list_page)."""
    return mark_under_review(conn, "list", items, list_key)


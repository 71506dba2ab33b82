"""`grids.Grid` over rows computed in Python (statistics that no query can page, such as each
plan's outcomes by class): the same getRowsRequest — filterModel, sortModel, window — applied to
a list, with the SQL side's semantics (text filters case-insensitive on the value as shown,
number and date comparisons, blank / not blank, one AND/OR pair)."""

from __future__ import annotations

from datetime import date
from typing import Any

from dashboard.grids import MAX_PAGE, TEXT_OPS, window


def _text(op: str, value: Any, text: str) -> bool:
    shown, text = ("" if value is None else str(value)).lower(), text.lower()
    return {"contains": text in shown, "notContains": text not in shown, "equals": shown == text,
            "notEqual": shown != text, "startsWith": shown.startswith(text),
            "endsWith": shown.endswith(text)}[op]


def _compare(op: str, value: Any, a: Any, b: Any) -> bool:
    if value is None:
        return op == "notEqual"
    return {"equals": value == a, "notEqual": value != a, "lessThan": value < a,
            "lessThanOrEqual": value <= a, "greaterThan": value > a,
            "greaterThanOrEqual": value >= a,
            "inRange": a <= value <= (b if b is not None else a)}.get(op, True)


def matches(value: Any, model: dict[str, Any]) -> bool:
    """One ag-grid column filter on one value; True where the filter says nothing."""
    if "conditions" in model:
        parts = [matches(value, m) for m in model["conditions"]]
        return all(parts) if model.get("operator", "AND") == "AND" else any(parts)
    op, kind = model.get("type"), model.get("filterType")
    if op == "blank":
        return value is None or str(value) == ""
    if op == "notBlank":
        return value is not None and str(value) != ""
    if kind == "text":
        text = str(model.get("filter") or "").strip()
        return True if not text or op not in TEXT_OPS else _text(op, value, text)
    if kind == "number":
        a = model.get("filter")
        return True if a is None else _compare(op, value, a, model.get("filterTo"))
    if kind == "date":
        a = model.get("dateFrom")
        if a is None:
            return True
        b = model.get("dateTo")
        day = None if value is None else date.fromisoformat(str(value)[:10])
        return _compare(op, day, date.fromisoformat(str(a)[:10]),
                        None if b is None else date.fromisoformat(str(b)[:10]))
    return True


def page_rows(rows: list[dict[str, Any]], request: dict[str, Any] | None,
              allowed: frozenset[str]) -> tuple[int, list[dict[str, Any]]]:
    """(how many rows the filter keeps, the window of them in the asked order); only columns
    in `allowed` filter or sort; ties keep the rows' own order."""
    request = request or {}
    kept = [r for r in rows if all(
        matches(r.get(col), model)
        for col, model in (request.get("filterModel") or {}).items()
        if col in allowed and isinstance(model, dict))]
    for s in reversed(request.get("sortModel") or []):
        col = s.get("colId")
        if col in allowed:
            present = [r for r in kept if r.get(col) is not None]
            absent = [r for r in kept if r.get(col) is None]
            present.sort(key=lambda r: r[col], reverse=s.get("sort") == "desc")
            kept = present + absent
    offset, limit = window(request, request.get("cap") or MAX_PAGE)
    return len(kept), kept[offset:offset + limit]

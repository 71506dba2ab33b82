"""Export of the published inspection results (一公开) as CSV or JSON, for the CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from uuid import UUID

import sqlalchemy as sa

from kernel.errors import InvalidInput
from supervision.tasks.views import published_inspections

COLUMNS = ("uscc", "entity_name", "plan_id", "plan_name", "check_items", "department",
           "result_code", "result_name_zh", "result_name_en", "inspected_on", "published_on")
FORMATS = ("csv", "json")


def export_published(engine: sa.Engine, path: Path, fmt: str, plan: str | None = None) -> int:
    """Write every published result (of one plan if given); returns how many were written."""
    if fmt not in FORMATS:
        raise InvalidInput(f"format must be one of {', '.join(FORMATS)}", field="format")
    try:
        plan_id = UUID(plan).hex if plan else None
    except ValueError:
        raise InvalidInput(f"{plan!r} is not a plan id (a UUID)", field="plan") from None
    with engine.connect() as conn:
        _, rows = published_inspections(conn, plan_id=plan_id, limit=None)
    records = [{**{k: r[k] for k in COLUMNS}, "inspected_on": r["inspected_on"].isoformat(),
                "published_on": r["published_on"].isoformat()} for r in rows]
    if fmt == "json":
        path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
        return len(records)
    with path.open("w", encoding="utf-8-sig", newline="") as f:   # the BOM: Excel reads UTF-8
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows({**r, "check_items": ";".join(r["check_items"])} for r in records)
    return len(records)

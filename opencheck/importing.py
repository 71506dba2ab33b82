"""Bulk CSV import: streamed in chunks, bad rows reported by line and field, reruns register nothing twice."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from opencheck.bootstrap import Platform, today_in_china
from opencheck.errors import DomainError
from supervision.registry import EntityData
from supervision.tables import entities

ENTITY_COLUMNS = ("uscc", "name", "entity_type", "region_code", "industry_code", "registered_on",
                  "address", "legal_representative", "registering_authority")
REQUIRED_ENTITY_COLUMNS = ENTITY_COLUMNS[:6]
CHUNK = 2000


@dataclass(frozen=True)
class Rejected:
    line: int
    field: str
    reason: str


@dataclass
class ImportReport:
    read: int = 0
    registered: int = 0
    already_registered: int = 0
    rejected: list[Rejected] = field(default_factory=list)


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise DomainError(f"{path.name}: missing column(s) {', '.join(missing)}", field=missing[0])
        for row in reader:
            yield reader.line_num, row


def _entity(row: dict[str, str], today: date) -> EntityData:
    try:
        registered_on = date.fromisoformat((row.get("registered_on") or "").strip())
    except ValueError:
        raise DomainError("registered_on must be an ISO date (YYYY-MM-DD)",
                          field="registered_on") from None
    return EntityData(
        uscc=row.get("uscc") or "", name=row.get("name") or "",
        entity_type=(row.get("entity_type") or "").strip(),
        region_code=(row.get("region_code") or "").strip(),
        industry_code=row.get("industry_code") or "", registered_on=registered_on,
        address=row.get("address") or "", legal_representative=row.get("legal_representative") or "",
        registering_authority=row.get("registering_authority") or "",
    ).validated(today)


def import_entities(platform: Platform, path: Path,
                    on_progress: Callable[[int], None] | None = None) -> ImportReport:
    """Register every valid row of an entity CSV; rows already in the directory are skipped."""
    report, today = ImportReport(), today_in_china()
    platform.catch_up()  # the skip-check below reads the directory
    chunk: list[tuple[int, EntityData]] = []
    seen_in_file: set[str] = set()

    def flush() -> None:
        if not chunk:
            return
        with platform.engine.connect() as conn:
            known = set(conn.scalars(sa.select(entities.c.uscc).where(
                entities.c.uscc.in_([d.uscc for _, d in chunk]))))
        fresh = [d for _, d in chunk if d.uscc not in known]
        report.already_registered += len(chunk) - len(fresh)
        if fresh:
            outcome = platform.supervision.register_entities(fresh)
            report.registered += outcome.registered
            report.already_registered += len(outcome.duplicates)
        if on_progress:
            on_progress(len(chunk))
        chunk.clear()

    for line, row in _rows(path, REQUIRED_ENTITY_COLUMNS):
        report.read += 1
        try:
            data = _entity(row, today)
        except DomainError as e:
            report.rejected.append(Rejected(line, e.field or "", e.message))
            if on_progress:
                on_progress(1)
            continue
        if data.uscc in seen_in_file:
            report.rejected.append(Rejected(line, "uscc", f"{data.uscc} appears earlier in the file"))
            continue
        seen_in_file.add(data.uscc)
        chunk.append((line, data))
        if len(chunk) >= CHUNK:
            flush()
    flush()
    return report


def write_rejects(report: ImportReport, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["line", "field", "reason"])
        for r in report.rejected:
            w.writerow([r.line, r.field, r.reason])

"""Bulk import of CSV (UTF-8, UTF-8 with BOM, GB18030) and .xlsx files: streamed in chunks,
validated as the API validates (its length limits included), bad rows reported by line, field
and reason in Chinese and English, reruns register nothing twice (docs/IMPORT_FORMATS.md)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from kernel import bulk
from kernel.clock import today_in_china
from kernel.errors import Conflict, DomainError
from kernel.import_files import (
    check_lengths,
    duplicate_reason,
    length_limits,
    open_rows,
    reason,
)
from kernel.text import checked_text, first_unstorable
from opencheck.bootstrap import Platform
from supervision.directory.check_items import CheckItemData, KnownCodes
from supervision.directory.entities import EntityData, entity_id
from supervision.directory.inspectors import InspectorData, split_codes
from supervision.directory.schemas import CheckItemCreate, EntityCreate, InspectorCreate
from supervision.directory.tables import check_items, inspectors

ENTITY_COLUMNS = ("uscc", "name", "entity_type", "region_code", "industry_code", "registered_on",
                  "address", "legal_representative", "registering_authority",
                  "legal_representative_id")   # 居民身份证号码: optional, stored keyed and masked
REQUIRED_ENTITY_COLUMNS = ENTITY_COLUMNS[:6]
CHUNK = 2000
# entity rows per bulk write: a write's commit (a sync to disk) costs as much as validating a
# few thousand rows, so fewer and larger writes; 10,000 rows hold a few MB
ENTITY_CHUNK = 10_000
ENTITY_LIMITS = length_limits(EntityCreate)
INSPECTOR_LIMITS = length_limits(InspectorCreate)
CHECK_ITEM_LIMITS = length_limits(CheckItemCreate)


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
    with open_rows(path) as f:
        f.require(required, path.name)
        header = f.header
        for line, cells in f.rows:
            yield line, dict(zip(header, cells + [""] * (len(header) - len(cells))))


def _rejected(line: int, error: DomainError) -> Rejected:
    return Rejected(line, error.field or "", reason(error.field or "", error.message))


def _storable(row: dict[str, str]) -> None:
    """A cell no store can hold rejects the row, naming the column (kernel.text); the row's
    cells are searched at once, column by column only when one holds such a character."""
    if first_unstorable("".join(row.values())) is None:
        return
    for column, value in row.items():
        checked_text(value, column or "row")


def _entity(row: dict[str, str], today: date) -> EntityData:
    _storable(row)
    check_lengths(row, ENTITY_LIMITS)
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
        legal_representative_id=row.get("legal_representative_id") or "",
    ).validated(today)


def _entity_chunks(path: Path) -> Iterator[list[tuple[int, dict[str, str]]]]:
    """The rows of an entity file, ENTITY_CHUNK at a time, each with its line number: streamed from
    the open file (kernel.import_files), so memory stays flat however long the file is."""
    with open_rows(path) as f:
        f.require(REQUIRED_ENTITY_COLUMNS, path.name)
        columns = [(c, f.header.index(c)) for c in ENTITY_COLUMNS if c in f.header]
        chunk: list[tuple[int, dict[str, str]]] = []
        for line, cells in f.rows:
            width = len(cells)
            chunk.append((line, {c: cells[i] if i < width else "" for c, i in columns}))
            if len(chunk) >= ENTITY_CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def import_entities(platform: Platform, path: Path,
                    on_progress: Callable[[int], None] | None = None) -> ImportReport:
    """Register every valid row of an entity CSV; rows already in the directory are skipped.

    Each chunk is validated as one registration is, then stored in one write by the bulk path
    (events built without aggregates, supervision.directory.bulk). Whether a code is known is
    asked of the event store (ids derived from the USCC), not of the read models: no catch-up
    first, and a rerun or a concurrent import skips what is stored. A code seen earlier in the
    file is told apart from one registered before by where its registration sits in the log."""
    report, today = ImportReport(), today_in_china()
    app = platform.supervision
    started_at = app.recorder.max_notification_id() or 0
    for chunk in _entity_chunks(path):
        valid: dict[str, tuple[int, EntityData]] = {}
        for line, row in chunk:
            report.read += 1
            try:
                data = _entity(row, today)
            except DomainError as e:
                report.rejected.append(_rejected(line, e))
                continue
            if data.uscc in valid:
                report.rejected.append(Rejected(line, "uscc", duplicate_reason("uscc", data.uscc)))
                continue
            valid[data.uscc] = (line, data)
        outcome = app.register_entities([d for _, d in valid.values()])
        report.registered += outcome.registered
        if outcome.duplicates:
            positions = bulk.created(app, [entity_id(u) for u in outcome.duplicates])
            for uscc in outcome.duplicates:
                if positions.get(entity_id(uscc), 0) > started_at:   # registered by this file
                    report.rejected.append(Rejected(valid[uscc][0], "uscc",
                                                    duplicate_reason("uscc", uscc)))
                else:
                    report.already_registered += 1
        if on_progress:
            on_progress(len(chunk))
    report.rejected.sort(key=lambda r: r.line)
    return report


def write_rejects(report: ImportReport, path: Path) -> None:
    # with a BOM, so Excel on Chinese Windows opens the Chinese reasons as UTF-8
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(["line", "field", "reason"])
        for r in report.rejected:
            w.writerow([r.line, r.field, r.reason])


INSPECTOR_COLUMNS = ("credential_no", "name", "department", "region_code", "station",
                     "qualifications", "status")
REQUIRED_INSPECTOR_COLUMNS = INSPECTOR_COLUMNS[:6]
# The keys of opencheck.demo.check_items.generate_check_items (CHECK_ITEM_FIELDS); lists are ';'-joined.
CHECK_ITEM_COLUMNS = ("code", "name", "sub_item", "legal_basis", "department",
                      "object_scope_types", "object_scope_industries", "method", "category",
                      "default_ratio", "frequency_per_year", "qualification")
REQUIRED_CHECK_ITEM_COLUMNS = tuple(c for c in CHECK_ITEM_COLUMNS
                                    if c not in ("sub_item", "object_scope_industries"))


def _inspector(row: dict[str, str], known: KnownCodes, item_codes: set[str]) -> InspectorData:
    _storable(row)
    qualifications = split_codes(row.get("qualifications") or "")
    check_lengths({**row, "qualifications": qualifications}, INSPECTOR_LIMITS)
    return InspectorData(
        credential_no=row.get("credential_no") or "", name=row.get("name") or "",
        department=(row.get("department") or "").strip(),
        region_code=(row.get("region_code") or "").strip(), station=row.get("station") or "",
        qualifications=qualifications,
        status=(row.get("status") or "active").strip(),
    ).validated(known, item_codes)


def import_inspectors(platform: Platform, path: Path,
                      on_progress: Callable[[int], None] | None = None) -> ImportReport:
    """Register every valid row of an inspector CSV; credential numbers already known are skipped."""
    report, today = ImportReport(), today_in_china()
    platform.catch_up()  # the skip-check and the check-item codes below read the read models
    known = KnownCodes.from_rules(platform.rules)
    with platform.engine.connect() as conn:
        item_codes = set(conn.scalars(sa.select(check_items.c.code)))
    chunk: list[InspectorData] = []
    seen_in_file: set[str] = set()

    def flush() -> None:
        if not chunk:
            return
        with platform.engine.connect() as conn:
            have = set(conn.scalars(sa.select(inspectors.c.credential_no).where(
                inspectors.c.credential_no.in_([d.credential_no for d in chunk]))))
        fresh = [d for d in chunk if d.credential_no not in have]
        report.already_registered += len(chunk) - len(fresh)
        if fresh:
            registered, duplicates = platform.supervision.register_inspectors(fresh, today)
            report.registered += registered
            report.already_registered += len(duplicates)
        if on_progress:
            on_progress(len(chunk))
        chunk.clear()

    for line, row in _rows(path, REQUIRED_INSPECTOR_COLUMNS):
        report.read += 1
        try:
            data = _inspector(row, known, item_codes)
        except DomainError as e:
            report.rejected.append(_rejected(line, e))
            if on_progress:
                on_progress(1)
            continue
        if data.credential_no in seen_in_file:
            report.rejected.append(Rejected(line, "credential_no",
                                            duplicate_reason("credential_no", data.credential_no)))
            continue
        seen_in_file.add(data.credential_no)
        chunk.append(data)
        if len(chunk) >= CHUNK:
            flush()
    flush()
    return report


def _check_item(row: dict[str, str], known: KnownCodes) -> CheckItemData:
    _storable(row)
    check_lengths({**row, **{k: split_codes(row.get(k) or "") for k in (
        "object_scope_types", "object_scope_industries")}}, CHECK_ITEM_LIMITS)
    numbers = {}
    for name, kind in (("default_ratio", float), ("frequency_per_year", int)):
        try:
            numbers[name] = kind((row.get(name) or "").strip())
        except ValueError:
            raise DomainError(f"{name} must be a number", field=name) from None
    return CheckItemData(
        code=row.get("code") or "", name=row.get("name") or "",
        sub_item=row.get("sub_item") or "", legal_basis=row.get("legal_basis") or "",
        department=(row.get("department") or "").strip(),
        object_scope_types=split_codes(row.get("object_scope_types") or ""),
        object_scope_industries=split_codes(row.get("object_scope_industries") or ""),
        method=(row.get("method") or "").strip(), category=(row.get("category") or "").strip(),
        qualification=(row.get("qualification") or "").strip(), **numbers,
    ).validated(known)


def import_check_items(platform: Platform, path: Path,
                       on_progress: Callable[[int], None] | None = None) -> ImportReport:
    """Add every valid row of a check-item CSV to its department's list (unpublished)."""
    report = ImportReport()
    known = KnownCodes.from_rules(platform.rules)
    seen_in_file: set[str] = set()
    for line, row in _rows(path, REQUIRED_CHECK_ITEM_COLUMNS):
        report.read += 1
        try:
            data = _check_item(row, known)
            if data.code in seen_in_file:
                report.rejected.append(Rejected(line, "code", duplicate_reason("code", data.code)))
                continue
            seen_in_file.add(data.code)
            platform.supervision.add_check_item(data, known)
            report.registered += 1
        except Conflict:
            report.already_registered += 1  # the list holds this code already: a rerun
        except DomainError as e:
            report.rejected.append(_rejected(line, e))
        if on_progress:
            on_progress(1)
    return report


IMPORTERS = {"entities": import_entities, "inspectors": import_inspectors,
             "check-items": import_check_items}

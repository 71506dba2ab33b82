"""Read side of supervision: small query functions over the read-model tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from kernel.eventlog import proved
from supervision.directory.tables import (
    annual_reports,
    check_items,
    check_lists,
    entities,
    entity_pool,
    entity_statuses,
    inspector_conflicts,
    inspector_qualifications,
    inspectors,
    legal_representations,
    published_check_items,
)
from supervision.plans.pool import (  # noqa: F401
    PoolArrays,
    PoolScope,
    RosterArrays,
    load_pool,
    load_roster,
)

# The read contract: the directory (entities, their drawer rows, annual reports) and the
# inspectors. Other contexts join these relations in their own queries and import them from here,
# never from the tables module (an import-linter contract).
READ_RELATIONS = (annual_reports, entities, entity_pool, inspectors, legal_representations)

PUBLIC_ENTITY_COLUMNS = (
    entities.c.uscc, entities.c.name, entities.c.entity_type, entities.c.region_code,
    entities.c.industry_code, entities.c.registered_on, entities.c.address,
    entities.c.registering_authority, entities.c.status, entities.c.status_since,
    # 法定代表人 publicly by name only, as registered (never the ID number, masked or not)
    entities.c.legal_representative,
    entities.c.updated_position,   # becomes the proof link (kernel.eventlog.proved)
)


# Built once: public lookups are the hot path, and building a statement costs more than running it.
PUBLIC_ENTITY = sa.select(*PUBLIC_ENTITY_COLUMNS).where(entities.c.uscc == sa.bindparam("uscc"))


def public_entity(conn: sa.Connection, uscc: str) -> dict[str, Any] | None:
    """The public profile of one entity (registration facts only), or None."""
    row = conn.execute(PUBLIC_ENTITY, {"uscc": uscc}).first()
    return proved(dict(row._mapping), "supervision") if row else None


_REPRESENTATION = sa.select(
    entities.c.uscc, entities.c.name.label("entity_name"), entities.c.status,
    legal_representations.c.name, legal_representations.c.person_key,
    legal_representations.c.id_masked, legal_representations.c.from_on,
    legal_representations.c.to_on,
).join_from(legal_representations, entities,
            entities.c.entity_no == legal_representations.c.entity_no)


def representations(conn: sa.Connection, *, name: str | None = None,
                    person_key: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """法定代表人任职 Representation periods of persons whose name contains `name` and/or whose key
    is `person_key` (person key included: for matching, not for display)."""
    where = []
    if name:
        where.append(legal_representations.c.name.contains(name, autoescape=True))
    if person_key:
        where.append(legal_representations.c.person_key == person_key)
    if not where:
        return []
    rows = conn.execute(_REPRESENTATION.where(*where).order_by(
        legal_representations.c.name, legal_representations.c.person_key, entities.c.uscc,
        legal_representations.c.from_on).limit(limit))
    return [dict(r._mapping) for r in rows]


def representative_on(conn: sa.Connection, uscc: str, on: date) -> dict[str, Any] | None:
    """The entity's legal representative on day `on` (name, person_key, id_masked), or None."""
    row = conn.execute(_REPRESENTATION.where(
        entities.c.uscc == uscc, legal_representations.c.from_on <= on,
        sa.or_(legal_representations.c.to_on.is_(None), legal_representations.c.to_on > on))
        .order_by(legal_representations.c.seq.desc()).limit(1)).first()
    return dict(row._mapping) if row else None


def represented_on(conn: sa.Connection, person_key: str, on: date) -> list[str]:
    """USCCs of the entities the person (by key) represents on day `on`."""
    if not person_key:
        return []
    return list(conn.scalars(sa.select(entities.c.uscc).join_from(
        legal_representations, entities,
        entities.c.entity_no == legal_representations.c.entity_no).where(
        legal_representations.c.person_key == person_key, legal_representations.c.from_on <= on,
        sa.or_(legal_representations.c.to_on.is_(None), legal_representations.c.to_on > on))
        .order_by(entities.c.uscc)))


def entity_record(conn: sa.Connection, uscc: str) -> dict[str, Any] | None:
    """The supervisor's view of one entity's directory record."""
    row = conn.execute(sa.select(entities).where(entities.c.uscc == uscc)).first()
    return dict(row._mapping) if row else None


def registered_of(conn: sa.Connection, codes: Sequence[str]) -> set[str]:
    """Those of `codes` in the directory (one query per thousand codes)."""
    found: set[str] = set()
    codes = list(dict.fromkeys(codes))
    for k in range(0, len(codes), 1_000):
        found.update(conn.scalars(sa.select(entities.c.uscc)
                                  .where(entities.c.uscc.in_(codes[k:k + 1_000]))))
    return found


def entity_profile_on(conn: sa.Connection, uscc: str, day: date) -> dict[str, Any] | None:
    """The directory record of one entity as it stood on `day`, or None if unknown: the status
    decided with effect on or before `day` and recorded by then (None before registration),
    and the newest annual report filed by then. Names, addresses and codes are today's: a
    change of registered details (变更登记) carries no effective date to travel back with."""
    record = entity_record(conn, uscc)
    if record is None:
        return None
    s, r = entity_statuses.c, annual_reports.c
    status = conn.execute(sa.select(s.status, s.effective_on).where(
        s.entity_no == record["entity_no"], s.effective_on <= day, s.recorded_on <= day)
        .order_by(s.effective_on.desc(), s.position.desc()).limit(1)).first()
    registered = record["registered_on"] <= day
    record["status"], record["status_since"] = (
        (status.status, status.effective_on) if status else
        ("active", record["registered_on"]) if registered else (None, None))
    record["last_annual_report_year"] = conn.execute(
        sa.select(sa.func.max(r.year)).where(r.entity_no == record["entity_no"],
                                             r.filed_on <= day)).scalar()
    return record


def list_entities(conn: sa.Connection, *, region_prefix: str | None = None,
                  entity_type: str | None = None, status: str | None = None,
                  industry_prefix: str | None = None, name: str | None = None,
                  offset: int = 0, limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """Filtered, paginated directory listing ordered by USCC; returns (total, page)."""
    where = []
    if region_prefix:
        where.append(entities.c.region_code.startswith(region_prefix, autoescape=True))
    if entity_type:
        where.append(entities.c.entity_type == entity_type)
    if status:
        where.append(entities.c.status == status)
    if industry_prefix:
        where.append(entities.c.industry_code.startswith(industry_prefix, autoescape=True))
    if name:
        where.append(name_contains(conn, name, entities.c.entity_no, entities.c.name))
    total = conn.execute(sa.select(sa.func.count()).select_from(entities).where(*where)).scalar_one()
    rows = conn.execute(sa.select(entities).where(*where).order_by(entities.c.uscc)
                        .offset(offset).limit(limit))
    return total, [dict(r._mapping) for r in rows]


def _with_qualifications(conn: sa.Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    held: dict[int, list[str]] = {r["inspector_no"]: [] for r in rows}
    if held:
        for no, code in conn.execute(
                sa.select(inspector_qualifications.c.inspector_no, inspector_qualifications.c.code)
                .where(inspector_qualifications.c.inspector_no.in_(list(held)))
                .order_by(inspector_qualifications.c.inspector_no, inspector_qualifications.c.code)):
            held[no].append(code)
    return [{**r, "qualifications": held[r["inspector_no"]]} for r in rows]


def inspector_record(conn: sa.Connection, credential_no: str) -> dict[str, Any] | None:
    """One inspector's directory record with qualifications (internal only)."""
    row = conn.execute(sa.select(inspectors)
                       .where(inspectors.c.credential_no == credential_no)).first()
    return _with_qualifications(conn, [dict(row._mapping)])[0] if row else None


def list_inspectors(conn: sa.Connection, *, department: str | None = None,
                    region_prefix: str | None = None, status: str | None = None,
                    qualification: str | None = None, offset: int = 0,
                    limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """Filtered, paginated inspector listing ordered by credential number; (total, page)."""
    where = []
    if department:
        where.append(inspectors.c.department == department)
    if region_prefix:
        where.append(inspectors.c.region_code.startswith(region_prefix, autoescape=True))
    if status:
        where.append(inspectors.c.status == status)
    if qualification:
        where.append(inspectors.c.inspector_no.in_(
            sa.select(inspector_qualifications.c.inspector_no)
            .where(inspector_qualifications.c.code == qualification)))
    total = conn.execute(sa.select(sa.func.count()).select_from(inspectors).where(*where)).scalar_one()
    rows = conn.execute(sa.select(inspectors).where(*where).order_by(inspectors.c.credential_no)
                        .offset(offset).limit(limit))
    return total, _with_qualifications(conn, [dict(r._mapping) for r in rows])


def list_conflicts(conn: sa.Connection, credential_no: str,
                   include_withdrawn: bool = False) -> list[dict[str, Any]] | None:
    """An inspector's declarations (回避), newest first; None if no such inspector."""
    number = conn.execute(sa.select(inspectors.c.inspector_no)
                          .where(inspectors.c.credential_no == credential_no)).scalar()
    if number is None:
        return None
    c = inspector_conflicts.c
    stmt = (sa.select(c.declaration_no, c.uscc, entities.c.name.label("entity_name"), c.reason,
                      c.from_on, c.to_on, c.declared_on, c.withdrawn_on, c.withdraw_reason)
            .join(entities, entities.c.uscc == c.uscc, isouter=True)
            .where(c.inspector_no == number).order_by(c.declaration_no.desc()))
    if not include_withdrawn:
        stmt = stmt.where(c.withdrawn_on.is_(None))
    return [dict(r._mapping) for r in conn.execute(stmt)]


_LIST_FIELDS = ("object_scope_types", "object_scope_industries")


def _item(row: sa.Row) -> dict[str, Any]:
    d = dict(row._mapping)
    for key in _LIST_FIELDS:
        d[key] = [p for p in d[key].split(";") if p]
    return d


def check_item_record(conn: sa.Connection, code: str) -> dict[str, Any] | None:
    """One item of the working list (supervisors)."""
    row = conn.execute(sa.select(check_items).where(check_items.c.code == code)).first()
    return _item(row) if row else None


def list_check_items(conn: sa.Connection, *, department: str | None = None,
                     category: str | None = None, method: str | None = None,
                     include_withdrawn: bool = False, offset: int = 0,
                     limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """The working check-item list, filtered and paginated by code; (total, page)."""
    where = [] if include_withdrawn else [check_items.c.withdrawn.is_(False)]
    for column, value in ((check_items.c.department, department),
                          (check_items.c.category, category), (check_items.c.method, method)):
        if value:
            where.append(column == value)
    total = conn.execute(sa.select(sa.func.count()).select_from(check_items)
                         .where(*where)).scalar_one()
    rows = conn.execute(sa.select(check_items).where(*where).order_by(check_items.c.code)
                        .offset(offset).limit(limit))
    return total, [_item(r) for r in rows]


def list_check_lists(conn: sa.Connection) -> list[dict[str, Any]]:
    """Each department's list: published version (0 = never), date and item count."""
    return [dict(r._mapping) for r in
            conn.execute(sa.select(check_lists).order_by(check_lists.c.department))]


def check_list_record(conn: sa.Connection, department: str) -> dict[str, Any] | None:
    """One department's list record, or None if it has no items yet."""
    row = conn.execute(sa.select(check_lists).where(check_lists.c.department == department)).first()
    return dict(row._mapping) if row else None


def published_items(conn: sa.Connection, *, department: str | None = None,
                    category: str | None = None, offset: int = 0,
                    limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """The published list (public): each department's newest version only; (total, page)."""
    p = published_check_items
    where = [c == v for c, v in ((p.c.department, department), (p.c.category, category)) if v]
    total = conn.execute(sa.select(sa.func.count()).select_from(p).where(*where)).scalar_one()
    rows = conn.execute(sa.select(p).where(*where).order_by(p.c.department, p.c.code)
                        .offset(offset).limit(limit))
    return total, [_item(r) for r in rows]


def item_names(conn: sa.Connection, codes: set[str]) -> dict[str, str]:
    """Check-item code → its name (with the sub-item), for pages that show names, not codes."""
    if not codes:
        return {}
    rows = conn.execute(sa.select(check_items.c.code, check_items.c.name, check_items.c.sub_item)
                        .where(check_items.c.code.in_(sorted(codes))))
    return {r.code: f"{r.name}（{r.sub_item}）" if r.sub_item else r.name for r in rows}


# The public search (code prefix, name part) lives in its own module: the bigram index.
from supervision.directory.search import (  # noqa: E402, F401
    CODE_LIKE,
    name_contains,
    search_entities,
)

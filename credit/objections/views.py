"""Read side of objections: the supervisors' queue (contacts masked), the open ones that mark
public records "异议处理中", and which public record a reference names."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from credit.objections.rules import RECORD_KINDS, STATUSES
from credit.objections.tables import objections
from credit.read_models import paged
from kernel.workdays import provisional

READ_RELATIONS = (objections,)
UNDER_REVIEW = STATUSES["open"]
_o = objections.c


def mask_contact(value: str) -> str:
    """个人信息 An objector's phone or e-mail as supervisors' lists show it: enough to tell two
    apart, not enough to reach the person."""
    value = value.strip()
    if "@" in value:
        name, _, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    if len(value) >= 7:
        return f"{value[:3]}****{value[-2:]}"
    return "*" * len(value)


def mask_name(value: str) -> str:
    return value[:1] + "*" * max(len(value) - 1, 1)


def _objection(row: sa.Row, today: date, reveal: bool = False) -> dict[str, Any]:
    r = dict(row._mapping)
    r["id"] = r["objection_id"]
    r["status_label"] = STATUSES.get(r["status"], r["status"])
    r["overdue"] = r["status"] == "open" and r["handle_by"] < today
    if not reveal:
        r["contact_name"], r["contact"] = mask_name(r["contact_name"]), mask_contact(r["contact"])
    return provisional(r, {"handle_by": "filed_on"})


def objection_record(conn: sa.Connection, objection_id: UUID, today: date,
                     reveal: bool = False) -> dict[str, Any] | None:
    """One objection; the contact in full only with `reveal` (the responsible department)."""
    row = conn.execute(sa.select(objections)
                       .where(_o.objection_id == objection_id.hex)).first()
    return _objection(row, today, reveal) if row else None


def list_objections(conn: sa.Connection, *, today: date, department: str | None = None,
                    status: str | None = None, uscc: str | None = None,
                    overdue: bool | None = None, offset: int = 0,
                    limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """The queue by deadline; `overdue`: open past the handling deadline. Contacts masked."""
    where: list[Any] = []
    if department:
        where.append(_o.department == department)
    if status:
        where.append(_o.status == status)
    if uscc:
        where.append(_o.uscc == uscc)
    late = sa.and_(_o.status == "open", _o.handle_by < today)
    if overdue is not None:
        where.append(late if overdue else sa.not_(late))
    total, rows = paged(conn, objections, where, [_o.handle_by, _o.objection_id], offset, limit)
    return total, [_objection(r, today) for r in rows]


def unflagged_overdue_objections(conn: sa.Connection, today: date) -> list[UUID]:
    return [UUID(i) for i in conn.scalars(
        sa.select(_o.objection_id).where(_o.status == "open", _o.handle_by < today,
                                         _o.overdue_on.is_(None))
        .order_by(_o.handle_by, _o.objection_id))]


def open_objections(conn: sa.Connection, kind: str, uscc: str, key: str) -> int:
    return conn.scalar(sa.select(sa.func.count()).select_from(objections).where(
        _o.uscc == uscc, _o.record_kind == kind, _o.record_key == key, _o.status == "open"))


# The open objections of one entity (a section of the public credit record's one statement).
OPEN_OF_ENTITY = (sa.select(_o.record_kind, _o.record_key)
                  .where(_o.uscc == sa.bindparam("uscc"), _o.status == "open"),
                  (_o.record_kind, _o.record_key))


def under_review(conn: sa.Connection, kind: str, usccs: Iterable[str]) -> set[tuple[str, str]]:
    """(uscc, record key) of `kind` with an open objection, among `usccs`."""
    codes = sorted(set(usccs))
    if not codes:
        return set()
    return {(r.uscc, r.record_key) for r in conn.execute(
        sa.select(_o.uscc, _o.record_key).where(_o.record_kind == kind, _o.status == "open",
                                                _o.uscc.in_(codes)))}


def mark_under_review(conn: sa.Connection, kind: str, items: list[dict[str, Any]],
                      key: str | Callable[[dict[str, Any]], str]) -> list[dict[str, Any]]:
    """Set `objection_under_review` on public items of `kind` (keyed by item[`key`], or by
    `key(item)` when the record key is made of several fields)."""
    open_ = under_review(conn, kind, (i["uscc"] for i in items))
    key_of = key if callable(key) else (lambda item: item[key])
    for item in items:
        item["objection_under_review"] = (item["uscc"], str(key_of(item))) in open_
    return items


def inspection_key(item: dict[str, Any]) -> str:
    """A published result's objection key: plan id:department (RECORD_KINDS["inspection"])."""
    return f"{item['plan_id']}:{item['department']}"


def list_key(item: dict[str, Any]) -> str:
    return str(item["list"])


def public_record_ref(conn: sa.Connection, rules: Any, kind: str, uscc: str, key: str,
                      today: date) -> dict[str, str] | None:
    """The record a reference names if it is public `today`: {department, label}; else None."""
    from credit.commitments.views import public_commitments
    from credit.licensing.views import public_licence_by_number
    from credit.lists.public import entries_of
    from credit.penalties.views import public_penalties
    from supervision.tasks.views import published_inspections

    label = RECORD_KINDS[kind].split(" (")[0]
    if kind == "penalty":
        found = next((p for p in public_penalties(conn, uscc, today)
                      if p["decision_no"] == key), None)
        return {"department": found["department"], "label": f"{label} {key}"} if found else None
    if kind == "licence":
        found = public_licence_by_number(conn, uscc, key, today)
        return {"department": found["department"], "label": f"{label} {key}"} if found else None
    if kind == "list":
        if key not in ("abnormal", "serious", "red") or not entries_of(conn, uscc, today, (key,)):
            return None
        return {"department": rules.list_department, "label": f"{label} {key}"}
    if kind == "commitment":
        _, items = public_commitments(conn, rules, today=today, uscc=uscc, commitment_id=key,
                                      limit=1)
        if not items:
            return None
        return {"department": items[0]["department"],
                "label": f"{label} {items[0]['permit_type']}"}
    plan_id, _, department = key.partition(":")
    found = next((i for i in published_inspections(conn, uscc=uscc, plan_id=plan_id,
                                                    limit=None)[1]
                  if i["department"] == department), None)
    return {"department": department, "label": f"{label} {found['plan_name']}"} if found else None

"""Read side of commitments: the supervisors' list and record."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from credit.commitments.tables import commitments
from credit.read_models import paged
from kernel.workdays import provisional

# The read contract: other contexts join this relation in their own queries and import it from
# here, never from the tables module (an import-linter contract).
READ_RELATIONS = (commitments,)


def _commitment(row: sa.Row) -> dict[str, Any]:
    record = dict(row._mapping)
    record["id"] = record["commitment_id"]
    return provisional(record, {"verify_by": "committed_on"})


def commitment_record(conn: sa.Connection, commitment_id: UUID) -> dict[str, Any] | None:
    row = conn.execute(sa.select(commitments)
                       .where(commitments.c.commitment_id == commitment_id.hex)).first()
    return _commitment(row) if row else None


def list_commitments(conn: sa.Connection, *, today: date, uscc: str | None = None,
                     status: str | None = None, department: str | None = None,
                     awaiting_verification: bool | None = None, overdue: bool | None = None,
                     offset: int = 0, limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """Commitments by verification deadline; `overdue`: unverified past the window as of today."""
    where = []
    if uscc:
        where.append(commitments.c.uscc == uscc)
    if status:
        where.append(commitments.c.status == status)
    if department:
        where.append(commitments.c.department == department)
    unverified = commitments.c.status.in_(("awaiting", "overdue"))
    if awaiting_verification is not None:
        where.append(unverified if awaiting_verification else sa.not_(unverified))
    late = sa.and_(unverified, commitments.c.verify_by < today)
    if overdue is not None:
        where.append(late if overdue else sa.not_(late))
    total, rows = paged(conn, commitments, where,
                        [commitments.c.verify_by, commitments.c.commitment_id], offset, limit)
    return total, [_commitment(r) for r in rows]


# 信用承诺 on the public record (rules.commitment.publish_all / publicity_months): the matter,
# the accepting department, the date and whether the promise was kept; never its text or the
# verification's notes. Overdue verification is internal: the public sees "awaiting".
PUBLIC_STATES = {"awaiting": "待核查 awaiting verification",
                 "overdue": "待核查 awaiting verification",
                 "fulfilled": "承诺属实 commitment kept", "false": "虚假承诺 false commitment"}
COMMITMENT_KIND = "审批替代型 notification–commitment (告知承诺)"
_c = commitments.c
PUBLIC_COMMITMENT_COLUMNS = (_c.commitment_id, _c.uscc, _c.department, _c.permit_type,
                             _c.committed_on, _c.status, _c.verified_on, _c.decision_revoked)


FAR_FUTURE = date(9999, 12, 31)   # "after" bound no commitment passes
FAR_PAST = date(1900, 1, 1)


def commitment_bounds(rules: Any, today: date) -> dict[str, date]:
    """The rules as the dates the public filter compares with: a kept (or still unverified)
    commitment is public if made after `kept_after`; a false one awaiting its verification date
    shows as awaiting if made after `pending_after` (neither when only false ones are public)."""
    from kernel.workdays import add_months

    if not rules.commitment.publish_all:
        return {"kept_after": FAR_FUTURE, "pending_after": FAR_FUTURE}
    months = rules.commitment.publicity_months
    # committed_on later than today − N months (calendar months, as add_months counts)
    return {"kept_after": add_months(today, -months) if months is not None else FAR_PAST,
            "pending_after": FAR_PAST}


def public_commitment_where(today: Any, kept_after: Any, pending_after: Any) -> list[Any]:
    """The public filter over values or bind parameters (commitment_bounds gives the bounds)."""
    unrepaired = sa.or_(_c.repaired_on.is_(None), _c.repaired_on > today)
    false_now = sa.and_(_c.status == "false", _c.verified_on <= today, unrepaired)
    kept = sa.and_(_c.committed_on <= today, _c.status != "false", _c.committed_on > kept_after)
    # a false one is shown from its verification until repaired; before it, as awaiting
    shown_before_false = sa.and_(_c.status == "false", _c.committed_on <= today,
                                 _c.verified_on > today, _c.committed_on > pending_after)
    return [sa.or_(kept, false_now, shown_before_false)]


def _public_where(rules: Any, today: date) -> list[Any]:
    return public_commitment_where(today, **commitment_bounds(rules, today))


# The public commitments of one entity (a section of the public credit record's one statement):
# bind parameters uscc, today and the commitment_bounds.
_day = sa.Date
PUBLIC_OF_ENTITY = (
    sa.select(*PUBLIC_COMMITMENT_COLUMNS).where(
        _c.uscc == sa.bindparam("uscc"),
        *public_commitment_where(sa.bindparam("today", type_=_day),
                                 sa.bindparam("kept_after", type_=_day),
                                 sa.bindparam("pending_after", type_=_day))),
    (_c.committed_on.desc(), _c.commitment_id))


def public_commitment(row: Any, today: date, authority: str | None = None) -> dict[str, Any]:
    """The public form; `authority` (the department's Chinese name) when the caller has it."""
    r = dict(row._mapping if hasattr(row, "_mapping") else row)
    status = r.pop("status")
    if status == "false" and r["verified_on"] and r["verified_on"] > today:
        status = "awaiting"
    if status in ("awaiting", "overdue"):
        r["verified_on"] = None
    r["id"] = r.pop("commitment_id")
    r.update(kind=COMMITMENT_KIND, state=("awaiting" if status == "overdue" else status),
             state_label=PUBLIC_STATES[status],
             decision_revoked=bool(r["decision_revoked"]) and status == "false")
    if authority is not None:
        r["authority"] = authority
    return r


def public_commitments(conn: sa.Connection, rules: Any, *, today: date,
                       uscc: str | None = None, commitment_id: str | None = None,
                       offset: int = 0, limit: int = 20) -> tuple[int, list[dict[str, Any]]]:
    """信用承诺 The commitments public `today`, newest first (department names from `rules`)."""
    from credit.authority import department_zh

    where = _public_where(rules, today)
    if uscc:
        where.append(_c.uscc == uscc)
    if commitment_id:
        where.append(_c.commitment_id == commitment_id)
    total = conn.scalar(sa.select(sa.func.count()).select_from(commitments).where(*where))
    rows = conn.execute(sa.select(*PUBLIC_COMMITMENT_COLUMNS).where(*where)
                        .order_by(_c.committed_on.desc(), _c.commitment_id)
                        .offset(offset).limit(limit))
    return total, [public_commitment(r, today, department_zh(rules, r.department)) for r in rows]

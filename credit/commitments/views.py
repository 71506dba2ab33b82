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


def _public_where(rules: Any, today: date) -> list[Any]:
    from kernel.workdays import add_months

    unrepaired = sa.or_(_c.repaired_on.is_(None), _c.repaired_on > today)
    false_now = sa.and_(_c.status == "false", _c.verified_on <= today, unrepaired)
    if not rules.commitment.publish_all:
        return [false_now]
    months = rules.commitment.publicity_months
    kept = [_c.committed_on <= today, _c.status != "false"]
    if months is not None:
        # committed_on later than today − N months (calendar months, as add_months counts)
        kept.append(_c.committed_on > add_months(today, -months))
    # a false one is shown from its verification until repaired; before it, as awaiting
    shown_before_false = sa.and_(_c.status == "false", _c.committed_on <= today,
                                 _c.verified_on > today)
    return [sa.or_(sa.and_(*kept), false_now, shown_before_false)]


def public_commitment(row: Any, today: date, authority: str) -> dict[str, Any]:
    r = dict(row._mapping)
    status = r.pop("status")
    if status == "false" and r["verified_on"] and r["verified_on"] > today:
        status = "awaiting"
    if status in ("awaiting", "overdue"):
        r["verified_on"] = None
    r["id"] = r.pop("commitment_id")
    r.update(kind=COMMITMENT_KIND, state=("awaiting" if status == "overdue" else status),
             state_label=PUBLIC_STATES[status], authority=authority,
             decision_revoked=bool(r["decision_revoked"]) and status == "false")
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

"""一公开 The public credit record of one entity: public information only, as of a date.

Never here: the A–D risk class or score, unpublished results, records past their publicity
period or repaired, inspector names or credential numbers, internal notes (statements, hearing
requests, verification notes). Each section reads one indexed read model by USCC.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from credit.public_lists import entries_of
from credit.tables import commitments, serious_listings
from credit.views import public_penalties
from supervision.task_views import published_inspections_of
from supervision.views import public_entity

SERIOUS_LIST_BASIS = "《市场监督管理严重违法失信名单管理办法》(SAMR Order 44)"


# Statements built once: on the public lookup's hot path, building costs more than running.
_USCC, _TODAY = sa.bindparam("uscc"), sa.bindparam("today", type_=sa.Date)
_SERIOUS = (
    sa.select(serious_listings.c.decision_no, serious_listings.c.ground,
              serious_listings.c.legal_basis, serious_listings.c.listed_on,
              serious_listings.c.auto_removal_on)
    .where(serious_listings.c.uscc == _USCC, serious_listings.c.status == "listed",
           serious_listings.c.listed_on <= _TODAY,
           sa.or_(serious_listings.c.auto_removal_on.is_(None),
                  serious_listings.c.auto_removal_on > _TODAY),
           sa.or_(serious_listings.c.removed_on.is_(None), serious_listings.c.removed_on > _TODAY))
    .order_by(serious_listings.c.listed_on.desc()))
_FALSE_COMMITMENTS = (
    sa.select(commitments.c.department, commitments.c.permit_type, commitments.c.committed_on,
              commitments.c.verified_on, commitments.c.decision_revoked)
    .where(commitments.c.uscc == _USCC, commitments.c.status == "false",
           commitments.c.verified_on <= _TODAY,
           sa.or_(commitments.c.repaired_on.is_(None), commitments.c.repaired_on > _TODAY))
    .order_by(commitments.c.verified_on.desc()))


def public_serious_listings(conn: sa.Connection, uscc: str, today: date) -> list[dict[str, Any]]:
    """严重违法失信名单 Listings in force today (not removed, not past automatic removal)."""
    rows = conn.execute(_SERIOUS, {"uscc": uscc, "today": today}).all()
    return [{"list": "serious", "label": "严重违法失信名单 Serious illegal and dishonest list",
             "reason": r.ground, "decision_no": r.decision_no,
             "legal_basis": r.legal_basis or SERIOUS_LIST_BASIS, "since": r.listed_on,
             "until": r.auto_removal_on} for r in rows]


def public_false_commitments(conn: sa.Connection, uscc: str, today: date) -> list[dict[str, Any]]:
    """虚假承诺 Commitments found false and not repaired (国办发〔2020〕42号: a credit fact)."""
    rows = conn.execute(_FALSE_COMMITMENTS, {"uscc": uscc, "today": today}).all()
    return [dict(r._mapping) for r in rows]


def public_credit_record(conn: sa.Connection, uscc: str, today: date) -> dict[str, Any] | None:
    """The whole public record of one entity as of `today`, or None if it is not registered."""
    profile = public_entity(conn, uscc)
    if profile is None:
        return None
    return {"as_of": today, "entity": profile,
            "lists": [*public_serious_listings(conn, uscc, today),
                      *entries_of(conn, uscc, today, ("abnormal", "red"))],
            "inspections": published_inspections_of(conn, uscc),
            "penalties": public_penalties(conn, uscc, today),
            "false_commitments": public_false_commitments(conn, uscc, today)}

"""一公开 The public credit record of one entity: public information only, as of a date.

Never here: the A–D risk class or score, unpublished results, records past their publicity
period or repaired, inspector names or credential numbers, internal notes (statements, hearing
requests, verification notes). Each section is an indexed read by USCC from one read model; the
sections go to the database as one statement (kernel.db.OneTrip) with the projection
positions the cache validators are made of: one round trip per lookup.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from credit.commitments.tables import commitments
from credit.lists.public import ENTRIES_OF, public_entry
from credit.objections.views import OPEN_OF_ENTITY
from credit.penalties.views import PUBLIC_PENALTIES_OF, public_penalty
from kernel.db import OneTrip, projection_tracking
from kernel.eventlog import proved
from supervision.directory.views import PUBLIC_ENTITY
from supervision.tasks.views import PUBLISHED_OF_ENTITY, published_inspection

_c = commitments.c
FALSE_COMMITMENT_COLUMNS = (_c.department, _c.permit_type, _c.committed_on, _c.verified_on,
                            _c.decision_revoked)


def false_commitment_public(today: Any) -> list[Any]:
    """A false commitment on the public record `today`: found false by then, not repaired."""
    return [_c.status == "false", _c.verified_on <= today,
            sa.or_(_c.repaired_on.is_(None), _c.repaired_on > today)]


_FALSE_COMMITMENTS = (
    sa.select(_c.commitment_id.label("id"), *FALSE_COMMITMENT_COLUMNS).where(
        _c.uscc == sa.bindparam("uscc"), *false_commitment_public(sa.bindparam("today",
                                                                               type_=sa.Date))),
    (_c.verified_on.desc(),))
_POSITIONS = (sa.select(projection_tracking.c.projection, projection_tracking.c.position,
                        projection_tracking.c.updated_at), (projection_tracking.c.projection,))
LISTS = ("serious", "abnormal", "red")
RECORD = OneTrip(entity=(PUBLIC_ENTITY, ()), **{name: ENTRIES_OF[name] for name in LISTS},
                  inspections=PUBLISHED_OF_ENTITY, penalties=PUBLIC_PENALTIES_OF,
                  false_commitments=_FALSE_COMMITMENTS, objections=OPEN_OF_ENTITY,
                  positions=_POSITIONS)


def record_params(uscc: str, today: date) -> dict[str, Any]:
    return {"uscc": uscc, "today": today}


def public_record_of(s: dict[str, list[dict[str, Any]]], today: date
                     ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """(the public record as of `today` or None if not registered, the projection positions)
    from the sections of RECORD."""
    if not s["entity"]:
        return None, s["positions"]
    record = {"as_of": today, "entity": proved(dict(s["entity"][0]), "supervision"),
              "lists": [public_entry(name, row) for name in LISTS for row in s[name]],
              "inspections": [published_inspection(row) for row in s["inspections"]],
              "penalties": [public_penalty(row) for row in s["penalties"]],
              "false_commitments": [dict(row) for row in s["false_commitments"]]}
    return mark_objections(record, s["objections"]), s["positions"]


# 异议处理中: how each section's items are named by an objection's record key
_KEYS = {"lists": ("list", lambda i: i["list"]),
         "penalties": ("penalty", lambda i: i["decision_no"]),
         "inspections": ("inspection", lambda i: f"{i['plan_id']}:{i['department']}"),
         "false_commitments": ("commitment", lambda i: i["id"])}


def mark_objections(record: dict[str, Any], open_: list[dict[str, Any]]) -> dict[str, Any]:
    """Each item with an open objection is marked "异议处理中 Objection under review"."""
    keys = {(o["record_kind"], o["record_key"]) for o in open_}
    for section, (kind, key_of) in _KEYS.items():
        for item in record[section]:
            item["objection_under_review"] = (kind, str(key_of(item))) in keys
    record["objections_under_review"] = len(keys)
    return record


def public_credit_record(conn: sa.Connection, uscc: str, today: date) -> dict[str, Any] | None:
    """The whole public record of one entity as of `today`, or None if it is not registered."""
    return public_record_of(RECORD.run(conn, record_params(uscc, today)), today)[0]


def false_commitments_in_publicity(conn: sa.Connection, today: date) -> list[dict[str, Any]]:
    """开放数据 Every false commitment on the public record `today` (key: the commitment)."""
    rows = conn.execute(sa.select(_c.commitment_id, _c.uscc, *FALSE_COMMITMENT_COLUMNS)
                        .where(*false_commitment_public(today))
                        .order_by(_c.uscc, _c.commitment_id))
    return [dict(r._mapping) for r in rows]

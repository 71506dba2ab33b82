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

from credit.commitments.views import PUBLIC_OF_ENTITY as COMMITMENTS_OF
from credit.commitments.views import commitment_bounds, public_commitment
from credit.licensing.views import PUBLIC_OF_ENTITY as LICENCES_OF
from credit.licensing.views import public_licence
from credit.lists.public import ENTRIES_OF, public_entry
from credit.objections.views import OPEN_OF_ENTITY
from credit.penalties.views import PUBLIC_PENALTIES_OF, public_penalty
from credit.rules import DEFAULT_RULES
from kernel.db import OneTrip, positions_of
from kernel.eventlog import proved
from supervision.directory.views import PUBLIC_ENTITY
from supervision.tasks.views import PUBLISHED_OF_ENTITY, published_inspection

LISTS = ("serious", "abnormal", "red")
_SECTIONS = dict(entity=(PUBLIC_ENTITY, ()), **{name: ENTRIES_OF[name] for name in LISTS},
                 inspections=PUBLISHED_OF_ENTITY, penalties=PUBLIC_PENALTIES_OF,
                 licences=LICENCES_OF, commitments=COMMITMENTS_OF, objections=OPEN_OF_ENTITY)
RECORD = OneTrip(**_SECTIONS, positions=positions_of(*(s for s, _ in _SECTIONS.values())))
# false_commitments: the commitments found false, in the form the record had before every
# 信用承诺 was public (the joint-punishment check counts them)
FALSE_COMMITMENT_KEYS = ("id", "department", "permit_type", "committed_on", "verified_on",
                         "decision_revoked")


def record_params(uscc: str, today: date, rules: Any = None) -> dict[str, Any]:
    """The statement's parameters; `rules` (the platform's) decide which commitments are public
    (rules.commitment; the defaults without them)."""
    return {"uscc": uscc, "today": today,
            **commitment_bounds(rules if rules is not None else DEFAULT_RULES, today)}


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
              "licences": [public_licence(row, today) for row in s["licences"]],
              "commitments": [public_commitment(row, today) for row in s["commitments"]]}
    record["false_commitments"] = [{k: c[k] for k in FALSE_COMMITMENT_KEYS}
                                   for c in record["commitments"] if c["state"] == "false"]
    return mark_objections(record, s["objections"]), s["positions"]


# 异议处理中: how each section's items are named by an objection's record key
_KEYS = {"lists": ("list", lambda i: i["list"]),
         "penalties": ("penalty", lambda i: i["decision_no"]),
         "inspections": ("inspection", lambda i: f"{i['plan_id']}:{i['department']}"),
         "licences": ("licence", lambda i: i["decision_no"]),
         "commitments": ("commitment", lambda i: i["id"]),
         "false_commitments": ("commitment", lambda i: i["id"])}


def mark_objections(record: dict[str, Any], open_: list[dict[str, Any]]) -> dict[str, Any]:
    """Each item with an open objection is marked "异议处理中 Objection under review"."""
    keys = {(o["record_kind"], o["record_key"]) for o in open_}
    for section, (kind, key_of) in _KEYS.items():
        for item in record[section]:
            item["objection_under_review"] = (kind, str(key_of(item))) in keys
    record["objections_under_review"] = len(keys)
    return record


def public_credit_record(conn: sa.Connection, uscc: str, today: date,
                         rules: Any = None) -> dict[str, Any] | None:
    """The whole public record of one entity as of `today`, or None if it is not registered."""
    return public_record_of(RECORD.run(conn, record_params(uscc, today, rules)), today)[0]

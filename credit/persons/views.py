"""Read side of the search by person: representation periods (the directory's views) with each
entity's list status (credit's read models). Masked numbers only; person keys stay inside."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from credit.lists.tables import abnormal_listings, serious_listings
from credit.persons.tables import listing_persons
from supervision.directory.views import representations

READ_RELATIONS = (listing_persons,)


def _listed(conn: sa.Connection, usccs: list[str], on: date) -> dict[str, dict[str, Any]]:
    rows = conn.execute(sa.select(serious_listings.c.uscc, serious_listings.c.listed_on,
                                  serious_listings.c.decision_no,
                                  serious_listings.c.auto_removal_on)
                        .where(serious_listings.c.uscc.in_(usccs),
                               serious_listings.c.status == "listed",
                               serious_listings.c.listed_on <= on,
                               serious_listings.c.auto_removal_on > on))
    return {r.uscc: dict(r._mapping) for r in rows}


def _abnormal(conn: sa.Connection, usccs: list[str]) -> set[str]:
    return set(conn.scalars(sa.select(abnormal_listings.c.uscc).where(
        abnormal_listings.c.uscc.in_(usccs), abnormal_listings.c.status == "listed")))


def persons(conn: sa.Connection, *, name: str | None = None, person_key: str | None = None,
            today: date) -> list[dict[str, Any]]:
    """法定代表人查询 Persons by name (partial) and/or key, each with the entities they represent
    or represented and those entities' list status on `today`. A representative registered
    without an ID number is a person of their own per entity (a name proves no identity)."""
    rows = representations(conn, name=name, person_key=person_key)
    usccs = sorted({r["uscc"] for r in rows})
    serious = _listed(conn, usccs, today) if usccs else {}
    abnormal = _abnormal(conn, usccs) if usccs else set()
    recorded = set()
    if usccs:
        recorded = {(r.uscc, r.person_key) for r in conn.execute(
            sa.select(listing_persons.c.uscc, listing_persons.c.person_key)
            .where(listing_persons.c.uscc.in_(usccs)))}
    found: dict[tuple, dict[str, Any]] = {}
    for r in rows:
        who = (r["person_key"],) if r["person_key"] else ("", r["name"], r["uscc"])
        person = found.setdefault(who, {"name": r["name"], "id_masked": r["id_masked"],
                                        "identified": bool(r["person_key"]), "entities": []})
        listing = serious.get(r["uscc"])
        person["entities"].append({
            "uscc": r["uscc"], "entity_name": r["entity_name"], "entity_status": r["status"],
            "from_on": r["from_on"], "to_on": r["to_on"], "current": r["to_on"] is None,
            "serious_listed": listing is not None,
            "serious_listed_on": listing["listed_on"] if listing else None,
            "serious_decision_no": listing["decision_no"] if listing else None,
            "recorded_on_listing": bool(r["person_key"])
            and (r["uscc"], r["person_key"]) in recorded,
            "abnormal_listed": r["uscc"] in abnormal})
    return list(found.values())

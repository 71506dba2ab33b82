"""What credit commands read beyond their aggregates: the read models behind CreditLookups
(credit.application), supervision's directory among them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from credit.commitments.tables import commitments
from credit.lists.tables import serious_listings
from credit.persons.tables import listing_persons
from credit.rating.tables import red_list
from credit.repair.case import PublishedResult
from supervision.directory.views import (
    entity_record,
    registered_of,
    representative_on,
    represented_on,
)
from supervision.tasks.views import published_result


def entity_exists(conn: sa.Connection, uscc: str) -> bool:
    """Is the entity in the supervision directory (read model only: no supervision aggregates)."""
    return entity_record(conn, uscc) is not None


class SqlLookups:
    """The read-model queries credit commands need (`credit.application.CreditLookups`)."""

    def __init__(self, engine: sa.Engine, rules: Any = None) -> None:
        from credit.rules import DEFAULT_RULES

        self.engine, self.rules = engine, rules if rules is not None else DEFAULT_RULES

    def entity_exists(self, uscc: str) -> bool:
        with self.engine.connect() as conn:
            return entity_exists(conn, uscc)

    def missing_entities(self, codes: Sequence[str]) -> set[str]:
        with self.engine.connect() as conn:
            return set(codes) - registered_of(conn, codes)

    def commitments_unverified_by(self, day: date) -> list[UUID]:
        with self.engine.connect() as conn:
            ids = conn.scalars(sa.select(commitments.c.commitment_id)
                               .where(commitments.c.status == "awaiting",
                                      commitments.c.verify_by < day))
            return [UUID(i) for i in ids]

    def published_result(self, task_id: UUID, department: str) -> PublishedResult | None:
        with self.engine.connect() as conn:
            found = published_result(conn, task_id.hex, department)
        return PublishedResult(**found) if found else None

    def red_listed(self, uscc: str, on: date) -> bool:
        """守信激励 Whether the entity is on the red list on `on` (its membership periods)."""
        r = red_list.c
        with self.engine.connect() as conn:
            return conn.scalar(sa.select(sa.literal(1)).where(
                r.uscc == uscc, r.since <= on,
                sa.or_(r.until.is_(None), r.until > on)).limit(1)) is not None

    def public_record(self, kind: str, uscc: str, key: str, on: date) -> dict | None:
        from credit.objections.views import public_record_ref

        with self.engine.connect() as conn:
            return public_record_ref(conn, self.rules, kind, uscc, key, on)

    def open_objections(self, kind: str, uscc: str, key: str) -> int:
        from credit.objections.views import open_objections

        with self.engine.connect() as conn:
            return open_objections(conn, kind, uscc, key)

    def listings_expired_by(self, day: date) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.scalars(sa.select(serious_listings.c.uscc)
                                     .where(serious_listings.c.status == "listed",
                                            serious_listings.c.auto_removal_on <= day)))

    def legal_representative(self, uscc: str, on: date) -> dict | None:
        with self.engine.connect() as conn:
            found = representative_on(conn, uscc, on)
        return {"uscc": uscc, **{k: found[k] for k in ("name", "person_key", "id_masked")}} \
            if found else None

    def represented_on(self, person_key: str, on: date) -> list[str]:
        with self.engine.connect() as conn:
            return represented_on(conn, person_key, on)

    def listed_with_person(self, person_key: str) -> list[str]:
        if not person_key:
            return []
        with self.engine.connect() as conn:
            return list(conn.scalars(sa.select(listing_persons.c.uscc).distinct()
                                     .where(listing_persons.c.person_key == person_key)))

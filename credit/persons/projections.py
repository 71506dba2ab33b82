"""The person each serious-list decision recorded, for the search by person."""

from __future__ import annotations

from typing import Any

from credit.lists.serious import SeriousListing
from credit.persons.tables import listing_persons
from kernel.projections import Projection, Unit, handles

_INSERT = listing_persons.insert()


class ListingPersons(Projection):
    """列入决定记载的法定代表人 Legal representatives recorded by listing decisions."""

    name = "credit_listing_persons"
    tables = (listing_persons,)

    @handles(SeriousListing.Listed)
    def listed(self, e: Any, position: int, unit: Unit) -> None:
        person = getattr(e, "legal_representative", None)
        if person:
            unit.execute(_INSERT, {"listing_id": e.originator_id.hex, "cycle": e.cycle,
                                   "uscc": person["uscc"],
                                   "name": person["name"], "person_key": person["person_key"],
                                   "id_masked": person["id_masked"]})

"""一处失信、处处受制 Joint punishment through the legal representative (a mixin of
CreditApplication): the person behind a listed entity meets the configured measures
(credit.persons.rules) at the other entities they represent.

The person is matched by key (HMAC of the resident ID number, supervision.directory.persons),
never by name: namesakes are common. Listings decided before persons were recorded count for the
person who represents the listed entity on the day in question.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from credit.lists.serious import SeriousListing, serious_listing_id
from kernel.errors import Conflict

log = logging.getLogger(__name__)
MEASURES = {"no_commitment": "不适用告知承诺 no notification–commitment",
            "no_commendation": "不予表彰 no commendation"}


class JointPunishmentUseCases:
    """Mixed into CreditApplication (which provides rules, lookups and find)."""

    rules: Any
    lookups: Any
    find: Any

    def _representative_at(self, uscc: str, on: date) -> dict | None:
        """The entity's legal representative on `on` as the directory's read model has it."""
        if self.lookups is None or not hasattr(self.lookups, "legal_representative"):
            return None
        return self.lookups.legal_representative(uscc, on)

    def listed_entity_of_representative(self, uscc: str, on: date) -> tuple[dict, SeriousListing] | None:
        """(the representative, a listing of another entity of theirs in force on `on`), or None."""
        person = self._representative_at(uscc, on)
        if not person or not person["person_key"]:
            return None
        key = person["person_key"]
        represented = set(self.lookups.represented_on(key, on))
        for other in sorted((represented | set(self.lookups.listed_with_person(key))) - {uscc}):
            listing = self.find(SeriousListing, serious_listing_id(other))
            if listing is None or not listing.is_listed(on):
                continue
            recorded = getattr(listing, "legal_representative", None)
            if (recorded and recorded.get("person_key") == key) \
                    or (not recorded and other in represented):
                return person, listing
        return None

    def _check_joint_punishment(self, measure: str, uscc: str, *days: date) -> None:
        """409 if the measure is on and, on one of `days`, the entity's legal representative is
        the person behind another entity on the serious dishonest list."""
        rule = self.rules.joint_punishment.measure(measure)
        if not rule.enabled:
            return
        for on in dict.fromkeys(days):
            found = self.listed_entity_of_representative(uscc, on)
            if found is None:
                continue
            person, listing = found
            log.info("%s refused for %s: representative also behind %s", measure, uscc,
                     listing.uscc)
            raise Conflict(
                f"联合惩戒：法定代表人{person['name']}（{person['id_masked']}）所代表的{listing.uscc}"
                f"自{listing.listed_on}起列入严重违法失信名单，{MEASURES[measure]} — joint "
                f"punishment: the legal representative {person['name']} is the person behind "
                f"{listing.uscc}, on the serious dishonest list since {listing.listed_on}; "
                f"{measure} applies to their other entities (rules: joint_punishment.{measure})",
                field="uscc")

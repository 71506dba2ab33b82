"""Use cases of the lists (mixins of CreditApplication): the abnormal list and its escalation,
commendations, the serious dishonest list.

The daily job finds what changed in the read models (grounds arising and cured, deadlines due)
and hands it over per entity; `run_abnormal_list` applies it in date order, lists what is due,
and moves entities listed for 3 years to the serious list (SAMR Order 44: prior notice, then
the decision once the statement period has passed without a statement). Every step is
idempotent, so a repeated or late run records nothing new.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from credit.authority import (
    Acting,
    Authority,
    authorise,
    checked_department,
    department_zh,
)
from credit.common import document_number
from credit.lists.abnormal import GROUNDS, AbnormalListing, abnormal_listing_id
from credit.lists.commendations import Commendation, CommendationData, commendation_id
from credit.lists.serious import (
    ListingNotice,
    SeriousListing,
    decision_possible_on,
    serious_listing_id,
)
from credit.penalties.case import PenaltyCase
from kernel.bulk import aggregates_of
from kernel.errors import Conflict, InvalidInput, NotFound
from kernel.uscc import checked_uscc

log = logging.getLogger(__name__)
ESCALATION = "abnormal_three_years"
BATCH = 200
RETRY_LATER = "entities left for the next run"   # a count in run_abnormal_list's Counter


@dataclass(frozen=True)
class GroundChange:
    """A ground arising or cured on a day, as the daily job found it in the read models."""

    on: date
    action: str            # "raise" | "cure"
    key: str
    ground: str = ""
    cure: str = ""


@dataclass(frozen=True)
class EntityWork:
    """What the job hands over for one entity (`marked`: an individual business)."""

    marked: bool = False
    changes: tuple[GroundChange, ...] = ()


def escalation_decision_day(noticed_on: date, statement_workdays: int) -> date:
    """The working day after the statement period of an automatic notice (SAMR Order 44)."""
    return decision_possible_on(noticed_on, statement_workdays)


def list_authority(rules: Any) -> Authority:
    """作出决定机关 of both lists: the list department, by its configured Chinese name."""
    code = rules.list_department
    return Authority(code, department_zh(rules, code))


class AbnormalListUseCases:
    """Mixed into CreditApplication (which provides rules, find and save)."""

    rules: Any
    save: Any
    find: Any
    _representative_at: Any   # credit.persons.use_cases

    def abnormal_listing(self, uscc: str) -> AbnormalListing | None:
        return self.find(AbnormalListing, abnormal_listing_id(uscc))

    def run_abnormal_list(self, work: Mapping[str, EntityWork], today: date) -> Counter:
        """Apply the changes found and every step due by `today`; count the events recorded
        (and under RETRY_LATER the entities that changed meanwhile, twice)."""
        counts: Counter = Counter()
        items = sorted(work.items())
        for start in range(0, len(items), BATCH):
            chunk = items[start:start + BATCH]
            # the chunk's listings read together, not one aggregate read per entity
            found = aggregates_of(self, AbnormalListing,
                                  [abnormal_listing_id(uscc) for uscc, _ in chunk])
            groups = [self._advance_entity(uscc, w, today,
                                           found.get(abnormal_listing_id(uscc)))
                      for uscc, w in chunk]
            tally = _tally(groups)
            try:
                self.save(*[a for g in groups for a in g])
                counts += tally
            except IntegrityError:  # someone changed one of them meanwhile: entity by entity
                for uscc, w in chunk:
                    counts += self._retry(uscc, w, today)
        return counts

    def _retry(self, uscc: str, w: EntityWork, today: date) -> Counter:
        group = self._advance_entity(uscc, w, today, self.abnormal_listing(uscc))
        tally = _tally([group])
        try:
            self.save(*group)
            return tally
        except IntegrityError:
            log.warning("abnormal list of %s changed twice meanwhile; the next run retries", uscc)
            return Counter({RETRY_LATER: 1})

    def _advance_entity(self, uscc: str, w: EntityWork, today: date,
                        listing: AbnormalListing | None) -> list[Aggregate]:
        """The steps due on the entity's `listing` (None: it has none yet)."""
        fresh = listing is None
        if listing is None:
            listing = AbnormalListing.open(uscc, w.marked)
        serious: list[SeriousListing] = []
        rules, authority = self.rules.abnormal_list, list_authority(self.rules)
        for c in sorted(w.changes, key=lambda c: (c.on, c.action != "raise", c.key)):
            if c.on > today:
                continue
            self._escalate(listing, serious, c.on - timedelta(days=1), today)
            if c.action == "raise":
                listing.raise_ground(c.key, c.ground, c.on, rules, today, authority)
            else:
                listing.cure(c.key, c.on, c.cure, rules, today, authority)
        self._escalate(listing, serious, today, today)
        changed = [a for a in (listing, *serious) if a.pending_events]
        if fresh and len(listing.pending_events) == 1:  # opened only: nothing to record
            changed.remove(listing)
        return changed

    def _serious(self, uscc: str, holder: list[SeriousListing]) -> SeriousListing:
        if not holder:
            holder.append(self.find(SeriousListing, serious_listing_id(uscc))
                          or SeriousListing.open(uscc))
        return holder[0]

    def _escalate(self, listing: AbnormalListing, holder: list[SeriousListing], until: date,
                  today: date) -> None:
        """Time-driven steps up to `until`, in order: listing, notice, decision."""
        authority = list_authority(self.rules)
        listing.list_if_due(until, self.rules.abnormal_list, authority)
        if listing.escalation_due(until):
            serious = self._serious(listing.uscc, holder)
            if serious.status == "clear":
                number = f"AUTO-ABN3Y-{listing.uscc}-{listing.cycle}"
                facts = (f"自{listing.listed_on}起列入经营异常名录届满"
                         f"{self.rules.abnormal_list.escalation_years}年仍未履行相关义务 "
                         f"on the abnormal list since {listing.listed_on}: "
                         + "; ".join(GROUNDS[g["ground"]] for g in listing.open_grounds()
                                     .values()))
                serious.give_notice(ListingNotice(number, ESCALATION, facts,
                                                  listing.escalation_on), today, authority)
                listing.note_escalation(number)
        if not holder and listing.escalation_noticed_on is None:
            return
        serious = self._serious(listing.uscc, holder)
        if serious.status != "noticed" or serious.ground != ESCALATION \
                or serious.statement_on is not None:
            return  # a statement or hearing request: a supervisor decides (POST …/decision)
        day = escalation_decision_day(serious.noticed_on,
                                      self.rules.serious_list.statement_period_workdays)
        if day > until:
            return
        number = f"AUTO-ABN3Y-{listing.uscc}-{serious.cycle}-D"
        if listing.is_listed(day):
            serious.decide(True, number, day, "", self.rules, today, authority,
                           self._representative_at(listing.uscc, day))
            listing.remove(day, "escalated", today)
        else:
            serious.decide(False, number, day, "经营异常名录已移出 no longer on the abnormal list",
                           self.rules, today, authority)

    def remove_escalated(self, uscc: str, on: date, today: date) -> list[Aggregate]:
        """A supervisor listed an entity for 3 years on the abnormal list: it leaves that list."""
        listing = self.abnormal_listing(uscc)
        if listing is None or not listing.is_listed(on):
            return []
        listing.remove(on, "escalated", today)
        return [listing]


def _tally(groups: Iterable[Sequence[Aggregate]]) -> Counter:
    """Events about to be recorded, by name (e.g. AbnormalListing.Listed)."""
    return Counter(type(e).__qualname__ for g in groups for a in g for e in a.pending_events)


class CommendationUseCases:
    """Commendations (诚信典型, the red list's positive record); mixed into CreditApplication (which
    provides rules, find, _save and _require_entity). The commending department decides."""

    rules: Any
    find: Any
    _save: Any
    _require_entity: Any
    _check_joint_punishment: Any   # credit.persons.use_cases

    def grant_commendation(self, data: CommendationData, today: date,
                           actor: Acting | None = None) -> UUID:
        """Record a department's commendation of a registered entity; one per document number."""
        data = data.validated(self.rules.red_list.commendation_valid_years, today)
        checked_department(self.rules, data.department)
        authorise(actor, data.department, "commendations", "grant_commendation", self.rules)
        self._require_entity(data.uscc)
        listing = self.find(SeriousListing, serious_listing_id(data.uscc))
        if listing is not None and listing.is_listed(data.granted_on):
            # joint punishment (国发〔2016〕33号): no honours while on the serious list
            raise Conflict(f"entity {data.uscc} is on the serious dishonest list on "
                           f"{data.granted_on} and may not be commended", field="uscc")
        self._check_joint_punishment("no_commendation", data.uscc, data.granted_on)
        commendation = Commendation.grant(data)
        self._save(commendation, conflict=f"commendation {data.document_no} is already recorded")
        return commendation.id

    def revoke_commendation(self, document_no: str, revoked_on: date, reason: str,
                            today: date, actor: Acting | None = None) -> UUID:
        number = document_number(document_no, "document_no")
        commendation = self.find(Commendation, commendation_id(number))
        if commendation is None:
            raise NotFound(f"no commendation {number}", field="document_no")
        authorise(actor, commendation.department, "commendations", "revoke_commendation",
                  self.rules)
        commendation.revoke(revoked_on, reason, today)
        self._save(commendation)
        return commendation.id


class SeriousListUseCases:
    """严重违法失信名单 The serious dishonest list, SAMR Order 44, decided by the list department
    (rules.authority); mixed into CreditApplication (which provides rules, lookups, find,
    get_existing, save, _save, _require_entity and, from AbnormalListUseCases,
    remove_escalated)."""

    rules: Any
    lookups: Any
    find: Any
    get_existing: Any
    save: Any
    _save: Any
    _require_entity: Any
    remove_escalated: Any
    _representative_at: Any   # credit.persons.use_cases

    def _listing(self, uscc: str) -> SeriousListing:
        uscc = checked_uscc(uscc)
        listing = self.find(SeriousListing, serious_listing_id(uscc))
        if listing is None:
            raise NotFound(f"no serious-list procedure for {uscc}", field="uscc")
        return listing

    def _authorised(self, actor: Acting | None, command: str) -> Authority:
        authority = list_authority(self.rules)
        authorise(actor, authority.department, "serious_list", command, self.rules)
        return authority

    def _heavier_penalty(self, uscc: str, case_id: UUID | None) -> None:
        """SAMR Order 44 Art 2: a decided heavier penalty (较重行政处罚) of the same entity."""
        if case_id is None:
            raise InvalidInput("较重行政处罚的列入须引用该处罚案件 the heavier_penalty ground needs "
                               "penalty_case_id", field="penalty_case_id")
        case = self.find(PenaltyCase, case_id)
        if case is None:
            raise InvalidInput(f"没有处罚案件 no penalty case {case_id}", field="penalty_case_id")
        case.check_listing_ground(uscc)

    def give_listing_notice(self, uscc: str, notice: ListingNotice, today: date,
                            actor: Acting | None = None) -> None:
        authority = self._authorised(actor, "give_listing_notice")
        uscc = checked_uscc(uscc)
        self._require_entity(uscc)
        if notice.ground == "heavier_penalty" or notice.penalty_case_id is not None:
            self._heavier_penalty(uscc, notice.penalty_case_id)
        listing = (self.find(SeriousListing, serious_listing_id(uscc))
                   or SeriousListing.open(uscc))
        listing.give_notice(notice, today, authority)
        self._save(listing)

    def record_listing_statement(self, uscc: str, received_on: date, statement: str,
                                 hearing_requested: bool, today: date,
                                 actor: Acting | None = None) -> None:
        self._authorised(actor, "record_listing_statement")
        listing = self._listing(uscc)
        listing.record_statement(received_on, statement, hearing_requested, today)
        self._save(listing)

    def answer_listing_statement(self, uscc: str, answered_on: date, reply: str, adopted: bool,
                                 today: date, actor: Acting | None = None) -> None:
        """陈述申辩的复核答复 The department's answer to the statement or hearing."""
        self._authorised(actor, "answer_listing_statement")
        listing = self._listing(uscc)
        listing.answer_statement(answered_on, reply, adopted, actor.username if actor else "",
                                 today)
        self._save(listing)

    def decide_listing(self, uscc: str, listed: bool, decision_no: str, decided_on: date,
                       reason: str, today: date, actor: Acting | None = None) -> None:
        authority = self._authorised(actor, "decide_listing")
        listing = self._listing(uscc)
        if listed and listing.status == "noticed" and listing.ground == "heavier_penalty":
            self._heavier_penalty(listing.uscc, listing.penalty_case_id)  # still in force?
        listing.decide(listed, decision_no, decided_on, reason, self.rules, today, authority,
                       self._representative_at(listing.uscc, decided_on) if listed else None)
        # SAMR Order 44: listed for 3 years on the abnormal list → moved to the serious list
        moved = self.remove_escalated(listing.uscc, decided_on, today) \
            if listed and listing.ground == "abnormal_three_years" else []
        self._save(listing, *moved)

    def remove_from_serious_list(self, uscc: str, removed_on: date, reason: str,
                                 today: date, actor: Acting | None = None) -> None:
        self._authorised(actor, "remove_from_serious_list")
        if reason == "repaired":
            raise InvalidInput("early removal goes through credit repair (POST /repairs)",
                               field="reason")
        listing = self._listing(uscc)
        listing.remove(removed_on, reason, today)
        self._save(listing)

    def expire_serious_listings(self, today: date) -> int:
        """Remove listings whose period has run out, as of their expiry date; idempotent."""
        removed = 0
        for uscc in self.lookups.listings_expired_by(today) if self.lookups else []:
            listing = self.find(SeriousListing, serious_listing_id(uscc))
            if listing is None or listing.status != "listed" or listing.is_listed(today):
                continue
            listing.remove(listing.auto_removal_on, "expired", today)
            try:
                self.save(listing)
                removed += 1
            except IntegrityError:
                pass
        return removed

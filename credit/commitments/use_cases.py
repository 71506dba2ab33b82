"""Use cases of notification–commitments, 国办发〔2020〕42号 (a mixin of CreditApplication)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from credit.authority import Acting, authorise, checked_department
from credit.commitments.commitment import (
    Commitment,
    CommitmentData,
    CommitmentLedger,
    ledger_id,
    why_commitment_refused,
)
from credit.lists.serious import SeriousListing, serious_listing_id
from kernel.errors import Conflict

log = logging.getLogger(__name__)


class CommitmentUseCases:
    """Mixed into CreditApplication (which provides rules, lookups, find, get_existing, save,
    _save and _require_entity)."""

    rules: Any
    lookups: Any
    find: Any
    get_existing: Any
    save: Any
    _save: Any
    _require_entity: Any
    _check_joint_punishment: Any   # credit.persons.use_cases

    def accept_commitment(self, data: CommitmentData, today: date,
                          actor: Acting | None = None) -> UUID:
        """Check the applicant's credit first; a refusal records nothing (409 with the reason).
        The department that decides the permit accepts the commitment."""
        data = data.validated(today)
        checked_department(self.rules, data.department)
        authorise(actor, data.department, "commitments", "accept_commitment", self.rules)
        self._require_entity(data.uscc)
        listing = self.find(SeriousListing, serious_listing_id(data.uscc))
        ledger = self.find(CommitmentLedger, ledger_id(data.uscc))
        # A back-dated commitment must not slip past a listing: the day it was made and today.
        reason = (why_commitment_refused(listing, ledger, data.committed_on)
                  or why_commitment_refused(listing, ledger, today))
        if reason:
            log.info("commitment of %s for %s refused: %s", data.uscc, data.permit_type, reason)
            raise Conflict(reason, field="uscc")
        self._check_joint_punishment("no_commitment", data.uscc, data.committed_on, today)
        # 容缺受理: the red list as of the commitment's day (the read model, via the lookups)
        red_listed = self.lookups is not None and self.lookups.red_listed(data.uscc,
                                                                          data.committed_on)
        commitment = Commitment.accept(data, self.rules, red_listed)
        self._save(commitment, conflict=f"{data.uscc} already committed for {data.permit_type} "
                                        f"on {data.committed_on}")
        return commitment.id

    def verify_commitment(self, commitment_id: UUID, outcome: str, verified_on: date,
                          method: str, note: str, today: date,
                          actor: Acting | None = None) -> None:
        """核查 A false commitment also enters the entity's ledger, in the same write."""
        commitment = self.get_existing(Commitment, commitment_id, "commitment")
        authorise(actor, commitment.department, "commitments", "verify_commitment", self.rules)
        commitment.verify(outcome, verified_on, method, note, today)
        pending: list[Aggregate] = [commitment]
        if commitment.status == "false":
            ledger = (self.find(CommitmentLedger, ledger_id(commitment.uscc))
                      or CommitmentLedger.open(commitment.uscc))
            ledger.record_false(commitment.id, verified_on)
            pending.append(ledger)
        self._save(*pending)

    def mark_overdue_commitments(self, today: date) -> int:
        """Flag commitments unverified past their window; idempotent (for the daily job)."""
        marked = 0
        for cid in self.lookups.commitments_unverified_by(today) if self.lookups else []:
            commitment = self.find(Commitment, cid)
            if commitment is not None and commitment.mark_overdue(today):
                try:
                    self.save(commitment)
                    marked += 1
                except IntegrityError:
                    pass  # verified or flagged by someone else meanwhile: nothing to do
        return marked

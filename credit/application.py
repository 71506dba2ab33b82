"""The credit application: each sub-domain's use cases (`credit/*/use_cases.py`, load, command,
save) composed over shared plumbing, and CreditLookups, the port to the read models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from credit.commitments.use_cases import CommitmentUseCases
from credit.licensing.use_cases import LicensingUseCases
from credit.lists.use_cases import (
    AbnormalListUseCases,
    CommendationUseCases,
    SeriousListUseCases,
)
from credit.objections.use_cases import ObjectionUseCases
from credit.penalties.use_cases import PenaltyUseCases
from credit.persons.use_cases import JointPunishmentUseCases
from credit.rating.use_cases import EvaluationUseCases
from credit.repair.case import PublishedResult
from credit.repair.use_cases import RepairUseCases
from credit.reports.use_cases import CreditReportUseCases
from credit.risk.use_cases import RiskUseCases
from credit.rules import DEFAULT_RULES, Rules
from kernel.errors import Conflict, NotFound
from kernel.eventstore import OpenCheckApplication


class CreditLookups(Protocol):
    """What the credit commands read from the read models (the composition root supplies it)."""

    def entity_exists(self, uscc: str) -> bool: ...

    def missing_entities(self, codes: Sequence[str]) -> set[str]: ...   # not in the directory

    def commitments_unverified_by(self, day: date) -> list[UUID]: ...

    def listings_expired_by(self, day: date) -> list[str]: ...

    def published_result(self, task_id: UUID, department: str) -> PublishedResult | None: ...

    # 法定代表人 (credit.persons): {uscc, name, person_key, id_masked} on a day; the USCCs a
    # person (by key) represents on a day; the USCCs whose listing decision recorded the person
    def legal_representative(self, uscc: str, on: date) -> dict | None: ...

    def represented_on(self, person_key: str, on: date) -> list[str]: ...

    def listed_with_person(self, person_key: str) -> list[str]: ...


    def red_listed(self, uscc: str, on: date) -> bool: ...

    # 异议: the record a reference names if public on `on` ({department, label}), and how many
    # objections to it are open
    def public_record(self, kind: str, uscc: str, key: str, on: date) -> dict | None: ...

    def open_objections(self, kind: str, uscc: str, key: str) -> int: ...


class CreditApplication(PenaltyUseCases, CommendationUseCases, CommitmentUseCases,
                        SeriousListUseCases, AbnormalListUseCases, RepairUseCases,
                        EvaluationUseCases, JointPunishmentUseCases, LicensingUseCases,
                        ObjectionUseCases, CreditReportUseCases, RiskUseCases,
                        OpenCheckApplication):
    """信用 Credit: penalties, licences, commitments, the abnormal and serious lists, repair,
    objections, credit reports, complaints and the risk model's record."""

    name = "credit"
    rules: Rules = DEFAULT_RULES
    lookups: CreditLookups | None = None

    def configure(self, rules: Rules, lookups: CreditLookups | None) -> CreditApplication:
        self.rules, self.lookups = rules, lookups
        return self

    # -- plumbing ---------------------------------------------------------------------------
    def _save(self, *aggregates: Any, conflict: str = "changed meanwhile; repeat the request",
              field: str | None = None) -> None:
        try:
            self.save(*aggregates)
        except IntegrityError:
            raise Conflict(conflict, field=field) from None

    def _require_entity(self, uscc: str) -> None:
        # Credit reads the supervision directory's read model, never its aggregates.
        if self.lookups is not None and not self.lookups.entity_exists(uscc):
            raise NotFound(f"no market entity with code {uscc}", field="uscc")

    def _require_entities(self, codes: Sequence[str]) -> None:
        """`_require_entity` of many codes in one read: the first missing one is named."""
        missing = self.lookups.missing_entities(codes) if self.lookups is not None else set()
        first = next((c for c in codes if c in missing), None)
        if first is not None:
            raise NotFound(f"no market entity with code {first}", field="uscc")

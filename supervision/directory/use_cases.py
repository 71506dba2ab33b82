"""一单两库 use cases of the supervision application: inspectors, conflicts, the check-item list.

A mixin of `SupervisionApplication` (load, command, save); rule vocabularies (`KnownCodes`) are
passed in by the caller from the configured rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from kernel.errors import Conflict, InvalidInput, NotFound
from supervision.directory.check_items import (
    CheckItem,
    CheckItemData,
    CheckList,
    KnownCodes,
    check_item_id,
    check_list_id,
)
from supervision.directory.entities import entity_id
from supervision.directory.inspectors import (
    Inspector,
    InspectorData,
    inspector_id,
    normalized_credential,
)
from supervision.directory.persons import checked_resident_id


class _CheckItemCodes:
    """Membership test against the event store: is this a check-item code?"""

    def __init__(self, app: DirectoryUseCases) -> None:
        self.app = app

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and check_item_id(code) in self.app.repository


class DirectoryUseCases:
    """Mixed into SupervisionApplication (which provides repository and save)."""

    repository: Any
    save: Any
    person_keyer: Any

    # -- the inspection-object directory (entities) --------------------------------------------
    def change_entity_details(self, uscc: str, changes: dict[str, Any],
                              today: date | None = None) -> None:
        """变更登记 Change an entity's details, validated like a registration. A new legal
        representative (`legal_representative`, `legal_representative_id`) is recorded from
        `effective_on` (default `today`)."""
        changes = dict(changes)
        name = changes.pop("legal_representative", None)
        number = changes.pop("legal_representative_id", None)
        effective_on = changes.pop("effective_on", None)
        entity = self.get_entity(uscc)  # type: ignore[attr-defined]
        entity.change_details(**changes)
        if name is not None or number is not None:
            day = effective_on or today or entity.legal_representative_since
            if number:
                number = checked_resident_id(number, day)
                if self.person_keyer is None:
                    raise RuntimeError("no person keyer configured: the ID number cannot be stored")
            key, masked = self.person_keyer.person(number) if number else ("", "")
            if name is None:   # a new ID number alone: same name, another (or corrected) person
                name = entity.legal_representative
            entity.change_legal_representative(name, key, masked, day)
        self.save(entity)

    def record_status_found(self, uscc: str, status: str, found_on: date, reason: str,
                            source: str) -> bool:
        """Results 9–12: an inspection found the entity no longer registered here; the directory
        records the status (so it leaves future pools). Idempotent per `source`: False if
        nothing changed."""
        entity = self.get_entity(uscc)  # type: ignore[attr-defined]
        if not entity.record_status_found(status, found_on, reason, source):
            return False
        self.save(entity)
        return True

    # -- the inspector directory ----------------------------------------------------------------
    def register_inspector(self, data: InspectorData, today: date, known: KnownCodes) -> UUID:
        """Register an inspector; 409 if the credential number is already in the directory."""
        inspector = Inspector.register(data.validated(known, _CheckItemCodes(self)), today)
        try:
            self.save(inspector)
        except IntegrityError:
            raise Conflict(f"credential number {inspector.credential_no} is already registered",
                           field="credential_no") from None
        return inspector.id

    def register_inspectors(self, rows: Sequence[InspectorData],
                            today: date) -> tuple[int, list[str]]:
        """Register validated rows in one write; returns (registered, duplicate credential nos)."""
        try:
            self.save(*[Inspector.register(r, today) for r in rows])
            return len(rows), []
        except IntegrityError:
            pass  # some row exists already: one write per row
        registered, duplicates = 0, []
        for row in rows:
            try:
                self.save(Inspector.register(row, today))
                registered += 1
            except IntegrityError:
                duplicates.append(row.credential_no)
        return registered, duplicates

    def get_inspector(self, credential_no: str) -> Inspector:
        return self.get_existing(Inspector, inspector_id(credential_no),
                                 "inspector with credential number", "credential_no",
                                 key=normalized_credential(credential_no))

    def change_inspector_status(self, credential_no: str, status: str, effective_on: date,
                                reason: str, today: date) -> None:
        inspector = self.get_inspector(credential_no)
        inspector.change_status(status, effective_on, reason, today)
        self.save(inspector)

    def declare_conflict(self, credential_no: str, uscc: str, reason: str, from_on: date,
                         to_on: date | None, today: date) -> int:
        """回避 An inspector declares an interest in a registered entity."""
        inspector = self.get_inspector(credential_no)
        if entity_id(uscc) not in self.repository:
            raise InvalidInput(f"no market entity with code {uscc} in the directory", field="uscc")
        number = inspector.declare_conflict(uscc, reason, from_on, to_on, today)
        self.save(inspector)
        return number

    def withdraw_conflict(self, credential_no: str, uscc: str, reason: str, today: date) -> int:
        inspector = self.get_inspector(credential_no)
        number = inspector.withdraw_conflict(uscc, reason, today)
        self.save(inspector)
        return number

    # -- the check-item list --------------------------------------------------------------------
    def add_check_item(self, data: CheckItemData, known: KnownCodes) -> None:
        """Add an item to its department's list; 409 if the code exists."""
        valid = data.validated(known)
        for _ in range(3):  # another item of the same department may be added concurrently
            item = CheckItem.add(valid)
            check_list = self._check_list(valid.department) or CheckList(department=valid.department)
            check_list.include(item.code)
            try:
                self.save(item, check_list)
                return
            except IntegrityError:
                if check_item_id(valid.code) in self.repository:
                    raise Conflict(f"check item {valid.code} already exists", field="code") from None
        raise Conflict(f"the {valid.department} list is busy; try again", field="department")

    def get_check_item(self, code: str) -> CheckItem:
        return self.get_existing(CheckItem, check_item_id(code), "check item", "code", key=code)

    def change_check_item(self, code: str, known: KnownCodes, changes: dict[str, Any]) -> None:
        item = self.get_check_item(code)
        item.change(known, **changes)
        self.save(item)

    def withdraw_check_item(self, code: str, reason: str) -> None:
        item = self.get_check_item(code)
        item.withdraw(reason)
        self.save(item)

    def _check_list(self, department: str) -> CheckList | None:
        return self.find(CheckList, check_list_id(department))

    def publish_check_list(self, department: str, published_on: date, today: date,
                           known: KnownCodes) -> int:
        """公开 Publish the department's current items; returns the new version."""
        if department not in known.departments:
            raise InvalidInput(f"unknown department {department!r}", field="department")
        check_list = self._check_list(department)
        if check_list is None:
            raise NotFound(f"no check items for {department} yet", field="department")
        items = [self.repository.get(check_item_id(c)) for c in check_list.codes]
        check_list.publish(items, published_on, today)
        self.save(check_list)
        return check_list.published_version

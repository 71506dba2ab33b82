"""执法检查人员名录库 Inspector directory: inspectors as aggregates, with declared conflicts (回避)."""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from kernel.errors import Conflict, InvalidInput, NotFound
from kernel.regions import is_valid_region_code
from supervision.directory.check_items import KnownCodes

INSPECTOR_NAMESPACE = uuid5(NAMESPACE_URL, "https://opencheck.example/inspectors")
STATUSES = ("active", "on_leave", "retired")
CREDENTIAL_NO = re.compile(r"^[0-9A-Z][0-9A-Z-]{3,31}$")


def normalized_credential(credential_no: str) -> str:
    return credential_no.strip().upper()


@dataclass(frozen=True)
class InspectorData:
    """What a registration carries; `validated()` applies every directory rule."""

    credential_no: str
    name: str
    department: str
    region_code: str
    station: str
    qualifications: tuple[str, ...]
    status: str = "active"

    def validated(self, known: KnownCodes, check_items: Container[str] = ()) -> InspectorData:
        """`check_items` holds the check-item codes an inspector may also be qualified for."""
        credential = normalized_credential(self.credential_no)
        if not CREDENTIAL_NO.match(credential):
            raise InvalidInput("credential_no (执法证号) must be 4-32 letters, digits or '-'",
                               field="credential_no")
        name = self.name.strip()
        if not name:
            raise InvalidInput("name must not be empty", field="name")
        if self.department not in known.departments:
            raise InvalidInput(f"unknown department {self.department!r}; known: "
                               f"{', '.join(sorted(known.departments))}", field="department")
        if not is_valid_region_code(self.region_code):
            raise InvalidInput("region_code must be a 6-digit GB/T 2260 code with a known "
                               "province prefix", field="region_code")
        station = self.station.strip()
        if not station:
            raise InvalidInput("所在单位不得为空 station must not be empty", field="station")
        qualifications = tuple(dict.fromkeys(q.strip() for q in self.qualifications if q.strip()))
        if not qualifications:
            raise InvalidInput("an inspector needs at least one qualification",
                               field="qualifications")
        unknown = [q for q in qualifications
                   if q not in known.qualifications and q not in check_items]
        if unknown:
            raise InvalidInput(f"unknown qualification(s) {', '.join(unknown)}: use a check-item "
                               "code, a qualification code or a department code",
                               field="qualifications")
        if self.status not in STATUSES:
            raise InvalidInput(f"status must be one of {', '.join(STATUSES)}", field="status")
        return InspectorData(credential, name, self.department, self.region_code, station,
                             qualifications, self.status)


class Inspector(Aggregate):
    """执法检查人员 One inspector; the id comes from the credential number (registering twice
    conflicts)."""

    @staticmethod
    def create_id(credential_no: str) -> UUID:
        return inspector_id(credential_no)

    @event("Registered")
    def __init__(self, credential_no: str, name: str, department: str, region_code: str,
                 station: str, qualifications: list[str], status: str, status_since: date) -> None:
        self.credential_no, self.name, self.department = credential_no, name, department
        self.region_code, self.station = region_code, station
        self.qualifications = list(qualifications)
        self.status, self.status_since = status, status_since
        self.conflicts: list[dict[str, Any]] = []

    @classmethod
    def register(cls, data: InspectorData, today: date) -> Inspector:
        return cls(credential_no=data.credential_no, name=data.name, department=data.department,
                   region_code=data.region_code, station=data.station,
                   qualifications=list(data.qualifications), status=data.status,
                   status_since=today)

    def change_status(self, status: str, effective_on: date, reason: str, today: date) -> None:
        """Go on leave, come back (active) or retire; retirement is final."""
        if status not in STATUSES:
            raise InvalidInput(f"status must be one of {', '.join(STATUSES)}", field="status")
        if status == self.status:
            raise Conflict(f"inspector {self.credential_no} is already {status}", field="status")
        if self.status == "retired":
            raise Conflict(f"inspector {self.credential_no} has retired", field="status")
        if effective_on > today:
            raise InvalidInput("effective_on must not be in the future", field="effective_on")
        if effective_on < self.status_since:
            raise InvalidInput(f"effective_on is before the current status began "
                               f"({self.status_since})", field="effective_on")
        self._status_changed(status=status, effective_on=effective_on, reason=reason.strip())

    @event("StatusChanged")
    def _status_changed(self, status: str, effective_on: date, reason: str) -> None:
        self.status, self.status_since = status, effective_on

    def open_conflict(self, uscc: str, today: date) -> dict[str, Any] | None:
        """The declaration about `uscc` in force or still to come on `today`, if any."""
        for c in reversed(self.conflicts):
            if c["uscc"] == uscc and c["withdrawn_on"] is None \
                    and (c["to_on"] is None or c["to_on"] >= today):
                return c
        return None

    def declare_conflict(self, uscc: str, reason: str, from_on: date, to_on: date | None,
                         today: date) -> int:
        """回避 Declare an interest in an entity (行政处罚法 Art 43); returns the declaration number."""
        reason = reason.strip()
        if not reason:
            raise InvalidInput("a declaration needs a reason", field="reason")
        if to_on is not None and to_on < from_on:
            raise InvalidInput("to_on is before from_on", field="to_on")
        if to_on is not None and to_on < today:
            raise InvalidInput("to_on is in the past: nothing left to declare", field="to_on")
        if self.open_conflict(uscc, today):
            raise Conflict(f"a declaration about {uscc} is already in force", field="uscc")
        number = len(self.conflicts) + 1
        self._conflict_declared(declaration_no=number, uscc=uscc, reason=reason, from_on=from_on,
                                to_on=to_on, declared_on=today)
        return number

    @event("ConflictDeclared")
    def _conflict_declared(self, declaration_no: int, uscc: str, reason: str, from_on: date,
                           to_on: date | None, declared_on: date) -> None:
        self.conflicts.append({"declaration_no": declaration_no, "uscc": uscc, "to_on": to_on,
                               "withdrawn_on": None})

    def withdraw_conflict(self, uscc: str, reason: str, today: date) -> int:
        """Withdraw the declaration in force about `uscc` (its history stays)."""
        found = self.open_conflict(uscc, today)
        if found is None:
            raise NotFound(f"no declaration about {uscc} in force for {self.credential_no}",
                           field="uscc")
        self._conflict_withdrawn(declaration_no=found["declaration_no"], uscc=uscc,
                                 reason=reason.strip(), withdrawn_on=today)
        return found["declaration_no"]

    @event("ConflictWithdrawn")
    def _conflict_withdrawn(self, declaration_no: int, uscc: str, reason: str,
                            withdrawn_on: date) -> None:
        self.conflicts[declaration_no - 1]["withdrawn_on"] = withdrawn_on


def inspector_id(credential_no: str) -> UUID:
    return uuid5(INSPECTOR_NAMESPACE, normalized_credential(credential_no))


def split_codes(value: str | Iterable[str]) -> tuple[str, ...]:
    """';'-joined codes (CSV cell) or a list, stripped, empty parts dropped."""
    parts = value.split(";") if isinstance(value, str) else value
    return tuple(p.strip() for p in parts if p and p.strip())

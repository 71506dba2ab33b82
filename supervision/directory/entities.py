"""检查对象名录库 Inspection-object directory: market entities as event-sourced aggregates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from hashlib import sha1
from uuid import NAMESPACE_URL, UUID, SafeUUID, uuid5

from eventsourcing.domain import Aggregate, event

from kernel.errors import Conflict, InvalidInput
from kernel.regions import is_valid_region_code
from kernel.uscc import checked_uscc
from supervision.directory.persons import PersonKeyer, checked_resident_id

ENTITY_NAMESPACE = uuid5(NAMESPACE_URL, "https://opencheck.example/entities")
_NAMESPACE_BYTES = ENTITY_NAMESPACE.bytes
# RFC 4122 variant (bits 62-63: 10) and version 5 (bits 76-79), as UUID(version=5) sets them
_UUID5_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_UUID5_SET = (0x8000 << 48) | (5 << 76)
ENTITY_TYPES = ("enterprise", "individual", "cooperative")
# GB 32100-2015: under registration authority 9, position 2 is the entity kind.
USCC_KIND_OF_TYPE = {"enterprise": "1", "individual": "2", "cooperative": "3"}
# Appended, never reordered: the drawer's pool stores the index (entity_pool.status_code).
STATUSES = ("active", "deregistered", "revoked", "moved_out", "cancelled")
INDUSTRY_CODE = re.compile(r"^[A-T](\d{2,4})?$")  # GB/T 4754 section letter + division/class digits


@dataclass(frozen=True)
class EntityData:
    """What a registration carries; `validated()` applies every directory rule."""

    uscc: str
    name: str
    entity_type: str
    region_code: str
    industry_code: str
    registered_on: date
    address: str
    legal_representative: str = ""
    registering_authority: str = ""
    # 居民身份证号码 of the legal representative: input only, never in an event (persons.py)
    legal_representative_id: str = field(default="", repr=False)

    def validated(self, today: date) -> EntityData:
        uscc = checked_uscc(self.uscc)
        name = self.name.strip()
        if not name:
            raise InvalidInput("name must not be empty", field="name")
        if self.entity_type not in ENTITY_TYPES:
            raise InvalidInput(f"entity_type must be one of {', '.join(ENTITY_TYPES)}",
                               field="entity_type")
        if uscc[0] == "9" and uscc[1] != USCC_KIND_OF_TYPE[self.entity_type]:
            raise InvalidInput(
                f"entity_type '{self.entity_type}' does not match the code's entity-kind "
                f"character '{uscc[1]}' (position 2)", field="entity_type")
        if not is_valid_region_code(self.region_code):
            raise InvalidInput("region_code must be a 6-digit GB/T 2260 code with a known "
                               "province prefix", field="region_code")
        industry = self.industry_code.strip().upper()
        if not INDUSTRY_CODE.match(industry):
            raise InvalidInput("industry_code must be a GB/T 4754 code: section letter A-T and "
                               "optionally 2-4 digits, e.g. F5211", field="industry_code")
        if self.registered_on > today:
            raise InvalidInput("registered_on must not be in the future", field="registered_on")
        person_id = self.legal_representative_id.strip()
        if person_id:
            person_id = checked_resident_id(person_id, today)
            if not self.legal_representative.strip():
                raise InvalidInput("有身份证号码时须填写法定代表人姓名 a legal representative with "
                                   "an ID number needs a name", field="legal_representative")
        return EntityData(uscc, name, self.entity_type, self.region_code, industry,
                          self.registered_on, self.address.strip(),
                          self.legal_representative.strip(), self.registering_authority.strip(),
                          person_id)


class MarketEntity(Aggregate):
    """市场主体 A market entity; its id is derived from the USCC, so registering twice conflicts."""

    @staticmethod
    def create_id(uscc: str) -> UUID:
        return entity_id(uscc)

    @event("Registered")
    def __init__(self, uscc: str, name: str, entity_type: str, region_code: str,
                 industry_code: str, registered_on: date, address: str,
                 legal_representative: str, registering_authority: str,
                 legal_representative_key: str = "", legal_representative_masked: str = "",
                 ) -> None:
        self.uscc, self.name, self.entity_type = uscc, name, entity_type
        self.region_code, self.industry_code = region_code, industry_code
        self.registered_on, self.address = registered_on, address
        self.legal_representative = legal_representative
        # the person key (HMAC of the ID number) and masked number; never the number itself
        self.legal_representative_key = legal_representative_key
        self.legal_representative_masked = legal_representative_masked
        self.legal_representative_since = registered_on
        self.registering_authority = registering_authority
        self.status = "active"
        self.status_since = registered_on
        self.status_sources: list[str] = []   # inspection results already recorded here
        self.annual_reports: dict[int, date] = {}

    @classmethod
    def register(cls, data: EntityData, keyer: PersonKeyer | None = None) -> MarketEntity:
        """`data` validated; its ID number becomes the person key and masked form (`keyer`)."""
        return cls(**registration(data, keyer))

    def change_status(self, status: str, effective_on: date, reason: str) -> None:
        """Record deregistration, revocation, moving out, or reactivation (status 'active')."""
        if status not in STATUSES:
            raise InvalidInput(f"status must be one of {', '.join(STATUSES)}", field="status")
        if status == self.status:
            raise Conflict(f"entity {self.uscc} is already {status}", field="status")
        if effective_on < self.registered_on:
            raise InvalidInput("effective_on is before the registration date", field="effective_on")
        self._status_changed(status=status, effective_on=effective_on, reason=reason)

    def record_status_found(self, status: str, found_on: date, reason: str, source: str) -> bool:
        """An inspection found the entity deregistered, revoked, cancelled or moved out (results
        9–12): record it once per `source`; False, recording nothing, if that source was
        recorded before, the entity has that status already, or a status decision dated after
        the inspection stands (a later reactivation is not undone by an older finding)."""
        if status not in STATUSES or status == "active":
            raise InvalidInput(f"an inspection finding records one of "
                               f"{', '.join(STATUSES[1:])}", field="status")
        if source in self.status_sources or status == self.status \
                or self.status_since > found_on:
            return False
        effective_on = max(found_on, self.registered_on)
        self._status_changed(status=status, effective_on=effective_on, reason=reason,
                             source=source)
        return True

    @event("StatusChanged")
    def _status_changed(self, status: str, effective_on: date, reason: str,
                        source: str = "") -> None:
        self.status, self.status_since = status, effective_on
        if source:
            self.status_sources = [*self.status_sources, source]

    def file_annual_report(self, year: int, filed_on: date) -> None:
        """年度报告 Annual report for `year`, publicised on `filed_on` (due 30 June of year+1)."""
        check_annual_report(self.annual_reports, self.registered_on, year, filed_on)
        self._annual_report_filed(year=year, filed_on=filed_on)

    @event("AnnualReportFiled")
    def _annual_report_filed(self, year: int, filed_on: date) -> None:
        self.annual_reports[year] = filed_on

    def change_details(self, **changes: str) -> None:
        """Change name, address, industry or region (变更登记; the legal representative has
        its own event, `change_legal_representative`)."""
        allowed = {"name", "address", "industry_code", "region_code", "registering_authority"}
        unknown = set(changes) - allowed
        if unknown:
            raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
        changes = {k: v.strip() for k, v in changes.items()}
        # The same rules as at registration, so the directory never holds what it would refuse.
        if "name" in changes and not changes["name"]:
            raise InvalidInput("name must not be empty", field="name")
        if "region_code" in changes and not is_valid_region_code(changes["region_code"]):
            raise InvalidInput("region_code must be a 6-digit GB/T 2260 code with a known "
                               "province prefix", field="region_code")
        if "industry_code" in changes:
            changes["industry_code"] = changes["industry_code"].upper()
            if not INDUSTRY_CODE.match(changes["industry_code"]):
                raise InvalidInput("industry_code must be a GB/T 4754 code: section letter A-T "
                                   "and optionally 2-4 digits, e.g. F5211", field="industry_code")
        changed = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if changed:
            self._details_changed(changes=changed)

    @event("DetailsChanged")
    def _details_changed(self, changes: dict[str, str]) -> None:
        for key, value in changes.items():
            setattr(self, key, value)


    def change_legal_representative(self, name: str, key: str, masked: str,
                                    changed_on: date) -> bool:
        """变更登记 of the legal representative from `changed_on` (key "" = ID not given);
        False if the same person is already recorded."""
        name = name.strip()
        if not name:
            raise InvalidInput("法定代表人姓名不能为空 the legal representative's name must not be "
                               "empty", field="legal_representative")
        if (name, key) == (self.legal_representative, self.legal_representative_key):
            return False
        if changed_on < max(self.registered_on, self.legal_representative_since):
            raise InvalidInput(f"变更日期早于现任法定代表人任职日期 effective_on is before "
                               f"{max(self.registered_on, self.legal_representative_since)}",
                               field="effective_on")
        self._representative_changed(name=name, person_key=key, id_masked=masked,
                                     changed_on=changed_on)
        return True

    @event("LegalRepresentativeChanged")
    def _representative_changed(self, name: str, person_key: str, id_masked: str,
                                changed_on: date) -> None:
        self.legal_representative, self.legal_representative_key = name, person_key
        self.legal_representative_masked = id_masked
        self.legal_representative_since = changed_on


def entity_id(uscc: str) -> UUID:
    """`uuid5(ENTITY_NAMESPACE, uscc)`, built without `UUID.__init__`'s argument handling (a
    bulk import derives a million of them; tests/unit compares the two)."""
    digest = sha1(_NAMESPACE_BYTES + uscc.encode()).digest()
    number = (int.from_bytes(digest[:16], "big") & _UUID5_CLEAR) | _UUID5_SET
    uuid = object.__new__(UUID)
    object.__setattr__(uuid, "int", number)
    object.__setattr__(uuid, "is_safe", SafeUUID.unknown)
    return uuid


def registration(data: EntityData, keyer: PersonKeyer | None) -> dict[str, object]:
    """What a `Registered` event of validated `data` carries: the ID number replaced by the
    person key and masked form (`keyer`), never stored itself."""
    fields = dict(vars(data))
    number = fields.pop("legal_representative_id")
    if number and keyer is None:
        raise RuntimeError("no person keyer configured: the ID number cannot be stored")
    key, masked = keyer.person(number) if keyer else ("", "")
    return {**fields, "legal_representative_key": key, "legal_representative_masked": masked}


def check_annual_report(filed: dict[int, date], registered_on: date, year: int,
                        filed_on: date) -> None:
    """The rules of filing an annual report, given the years already filed (`filed`)."""
    if year in filed:
        raise Conflict(f"annual report {year} already filed on {filed[year]}", field="year")
    if filed_on.year <= year:
        raise InvalidInput(f"an annual report for {year} is filed from {year + 1} on",
                           field="filed_on")
    if year < registered_on.year:
        raise InvalidInput("year is before the registration year", field="year")

"""抽查事项清单 The check-item list: items as aggregates, one published list per department."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from kernel.errors import Conflict, InvalidInput
from supervision.directory.entities import ENTITY_TYPES, INDUSTRY_CODE
from supervision.rules import SupervisionRules

CHECK_ITEM_NAMESPACE = uuid5(NAMESPACE_URL, "https://opencheck.example/check-items")
CHECK_LIST_NAMESPACE = uuid5(NAMESPACE_URL, "https://opencheck.example/check-lists")
METHODS = ("on_site", "documents", "online")   # 实地核查 / 书面检查 / 网络监测
CATEGORIES = ("key", "general")                # 重点检查事项 / 一般检查事项
CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
CHANGEABLE = ("name", "sub_item", "legal_basis", "object_scope_types", "object_scope_industries",
              "method", "category", "default_ratio", "frequency_per_year", "qualification")


@dataclass(frozen=True)
class KnownCodes:
    """The configured vocabulary a check item or inspector is validated against."""

    departments: frozenset[str]
    qualifications: frozenset[str]   # granted qualification codes and department codes
    general_max_ratio: float = 1.0

    @classmethod
    def from_rules(cls, rules: SupervisionRules) -> KnownCodes:
        d = rules.directory
        return cls(d.department_codes, d.qualification_codes, d.general_item_max_ratio)


@dataclass(frozen=True)
class CheckItemData:
    """One row of the list; `validated()` applies every list rule."""

    code: str
    name: str
    sub_item: str
    legal_basis: str
    department: str
    object_scope_types: tuple[str, ...]
    object_scope_industries: tuple[str, ...] = ()   # () = every industry
    method: str = "on_site"
    category: str = "general"
    default_ratio: float = 0.03
    frequency_per_year: int = 1
    qualification: str = ""

    def validated(self, known: KnownCodes) -> CheckItemData:
        code = self.code.strip().upper()
        if not CODE.match(code):
            raise InvalidInput("code must be 2-32 capital letters, digits or '-', e.g. SJ-001",
                               field="code")
        name, basis = self.name.strip(), self.legal_basis.strip()
        if not name:
            raise InvalidInput("name must not be empty", field="name")
        if not basis:
            raise InvalidInput("抽查依据不得为空 legal_basis must not be empty", field="legal_basis")
        if self.department not in known.departments:
            raise InvalidInput(f"unknown department {self.department!r}; known: "
                               f"{', '.join(sorted(known.departments))}", field="department")
        types = tuple(dict.fromkeys(t.strip() for t in self.object_scope_types if t.strip()))
        if not types or any(t not in ENTITY_TYPES for t in types):
            raise InvalidInput(f"object_scope_types must be one or more of {', '.join(ENTITY_TYPES)}",
                               field="object_scope_types")
        industries = tuple(dict.fromkeys(i.strip().upper() for i in self.object_scope_industries
                                         if i.strip()))
        if any(not INDUSTRY_CODE.match(i) for i in industries):
            raise InvalidInput("object_scope_industries must be GB/T 4754 codes or sections, "
                               "e.g. F or F52", field="object_scope_industries")
        if self.method not in METHODS:
            raise InvalidInput(f"method must be one of {', '.join(METHODS)}", field="method")
        if self.category not in CATEGORIES:
            raise InvalidInput(f"category must be one of {', '.join(CATEGORIES)}", field="category")
        ratio = float(self.default_ratio)
        if not 0.0 < ratio <= 1.0:
            raise InvalidInput("default_ratio must be in (0, 1]", field="default_ratio")
        # A general item's ratio is strictly limited; a key item's is not (DOMAIN §2).
        if self.category == "general" and ratio > known.general_max_ratio:
            raise InvalidInput(f"a general item's default_ratio may not exceed "
                               f"{known.general_max_ratio}", field="default_ratio")
        if not 1 <= int(self.frequency_per_year) <= 12:
            raise InvalidInput("frequency_per_year must be 1-12", field="frequency_per_year")
        if self.qualification not in known.qualifications:
            raise InvalidInput(f"unknown qualification {self.qualification!r}; known: "
                               f"{', '.join(sorted(known.qualifications))}", field="qualification")
        return CheckItemData(code, name, self.sub_item.strip(), basis, self.department, types,
                             industries, self.method, self.category, ratio,
                             int(self.frequency_per_year), self.qualification)

    def payload(self) -> dict[str, Any]:
        """Event payload: JSON-friendly (lists, not tuples)."""
        d = asdict(self)
        d["object_scope_types"] = list(self.object_scope_types)
        d["object_scope_industries"] = list(self.object_scope_industries)
        return d


class CheckItem(Aggregate):
    """抽查事项 One check item; its id comes from the code, so adding a code twice conflicts."""

    @staticmethod
    def create_id(code: str) -> UUID:
        return check_item_id(code)

    @event("Added")
    def __init__(self, code: str, department: str, fields: dict[str, Any]) -> None:
        self.code, self.department = code, department
        self.fields = dict(fields)
        self.withdrawn = False

    @classmethod
    def add(cls, data: CheckItemData) -> CheckItem:
        payload = data.payload()
        return cls(code=payload.pop("code"), department=payload.pop("department"), fields=payload)

    def data(self) -> CheckItemData:
        f = dict(self.fields)
        f["object_scope_types"] = tuple(f["object_scope_types"])
        f["object_scope_industries"] = tuple(f["object_scope_industries"])
        return CheckItemData(code=self.code, department=self.department, **f)

    def change(self, known: KnownCodes, **changes: Any) -> None:
        """Change any field but code and department (those identify the item: add a new one)."""
        unknown = set(changes) - set(CHANGEABLE)
        if unknown:
            raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}",
                               field=sorted(unknown)[0])
        if self.withdrawn:
            raise Conflict(f"check item {self.code} is withdrawn", field="code")
        new = replace(self.data(), **changes).validated(known).payload()
        changed = {k: v for k, v in new.items() if k in CHANGEABLE and self.fields[k] != v}
        if changed:
            self._changed(code=self.code, changes=changed)

    @event("Changed")
    def _changed(self, code: str, changes: dict[str, Any]) -> None:
        self.fields.update(changes)

    def withdraw(self, reason: str) -> None:
        """Take the item off the list (取消); the next publication leaves it out."""
        if self.withdrawn:
            raise Conflict(f"check item {self.code} is already withdrawn", field="code")
        self._withdrawn(code=self.code, reason=reason)

    @event("Withdrawn")
    def _withdrawn(self, code: str, reason: str) -> None:
        self.withdrawn = True

    def snapshot(self) -> dict[str, Any]:
        return {"code": self.code, "department": self.department, **self.fields}


class CheckList(Aggregate):
    """One department's list: which items belong to it, and each published version (公开)."""

    @staticmethod
    def create_id(department: str) -> UUID:
        return check_list_id(department)

    @event("Opened")
    def __init__(self, department: str) -> None:
        self.department = department
        self.codes: list[str] = []
        self.published_version = 0  # not `version`: that is the aggregate's own
        self.published: list[dict[str, Any]] = []

    def include(self, code: str) -> None:
        if code not in self.codes:
            self._included(code=code)

    @event("ItemIncluded")
    def _included(self, code: str) -> None:
        self.codes.append(code)

    def publish(self, items: list[CheckItem], published_on: date, today: date) -> None:
        """Publish the department's current items as the next version of the public list."""
        if published_on > today:
            raise InvalidInput("published_on must not be in the future", field="published_on")
        if sorted(i.code for i in items) != sorted(self.codes):
            raise ValueError("publish needs exactly the list's items")
        snapshot = sorted((i.snapshot() for i in items if not i.withdrawn), key=lambda s: s["code"])
        if self.published_version and snapshot == self.published:
            raise Conflict(f"the {self.department} list is unchanged since version "
                           f"{self.published_version}", field="department")
        self._published(department=self.department, version=self.published_version + 1,
                        published_on=published_on, items=snapshot)

    @event("Published")
    def _published(self, department: str, version: int, published_on: date,
                   items: list[dict[str, Any]]) -> None:
        self.published_version, self.published = version, items


def check_item_id(code: str) -> UUID:
    return uuid5(CHECK_ITEM_NAMESPACE, code)


def check_list_id(department: str) -> UUID:
    return uuid5(CHECK_LIST_NAMESPACE, department)


def qualifying_codes(item: Mapping[str, Any] | CheckItemData) -> tuple[str, ...]:
    """An inspector holding any of these codes may inspect the item (item, qualification, dept)."""
    get = item.get if isinstance(item, Mapping) else (lambda k: getattr(item, k))
    codes = (get("code"), get("qualification"), get("department"))
    return tuple(dict.fromkeys(c for c in codes if c))


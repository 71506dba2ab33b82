"""The drawer's inputs as numpy arrays: the eligible pool of a scope and the inspector roster.

Both loaders read integer-encoded read models (``entity_pool``, ``inspectors``) with one SELECT
each, straight from the DB-API cursor into numpy: no per-row Python objects beyond the driver's
tuples, so a 1,000,000-entity pool loads in about the time of the bare SELECT.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from itertools import chain
from typing import Any

import numpy as np
import sqlalchemy as sa

from kernel.db import fetch_ints
from kernel.errors import InvalidInput
from supervision.directory.check_items import qualifying_codes
from supervision.directory.entities import ENTITY_TYPES, INDUSTRY_CODE
from supervision.directory.tables import check_items as check_item_table
from supervision.directory.tables import (
    entities,
    entity_inspections,
    entity_pool,
    inspector_conflicts,
    inspector_qualifications,
    inspectors,
)

EPOCH = date(1970, 1, 1)
NEVER = -1


def epoch_day(d: date) -> int:
    """Days since 1970-01-01: how the integer read models store dates."""
    return (d - EPOCH).days


def _check_kinds(industry_prefixes: tuple[str, ...], entity_types: tuple[str, ...]) -> None:
    if any(not INDUSTRY_CODE.match(p) for p in industry_prefixes):
        raise InvalidInput("industry_prefixes must be GB/T 4754 sections or codes",
                           field="industry_prefixes")
    if any(t not in ENTITY_TYPES for t in entity_types):
        raise InvalidInput(f"entity_types must be among {', '.join(ENTITY_TYPES)}",
                           field="entity_types")


@dataclass(frozen=True)
class ItemScope:
    """One check item's object scope (检查对象范围): entity types and GB/T 4754 prefixes."""

    entity_types: tuple[str, ...] = ()        # () = every type
    industry_prefixes: tuple[str, ...] = ()   # () = every industry

    def __post_init__(self) -> None:
        _check_kinds(self.industry_prefixes, self.entity_types)


@dataclass(frozen=True)
class PoolScope:
    """Who may be drawn: active entities under a region prefix, of some industries and types,
    and (if `items` is given) in the object scope of at least one of the plan's check items."""

    region_prefix: str = ""                   # GB/T 2260 prefix: "33" province, "3307" city
    industry_prefixes: tuple[str, ...] = ()   # GB/T 4754 sections or codes: ("F", "H62"); () = all
    entity_types: tuple[str, ...] = ()        # registry.ENTITY_TYPES; () = all
    department: str | None = None             # whose last inspections to load (cool-off)
    items: tuple[ItemScope, ...] = ()         # the plan's items' scopes (a union); () = no limit

    def __post_init__(self) -> None:
        prefix = self.region_prefix
        if len(prefix) > 6 or (prefix and not (prefix.isascii() and prefix.isdigit())):
            raise InvalidInput("region_prefix must be up to 6 digits", field="region_prefix")
        _check_kinds(self.industry_prefixes, self.entity_types)


@dataclass(frozen=True, eq=False)
class PoolArrays:
    """One row per eligible entity, sorted by entity_no."""

    entity_no: np.ndarray          # int64, unique, ascending
    region: np.ndarray             # int32 6-digit GB/T 2260 code
    industry: np.ndarray           # int8 GB/T 4754 section, A..T = 0..19
    entity_type: np.ndarray        # int8 index in registry.ENTITY_TYPES
    registered_on: np.ndarray      # int32 days since 1970-01-01
    last_inspected_on: np.ndarray  # int32 days since 1970-01-01 of the scope department's last
    #                                inspection; -1 never (or no department given)
    in_items: np.ndarray | None = None  # bool (n, len(scope.items)): item j's scope covers row i

    def __len__(self) -> int:
        return int(self.entity_no.size)

    def only(self, keep: np.ndarray) -> PoolArrays:
        """The rows where `keep` (bool, one per row) is true, in the same order."""
        return PoolArrays(**{f.name: (None if getattr(self, f.name) is None
                                      else getattr(self, f.name)[keep]) for f in fields(self)})

    def last_checked_days(self, on: date) -> np.ndarray:
        """int32 days from the last inspection to `on`; -1 for never (drawing.EntityPool)."""
        seen = self.last_inspected_on != NEVER
        return np.where(seen, epoch_day(on) - self.last_inspected_on, NEVER).astype(np.int32)

    def drawer_fields(self, on: date) -> dict[str, np.ndarray]:
        """entity_no, region, last_checked_days for ``EntityPool(**…, risk_class=…, targeted=…)``."""
        return {"entity_no": self.entity_no, "region": self.region,
                "last_checked_days": self.last_checked_days(on)}


def _kind_filter(industry_prefixes: Sequence[str], entity_types: Sequence[str]) -> list[Any]:
    """Conditions on entity type and industry; [] = every entity."""
    where: list[Any] = []
    if entity_types and set(entity_types) != set(ENTITY_TYPES):
        where.append(entity_pool.c.type_code.in_(sorted(ENTITY_TYPES.index(t)
                                                        for t in entity_types)))
    if industry_prefixes:
        sections = sorted({ord(p[0]) - ord("A") for p in industry_prefixes if len(p) == 1})
        finer = [p for p in industry_prefixes if len(p) > 1]
        where.append(sa.or_(*([entity_pool.c.industry_section.in_(sections)] if sections else []),
                            *[entity_pool.c.industry_code.startswith(p, autoescape=True)
                              for p in finer]))
    return where


def region_filter(region_prefix: str) -> list[Any]:
    """The condition of a GB/T 2260 prefix on entity_pool.region_int; [] = everywhere."""
    if not region_prefix:
        return []
    span = 10 ** (6 - len(region_prefix))
    low = int(region_prefix) * span
    return [entity_pool.c.region_int.between(low, low + span - 1)]


def item_condition(item: ItemScope) -> Any | None:
    """The condition of one item's object scope on entity_pool; None = every entity."""
    where = _kind_filter(item.industry_prefixes, item.entity_types)
    return sa.and_(*where) if where else None


def items_filter(items: Sequence[ItemScope]) -> list[Any]:
    """In the object scope of at least one item (a union); [] = no limit (or some item covers
    every entity)."""
    conditions = [item_condition(i) for i in dict.fromkeys(items)]
    return [sa.or_(*conditions)] if conditions and all(c is not None for c in conditions) \
        else []


def _scope_filter(scope: PoolScope) -> list[Any]:
    return [entity_pool.c.status_code == 0,   # registry.STATUSES[0] == "active"
            *region_filter(scope.region_prefix),
            *_kind_filter(scope.industry_prefixes, scope.entity_types),
            *items_filter(scope.items)]


def _item_columns(items: Sequence[ItemScope]) -> tuple[list[Any], list[int | None]]:
    """One 0/1 column per distinct item scope that does not cover everyone, and for each item
    the index of its column (None: it covers every entity)."""
    distinct = list(dict.fromkeys(items))
    conditions = {i: item_condition(i) for i in distinct}
    columns, at = [], {}
    for item in distinct:
        if conditions[item] is not None:
            at[item] = len(columns)
            columns.append(sa.case((conditions[item], 1), else_=0))
    return columns, [at.get(i) for i in items]


POOL_COLUMNS = (entity_pool.c.entity_no, entity_pool.c.region_int, entity_pool.c.industry_section,
                entity_pool.c.type_code, entity_pool.c.registered_day)


def load_pool(conn: sa.Connection, scope: PoolScope = PoolScope()) -> PoolArrays:
    """The eligible pool of `scope` (active entities only) as arrays sorted by entity_no, with
    which of the scope's items covers each row (one SELECT: the item tests are columns)."""
    item_columns, item_at = _item_columns(scope.items)
    ncols = len(POOL_COLUMNS) + len(item_columns)
    rows = fetch_ints(conn, sa.select(*POOL_COLUMNS, *item_columns).where(*_scope_filter(scope)),
                      ncols)
    # No ORDER BY: on SQLite it would walk the primary-key index; sorting here is cheaper.
    if rows.shape[0] > 1 and not (rows[1:, 0] > rows[:-1, 0]).all():
        rows = rows[np.argsort(rows[:, 0], kind="stable")]
    entity_no = np.ascontiguousarray(rows[:, 0])
    last = last_inspected(conn, scope.department, entity_no)
    in_items = np.ones((entity_no.size, len(item_at)), dtype=bool)
    for j, column in enumerate(item_at):
        if column is not None:
            in_items[:, j] = rows[:, len(POOL_COLUMNS) + column] == 1
    return PoolArrays(entity_no=entity_no, region=rows[:, 1].astype(np.int32),
                      industry=rows[:, 2].astype(np.int8), entity_type=rows[:, 3].astype(np.int8),
                      registered_on=rows[:, 4].astype(np.int32), last_inspected_on=last,
                      in_items=in_items)


def last_inspected(conn: sa.Connection, department: str | None,
                   entity_no: np.ndarray) -> np.ndarray:
    """int32 epoch day of `department`'s last inspection of each entity; NEVER if none."""
    last = np.full(entity_no.size, NEVER, dtype=np.int32)
    if department and entity_no.size:
        seen = fetch_ints(conn, sa.select(entity_inspections.c.entity_no,
                                           entity_inspections.c.last_inspected_day)
                           .where(entity_inspections.c.department == department), 2)
        at = np.searchsorted(entity_no, seen[:, 0])
        hit = at < entity_no.size
        hit[hit] = entity_no[at[hit]] == seen[hit, 0]
        last[at[hit]] = seen[hit, 1]
    return last


@dataclass(frozen=True, eq=False)
class RosterArrays:
    """Active inspectors of some departments, sorted by inspector_no (drawing.Roster's inputs)."""

    inspector_no: np.ndarray       # int64, unique, ascending
    department: np.ndarray         # int16 index into `departments`
    region: np.ndarray             # int32 6-digit code of the inspector's station
    station: np.ndarray            # int32 index into `stations`
    holds: np.ndarray              # bool (n, len(qualifications)): inspector i holds code j
    conflicts: np.ndarray          # int64 (m, 2): (inspector_no, entity_no) declared conflicts,
    #                                rows sorted by (entity_no, inspector_no)
    departments: tuple[str, ...] = ()
    stations: tuple[str, ...] = ()
    qualifications: tuple[str, ...] = ()

    def __len__(self) -> int:
        return int(self.inspector_no.size)

    def drawer_fields(self) -> dict[str, np.ndarray]:
        """inspector_no, department, region, conflicts for ``Roster(**…, last_inspector=…)``."""
        return {"inspector_no": self.inspector_no, "department": self.department,
                "region": self.region, "conflicts": self.conflicts}


def load_roster(conn: sa.Connection, departments: str | Sequence[str] = (),
                qualifications: Iterable[str] = (), *, check_items: Iterable[str] = (),
                on: date | None = None) -> RosterArrays:
    """Active inspectors of `departments` (all if empty) holding any of `qualifications` or any
    code that qualifies for one of `check_items` (no filter if both are empty), with their
    conflicts in force on `on` (every declaration not withdrawn if None)."""
    wanted = (departments,) if isinstance(departments, str) else tuple(departments)
    items = tuple(check_items)
    quals = tuple(dict.fromkeys(qualifications))
    if items:
        found = conn.execute(sa.select(check_item_table.c.code, check_item_table.c.qualification,
                                       check_item_table.c.department)
                             .where(check_item_table.c.code.in_(items))
                             .order_by(check_item_table.c.code))
        quals = tuple(dict.fromkeys(chain(quals, *(qualifying_codes(r._mapping) for r in found))))
        if not quals:   # only unknown items asked for: nobody qualifies
            quals = items
    where = [inspectors.c.status == "active"]
    if wanted:
        where.append(inspectors.c.department.in_(wanted))
    if quals:
        where.append(inspectors.c.inspector_no.in_(
            sa.select(inspector_qualifications.c.inspector_no)
            .where(inspector_qualifications.c.code.in_(quals))))
    rows = conn.execute(sa.select(inspectors.c.inspector_no, inspectors.c.department,
                                  inspectors.c.region_int, inspectors.c.station)
                        .where(*where).order_by(inspectors.c.inspector_no)).all()
    names = wanted or tuple(sorted({r.department for r in rows}))
    stations = tuple(sorted({r.station for r in rows}))
    station_index = {s: i for i, s in enumerate(stations)}
    number = np.array([r.inspector_no for r in rows], dtype=np.int64)

    holds = np.zeros((number.size, len(quals)), dtype=bool)
    if quals and number.size:
        held = conn.execute(sa.select(inspector_qualifications.c.inspector_no,
                                      inspector_qualifications.c.code)
                            .where(inspector_qualifications.c.code.in_(quals))).all()
        column = {q: j for j, q in enumerate(quals)}
        for inspector_no, code in held:
            i = int(np.searchsorted(number, inspector_no))
            if i < number.size and number[i] == inspector_no:
                holds[i, column[code]] = True

    in_force = [inspector_conflicts.c.withdrawn_on.is_(None)]
    if on is not None:
        in_force += [inspector_conflicts.c.from_on <= on,
                     sa.or_(inspector_conflicts.c.to_on.is_(None),
                            inspector_conflicts.c.to_on >= on)]
    pairs = np.array(conn.execute(
        sa.select(inspector_conflicts.c.inspector_no, entities.c.entity_no)
        .join(entities, entities.c.uscc == inspector_conflicts.c.uscc).where(*in_force)).all(),
        dtype=np.int64).reshape(-1, 2)
    pairs = pairs[np.isin(pairs[:, 0], number)]
    if pairs.size:
        pairs = np.unique(pairs, axis=0)   # two declarations may name the same pair
        pairs = pairs[np.lexsort((pairs[:, 0], pairs[:, 1]))]
    return RosterArrays(
        inspector_no=number,
        department=np.array([names.index(r.department) for r in rows], dtype=np.int16),
        region=np.array([r.region_int for r in rows], dtype=np.int32),
        station=np.array([station_index[r.station] for r in rows], dtype=np.int32),
        holds=holds, conflicts=pairs, departments=names, stations=stations,
        qualifications=quals)

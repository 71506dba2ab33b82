"""Projections of the supervision log into read-model tables."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from kernel.clock import CHINA, china_date
from kernel.projections import Projection, Unit, handles
from supervision.directory.check_items import CheckItem, CheckList
from supervision.directory.entities import ENTITY_TYPES, MarketEntity
from supervision.directory.entities import STATUSES as ENTITY_STATUSES
from supervision.directory.inspectors import Inspector
from supervision.directory.search import name_grams
from supervision.directory.tables import (
    annual_reports,
    check_items,
    check_lists,
    entities,
    entity_name_grams,
    entity_pool,
    entity_statuses,
    inspector_conflicts,
    inspector_qualifications,
    inspectors,
    legal_representations,
    published_check_items,
)
from supervision.plans.pool import epoch_day

_INSERT_ENTITY = entities.insert()
_INSERT_GRAM = entity_name_grams.insert()
_INSERT_REPORT = annual_reports.insert()
_INSERT_REPRESENTATION = legal_representations.insert()
_INSERT_STATUS = entity_statuses.insert()
_SELECT_NO = sa.select(entities.c.entity_no).where(entities.c.entity_id == sa.bindparam("b_entity_id"))


def _newer(column: sa.Column, name: str) -> sa.Case:
    """The column's value or the parameter, whichever is greater: the batch's updates of one row
    commute (version and position only grow), so they may be grouped per statement."""
    return sa.case((sa.func.coalesce(column, 0) < sa.bindparam(name), sa.bindparam(name)),
                   else_=column)


_BY_NO = entities.c.entity_no == sa.bindparam("b_entity_no")
_UPDATE_REPORTED = entities.update().where(_BY_NO).values(
    last_annual_report_year=_newer(entities.c.last_annual_report_year, "year"),
    version=_newer(entities.c.version, "version"),
    updated_position=_newer(entities.c.updated_position, "position"))
_UPDATE_STATUS = entities.update().where(_BY_NO).values(
    status=sa.bindparam("status"), status_since=sa.bindparam("status_since"),
    version=_newer(entities.c.version, "version"),
    updated_position=_newer(entities.c.updated_position, "position"))
RESOLVE_CHUNK = 5_000


def entity_numbers(unit: Unit, ids: set[str], known: dict[str, int]) -> dict[str, int]:
    """entity_id -> entity_no for a batch: registrations the batch holds (`known`), the rest
    with one SELECT … IN per chunk (the entities table is a projection of the same runner, listed
    before every projection that calls this, so its rows are written first)."""
    found = {i: known[i] for i in ids if i in known}
    rest = sorted(ids - found.keys())
    for k in range(0, len(rest), RESOLVE_CHUNK):
        rows = unit.query(sa.select(entities.c.entity_id, entities.c.entity_no).where(
            entities.c.entity_id.in_(rest[k:k + RESOLVE_CHUNK])))
        found.update((entity_id, no) for entity_id, no in rows)
    return found


def _fold_newer(row: dict, **values: int) -> None:
    """What `_newer` does in SQL, to a row still queued."""
    for key, value in values.items():
        if (row[key] or 0) < value:
            row[key] = value


class EntityDirectory(Projection):
    """检查对象名录 The directory of market entities as the API, views and drawer read it."""

    name = "entity_directory"
    tables = (entities, annual_reports, legal_representations, entity_statuses,
              entity_name_grams)
    # each handler reads and writes the rows of its own entity only (its entity_no, its
    # representation periods, its name grams): safe to catch up by segments of entities
    # (kernel.segments)
    segmentable = True

    def begin_batch(self) -> None:
        # annual reports and status changes are written at the end of the batch, grouped per
        # statement, with their entities' numbers found in one query (no SELECT per event)
        self._known: dict[str, int] = {}
        self._reports: list[tuple[str, dict]] = []
        self._statuses: list[tuple[str, dict]] = []
        # registrations of this batch whose row is still queued (entity_id -> its parameters
        # and the unit's flush count then): a later event of the entity changes the queued row
        # instead of sending an UPDATE (a first load or a rebuild writes each row once)
        self._queued: dict[str, tuple[dict, int]] = {}

    def _row(self, entity_id: str, unit: Unit) -> dict | None:
        queued = self._queued.get(entity_id)
        return queued[0] if queued is not None and queued[1] == unit.flushes else None

    def end_batch(self, unit: Unit) -> None:
        ids = {i for i, _ in self._reports} | {i for i, _ in self._statuses}
        if not ids:
            return
        numbers = entity_numbers(unit, ids, self._known)
        for entity_id, r in self._reports:
            no = numbers[entity_id]
            unit.execute(_INSERT_REPORT, {"entity_no": no, "year": r["year"],
                                          "filed_on": r["filed_on"]})
            unit.execute(_UPDATE_REPORTED, {"b_entity_no": no, "year": r["year"],
                                            "version": r["version"], "position": r["position"]})
        for entity_id, s in self._statuses:
            no = numbers[entity_id]
            unit.execute(_INSERT_STATUS, {"entity_no": no, "position": s["position"],
                                          "status": s["status"], "effective_on": s["status_since"],
                                          "recorded_on": s["recorded_on"]})
            unit.execute(_UPDATE_STATUS, {"b_entity_no": no, "status": s["status"],
                                          "status_since": s["status_since"],
                                          "version": s["version"], "position": s["position"]})
        self.begin_batch()

    @handles(MarketEntity.Registered)
    def registered(self, e: MarketEntity.Registered, position: int, unit: Unit) -> None:
        self._known[e.originator_id.hex] = position
        row = {
            "entity_no": position, "entity_id": e.originator_id.hex, "uscc": e.uscc,
            "name": e.name, "entity_type": e.entity_type,
            "legal_representative": e.legal_representative,
            "legal_representative_masked": getattr(e, "legal_representative_masked", ""),
            "legal_representative_key": getattr(e, "legal_representative_key", ""),
            "region_code": e.region_code,
            "industry_code": e.industry_code, "registered_on": e.registered_on,
            "address": e.address, "registering_authority": e.registering_authority,
            "status": "active", "status_since": e.registered_on, "last_annual_report_year": None,
            "version": e.originator_version, "updated_position": position,
        }
        unit.execute(_INSERT_ENTITY, row)
        self._queued[e.originator_id.hex] = (row, unit.flushes)
        unit.execute_many(_INSERT_GRAM, [{"gram": gram, "entity_no": position}
                                         for gram in name_grams(e.name)])
        if e.legal_representative:
            unit.execute(_INSERT_REPRESENTATION, {
                "entity_no": position, "seq": 1, "name": e.legal_representative,
                "person_key": getattr(e, "legal_representative_key", ""),
                "id_masked": getattr(e, "legal_representative_masked", ""),
                "from_on": e.registered_on, "to_on": None})

    def _new_representative(self, entity_no: int, name: str, key: str, masked: str,
                            on: date, unit: Unit) -> None:
        """Close the open period on `on` and open the new representative's."""
        seq = unit.query(sa.select(sa.func.max(legal_representations.c.seq))
                         .where(legal_representations.c.entity_no == entity_no)).scalar() or 0
        unit.query(legal_representations.update().where(
            legal_representations.c.entity_no == entity_no,
            legal_representations.c.to_on.is_(None)).values(to_on=on))
        unit.execute(_INSERT_REPRESENTATION, {"entity_no": entity_no, "seq": seq + 1,
                                              "name": name, "person_key": key,
                                              "id_masked": masked, "from_on": on, "to_on": None})

    @handles(MarketEntity.LegalRepresentativeChanged)
    def representative_changed(self, e: MarketEntity.LegalRepresentativeChanged, position: int,
                               unit: Unit) -> None:
        entity_no = unit.query(_SELECT_NO, {"b_entity_id": e.originator_id.hex}).scalar_one()
        unit.query(entities.update().where(entities.c.entity_no == entity_no).values(
            legal_representative=e.name, legal_representative_key=e.person_key,
            legal_representative_masked=e.id_masked, version=e.originator_version,
            updated_position=position))
        self._new_representative(entity_no, e.name, e.person_key, e.id_masked, e.changed_on,
                                 unit)

    @handles(MarketEntity.StatusChanged)
    def status_changed(self, e: MarketEntity.StatusChanged, position: int, unit: Unit) -> None:
        s = {"status": e.status, "status_since": e.effective_on, "version": e.originator_version,
             "position": position, "recorded_on": china_date(e.timestamp)}
        row = self._row(e.originator_id.hex, unit)
        if row is None:
            self._statuses.append((e.originator_id.hex, s))
            return
        unit.execute(_INSERT_STATUS, {"entity_no": row["entity_no"], "position": position,
                                      "status": s["status"], "effective_on": s["status_since"],
                                      "recorded_on": s["recorded_on"]})
        row.update(status=s["status"], status_since=s["status_since"])
        _fold_newer(row, version=s["version"], updated_position=position)

    @handles(MarketEntity.AnnualReportFiled)
    def annual_report_filed(self, e: MarketEntity.AnnualReportFiled, position: int,
                            unit: Unit) -> None:
        row = self._row(e.originator_id.hex, unit)
        if row is not None:
            unit.execute(_INSERT_REPORT, {"entity_no": row["entity_no"], "year": e.year,
                                          "filed_on": e.filed_on})
            _fold_newer(row, last_annual_report_year=e.year, version=e.originator_version,
                        updated_position=position)
            return
        self._reports.append((e.originator_id.hex, {
            "year": e.year, "filed_on": e.filed_on, "version": e.originator_version,
            "position": position}))

    @handles(MarketEntity.DetailsChanged)
    def details_changed(self, e: MarketEntity.DetailsChanged, position: int, unit: Unit) -> None:
        changes = dict(e.changes)
        if "legal_representative" in changes:  # recorded before the representative's own event
            changes["legal_representative_key"] = changes["legal_representative_masked"] = ""
            entity_no = unit.query(_SELECT_NO, {"b_entity_id": e.originator_id.hex}).scalar_one()
            self._new_representative(entity_no, changes["legal_representative"], "", "",
                                     e.timestamp.astimezone(CHINA).date(), unit)
        if "name" in changes:   # the search's grams follow the name
            old = unit.query(sa.select(entities.c.entity_no, entities.c.name).where(
                entities.c.entity_id == e.originator_id.hex)).one()
            unit.query(entity_name_grams.delete().where(
                entity_name_grams.c.entity_no == old.entity_no,
                entity_name_grams.c.gram.in_(sorted(name_grams(old.name)))))
            unit.execute_many(_INSERT_GRAM, [{"gram": gram, "entity_no": old.entity_no}
                                             for gram in name_grams(changes["name"])])
        unit.query(entities.update().where(entities.c.entity_id == e.originator_id.hex)
                   .values(**changes, version=e.originator_version, updated_position=position))


_INSERT_POOL = entity_pool.insert()
_POOL_STATUS = (entity_pool.update().where(entity_pool.c.entity_no == sa.bindparam("b_entity_no"))
                .values(status_code=sa.bindparam("status_code")))


def _section(industry_code: str) -> int:
    return ord(industry_code[0]) - ord("A")


class EntityPoolProjection(Projection):
    """The drawer's integer view of the directory (one narrow row per entity)."""

    name = "entity_pool"
    tables = (entity_pool,)
    # reads only its own entity's `entities` row, which EntityDirectory (segmented with it,
    # listed first) writes in the same segment's batch
    segmentable = True

    def begin_batch(self) -> None:
        self._known: dict[str, int] = {}
        self._statuses: list[tuple[str, int]] = []
        self._queued: dict[str, tuple[dict, int]] = {}   # as EntityDirectory's

    def end_batch(self, unit: Unit) -> None:
        if self._statuses:
            numbers = entity_numbers(unit, {i for i, _ in self._statuses}, self._known)
            for entity_id, code in self._statuses:
                unit.execute(_POOL_STATUS, {"b_entity_no": numbers[entity_id],
                                            "status_code": code})
        self.begin_batch()

    @handles(MarketEntity.Registered)
    def registered(self, e: MarketEntity.Registered, position: int, unit: Unit) -> None:
        self._known[e.originator_id.hex] = position
        row = {
            "entity_no": position,
            "region_int": int(e.region_code), "type_code": ENTITY_TYPES.index(e.entity_type),
            "industry_section": _section(e.industry_code), "industry_code": e.industry_code,
            "registered_day": epoch_day(e.registered_on), "status_code": 0,
        }
        unit.execute(_INSERT_POOL, row)
        self._queued[e.originator_id.hex] = (row, unit.flushes)

    @handles(MarketEntity.StatusChanged)
    def status_changed(self, e: MarketEntity.StatusChanged, position: int, unit: Unit) -> None:
        queued = self._queued.get(e.originator_id.hex)
        if queued is not None and queued[1] == unit.flushes:   # the row is still queued
            queued[0]["status_code"] = ENTITY_STATUSES.index(e.status)
            return
        self._statuses.append((e.originator_id.hex, ENTITY_STATUSES.index(e.status)))

    @handles(MarketEntity.DetailsChanged)
    def details_changed(self, e: MarketEntity.DetailsChanged, position: int, unit: Unit) -> None:
        values: dict = {}
        if "region_code" in e.changes:
            values["region_int"] = int(e.changes["region_code"])
        if "industry_code" in e.changes:
            code = e.changes["industry_code"]
            values.update(industry_code=code, industry_section=_section(code))
        if values:
            no = entity_numbers(unit, {e.originator_id.hex}, self._known)[e.originator_id.hex]
            unit.query(entity_pool.update().where(entity_pool.c.entity_no == no).values(**values))


_INSERT_INSPECTOR = inspectors.insert()
_INSERT_QUALIFICATION = inspector_qualifications.insert()
_INSERT_CONFLICT = inspector_conflicts.insert()
_INSPECTOR_NO = sa.select(inspectors.c.inspector_no).where(
    inspectors.c.inspector_id == sa.bindparam("b_inspector_id"))


class InspectorDirectory(Projection):
    """执法检查人员名录 Inspectors, their qualifications and declared conflicts of interest."""

    name = "inspector_directory"
    tables = (inspectors, inspector_qualifications, inspector_conflicts)

    @handles(Inspector.Registered)
    def registered(self, e: Inspector.Registered, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_INSPECTOR, {
            "inspector_no": position, "inspector_id": e.originator_id.hex,
            "credential_no": e.credential_no, "name": e.name, "department": e.department,
            "region_code": e.region_code, "region_int": int(e.region_code), "station": e.station,
            "status": e.status, "status_since": e.status_since,
            "version": e.originator_version, "updated_position": position,
        })
        for code in e.qualifications:
            unit.execute(_INSERT_QUALIFICATION, {"inspector_no": position, "code": code})

    def _touch(self, e, position: int, unit: Unit, **values) -> int:  # noqa: ANN001
        number = unit.query(_INSPECTOR_NO, {"b_inspector_id": e.originator_id.hex}).scalar_one()
        unit.query(inspectors.update().where(inspectors.c.inspector_no == number).values(
            version=e.originator_version, updated_position=position, **values))
        return number

    @handles(Inspector.StatusChanged)
    def status_changed(self, e: Inspector.StatusChanged, position: int, unit: Unit) -> None:
        self._touch(e, position, unit, status=e.status, status_since=e.effective_on)

    @handles(Inspector.ConflictDeclared)
    def conflict_declared(self, e: Inspector.ConflictDeclared, position: int, unit: Unit) -> None:
        number = self._touch(e, position, unit)
        unit.execute(_INSERT_CONFLICT, {
            "inspector_no": number, "declaration_no": e.declaration_no, "uscc": e.uscc,
            "reason": e.reason, "from_on": e.from_on, "to_on": e.to_on,
            "declared_on": e.declared_on, "withdrawn_on": None, "withdraw_reason": "",
        })

    @handles(Inspector.ConflictWithdrawn)
    def conflict_withdrawn(self, e: Inspector.ConflictWithdrawn, position: int, unit: Unit) -> None:
        number = self._touch(e, position, unit)
        unit.query(inspector_conflicts.update().where(
            inspector_conflicts.c.inspector_no == number,
            inspector_conflicts.c.declaration_no == e.declaration_no,
        ).values(withdrawn_on=e.withdrawn_on, withdraw_reason=e.reason))


def _item_row(fields: dict) -> dict:
    """Lists become ';'-joined text, as in the CSV import."""
    return {k: ";".join(v) if isinstance(v, list) else v for k, v in fields.items()}


_INSERT_ITEM = check_items.insert()
_INSERT_LIST = check_lists.insert()
_INSERT_PUBLISHED = published_check_items.insert()


class CheckItemList(Projection):
    """抽查事项清单 The working list (supervisors) and each department's published list (public)."""

    name = "check_item_list"
    tables = (check_items, check_lists, published_check_items)

    @handles(CheckItem.Added)
    def added(self, e: CheckItem.Added, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_ITEM, {"code": e.code, "department": e.department,
                                    **_item_row(e.fields), "withdrawn": False,
                                    "version": e.originator_version, "updated_position": position})

    @handles(CheckItem.Changed)
    def changed(self, e: CheckItem.Changed, position: int, unit: Unit) -> None:
        unit.query(check_items.update().where(check_items.c.code == e.code)
                   .values(**_item_row(e.changes), version=e.originator_version,
                           updated_position=position))

    @handles(CheckItem.Withdrawn)
    def withdrawn(self, e: CheckItem.Withdrawn, position: int, unit: Unit) -> None:
        unit.query(check_items.update().where(check_items.c.code == e.code)
                   .values(withdrawn=True, version=e.originator_version, updated_position=position))

    @handles(CheckList.Opened)
    def opened(self, e: CheckList.Opened, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_LIST, {"department": e.department, "version": 0,
                                    "published_on": None, "item_count": 0})

    @handles(CheckList.Published)
    def published(self, e: CheckList.Published, position: int, unit: Unit) -> None:
        unit.query(check_lists.update().where(check_lists.c.department == e.department).values(
            version=e.version, published_on=e.published_on, item_count=len(e.items)))
        # The public sees only the newest version: replace the department's rows wholesale.
        unit.query(published_check_items.delete()
                   .where(published_check_items.c.department == e.department))
        for item in e.items:
            unit.execute(_INSERT_PUBLISHED, {**_item_row(item), "version": e.version,
                                             "published_on": e.published_on})

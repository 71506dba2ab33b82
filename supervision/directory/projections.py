"""Projections of the supervision log into the entity directory's read-model tables (the
inspectors' and the check items': supervision.directory.roster_projections)."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa

from kernel.clock import CHINA, china_date
from kernel.projections import Projection, Unit, handles
from supervision.directory.entities import ENTITY_TYPES, MarketEntity
from supervision.directory.entities import STATUSES as ENTITY_STATUSES
from supervision.directory.search import name_grams
from supervision.directory.tables import (
    annual_reports,
    entities,
    entity_name_grams,
    entity_pool,
    entity_statuses,
    legal_representations,
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

# SQLite: the search grams of a batch's registered names (supervision.directory.search.
# name_grams: each distinct bigram, and "^" + the first character) made by the database from the
# rows just written, sorted as the table is keyed: ten Python rows an entity were a fifth of a
# catch-up (1.2-1.4x the whole catch-up at 300 k). A gram already there (a name changed in the same
# batch wrote its own) is left as it is. PostgreSQL keeps the Python rows: they go out as COPY or
# pipelined while the server works beside the runner, and its planner took the statement for a
# large one (parallel scan and JIT compilation each batch): measured no faster.
_GRAMS = sa.text(
    "WITH RECURSIVE named(entity_no, name) AS (SELECT entity_no, name FROM entities "
    "  WHERE entity_no IN (SELECT value FROM json_each(:numbers)) AND name <> ''), "
    "cut(entity_no, name, k) AS (SELECT entity_no, name, 1 FROM named WHERE length(name) > 1"
    "  UNION ALL SELECT entity_no, name, k + 1 FROM cut WHERE k < length(name) - 1) "
    "INSERT OR IGNORE INTO entity_name_grams (gram, entity_no) "
    "SELECT gram, entity_no FROM (SELECT substr(name, k, 2) AS gram, entity_no FROM cut "
    "  UNION ALL SELECT '^' || substr(name, 1, 1), entity_no FROM named) "
    "ORDER BY gram, entity_no")


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
        self._named: list[int] = []   # registrations whose grams are still to be written

    def _row(self, entity_id: str, unit: Unit) -> dict | None:
        queued = self._queued.get(entity_id)
        return queued[0] if queued is not None and queued[1] == unit.flushes else None

    def end_batch(self, unit: Unit) -> None:
        if self._named:   # (after the batch's entity rows: a statement of unknown tables
            unit.execute(_GRAMS, {"numbers": json.dumps(self._named)})   # never moves before
            self._named = []   # a write queued earlier)
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
        entity_id = e.originator_id.hex
        self._known[entity_id] = position
        row = {
            "entity_no": position, "entity_id": entity_id, "uscc": e.uscc,
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
        self._queued[entity_id] = (row, unit.flushes)
        if unit.dialect.name == "sqlite":
            self._named.append(position)
        else:
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
        entity_id = e.originator_id.hex
        self._known[entity_id] = position
        row = {
            "entity_no": position,
            "region_int": int(e.region_code), "type_code": ENTITY_TYPES.index(e.entity_type),
            "industry_section": _section(e.industry_code), "industry_code": e.industry_code,
            "registered_day": epoch_day(e.registered_on), "status_code": 0,
        }
        unit.execute(_INSERT_POOL, row)
        self._queued[entity_id] = (row, unit.flushes)

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

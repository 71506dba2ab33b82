"""Projections of the supervision log into read-model tables."""

from __future__ import annotations

import sqlalchemy as sa

from opencheck.projections import Projection, Unit, handles
from supervision.registry import MarketEntity
from supervision.tables import annual_reports, entities

_INSERT_ENTITY = entities.insert()
_UPDATE_STATUS = (
    entities.update().where(entities.c.entity_id == sa.bindparam("b_entity_id"))
    .values(status=sa.bindparam("status"), status_since=sa.bindparam("status_since"),
            version=sa.bindparam("version"), updated_position=sa.bindparam("position"))
)
_INSERT_REPORT = annual_reports.insert()
_SELECT_NO = sa.select(entities.c.entity_no).where(entities.c.entity_id == sa.bindparam("b_entity_id"))


class EntityDirectory(Projection):
    """检查对象名录 The directory of market entities as the API, views and drawer read it."""

    name = "entity_directory"
    application = "supervision"
    tables = (entities, annual_reports)

    @handles(MarketEntity.Registered)
    def registered(self, e: MarketEntity.Registered, position: int, unit: Unit) -> None:
        unit.execute(_INSERT_ENTITY, {
            "entity_no": position, "entity_id": e.originator_id.hex, "uscc": e.uscc,
            "name": e.name, "entity_type": e.entity_type,
            "legal_representative": e.legal_representative, "region_code": e.region_code,
            "industry_code": e.industry_code, "registered_on": e.registered_on,
            "address": e.address, "registering_authority": e.registering_authority,
            "status": "active", "status_since": e.registered_on, "last_annual_report_year": None,
            "version": e.originator_version, "updated_position": position,
        })

    @handles(MarketEntity.StatusChanged)
    def status_changed(self, e: MarketEntity.StatusChanged, position: int, unit: Unit) -> None:
        unit.execute(_UPDATE_STATUS, {
            "b_entity_id": e.originator_id.hex, "status": e.status,
            "status_since": e.effective_on, "version": e.originator_version, "position": position,
        })

    @handles(MarketEntity.AnnualReportFiled)
    def annual_report_filed(self, e: MarketEntity.AnnualReportFiled, position: int,
                            unit: Unit) -> None:
        entity_no = unit.query(_SELECT_NO, {"b_entity_id": e.originator_id.hex}).scalar_one()
        unit.execute(_INSERT_REPORT, {"entity_no": entity_no, "year": e.year,
                                      "filed_on": e.filed_on})
        unit.query(
            entities.update().where(entities.c.entity_no == entity_no)
            .values(last_annual_report_year=sa.case(
                        (sa.func.coalesce(entities.c.last_annual_report_year, 0) < e.year, e.year),
                        else_=entities.c.last_annual_report_year),
                    version=e.originator_version, updated_position=position))

    @handles(MarketEntity.DetailsChanged)
    def details_changed(self, e: MarketEntity.DetailsChanged, position: int, unit: Unit) -> None:
        unit.query(entities.update().where(entities.c.entity_id == e.originator_id.hex)
                   .values(**e.changes, version=e.originator_version, updated_position=position))

"""Projections of the supervision log's two other directories: the inspectors (执法检查人员名录)
and the check items (抽查事项清单), the "two databases, one list" beside the entity directory
(supervision.directory.projections)."""

from __future__ import annotations

import sqlalchemy as sa

from kernel.projections import Projection, Unit, handles
from supervision.directory.check_items import CheckItem, CheckList
from supervision.directory.inspectors import Inspector
from supervision.directory.tables import (
    check_items,
    check_lists,
    inspector_conflicts,
    inspector_qualifications,
    inspectors,
    published_check_items,
)

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

"""In-memory fakes of the applications' read ports (fakes, not mocks).

`InMemoryReadModels` folds the supervision application's own event log, as the SQL read models
do, and answers what the ports ask: the draw's inputs and archive (supervision.plans.ports), the
check-item list (supervision.plans.catalogue), the recusal's roster (supervision.tasks.ports)
and credit's lookups (credit.application.CreditLookups).
Simplified where the scenarios do not look: no entity has been inspected before (no cool-off),
and the daily jobs' lookups (overdue commitments, expired listings) find nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import numpy as np

from credit.repair.case import PublishedResult
from supervision.application import SupervisionApplication
from supervision.directory.check_items import CheckItem, check_item_id, qualifying_codes
from supervision.directory.entities import MarketEntity
from supervision.directory.inspectors import Inspector
from supervision.plans import drawing
from supervision.plans.catalogue import CatalogueEntry
from supervision.plans.plan import PlanTerms
from supervision.plans.pool import RosterArrays
from supervision.plans.ports import Archived, FrozenInputs
from supervision.tasks.task import InspectionTask

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


class InMemoryReadModels:
    """DrawInputs, DrawArchive and RecusalInputs of supervision, CreditLookups of credit."""

    def __init__(self, supervision: SupervisionApplication) -> None:
        self.supervision = supervision
        self.position = 0
        self.entities: dict[str, dict[str, Any]] = {}       # uscc -> row (entity_no, ...)
        self.inspectors: dict[int, dict[str, Any]] = {}     # inspector_no -> row
        self.tasks: dict[UUID, dict[str, Any]] = {}         # task id -> row (team, ...)
        self.archive: dict[str, Archived] = {}
        self.items: dict[str, dict[str, Any]] = {}          # code -> the list's row
        self._uscc_of: dict[UUID, str] = {}
        self._number_of: dict[UUID, int] = {}

    # -- the projection: fold new events -------------------------------------------------------
    def catch_up(self) -> None:
        app = self.supervision
        while batch := app.recorder.select_notifications(start=self.position, limit=500,
                                                         inclusive_of_start=False):
            for notification in batch:
                self._apply(app.mapper.to_domain_event(notification))
                self.position = notification.id

    def _apply(self, e: Any) -> None:
        if isinstance(e, MarketEntity.Registered):
            self._uscc_of[e.originator_id] = e.uscc
            self.entities[e.uscc] = {"entity_no": len(self.entities) + 1, "uscc": e.uscc,
                                     "region": e.region_code, "type": e.entity_type,
                                     "industry": e.industry_code, "status": "active"}
        elif isinstance(e, MarketEntity.StatusChanged):
            self.entities[self._uscc_of[e.originator_id]]["status"] = e.status
        elif isinstance(e, Inspector.Registered):
            number = self._number_of[e.originator_id] = len(self.inspectors) + 1
            self.inspectors[number] = {"credential_no": e.credential_no, "status": e.status,
                                       "department": e.department, "region": e.region_code,
                                       "qualifications": set(e.qualifications), "conflicts": []}
        elif isinstance(e, Inspector.StatusChanged):
            self.inspectors[self._number_of[e.originator_id]]["status"] = e.status
        elif isinstance(e, Inspector.ConflictDeclared):
            self.inspectors[self._number_of[e.originator_id]]["conflicts"].append(
                {"uscc": e.uscc, "from_on": e.from_on, "to_on": e.to_on, "withdrawn": False})
        elif isinstance(e, Inspector.ConflictWithdrawn):
            row = self.inspectors[self._number_of[e.originator_id]]
            row["conflicts"][e.declaration_no - 1]["withdrawn"] = True
        elif isinstance(e, CheckItem.Added):
            self.items[e.code] = {"code": e.code, "department": e.department, **e.fields,
                                  "withdrawn": False}
        elif isinstance(e, CheckItem.Changed):
            self.items[e.code].update(e.changes)
        elif isinstance(e, CheckItem.Withdrawn):
            self.items[e.code]["withdrawn"] = True
        elif isinstance(e, InspectionTask.Assigned):
            self.tasks[e.originator_id] = {
                "plan_id": e.plan_id, "draw_no": e.draw_no, "entity_no": e.entity_no,
                "assigned_on": e.assigned_on, "team": [m["inspector_no"] for m in e.team],
                "check_items": list(e.check_items)}
        elif isinstance(e, InspectionTask.InspectorRecused):
            self.tasks[e.originator_id]["team"].remove(e.inspector_no)
        elif isinstance(e, InspectionTask.ReplacementAssigned):
            self.tasks[e.originator_id]["team"].append(e.inspector_no)

    # -- supervision.plans.ports.DrawInputs ------------------------------------------------------
    def freeze(self, terms: PlanTerms, today: date, *,
               plan_id: UUID | None = None) -> FrozenInputs:
        self.catch_up()
        scope = terms.scope
        in_plan = sorted((row for row in self.entities.values()
                          if row["status"] == "active"
                          and row["region"].startswith(scope.region_prefix)
                          and (not scope.entity_types or row["type"] in scope.entity_types)
                          and (not scope.industries
                               or row["industry"].startswith(tuple(scope.industries)))),
                         key=lambda row: row["entity_no"])
        applies = {row["entity_no"]: [self._item_applies(code, row, today.year, plan_id)
                                      for code in terms.check_items] for row in in_plan}
        pool = [row for row in in_plan if any(applies[row["entity_no"]])]
        roster = self.roster(terms.departments, terms.check_items, today)
        last = [(self.tasks[t]["entity_no"], no) for t in self._latest_tasks().values()
                for no in self.tasks[t]["team"]]
        return FrozenInputs(
            entity_no=np.array([r["entity_no"] for r in pool], dtype=np.int64),
            uscc=np.array([r["uscc"] for r in pool], dtype="S18"),
            region=np.array([int(r["region"]) for r in pool], dtype=np.int32),
            last_checked_days=np.full(len(pool), -1, dtype=np.int32),
            targeted=np.array([r["uscc"] in terms.targeted for r in pool], dtype=bool),
            roster=drawing.Roster(**roster.drawer_fields(), last_inspector=last),
            departments=roster.departments,
            position=self.supervision.recorder.max_notification_id() or 0,
            item_mask=np.array([applies[r["entity_no"]] for r in pool],
                               dtype=bool).reshape(len(pool), len(terms.check_items)))

    def _item_applies(self, code: str, row: dict[str, Any], year: int,
                      plan_id: UUID | None) -> bool:
        """The item's object scope covers the entity and (general items) the entity has not
        been drawn for it as often as its yearly frequency allows (other plans' latest draws)."""
        item = self.items.get(code)
        if item is None or row["type"] not in item["object_scope_types"] or (
                item["object_scope_industries"]
                and not row["industry"].startswith(tuple(item["object_scope_industries"]))):
            return False
        if item["category"] != "general":
            return True
        latest = {}
        for t in self.tasks.values():
            latest[t["plan_id"]] = max(latest.get(t["plan_id"], 0), t["draw_no"])
        drawn = {t["plan_id"] for t in self.tasks.values()
                 if t["entity_no"] == row["entity_no"] and t["plan_id"] != plan_id
                 and t["draw_no"] == latest[t["plan_id"]] and t["assigned_on"].year == year
                 and code in t["check_items"]}
        return len(drawn) < item["frequency_per_year"]

    # -- supervision.plans.catalogue.CheckItemCatalogue ----------------------------------------
    def catalogue(self, codes: Sequence[str]) -> dict[str, CatalogueEntry]:
        self.catch_up()
        return {c: CatalogueEntry(
            code=c, department=i["department"], category=i["category"],
            default_ratio=i["default_ratio"], frequency_per_year=i["frequency_per_year"],
            object_scope_types=tuple(i["object_scope_types"]),
            object_scope_industries=tuple(i["object_scope_industries"]),
            withdrawn=i["withdrawn"]) for c in codes if (i := self.items.get(c))}



    def tasks_of_draw(self, plan_id: UUID, draw_no: int) -> set[int]:
        self.catch_up()
        return {t["entity_no"] for t in self.tasks.values()
                if t["plan_id"] == plan_id and t["draw_no"] == draw_no}

    # -- supervision.plans.ports.DrawArchive -----------------------------------------------------
    def keep(self, digest: str, archived: Archived) -> None:
        self.archive[digest] = archived

    def load(self, digest: str) -> Archived:
        return self.archive[digest]

    def payload(self, digest: str) -> bytes:
        raise NotImplementedError("the in-memory archive keeps objects, not files")

    # -- supervision.tasks.ports.RecusalInputs ---------------------------------------------------
    def roster(self, departments: str | Sequence[str], check_items: Sequence[str],
               on: date) -> RosterArrays:
        self.catch_up()
        wanted = (departments,) if isinstance(departments, str) else tuple(departments)
        codes = {code for item in check_items for code in qualifying_codes(
            self.supervision.repository.get(check_item_id(item)).data())}
        rows = sorted((no, row) for no, row in self.inspectors.items()
                      if row["status"] == "active" and row["department"] in wanted
                      and row["qualifications"] & codes)
        conflicts = sorted(
            (self.entities[c["uscc"]]["entity_no"], no) for no, row in rows
            for c in row["conflicts"] if not c["withdrawn"] and c["from_on"] <= on
            and (c["to_on"] is None or c["to_on"] >= on))
        return RosterArrays(
            inspector_no=np.array([no for no, _ in rows], dtype=np.int64),
            department=np.array([wanted.index(r["department"]) for _, r in rows], dtype=np.int16),
            region=np.array([int(r["region"]) for _, r in rows], dtype=np.int32),
            station=np.zeros(len(rows), dtype=np.int32),
            holds=np.ones((len(rows), 1), dtype=bool),
            conflicts=np.array([(no, entity) for entity, no in conflicts],
                               dtype=np.int64).reshape(-1, 2),
            departments=wanted)

    def last_inspectors(self, entity_no: int, but_task: UUID) -> set[int]:
        self.catch_up()
        latest = self._latest_tasks(but=but_task).get(entity_no)
        return set(self.tasks[latest]["team"]) if latest else set()

    def credential_of(self, inspector_no: int) -> str:
        return self.inspectors[inspector_no]["credential_no"]

    def _latest_tasks(self, but: UUID | None = None) -> dict[int, UUID]:
        latest: dict[int, UUID] = {}
        newest_first = sorted(self.tasks.items(),
                              key=lambda kv: (-kv[1]["assigned_on"].toordinal(), kv[0].hex))
        for task_id, t in newest_first:
            if task_id != but:
                latest.setdefault(t["entity_no"], task_id)
        return latest

    # -- credit.application.CreditLookups --------------------------------------------------------
    def entity_exists(self, uscc: str) -> bool:
        self.catch_up()
        return uscc in self.entities

    def missing_entities(self, codes) -> set[str]:
        self.catch_up()
        return {c for c in codes if c not in self.entities}

    def commitments_unverified_by(self, day: date) -> list[UUID]:
        return []

    def listings_expired_by(self, day: date) -> list[str]:
        return []

    def red_listed(self, uscc: str, on: date) -> bool:
        return uscc in getattr(self, "red_list", set())

    def published_result(self, task_id: UUID, department: str) -> PublishedResult | None:
        task = self.supervision.repository.get(task_id)
        part = task.parts.get(department)
        if part is None or part["published_on"] is None:
            return None
        return PublishedResult(task.uscc, part["published_on"], part["problem_found"],
                               part.get("withdrawn_on"))

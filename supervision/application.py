"""The supervision application: use cases over the directory, plans and tasks (load, command, save)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from kernel.errors import Conflict
from kernel.eventstore import OpenCheckApplication
from supervision.directory.entities import EntityData, MarketEntity, entity_id
from supervision.directory.persons import PersonKeyer
from supervision.directory.use_cases import DirectoryUseCases
from supervision.plans.catalogue import CheckItemCatalogue
from supervision.plans.ports import (
    DrawArchive,
    DrawInputs,
    RedListed,
    RiskClasses,
    all_class_b,
    none_red_listed,
)
from supervision.plans.use_cases import DrawPolicy, PlanUseCases
from supervision.tasks.ports import RecusalInputs
from supervision.tasks.use_cases import TaskUseCases


@dataclass(frozen=True)
class BulkOutcome:
    registered: int
    duplicates: list[str]


class SupervisionApplication(DirectoryUseCases, PlanUseCases, TaskUseCases, OpenCheckApplication):
    """双随机 Supervision: the directories, spot-check plans, draws and inspection tasks."""

    name = "supervision"
    person_keyer: PersonKeyer | None = None   # set by the root (Settings.person_key_secret)

    def configure(self, draw_inputs: DrawInputs, draw_archive: DrawArchive,
                  recusal_inputs: RecusalInputs,
                  risk_classes: RiskClasses = all_class_b,
                  red_listed: RedListed = none_red_listed,
                  draw_policy: DrawPolicy = DrawPolicy(),
                  check_item_catalogue: CheckItemCatalogue | None = None,
                  person_keyer: PersonKeyer | None = None,
                  ) -> SupervisionApplication:
        """The ports the draw, the recusal and plan drafting read, wired once by the
        composition root."""
        self.draw_inputs, self.draw_archive = draw_inputs, draw_archive
        self.recusal_inputs, self.risk_classes = recusal_inputs, risk_classes
        self.red_listed = red_listed
        self.draw_policy = draw_policy
        self.check_item_catalogue = check_item_catalogue
        self.person_keyer = person_keyer
        return self

    def register_entity(self, data: EntityData, today: date) -> UUID:
        """Register a market entity; 409 if its USCC is already in the directory."""
        entity = MarketEntity.register(data.validated(today), self.person_keyer)
        try:
            self.save(entity)
        except IntegrityError:
            raise Conflict(f"entity {entity.uscc} is already registered", field="uscc") from None
        return entity.id

    def register_entities(self, rows: Sequence[EntityData]) -> BulkOutcome:
        """Register already validated rows in one write; rows already registered are reported."""
        try:
            self.save(*[MarketEntity.register(r, self.person_keyer) for r in rows])
            return BulkOutcome(len(rows), [])
        except IntegrityError:
            pass  # some row exists already: fall back to one write per row
        registered, duplicates = 0, []
        for row in rows:
            entity = MarketEntity.register(row, self.person_keyer)  # fresh: the failed save consumed pending events
            try:
                self.save(entity)
                registered += 1
            except IntegrityError:
                duplicates.append(entity.uscc)
        return BulkOutcome(registered, duplicates)

    def get_entity(self, uscc: str) -> MarketEntity:
        return self.get_existing(MarketEntity, entity_id(uscc), "market entity with code", "uscc",
                                 key=uscc)

    def change_entity_status(self, uscc: str, status: str, effective_on: date, reason: str) -> None:
        entity = self.get_entity(uscc)
        entity.change_status(status, effective_on, reason)
        self.save(entity)

    def file_annual_report(self, uscc: str, year: int, filed_on: date) -> None:
        entity = self.get_entity(uscc)
        entity.file_annual_report(year, filed_on)
        self.save(entity)

    def file_annual_reports(self, reports: Sequence[tuple[str, int, date]]) -> None:
        """Bulk intake of annual reports (one save, all or nothing), e.g. from the filing system."""
        entities = []
        for uscc, year, filed_on in reports:
            entity = self.get_entity(uscc)
            entity.file_annual_report(year, filed_on)
            entities.append(entity)
        self.save(*entities)

"""The supervision application: use cases over the directory, plans and tasks (load, command, save)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from kernel.errors import Conflict
from kernel.eventstore import OpenCheckApplication
from supervision.directory.bulk import BulkDirectoryUseCases, BulkOutcome  # noqa: F401
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


class SupervisionApplication(BulkDirectoryUseCases, DirectoryUseCases, PlanUseCases, TaskUseCases,
                             OpenCheckApplication):
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

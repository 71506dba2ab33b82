"""Bulk intake into the directory: registrations and annual reports by the thousand.

The events are the ones `MarketEntity` records (same class, state, originator id and version;
tests/integration/test_bulk_directory.py compares them byte for byte), built without an
aggregate object each and stored in one write (kernel.bulk), so an import runs near the
store's write rate. Registrations are validated by the caller (`EntityData.validated`, as for
one entity); annual reports are checked here against the entity's stored events with the
aggregate's own rule (`check_annual_report`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from kernel import bulk
from kernel.errors import Conflict, NotFound
from supervision.directory.entities import (
    EntityData,
    MarketEntity,
    check_annual_report,
    entity_id,
    registration,
)

ATTEMPTS = 3   # a bulk write that meets a concurrent change is rebuilt and retried this often
_ENTITY_TOPIC = get_topic(MarketEntity)
_REGISTERED_TOPIC = get_topic(MarketEntity.Registered)
_REPORT_TOPIC = get_topic(MarketEntity.AnnualReportFiled)
_DATA_NAMES = tuple(f.name for f in dataclasses.fields(EntityData)
                    if f.name != "legal_representative_id")
_DATA_FIELDS = attrgetter(*_DATA_NAMES)
_REGISTERED_FIELDS = ["timestamp", "originator_topic", *_DATA_NAMES,
                      "legal_representative_key", "legal_representative_masked"]


@dataclass(frozen=True)
class BulkOutcome:
    registered: int
    duplicates: list[str]


def registered_event(data: EntityData, keyer: Any) -> MarketEntity.Registered:
    """The event `MarketEntity.register(data, keyer)` records, without the aggregate."""
    cls = MarketEntity.Registered
    return cls(originator_id=entity_id(data.uscc), originator_version=1,
               timestamp=cls.create_timestamp(), originator_topic=_ENTITY_TOPIC,
               **registration(data, keyer))


class _Filed:
    """What filing an annual report needs to know of an entity, read from its events."""

    __slots__ = ("registered_on", "reports", "version")

    def __init__(self, registered_on: date, version: int) -> None:
        self.registered_on, self.version = registered_on, version
        self.reports: dict[int, date] = {}


class BulkDirectoryUseCases:
    """Mixed into SupervisionApplication (which provides mapper, recorder and person_keyer)."""

    person_keyer: Any
    mapper: Any

    def _writer(self, cls: type) -> bulk.EventWriter:
        writers = self.__dict__.setdefault("_bulk_writers", {})
        if cls not in writers:
            writers[cls] = bulk.EventWriter(self, cls)  # type: ignore[arg-type]
        return writers[cls]

    def register_entities(self, rows: Sequence[EntityData]) -> BulkOutcome:
        """Register already validated rows in one write; rows already registered (their
        USCC-derived ids are stored) are reported, the others registered. The events of one
        write share its moment (`timestamp`): they are recorded in one transaction."""
        write, keyer = self._writer(MarketEntity.Registered), self.person_keyer
        now = MarketEntity.Registered.create_timestamp()
        if keyer is None or write.fields != _REGISTERED_FIELDS:
            events = [write(entity_id(r.uscc), 1, timestamp=now, originator_topic=_ENTITY_TOPIC,
                            **registration(r, keyer)) for r in rows]
        else:   # the state in field order, straight from the rows (what `registration` gives)
            person, events = keyer.person, []
            for r in rows:
                events.append(write.values(entity_id(r.uscc), 1, (
                    now, _ENTITY_TOPIC, *_DATA_FIELDS(r), *person(r.legal_representative_id))))
        usccs = {e.originator_id: r.uscc for e, r in zip(events, rows)}
        duplicates: list[str] = []
        for _ in range(ATTEMPTS):
            try:
                bulk.record_stored(self, events)   # type: ignore[arg-type]
                return BulkOutcome(len(events), duplicates)
            except IntegrityError:
                # some are registered already (a rerun, or a concurrent import): leave them out
                taken = bulk.created(self, [e.originator_id for e in events])  # type: ignore[arg-type]
                duplicates += [usccs[e.originator_id] for e in events if e.originator_id in taken]
                events = [e for e in events if e.originator_id not in taken]
        raise Conflict("the directory kept changing during the import; try again", field="uscc")

    def file_annual_reports(self, reports: Sequence[tuple[str, int, date]]) -> None:
        """Bulk intake of annual reports (one write, all or nothing), e.g. from the filing
        system: each checked as `MarketEntity.file_annual_report` checks it."""
        for _ in range(ATTEMPTS):
            try:
                bulk.record_stored(self, self._annual_report_events(reports))  # type: ignore[arg-type]
                return
            except IntegrityError:
                continue   # an entity changed since its events were read: read them again
        raise Conflict("the entities kept changing while the reports were filed; try again",
                       field="uscc")

    def _annual_report_events(self, reports: Sequence[tuple[str, int, date]]) -> list[Any]:
        # one id per entity (a write files several years of an entity: uuid5 once each)
        ids = {uscc: entity_id(uscc) for uscc in dict.fromkeys(u for u, _, _ in reports)}
        state = self._filing_state(ids.values())
        write = self._writer(MarketEntity.AnnualReportFiled)
        now = MarketEntity.Event.create_timestamp()   # one moment for the write's events
        fast = write.fields == ["timestamp", "year", "filed_on"]
        events = []
        for uscc, year, filed_on in reports:
            entity = state.get(ids[uscc])
            if entity is None:
                raise NotFound(f"no market entity with code {uscc}", field="uscc")
            check_annual_report(entity.reports, entity.registered_on, year, filed_on)
            entity.reports[year] = filed_on
            entity.version += 1
            events.append(write.values(ids[uscc], entity.version, (now, year, filed_on)) if fast
                          else write(ids[uscc], entity.version, timestamp=now, year=year,
                                     filed_on=filed_on))
        return events

    def _filing_state(self, ids: Any) -> dict[UUID, _Filed]:
        """Registration day, reports filed and version of each entity, from its stored events."""
        out: dict[UUID, _Filed] = {}
        reader = self.__dict__.setdefault("_bulk_reader", bulk.EventReader(self))  # type: ignore[arg-type]
        for originator, stored in bulk.stored_events_of(self, ids).items():  # type: ignore[arg-type]
            if stored[0].topic != _REGISTERED_TOPIC:
                continue   # not a market entity
            entity = out[originator] = _Filed(reader(stored[0], "registered_on")[0],
                                              stored[-1].originator_version)
            for e in stored:
                if e.topic == _REPORT_TOPIC:
                    year, filed_on = reader(e, "year", "filed_on")
                    entity.reports[year] = filed_on
        return out

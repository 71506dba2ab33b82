"""kernel.decoding.EventDecoder builds the very events the library's mapper builds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from uuid import uuid4

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Mapper

from kernel.decoding import EventDecoder, decoder
from kernel.eventstore import OpenCheckApplication


@dataclass(frozen=True)
class Sample(DomainEvent):
    name: str
    on: date
    amount: Decimal
    nested: dict
    items: list
    plain: dict


@dataclass(frozen=True)
class Upcast(DomainEvent):
    class_version = 2
    name: str

    @staticmethod
    def upcast_v1_v2(state: dict) -> None:
        state["name"] = state.get("name", "") + "!"


def _mapper() -> Mapper:
    return OpenCheckApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}).mapper


def test_same_event_as_the_mapper():
    mapper = _mapper()
    event = Sample(originator_id=uuid4(), originator_version=3,
                   timestamp=datetime(2026, 12, 5, 1, 2, 3, tzinfo=timezone.utc),
                   name='名称 "quoted" \\ back', on=date(2026, 2, 28), amount=Decimal("12.50"),
                   nested={"when": date(2025, 1, 1), "deep": [{"d": date(2024, 5, 6)}]},
                   items=[date(2026, 1, 1), "x", 1, None, {"_type_": "x"}],
                   plain={"_type_": "not a transcoding", "k": 1})
    stored = mapper.to_stored_event(event)
    expected = mapper.to_domain_event(stored)
    got = EventDecoder(mapper)(stored)
    assert type(got) is type(expected) is Sample
    assert got.__dict__ == expected.__dict__
    assert got == event
    stored_view = type(stored)(stored.originator_id, stored.originator_version, stored.topic,
                               memoryview(stored.state))   # PostgreSQL hands memoryviews
    assert EventDecoder(mapper)(stored_view) == event


def test_older_class_versions_go_through_the_mapper():
    mapper = _mapper()
    stored = mapper.to_stored_event(Upcast(originator_id=uuid4(), originator_version=1,
                                           timestamp=datetime.now(timezone.utc), name="a"))
    old = type(stored)(stored.originator_id, 1, stored.topic,
                       stored.state.replace(b'"class_version":2', b'"class_version":1'))
    assert EventDecoder(mapper)(old).name == mapper.to_domain_event(old).name == "a!"


def test_a_log_that_is_no_mapper_keeps_its_own():
    class Raw:
        @staticmethod
        def to_domain_event(n):
            return n

    assert decoder(Raw())("n") == "n"
    mapper = _mapper()
    assert decoder(mapper) is decoder(mapper)


def test_what_the_fast_parser_refuses_goes_through_the_mapper():
    """orjson refuses NaN and integers beyond 64 bits, which the library's json writes and reads:
    such an event is decoded by the mapper, the same event."""
    mapper = _mapper()
    event = Sample(originator_id=uuid4(), originator_version=1,
                   timestamp=datetime(2026, 12, 5, tzinfo=timezone.utc), name="n",
                   on=date(2026, 1, 1), amount=Decimal("1"), nested={"big": 2 ** 70},
                   items=[float("inf")], plain={})
    stored = mapper.to_stored_event(event)
    got = EventDecoder(mapper)(stored)
    assert got.nested == {"big": 2 ** 70} and got.items == [float("inf")]
    assert got.__dict__ == mapper.to_domain_event(stored).__dict__

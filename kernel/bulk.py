"""Bulk access to an application's event store for imports: many events in one write, the
events of many aggregates in one read, no aggregate objects in between.

A bulk use case builds the very domain events an aggregate would record (same class, state,
originator id and version) and stores them here through the application's recorder, so a keyed
command's Idempotency-Key is still written in the events' transaction (kernel.once_recorders),
and a clash with a stored (id, version) is the store's IntegrityError, as in `save()`.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from json.encoder import encode_basestring as _quote  # the C escape, ensure_ascii=False
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import JSONTranscoder, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder
from eventsourcing.utils import get_topic
from psycopg.sql import SQL, Identifier

from kernel import once
from kernel.eventstore import OpenCheckApplication
from kernel.once_recorders import SQLiteOnceRecorder

G = TypeVar("G")

READ_CHUNK = 1000   # originators per SELECT (SQLite allows 32,766 parameters)
_PLAIN = frozenset({str, int, float, bool, type(None)})


class EventWriter:
    """Stored events of one event class, equal to `app.mapper.to_stored_event(cls(...))`
    (topic, state bytes, id, version) but built without the event object: the transcodings
    (dates, datetimes) are applied up front, so json's C encoder runs without calling back
    per value. A mapper that compresses or encrypts, or a versioned class, takes the mapper."""

    def __init__(self, app: OpenCheckApplication, cls: type) -> None:
        self.cls, self.mapper = cls, app.mapper
        self.topic = get_topic(cls)
        self.fields = [f.name for f in dataclasses.fields(cls)
                       if f.name not in ("originator_id", "originator_version")]
        transcoder = self.mapper.transcoder
        self.fast = (isinstance(transcoder, JSONTranscoder) and not self.mapper.cipher
                     and not self.mapper.compressor and getattr(cls, "class_version", 1) == 1)
        if self.fast:
            self.types, self.encode = transcoder.types, transcoder.encoder.encode
            encoder = transcoder.encoder
            assert encoder.item_separator == "," and encoder.key_separator == ":"
            # the object's text is written field by field, as the C encoder writes a dict:
            # '{"name":value,...}' with each key's prefix prebuilt and strings escaped by the
            # same C function (json.encoder.encode_basestring for ensure_ascii=False)
            self.prefixes = [("{" if i == 0 else ",") + _quote(name) + ":"
                             for i, name in enumerate(self.fields)]
            self.format = "".join(p.replace("%", "%%") + "%s" for p in self.prefixes) + "}"
            self._dates: dict[Any, str] = {}
            self._moment: tuple[Any, str] = (None, "")

    def __call__(self, originator_id: UUID, version: int, **state: Any) -> StoredEvent:
        if not self.fast or len(state) != len(self.fields) or not self.fields:
            return self.mapper.to_stored_event(
                self.cls(originator_id=originator_id, originator_version=version, **state))
        return self.values(originator_id, version, [state[name] for name in self.fields])

    def values(self, originator_id: UUID, version: int, values: Sequence[Any]) -> StoredEvent:
        """The stored event of the state `values`, given in the order of `self.fields`."""
        if not self.fast or len(values) != len(self.fields) or not self.fields:
            return self.mapper.to_stored_event(self.cls(
                originator_id=originator_id, originator_version=version,
                **dict(zip(self.fields, values))))
        value = self._value
        text = self.format % tuple([_quote(v) if v.__class__ is str else value(v)
                                    for v in values])
        return StoredEvent(originator_id, version, self.topic, text.encode("utf8"))

    def _value(self, value: Any) -> str:
        """The JSON text the encoder writes for `value` inside an object; calendar dates,
        few and repeated in an import, are written once each."""
        kind = value.__class__
        if kind is int:
            return int.__repr__(value)   # what json writes for an int
        if kind is date:
            text = self._dates.get(value)
            if text is None:
                text = self._dates[value] = self.encode(self._plain(value))
            return text
        if value is self._moment[0]:   # one moment shared by a bulk write's events
            return self._moment[1]
        transcoding = self.types.get(kind)
        if transcoding is not None:   # a timestamp: its ISO text in the transcoding's wrapper
            data = transcoding.encode(value)
            if data.__class__ is str:
                text = f'{{"_type_":{_quote(transcoding.name)},"_data_":{_quote(data)}}}'
                self._moment = (value, text)
                return text
        return self.encode(self._plain(value))

    def _plain(self, value: Any) -> Any:
        """`value` as the transcoder's default hook would hand it to json."""
        kind = value.__class__
        if kind in _PLAIN or isinstance(value, (str, int, float)):
            return value
        if kind is dict:
            return {k: self._plain(v) for k, v in value.items()}
        if kind is list or kind is tuple:
            return [self._plain(v) for v in value]
        transcoding = self.types.get(kind)
        if transcoding is None:   # the mapper raises TranscodingNotRegisteredError
            return value
        return {"_type_": transcoding.name, "_data_": self._plain(transcoding.encode(value))}


class EventReader:
    """Named fields of stored events' states, decoded as the mapper decodes them but without
    building the event (a registration's full decode is most of a bulk intake's read)."""

    def __init__(self, app: OpenCheckApplication) -> None:
        self.mapper = app.mapper
        transcoder = self.mapper.transcoder
        self.fast = (isinstance(transcoder, JSONTranscoder) and not self.mapper.cipher
                     and not self.mapper.compressor)
        if self.fast:
            self.names, self.loads = transcoder.names, json.JSONDecoder().decode

    def __call__(self, stored: StoredEvent, *fields: str) -> tuple[Any, ...]:
        if self.fast:
            state = self.loads(stored.state.decode("utf8"))
            out = []
            for name in fields:
                value = state[name]
                if value.__class__ is dict and "_type_" in value:
                    data = value["_data_"]
                    if data.__class__ is not str:
                        break   # a nested transcoding: the mapper decodes it
                    value = self.names[value["_type_"]].decode(data)
                out.append(value)
            else:
                return tuple(out)
        event = self.mapper.to_domain_event(stored)
        return tuple(getattr(event, name) for name in fields)


def record_stored(app: OpenCheckApplication, stored: Sequence[StoredEvent]) -> int:
    """Store stored events (from `EventWriter`) in one transaction, as `record` does."""
    if not stored:
        return 0
    recorder = app.recorder
    if type(recorder).insert_events is SQLiteOnceRecorder.insert_events and once.claimable() is None:
        # the library's SQLite insert, in one executemany: no row ids to hand back here
        with recorder.datastore.transaction(commit=True) as c:
            c.executemany(recorder.insert_events_statement, [
                (s.originator_id.hex, s.originator_version, s.topic, s.state) for s in stored])
    else:
        recorder.insert_events(stored)
    if app.on_saved is not None:   # read-your-writes, as after a save (kernel.eventstore)
        app.on_saved()
    return len(stored)


def record(app: OpenCheckApplication, events: Sequence[Any]) -> int:
    """Store ready-made domain events in one transaction, as `app.save` would store them;
    raises IntegrityError, storing nothing, if any (originator, version) is taken."""
    to_stored = app.mapper.to_stored_event
    return record_stored(app, [to_stored(e) for e in events])


def stored_events_of(app: OpenCheckApplication,
                     ids: Iterable[UUID]) -> dict[UUID, list[StoredEvent]]:
    """Every stored event of these originators, in version order, read in a few queries."""
    ids = list(dict.fromkeys(ids))
    found: dict[UUID, list[StoredEvent]] = defaultdict(list)
    recorder = app.recorder
    for start in range(0, len(ids), READ_CHUNK):
        for e in _select(recorder, ids[start:start + READ_CHUNK]):
            found[e.originator_id].append(e)
    for events in found.values():
        events.sort(key=lambda e: e.originator_version)
    return dict(found)


def aggregates_of(app: OpenCheckApplication, cls: type[G], ids: Iterable[UUID]) -> dict[UUID, G]:
    """The aggregates of class `cls` among these ids, each folded from its stored events as
    `app.repository.get` would (no snapshots are kept), read in a few queries instead of one
    per aggregate; an id with no events or of another class is left out."""
    to_domain, out = app.mapper.to_domain_event, {}
    for originator, stored in stored_events_of(app, ids).items():
        aggregate = None   # eventsourcing's project_aggregate, without its per-event
        for e in stored:   # runtime Protocol check (an isinstance that costs ~10 µs)
            aggregate = to_domain(e).mutate(aggregate)
        if isinstance(aggregate, cls):
            out[originator] = aggregate
    return out


def created(app: OpenCheckApplication, ids: Iterable[UUID]) -> dict[UUID, int]:
    """Those of `ids` whose aggregate exists, each with the log position of its first event."""
    ids = list(dict.fromkeys(ids))
    out: dict[UUID, int] = {}
    for start in range(0, len(ids), READ_CHUNK):
        out.update(_select(app.recorder, ids[start:start + READ_CHUNK], FIRST_POSITION))
    return out


def first_events_of(app: OpenCheckApplication, ids: Iterable[UUID]) -> dict[UUID, StoredEvent]:
    """The first stored event (version 1, the creation) of each of these originators that has
    one, read in a few queries instead of one per originator."""
    ids = list(dict.fromkeys(ids))
    out: dict[UUID, StoredEvent] = {}
    for start in range(0, len(ids), READ_CHUNK):
        out.update((e.originator_id, e)
                   for e in _select(app.recorder, ids[start:start + READ_CHUNK], FIRST))
    return out


ALL, FIRST, FIRST_POSITION = "all", "first", "first position"   # what `_select` reads


def _select(recorder: Any, ids: list[UUID], what: str = ALL) -> list[Any]:
    """The stored events of `ids` (ALL), their first only (FIRST), or (id, notification id) of
    their first (FIRST_POSITION)."""
    first_only, first = what == FIRST_POSITION, what != ALL
    if not isinstance(recorder, (PostgresApplicationRecorder, SQLiteAggregateRecorder)):
        # another store (the in-memory one of the unit tests): one read per originator
        found = [e for i in ids for e in recorder.select_events(i, limit=1 if first else None)]
        return [(e.originator_id, 0) for e in found] if first_only else found
    if isinstance(recorder, PostgresApplicationRecorder):
        columns = "originator_id, notification_id" if first_only else \
            "originator_id, originator_version, topic, state"
        where = " AND originator_version = 1" if first else ""
        statement = SQL(f"SELECT {columns} FROM {{0}}.{{1}} "
                        f"WHERE originator_id = ANY(%s){where}").format(
            Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
        with recorder.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement, (ids,))
            rows = curs.fetchall()
        if first_only:
            return [(r["originator_id"], r["notification_id"]) for r in rows]
        return [StoredEvent(r["originator_id"], r["originator_version"], r["topic"],
                            bytes(r["state"])) for r in rows]
    marks = ",".join("?" * len(ids))
    columns = "originator_id, rowid" if first_only else \
        "originator_id, originator_version, topic, state"
    where = " AND originator_version = 1" if first else ""
    by_hex = {i.hex: i for i in ids}   # the ids asked for, not parsed again from each row
    with recorder.datastore.transaction(commit=False) as c:
        c.execute(f"SELECT {columns} FROM {recorder.events_table_name} "
                  f"WHERE originator_id IN ({marks}){where}", list(by_hex))
        rows = c.fetchall()
    if first_only:
        return [(by_hex[r[0]], r[1]) for r in rows]
    return [StoredEvent(by_hex[r[0]], r[1], r[2], r[3]) for r in rows]

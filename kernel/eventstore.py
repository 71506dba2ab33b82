"""The event store: eventsourcing's core SQLite store (embedded) or PostgreSQL store (production)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, Recording, Transcoding
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.generators import send
from psycopg.sql import SQL, Identifier

from kernel import pglocks
from kernel.errors import NotFound
from kernel.settings import Settings

A = TypeVar("A", bound=Application)
G = TypeVar("G", bound=Aggregate)


class DateAsISO(Transcoding):
    """Event payloads carry calendar dates (registration, decisions, deadlines) as ISO strings."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class OpenCheckApplication(Application):
    """Base of every OpenCheck application: shared transcodings, no snapshots by default.

    `on_saved` runs after each save that recorded something: the composition root hooks
    read-your-writes there (kernel.http.read_your_writes)."""

    on_saved: Callable[[], None] | None = None

    def find(self, cls: type[G], aggregate_id: UUID) -> G | None:
        """The aggregate of class `cls` with this id, or None."""
        try:
            found = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, cls) else None

    def get_existing(self, cls: type[G], aggregate_id: UUID, what: str, field: str = "id",
                     key: object = None) -> G:
        """The aggregate, or NotFound (404): "no <what> <key, default the id>" naming `field`."""
        found = self.find(cls, aggregate_id)
        if found is None:
            raise NotFound(f"no {what} {aggregate_id if key is None else key}", field=field)
        return found

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording]:
        # eventsourcing's Application.save, with the aggregates' events collected without its
        # runtime Protocol isinstance checks (~10 µs an aggregate: a few % of a bulk run);
        # anything else is collected by the library as before
        processing_event: ProcessingEvent = ProcessingEvent()
        if all(isinstance(o, Aggregate) for o in objs):
            for obj in objs:
                processing_event.events.extend(obj.collect_events())
                processing_event.aggregates[obj.id] = obj
            processing_event.saved_kwargs.update(kwargs)
        else:
            processing_event.collect_events(*objs, **kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)   # the library's deprecated hook, as it calls it
        if recordings and self.on_saved is not None:
            self.on_saved()
        return recordings


class SocketSafeRecorder(PostgresApplicationRecorder):
    """eventsourcing's recorder, with the INSERT of a save flushed whole before the pipeline's
    Sync. psycopg 3.3's `pipeline_communicate` stops flushing once its command queue is empty,
    though `PQflush` may still hold data; the Sync then waits for results the server cannot
    send, as it waits for the rest of the INSERT (ClientRead), holding the events table's
    EXCLUSIVE lock. Over TCP the kernel takes a whole save at once; a Unix socket takes about
    200-400 KB (net.core.wmem_default 212,992), so saves of >= 1,000 events (~600 KB) hung.
    Measured: 1,000 x 600 B hung before, 5,000 x 2 KB (10 MB) saves in 1.1 s with this."""

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        # four plain typed arrays instead of one array of the composite type: psycopg builds
        # a composite per event in Python (the save's largest cost at 2,000 events), a plain
        # array it dumps in one pass; the rows inserted are the same
        self.insert_arrays_statement = SQL(
            "INSERT INTO {0}.{1} (originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(%b::{2}[], %b::bigint[], %b::text[], %b::bytea[]) "
            "RETURNING notification_id").format(
            Identifier(datastore.schema), Identifier(self.events_table_name),
            Identifier(datastore.originator_id_type))

    def _insert_stored_events(self, curs: Any, stored_events: Any, **kwargs: Any) -> None:
        self._lock_table(curs)
        self._notify_channel(curs)
        curs.execute(self.insert_arrays_statement,
                     ([e.originator_id for e in stored_events],
                      [e.originator_version for e in stored_events],
                      [e.topic for e in stored_events], [e.state for e in stored_events]))
        conn = curs.connection
        conn.wait(send(conn.pgconn))   # PQflush until the output buffer is empty


def build_application(cls: type[A], settings: Settings) -> A:
    """Construct an application on the store that OPENCHECK_DATABASE_URL selects; its tables
    are created under the setup lock, so processes starting together never race on them."""
    if not settings.is_postgres:
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    env = settings.eventstore_env(cls.name)
    # the recorder that also writes Idempotency-Keys in the events' transaction (kernel.once);
    # on PostgreSQL it is the socket-safe one (SocketSafeRecorder) too
    recorder = _RECORDERS.get(env.get("PERSISTENCE_MODULE", ""))
    if recorder:
        env.setdefault("APPLICATION_RECORDER_TOPIC", f"kernel.once_recorders:{recorder}")
    with pglocks.exclusive(settings):
        return cls(env=env)


_RECORDERS = {"eventsourcing.sqlite": "SQLiteOnceRecorder",
              "eventsourcing.postgres": "PostgresOnceRecorder"}

"""The event store: eventsourcing's core SQLite store (embedded) or PostgreSQL store (production)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Recording, Transcoding

from kernel.settings import Settings

A = TypeVar("A", bound=Application)


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

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording]:
        recordings = super().save(*objs, **kwargs)
        if recordings and self.on_saved is not None:
            self.on_saved()
        return recordings


def build_application(cls: type[A], settings: Settings) -> A:
    """Construct an application on the store that OPENCHECK_DATABASE_URL selects."""
    if not settings.is_postgres:
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return cls(env=settings.eventstore_env(cls.name))

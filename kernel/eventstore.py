"""The event store: eventsourcing's core SQLite store (embedded) or PostgreSQL store (production)."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Transcoding

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
    """Base of every OpenCheck application: shared transcodings, no snapshots by default."""

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())


def build_application(cls: type[A], settings: Settings) -> A:
    """Construct an application on the store that OPENCHECK_DATABASE_URL selects."""
    if not settings.is_postgres:
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return cls(env=settings.eventstore_env(cls.name))

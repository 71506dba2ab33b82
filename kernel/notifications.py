"""A runner's read of the log: the notifications after a position, as the recorder's
`select_notifications` returns them, read faster from SQLite.

The library's SQLite read builds each row's UUID with `UUID(text)` (parsing and checks in
Python) and each `Notification` through the frozen dataclass's `__init__` (a guarded setattr per
field): together half of the read, a tenth of a catch-up. Here the same columns come off the
cursor as plain tuples, an originator's UUID is made once per batch from its stored hex (`int(hex,
16)`, what `UUID(hex)` computes) and the notification gets its fields as the dataclass would
have set them (same class, same `__dict__`). Other recorders (PostgreSQL, the in-memory store of
the unit tests), and ids stored as anything but 32 hex digits, go through the recorder.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID, SafeUUID

from eventsourcing.persistence import Notification
from eventsourcing.sqlite import SQLiteApplicationRecorder

_new, _set = object.__new__, object.__setattr__
_UNKNOWN = SafeUUID.unknown


def select(recorder: Any, start: int, limit: int, stop: int,
           topics: Sequence[str] = ()) -> list[Notification]:
    """The notifications after `start` up to `stop` (inclusive), at most `limit`, of these
    topics (all if none), in log order: `recorder.select_notifications(start=start,
    limit=limit, stop=stop, topics=topics, inclusive_of_start=False)`."""
    if not isinstance(recorder, SQLiteApplicationRecorder) \
            or recorder.datastore.originator_id_type != "uuid":
        return recorder.select_notifications(start=start, limit=limit, stop=stop,
                                             topics=topics, inclusive_of_start=False)
    where = f" AND topic IN ({','.join('?' * len(topics))})" if topics else ""
    statement = (f"SELECT rowid, originator_id, originator_version, topic, state "
                 f"FROM {recorder.events_table_name} WHERE rowid>? AND rowid<=?{where} "
                 f"ORDER BY rowid LIMIT ?")
    with recorder.datastore.transaction(commit=False) as c:
        cursor = getattr(c, "sqlite_cursor", c)
        cursor.row_factory = None   # plain tuples (the connection's factory makes sqlite3.Row)
        cursor.execute(statement, [start, stop, *topics, limit])
        rows = cursor.fetchall()
    ids: dict[str, UUID] = {}
    out = []
    for notification_id, originator, version, topic, state in rows:
        originator_id = ids.get(originator)
        if originator_id is None:
            originator_id = ids[originator] = _uuid(originator)
        n = _new(Notification)
        _set(n, "__dict__", {"originator_id": originator_id, "originator_version": version,
                             "topic": topic, "state": state, "id": notification_id})
        out.append(n)
    return out


def _uuid(text: str) -> UUID:
    """`UUID(text)` for the 32 hex digits the library stores (anything else: UUID itself)."""
    if len(text) != 32:
        return UUID(text)
    u = _new(UUID)
    _set(u, "int", int(text, 16))
    _set(u, "is_safe", _UNKNOWN)
    return u

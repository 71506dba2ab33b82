"""通知已读 An inspector's read mark on one of their notifications: a command, not a write of a view.

One aggregate per (inspector, notification), with a deterministic id, so marking it again hits the
store's uniqueness and keeps the first reading time. The notification is named by its position
(the log position of the assignment event that created it, as the inbox and the SSE stream show
it); the reading time is passed in (aggregates read no clock).
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from kernel.errors import InvalidInput

READ_NAMESPACE = uuid5(NAMESPACE_URL, "https://opencheck.example/notification-reads")


def notification_read_id(inspector_no: int, position: int) -> UUID:
    return uuid5(READ_NAMESPACE, f"{inspector_no}:{position}")


class NotificationRead(Aggregate):
    """The inspector has read the notification at `position` (once)."""

    @event("MarkedRead")
    def __init__(self, id: UUID, inspector_no: int, position: int,  # noqa: A002
                 read_at: datetime) -> None:
        self.inspector_no, self.position, self.read_at = inspector_no, position, read_at

    @classmethod
    def mark(cls, inspector_no: int, position: int, read_at: datetime) -> NotificationRead:
        if read_at.tzinfo is None:
            raise InvalidInput("read_at must carry its time zone", field="read_at")
        return cls(id=notification_read_id(inspector_no, position), inspector_no=inspector_no,
                   position=position, read_at=read_at)

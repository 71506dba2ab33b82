"""Daily rules of inspection tasks (listed in opencheck.scheduler.JOBS): they only call use cases."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from supervision.tasks import views as task_views


def flag_overdue_publications(platform, today: date) -> str:  # noqa: ANN001
    """一公开 Flag each result still unpublished after its deadline (a PublicationOverdue event,
    once per task and department: a repeated or late run records nothing new)."""
    platform.settle()
    with platform.engine.connect() as conn:
        due = task_views.unpublished_past_deadline(conn, today)
    flagged = sum(platform.supervision.flag_publication_overdue(UUID(task_id), department, today)
                  for task_id, department in due)
    platform.settle()
    return f"{flagged} result(s) newly overdue for publication"

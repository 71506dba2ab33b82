"""检查任务 Inspection tasks: one per drawn entity, assigned to its randomly drawn inspectors."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

TASK_NAMESPACE = uuid5(NAMESPACE_URL, "https://opencheck.example/tasks")


def task_id(plan_id: UUID, draw_no: int, entity_no: int) -> UUID:
    """Deterministic: recording the same draw twice cannot create a second task."""
    return uuid5(TASK_NAMESPACE, f"{plan_id}:{draw_no}:{entity_no}")


class InspectionTask(Aggregate):
    """检查任务 The inspection of one drawn entity under one plan."""

    @staticmethod
    def create_id(plan_id: UUID, draw_no: int, entity_no: int) -> UUID:
        return task_id(plan_id, draw_no, entity_no)

    @event("Assigned")
    def __init__(self, plan_id: UUID, draw_no: int, entity_no: int, uscc: str,
                 departments: list[str], check_items: list[str], team: list[dict[str, Any]],
                 unassigned_reason: str, due_on: date, assigned_on: date) -> None:
        self.plan_id, self.draw_no, self.entity_no, self.uscc = plan_id, draw_no, entity_no, uscc
        self.departments, self.check_items = departments, check_items
        self.team = team                      # [{"inspector_no": int, "department": str}]
        self.unassigned_reason = unassigned_reason  # why the team is short, "" when staffed
        self.due_on, self.assigned_on = due_on, assigned_on
        self.status = "assigned" if team and not unassigned_reason else "unstaffed"

    @property
    def inspector_nos(self) -> list[int]:
        return [m["inspector_no"] for m in self.team]

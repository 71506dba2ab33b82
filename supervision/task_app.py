"""Use cases of inspection tasks (a mixin of SupervisionApplication): load, command, save.

Rule numbers come in as arguments from the configured rules (opencheck.rules): the result
catalogue and the publication deadline in working days.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from opencheck.errors import Conflict, NotFound
from opencheck.rules import Rules
from supervision.notification_reads import NotificationRead
from supervision.tasks import InspectionTask


class TaskUseCases:
    """Mixed into SupervisionApplication (which provides repository, save and get_inspector)."""

    repository: Any
    save: Any
    get_inspector: Any

    def get_task(self, task_id: UUID) -> InspectionTask:
        try:
            task = self.repository.get(task_id)
        except AggregateNotFoundError:
            raise NotFound(f"no inspection task {task_id}", field="task_id") from None
        if not isinstance(task, InspectionTask):
            raise NotFound(f"no inspection task {task_id}", field="task_id")
        return task

    def _save_task(self, *aggregates: Any) -> None:
        try:
            self.save(*aggregates)
        except IntegrityError:   # optimistic concurrency: someone else changed the task first
            raise Conflict("the task changed meanwhile; repeat the request",
                           field="task_id") from None

    def acknowledge_task(self, task_id: UUID, inspector_no: int, today: date) -> None:
        task = self.get_task(task_id)
        task.acknowledge(inspector_no, today)
        self._save_task(task)

    def recuse_inspector(self, task_id: UUID, inspector_no: int, credential_no: str, reason: str,
                         replacement: dict[str, Any] | None, shortfall: str, today: date,
                         expected_version: int) -> None:
        """Withdrawal, replacement and the directory's conflict declaration in one transaction."""
        task = self.get_task(task_id)
        if task.version != expected_version:
            raise Conflict("the task changed while the replacement was drawn; repeat the request",
                           field="task_id")
        task.recuse(inspector_no, reason, today, replacement, shortfall)
        inspector = self.get_inspector(credential_no)
        if inspector.open_conflict(task.uscc, today) is None:
            inspector.declare_conflict(task.uscc, reason, today, None, today)
        self._save_task(task, inspector)

    def fill_vacancy(self, task_id: UUID, replacement: dict[str, Any], today: date,
                     expected_version: int) -> None:
        task = self.get_task(task_id)
        if task.version != expected_version:
            raise Conflict("the task changed while the replacement was drawn; repeat the request",
                           field="task_id")
        task.fill_vacancy(replacement, today)
        self._save_task(task)

    def start_task(self, task_id: UUID, inspector_no: int, today: date) -> None:
        task = self.get_task(task_id)
        task.start(inspector_no, today)
        self._save_task(task)

    def record_result(self, task_id: UUID, inspector_no: int, code: str, findings: str,
                      inspected_on: date, signatures: list[int], today: date,
                      rules: Rules) -> None:
        task = self.get_task(task_id)
        task.record_result(inspector_no, code, findings, inspected_on, signatures, today,
                           rules.result, rules.publicity.inspection_result_deadline_workdays)
        self._save_task(task)

    def order_follow_up(self, task_id: UUID, department: str | None, kind: str,
                        deadline_workdays: int, note: str, today: date, by: str,
                        acting_department: str | None) -> None:
        task = self.get_task(task_id)
        task.order_follow_up(department, kind, deadline_workdays, note, today, by,
                             acting_department)
        self._save_task(task)

    def record_follow_up_outcome(self, task_id: UUID, department: str | None, outcome: str,
                                 on: date, note: str, today: date, by: str,
                                 acting_department: str | None) -> None:
        task = self.get_task(task_id)
        task.record_follow_up_outcome(department, outcome, on, note, today, by, acting_department)
        self._save_task(task)

    def publish_result(self, task_id: UUID, department: str | None, today: date, by: str,
                       acting_department: str | None) -> None:
        task = self.get_task(task_id)
        task.publish(department, today, by, acting_department)
        self._save_task(task)

    def withdraw_result(self, task_id: UUID, department: str, withdrawn_on: date,
                        reason: str) -> None:
        """Off the public record (after credit repair); idempotent."""
        task = self.get_task(task_id)
        if task.withdraw_result(department, withdrawn_on, reason):
            self._save_task(task)

    def flag_publication_overdue(self, task_id: UUID, department: str, today: date) -> bool:
        """Idempotent: True only the first time a part is found past its deadline."""
        task = self.get_task(task_id)
        if not task.flag_publication_overdue(department, today):
            return False
        try:
            self.save(task)
        except IntegrityError:   # another run flagged it meanwhile
            return False
        return True

    def refer_finding(self, task_id: UUID, department: str | None, to_department: str,
                      matter: str, today: date, by: str, known_departments: set[str],
                      acting_department: str | None) -> int:
        task = self.get_task(task_id)
        number = task.refer(department, to_department, matter, today, by, known_departments,
                            acting_department)
        self._save_task(task)
        return number

    def mark_notification_read(self, inspector_no: int, position: int, read_at: datetime) -> bool:
        """Record that the inspector read a notification; False if it was marked before (the
        first reading time stays)."""
        try:
            self.save(NotificationRead.mark(inspector_no, position, read_at))
        except IntegrityError:
            return False
        return True

"""Use cases of inspection tasks (a mixin of SupervisionApplication): load, command, save.

Rule numbers come in as arguments from the configured rules (credit.rules): the result
catalogue and the publication deadline in working days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from kernel import bulk, once
from kernel.errors import Conflict, NotFound
from supervision.rules import SupervisionRules
from supervision.tasks.notification_reads import NotificationRead
from supervision.tasks.ports import RecusalInputs
from supervision.tasks.recusal import choose_replacement, replacement_seed
from supervision.tasks.task import InspectionTask
from supervision.tasks.task import task_id as id_of_task


@dataclass(frozen=True)
class Inspection:
    """One whole inspection of a task for `record_inspections`: the team (the first member
    records), the day it acknowledged, the result code, findings and day, and the day the
    result was published (None: not yet)."""

    task_id: UUID
    team: list[int]
    acknowledged_on: date
    code: str
    findings: str
    inspected_on: date
    published_on: date | None


class TaskUseCases:
    """Mixed into SupervisionApplication (repository, save, the other getters, the port)."""

    repository: Any
    save: Any
    get_inspector: Any
    get_entity: Any
    get_plan: Any
    recusal_inputs: RecusalInputs | None = None
    draw_inputs: Any = None          # DrawInputs (supervision.plans.ports): tasks of a draw

    def get_task(self, task_id: UUID) -> InspectionTask:
        return self.get_existing(InspectionTask, task_id, "inspection task", "task_id")

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

    def recuse(self, task_id: UUID, inspector_no: int, reason: str, today: date) -> bool:
        """回避 Withdraw the inspector, draw the replacement and declare the conflict in one
        write; True if replaced, False if the task is left short-staffed."""
        task = self.get_task(task_id)
        task.check_can_recuse(inspector_no, reason)          # 403 / 409 / 422 before any reading
        inputs = self._recusal_inputs()
        replacement, shortfall = self._replacement(
            task, task.member(inspector_no)["department"],
            replacement_seed(task.id, task.next_recusal_no), today, withdrawn=inspector_no)
        inspector = self.get_inspector(inputs.credential_of(inspector_no))
        task.recuse(inspector_no, reason, today, replacement, shortfall)
        if inspector.open_conflict(task.uscc, today) is None:
            inspector.declare_conflict(task.uscc, reason, today, None, today)
        once.declare_result(replacement is not None)   # what a replayed request answers
        self._save_task(task, inspector)
        return replacement is not None

    def refill(self, task_id: UUID, today: date) -> None:
        """补充抽取 Draw again for the oldest place a recusal left empty (409 with the reason if
        nobody is eligible yet, e.g. until new inspectors join the directory)."""
        task = self.get_task(task_id)
        place = task.vacancy()
        replacement, shortfall = self._replacement(
            task, place["department"], replacement_seed(task.id, place["recusal_no"], refill=True),
            today)
        if replacement is None:
            raise Conflict(shortfall, field="task_id")
        task.fill_vacancy(replacement, today)
        self._save_task(task)

    def _replacement(self, task: InspectionTask, department: str, seed: int, today: date,
                     withdrawn: int | None = None) -> tuple[dict[str, Any] | None, str]:
        inputs = self._recusal_inputs()
        terms = task.recusal_terms or self._terms_from_plan(task)
        roster = inputs.roster(department, task.check_items, today)
        excluded = {*task.inspector_nos, *task.former, *([withdrawn] if withdrawn else []),
                    *inputs.last_inspectors(task.entity_no, task.id)}
        return choose_replacement(roster, department, task.entity_no, int(terms["region"]),
                                  int(terms["jurisdiction_digits"]), bool(terms["cross_station"]),
                                  excluded, seed)

    def _terms_from_plan(self, task: InspectionTask) -> dict[str, Any]:
        """For a task drawn before its recusal terms were recorded on it: the plan's terms and
        the entity's region now."""
        terms = self.get_plan(task.plan_id).terms
        return {"jurisdiction_digits": terms["jurisdiction_digits"],
                "cross_station": terms["cross_station"],
                "region": self.get_entity(task.uscc).region_code}

    def _recusal_inputs(self) -> RecusalInputs:
        if self.recusal_inputs is None:
            raise RuntimeError("SupervisionApplication.configure(...) was not called: "
                               "a recusal has no roster to draw from")
        return self.recusal_inputs

    def _tasks_of_draw(self, plan_id: UUID, draw_no: int) -> list[InspectionTask]:
        """The tasks a recorded draw created, found through the tasks read model; 409 while
        that read model has not caught up with them (none may be left out)."""
        if self.draw_inputs is None:
            raise RuntimeError("SupervisionApplication.configure(...) was not called: "
                               "no read model finds the tasks of a draw")
        draws = self.get_plan(plan_id).draws
        if not 1 <= draw_no <= len(draws):
            raise NotFound(f"plan has {len(draws)} draw(s)", field="draw_no")
        found = sorted(self.draw_inputs.tasks_of_draw(plan_id, draw_no))
        if len(found) != draws[draw_no - 1]["drawn"]:
            raise Conflict(f"the tasks of draw {draw_no} are still being recorded "
                           f"({len(found)} of {draws[draw_no - 1]['drawn']}); repeat the request",
                           field="draw_no")
        return [self.get_task(id_of_task(plan_id, draw_no, no)) for no in found]

    def check_draw_cancellable(self, plan_id: UUID, draw_no: int) -> None:
        """409 naming the tasks of the draw that have started or have a result recorded."""
        _cancellable(self._tasks_of_draw(plan_id, draw_no), draw_no)

    def cancel_tasks_of_draw(self, plan_id: UUID, draw_no: int, reason: str, today: date,
                             by: str) -> list[InspectionTask]:
        """Cancel every task of a draw (all or none, 409 as `check_draw_cancellable`); the
        changed aggregates, NOT saved: the caller saves them with the plan in one write."""
        tasks = [t for t in self._tasks_of_draw(plan_id, draw_no) if t.status != "cancelled"]
        _cancellable(tasks, draw_no)
        for task in tasks:
            task.cancel(reason, today, by)
        return tasks

    def start_task(self, task_id: UUID, inspector_no: int, today: date) -> None:
        task = self.get_task(task_id)
        task.start(inspector_no, today, self._names(task.waiting_for()))
        self._save_task(task)

    def _names(self, numbers: list[int]) -> dict[int, str]:
        """Partners are named, not numbered, in what the caller reads (an error's text)."""
        if not numbers or self.recusal_inputs is None:
            return {}
        return {n: self.get_inspector(self.recusal_inputs.credential_of(n)).name
                for n in numbers}

    def record_result(self, task_id: UUID, inspector_no: int, code: str, findings: str,
                      inspected_on: date, signatures: list[int], today: date,
                      rules: SupervisionRules, items: list[dict[str, Any]] | None = None,
                      attachments: list[dict[str, Any]] | None = None) -> None:
        """The department's result; `items` one outcome per check item, `attachments` files
        already stored by hash (supervision.tasks.attachments)."""
        task = self.get_task(task_id)
        task.record_result(inspector_no, code, findings, inspected_on, signatures, today,
                           rules.result, rules.publicity.inspection_result_deadline_workdays,
                           items, attachments, rules.attachments.max_per_result,
                           self._names([s for s in signatures if s not in task.inspector_nos]))
        self._save_task(task)

    def record_inspection(self, task_id: UUID, team: list[int], acknowledged_on: date,
                          code: str, findings: str, inspected_on: date,
                          published_on: date | None, rules: SupervisionRules) -> None:
        """A whole inspection in one write, for a history loaded in bulk (opencheck.demo): the
        team acknowledges, its first member starts and records the result signed by the team
        (as of the inspection day), which is published if `published_on`; the commands and
        checks of `acknowledge_task`, `start_task`, `record_result` and `publish_result`."""
        self.record_inspections([Inspection(task_id, team, acknowledged_on, code, findings,
                                            inspected_on, published_on)], rules)

    def record_inspections(self, inspections: Sequence[Inspection],
                           rules: SupervisionRules) -> None:
        """Many whole inspections (`record_inspection` each, one task each) in one write, all
        or none: the tasks are read in a few queries, not one each."""
        ids = [i.task_id for i in inspections]
        if len(set(ids)) != len(ids):
            raise Conflict("an inspection task appears twice in one write", field="task_id")
        tasks = bulk.aggregates_of(self, InspectionTask, ids)   # type: ignore[arg-type]
        for i in inspections:
            task = tasks.get(i.task_id)
            if task is None:
                raise NotFound(f"no inspection task {i.task_id}", field="task_id")
            for member in i.team:
                task.acknowledge(member, i.acknowledged_on)
            task.start(i.team[0], i.inspected_on, self._names(task.waiting_for()))
            task.record_result(i.team[0], i.code, i.findings, i.inspected_on, i.team,
                               i.inspected_on, rules.result,
                               rules.publicity.inspection_result_deadline_workdays, None, None,
                               rules.attachments.max_per_result,
                               self._names([s for s in i.team if s not in task.inspector_nos]))
            if i.published_on is not None:
                task.publish(None, i.published_on, "supervisor", None)
        self._save_task(*tasks.values())

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


def _cancellable(tasks: list[InspectionTask], draw_no: int) -> None:
    """Conflict listing (up to 5 of) the tasks that are past cancelling; nothing if none is."""
    stuck = []
    for task in tasks:
        try:
            task.check_can_cancel()
        except Conflict:
            if task.status != "cancelled":
                stuck.append(task)
    if stuck:
        shown = ", ".join(f"{t.uscc} ({t.status})" for t in stuck[:5])
        raise Conflict(f"第{draw_no}次抽取的{len(stuck)}项任务已开始检查或已录入结果，不能取消 "
                       f"{len(stuck)} task(s) of draw {draw_no} have started or have a recorded "
                       f"result and cannot be cancelled: {shown}", field="draw_no")

"""Use cases of spot-check plans and their draws (a mixin of SupervisionApplication)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from kernel.errors import NotFound
from supervision.plans.plan import PlanTerms, SpotCheckPlan, terms_to_event
from supervision.tasks.task import InspectionTask


class PlanUseCases:
    """Load, command, save: the drawer's arithmetic lives in supervision.plans.drawing."""

    repository: Any
    save: Any

    def draft_plan(self, terms: PlanTerms, today: date, by: str,
                   known_departments: set[str]) -> UUID:
        plan = SpotCheckPlan(terms=terms_to_event(terms.validated(today, known_departments)),
                             drafted_by=by, drafted_on=today)
        self.save(plan)
        return plan.id

    def get_plan(self, plan_id: UUID) -> SpotCheckPlan:
        try:
            plan = self.repository.get(plan_id)
        except AggregateNotFoundError:
            raise NotFound(f"no plan {plan_id}", field="plan_id") from None
        if not isinstance(plan, SpotCheckPlan):
            raise NotFound(f"no plan {plan_id}", field="plan_id")
        return plan

    def publish_plan(self, plan_id: UUID, today: date, by: str) -> None:
        plan = self.get_plan(plan_id)
        plan.publish(today, by)
        self.save(plan)

    def record_draw(self, plan_id: UUID, record: dict[str, Any], tasks: list[dict[str, Any]],
                    today: date, by: str, reason: str | None = None) -> None:
        """The draw record and every task it creates are saved in one transaction."""
        plan = self.get_plan(plan_id)
        if reason is None:
            plan.record_draw(record, today, by)
        else:
            plan.record_redraw(record, reason, today, by)
        self.save(plan, *[InspectionTask(plan_id=plan_id, draw_no=record["draw_no"],
                                         assigned_on=today, **t) for t in tasks])

    def close_plan(self, plan_id: UUID, today: date, by: str) -> None:
        plan = self.get_plan(plan_id)
        plan.close(today, by)
        self.save(plan)

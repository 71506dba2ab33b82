"""Use cases of spot-check plans and their draws (a mixin of SupervisionApplication).

The drawer's arithmetic lives in supervision.plans.drawing (pure); what a draw reads and keeps
outside the event store comes through the ports configured at bootstrap (supervision.plans.ports).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import numpy as np

from kernel.errors import Conflict, InvalidInput, NotFound
from supervision.plans import drawing
from supervision.plans.catalogue import CheckItemCatalogue, check_plan_items
from supervision.plans.plan import (
    PlanTerms,
    SpotCheckPlan,
    terms_from_event,
    terms_to_event,
)
from supervision.plans.ports import (
    DrawArchive,
    DrawInputs,
    FrozenInputs,
    RiskClasses,
    all_class_b,
)
from supervision.rules import DEFAULT_SUPERVISION_RULES
from supervision.tasks.task import InspectionTask

# The configured rules' limit is passed in by the callers (routes, dashboard, demo).
GENERAL_MAX_RATIO = DEFAULT_SUPERVISION_RULES.directory.general_item_max_ratio


class PlanUseCases:
    """Mixed into SupervisionApplication (which provides repository and save, and the ports)."""

    repository: Any
    save: Any
    draw_inputs: DrawInputs | None = None
    draw_archive: DrawArchive | None = None
    risk_classes: RiskClasses = staticmethod(all_class_b)
    check_item_catalogue: CheckItemCatalogue | None = None

    def draft_plan(self, terms: PlanTerms, today: date, by: str, known_departments: set[str],
                   general_max_ratio: float = GENERAL_MAX_RATIO) -> UUID:
        """Draft a plan whose items the check-item list allows (scope is law); its id."""
        valid = terms.validated(today, known_departments)
        check_plan_items(valid, self._catalogue()(valid.check_items), general_max_ratio)
        plan = SpotCheckPlan(terms=terms_to_event(valid), drafted_by=by, drafted_on=today)
        self.save(plan)
        return plan.id

    def _catalogue(self) -> CheckItemCatalogue:
        if self.check_item_catalogue is None:
            raise RuntimeError("SupervisionApplication.configure(...) was not called: "
                               "a plan has no check-item list to be checked against")
        return self.check_item_catalogue

    def get_plan(self, plan_id: UUID) -> SpotCheckPlan:
        return self.get_existing(SpotCheckPlan, plan_id, "plan", "plan_id")

    def publish_plan(self, plan_id: UUID, today: date, by: str) -> None:
        plan = self.get_plan(plan_id)
        plan.publish(today, by)
        self.save(plan)

    def draw(self, plan_id: UUID, public_random: str, today: date, by: str) -> dict[str, Any]:
        """双随机 Draw a published plan with a published random value; creates its tasks and
        returns the draw record (seed, pool digest, strata, fingerprint)."""
        public_random = _checked_random(public_random)
        plan = self.get_plan(plan_id)
        plan.check_can_draw()
        record, tasks = self._run_draw(plan, public_random, today)
        plan.record_draw(record, today, by)
        self.save(plan, *tasks)
        return record

    def redraw(self, plan_id: UUID, public_random: str, reason: str, today: date,
               by: str) -> dict[str, Any]:
        """Draw a drawn plan again for a recorded reason; the first draw stays on record."""
        public_random = _checked_random(public_random)
        plan = self.get_plan(plan_id)
        plan.check_can_redraw(reason)
        record, tasks = self._run_draw(plan, public_random, today)
        plan.record_redraw(record, reason, today, by)
        self.save(plan, *tasks)
        return record

    def _run_draw(self, plan: SpotCheckPlan, public_random: str,
                  today: date) -> tuple[dict[str, Any], list[InspectionTask]]:
        """Freeze the inputs, draw, archive the inputs; the record and the tasks to save."""
        inputs, archive = self._draw_ports()
        terms = terms_from_event(plan.terms)
        frozen = inputs.freeze(terms, today, plan_id=plan.id)
        pool = _entity_pool(frozen, self.risk_classes(frozen.entity_no))
        result = drawing.draw(pool, frozen.roster, _params(terms),
                              drawing.derive_seed(str(plan.id), public_random))
        archive.keep(pool, frozen.roster, frozen.departments, result.pool_digest)
        uscc = inputs.uscc_of(result.entity_no.tolist())
        record = {**result.summary(), "seed": str(result.seed), "public_random": public_random,
                  "draw_no": len(plan.draws) + 1, "pool_size": int(pool.entity_no.size),
                  "roster_size": int(frozen.roster.inspector_no.size),
                  "drawn": int(result.entity_no.size)}
        why = dict(result.unassigned)
        # the drawn entities' regions in the frozen pool (entity_no ascending)
        regions = frozen.region[np.searchsorted(frozen.entity_no, result.entity_no)].tolist()
        tasks = [InspectionTask(
            plan_id=plan.id, draw_no=record["draw_no"], assigned_on=today, entity_no=int(no),
            uscc=uscc[int(no)], departments=list(terms.departments),
            check_items=frozen.items_of(int(no), terms.check_items), due_on=terms.due_on,
            unassigned_reason=why.get(int(no), ""),
            team=[{"inspector_no": int(i), "department": frozen.departments[int(d)]}
                  for i, d in _members(team, frozen.roster)],
            recusal_terms={"jurisdiction_digits": terms.jurisdiction_digits,
                           "cross_station": terms.cross_station, "region": int(region)})
            for no, team, region in zip(result.entity_no, result.teams, regions)]
        return record, tasks

    def verify_draw(self, plan_id: UUID, draw_no: int | None = None) -> dict[str, Any]:
        """Recompute a recorded draw (default the latest) from its archived inputs: verified,
        or exactly what differs."""
        plan = self.get_plan(plan_id)
        if draw_no is not None and draw_no > len(plan.draws):
            raise NotFound(f"plan has {len(plan.draws)} draw(s)", field="draw_no")
        if not plan.draws:
            raise Conflict("plan has not been drawn yet", field="status")
        inputs, archive = self._draw_ports()
        rec = plan.draws[(draw_no or len(plan.draws)) - 1]
        seed = drawing.derive_seed(str(plan_id), rec["public_random"])
        pool, roster = archive.load(rec["pool_digest"])
        recorded_tasks = inputs.tasks_of_draw(plan_id, rec["draw_no"])
        params = drawing.DrawParams(**{k: tuple(v) if isinstance(v, list) else v
                                       for k, v in rec["params"].items()})
        differences = drawing.verify(pool, roster, params, seed, {**rec, "seed": int(rec["seed"])})
        again = drawing.draw(pool, roster, params, seed)
        if recorded_tasks and recorded_tasks != set(again.entity_no.tolist()):
            differences.append("tasks: the recorded tasks are not the drawn entities")
        return {"plan_id": str(plan_id), "draw_no": rec["draw_no"], "verified": not differences,
                "differences": differences, "algorithm_version": rec["algorithm_version"],
                "seed": rec["seed"], "public_random": rec["public_random"],
                "pool_digest": rec["pool_digest"], "fingerprint": rec["fingerprint"]}

    def _draw_ports(self) -> tuple[DrawInputs, DrawArchive]:
        if self.draw_inputs is None or self.draw_archive is None:
            raise RuntimeError("SupervisionApplication.configure(...) was not called: "
                               "the draw has no inputs to read")
        return self.draw_inputs, self.draw_archive

    def close_plan(self, plan_id: UUID, today: date, by: str) -> None:
        plan = self.get_plan(plan_id)
        plan.close(today, by)
        self.save(plan)


def _checked_random(public_random: str) -> str:
    public_random = public_random.strip()
    if not 4 <= len(public_random) <= 200:
        raise InvalidInput("public_random must be the published random value (4–200 characters)",
                           field="public_random")
    return public_random


def _entity_pool(frozen: FrozenInputs, risk_class: np.ndarray) -> drawing.EntityPool:
    return drawing.EntityPool(entity_no=frozen.entity_no, region=frozen.region,
                              risk_class=risk_class, last_checked_days=frozen.last_checked_days,
                              targeted=frozen.targeted)


def _params(t: PlanTerms) -> drawing.DrawParams:
    ratios = tuple(t.ratios[c] for c in drawing.RISK_CLASSES)
    cool = tuple(t.cool_off_days.get(c, 0) for c in drawing.RISK_CLASSES)
    joint = tuple(range(len(t.departments))) if len(t.departments) > 1 else ()
    return drawing.DrawParams(ratios, t.targeted_ratio, cool, t.inspectors_per_task, joint,
                              t.cross_station, t.jurisdiction_digits)


def _members(team: np.ndarray, roster: drawing.Roster):
    at = np.searchsorted(roster.inspector_no, team[team >= 0])
    return zip(roster.inspector_no[at], roster.department[at])

"""Use cases of spot-check plans and their draws (a mixin of SupervisionApplication).

The drawer's arithmetic lives in supervision.plans.drawing (pure); what a draw reads and keeps
outside the event store comes through the ports configured at bootstrap (supervision.plans.ports).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import numpy as np
from eventsourcing.persistence import IntegrityError

from kernel import once
from kernel.clock import china_date, moment
from kernel.errors import Conflict, InvalidInput
from supervision.plans import commitment, drawing
from supervision.plans.audit import params_commitment
from supervision.plans.catalogue import CheckItemCatalogue, check_plan_items
from supervision.plans.commitment import RandomSource
from supervision.plans.entity_draw import committed_control_size
from supervision.plans.plan import (
    PlanTerms,
    SpotCheckPlan,
    terms_from_event,
    terms_to_event,
)
from supervision.plans.ports import (
    Archived,
    DrawArchive,
    DrawInputs,
    FrozenInputs,
    RedListed,
    RiskClasses,
    all_class_b,
    class_no,
    none_red_listed,
    with_incentive,
)
from supervision.plans.staffing import check_staffing
from supervision.plans.verification import DrawVerification
from supervision.rules import DEFAULT_SUPERVISION_RULES as _RULES
from supervision.rules import SupervisionRules
from supervision.tasks.task import InspectionTask


@dataclass(frozen=True)
class DrawPolicy:
    """The rule numbers of the draw's lifecycle, from the rules tree (supervision.rules)."""

    commit_delay_minutes: int = _RULES.draw.commit_delay_minutes
    max_redraws: int = _RULES.draw.max_redraws
    per_department: int = _RULES.draw.inspectors_per_department   # 行政处罚法 Art 42
    general_max_ratio: float = _RULES.directory.general_item_max_ratio   # DOMAIN §2
    # 守信激励: red-listed entities are drawn in this class at most (0..3 = A..D; None: no)
    red_list_class: int | None = class_no(_RULES.draw.red_list_class)

    @classmethod
    def from_rules(cls, rules: SupervisionRules) -> DrawPolicy:
        return cls(rules.draw.commit_delay_minutes, rules.draw.max_redraws,
                   rules.draw.inspectors_per_department, rules.directory.general_item_max_ratio,
                   class_no(rules.draw.red_list_class))


class PlanUseCases(DrawVerification):
    """Mixed into SupervisionApplication (which provides repository and save, the ports, and
    the task use cases a redraw cancels with)."""

    repository: Any
    save: Any
    cancel_tasks_of_draw: Any
    draw_policy: DrawPolicy = DrawPolicy()
    draw_inputs: DrawInputs | None = None
    draw_archive: DrawArchive | None = None
    risk_classes: RiskClasses = staticmethod(all_class_b)
    red_listed: RedListed = staticmethod(none_red_listed)
    check_item_catalogue: CheckItemCatalogue | None = None

    def draft_plan(self, terms: PlanTerms, today: date, by: str, known_departments: set[str],
                   general_max_ratio: float | None = None) -> UUID:
        """Draft a plan whose items the check-item list allows (scope is law); its id."""
        valid = terms.validated(today, known_departments)
        cap = self.draw_policy.general_max_ratio if general_max_ratio is None else general_max_ratio
        check_plan_items(valid, self._catalogue()(valid.check_items), cap)
        plan = SpotCheckPlan.draft(terms_to_event(valid), by, today,
                                   once.derived_id("spot-check-plan"))
        self.save(plan)
        return plan.id

    def _catalogue(self) -> CheckItemCatalogue:
        if self.check_item_catalogue is None:
            raise RuntimeError("SupervisionApplication.configure(...) was not called: "
                               "a plan has no check-item list to be checked against")
        return self.check_item_catalogue

    def get_plan(self, plan_id: UUID) -> SpotCheckPlan:
        return self.get_existing(SpotCheckPlan, plan_id, "plan", "plan_id")

    def publish_plan(self, plan_id: UUID, when: date | datetime, by: str) -> dict[str, Any]:
        """Publish: freeze the pool and roster, archive them, and commit to a future random value
        (supervision.plans.commitment); returns the public commitment."""
        at = moment(when)
        plan = self.get_plan(plan_id)
        plan.check_can_publish()
        commitment = self._freeze_and_commit(plan, at)
        plan.publish(china_date(at), by, commitment)
        self._save_plan(plan)
        return plan.commitment

    def enter_random_value(self, plan_id: UUID, value: str, when: date | datetime,
                           by: str) -> None:
        """A committed lottery's published result, entered by a first user after its date."""
        at = moment(when)
        plan = self.get_plan(plan_id)
        plan.check_awaiting_randomness()
        plan.enter_value(commitment.check_lottery_entry(plan.commitment, value, at), at, by)
        self._save_plan(plan)

    def confirm_random_value(self, plan_id: UUID, value: str, when: date | datetime,
                             by: str) -> None:
        """A second user re-enters the result; the draw can then run."""
        at = moment(when)
        plan = self.get_plan(plan_id)
        plan.check_awaiting_randomness()
        plan.confirm_value(commitment.check_lottery_entry(plan.commitment, value, at), at, by)
        self._save_plan(plan)

    def draw(self, plan_id: UUID, when: date | datetime, by: str, *, round_no: int | None = None,
             signature: str | None = None, accept_shortfall: bool = False) -> dict[str, Any]:
        """双随机 Draw with the committed random value (a verified drand round, or a confirmed
        lottery result); creates the tasks and returns the draw record."""
        at = moment(when)
        plan = self.get_plan(plan_id)
        plan.check_awaiting_randomness()
        committed = plan.commitment
        if committed["source"] == "drand":
            if round_no is None or not signature:
                raise InvalidInput(f"submit drand round {committed['round']} and its signature",
                                   field="signature")
            value = commitment.reveal_drand(committed, round_no, signature, at)
            revealed = {"round": round_no, "signature": signature, "randomness": value}
        else:
            value = plan.confirmed_value
            if value is None:
                raise Conflict(f"enter and confirm the result of {committed['lottery']} "
                               f"{committed['issue']} first", field="value")
            revealed = {"value": value}
        record, tasks = self._run_draw(plan, value, revealed, china_date(at), accept_shortfall)
        plan.record_draw(record, china_date(at), by)
        self._save_plan(plan, *tasks)
        return record

    def redraw(self, plan_id: UUID, reason: str, when: date | datetime, by: str,
               randomness: RandomSource | None = None) -> dict[str, Any]:
        """Supersede the current draw for a recorded reason: its tasks are cancelled, the pool
        and roster frozen again and a fresh, later random value committed (a lottery plan names
        its new issue in ``randomness``). Returns the new commitment."""
        at = moment(when)
        plan = self.get_plan(plan_id)
        reason = plan.check_can_redraw(reason, self.draw_policy.max_redraws)
        # 409 if a task has started; the cancellations are saved with the plan, below
        cancelled = self.cancel_tasks_of_draw(plan_id, len(plan.draws),
                                              f"重新抽取 redraw: {reason}", china_date(at), by)
        source = RandomSource.from_event(plan.terms.get("randomness"))
        if randomness is not None:
            source = randomness.validated(china_date(at))
        if source.source != plan.commitment["source"]:
            raise InvalidInput("a redraw keeps the plan's kind of random source",
                               field="randomness.source")
        new = self._freeze_and_commit(plan, at, source)
        plan.supersede(reason, self.draw_policy.max_redraws, new, at, by)
        self._save_plan(plan, *cancelled)
        return plan.commitment

    def _freeze_and_commit(self, plan: SpotCheckPlan, at: datetime,
                           source: RandomSource | None = None) -> dict[str, Any]:
        """Freeze and archive the plan's pool and roster; the commitment that names them."""
        inputs, archive = self._draw_ports()
        terms = terms_from_event(plan.terms)
        frozen = inputs.freeze(terms, china_date(at), plan_id=plan.id)
        # 守信激励: the classes drawn in are lowered for red-listed entities; the pool digest
        # commits to them, the params to the rule, the archive keeps who was red-listed
        cap = self.draw_policy.red_list_class
        red = (np.asarray(self.red_listed(frozen.entity_no, china_date(at)), bool)
               if cap is not None else None)
        classes = self.risk_classes(frozen.entity_no)
        pool = _entity_pool(frozen, classes if red is None else with_incentive(classes, red, cap))
        salt = secrets.token_bytes(32)
        digest = drawing.pool_digest(pool, frozen.roster, salt)
        params = _params(terms, self.draw_policy.per_department)
        if red is not None and red.any():   # recorded only when it lowered a class's draw
            params = replace(params, red_list_class=cap)
        else:
            red = None
        if params.control_share:   # the count is committed too, so the public check covers it
            params = replace(params, control_size=committed_control_size(pool, params))
        archive.keep(digest, Archived(pool, frozen.roster, frozen.departments, salt, params,
                                      frozen.item_mask, frozen.frequency_used_up, red))
        after = plan.commitment if plan.commitments else None
        committed = commitment.commit(source or terms.randomness, at,
                                      timedelta(minutes=self.draw_policy.commit_delay_minutes),
                                      after)
        return {**committed, "algorithm_version": drawing.ALGORITHM_VERSION,
                "params_commitment": params_commitment(params, salt),
                "public_pool_digest": pool.public_digest,
                "pool_digest": digest, "salt_commitment": drawing.salt_commitment(salt),
                "pool_size": int(pool.entity_no.size), "control_size": params.control_size or 0,
                "roster_size": int(frozen.roster.inspector_no.size),
                "register_position": frozen.position}

    def _run_draw(self, plan: SpotCheckPlan, value: str, revealed: dict[str, Any], today: date,
                  accept_shortfall: bool) -> tuple[dict[str, Any], list[InspectionTask]]:
        """Draw on the committed, archived inputs; the record and the tasks to save."""
        _, archive = self._draw_ports()
        terms = terms_from_event(plan.terms)
        committed = plan.commitment
        a = archive.load(committed["pool_digest"])
        pool, roster, departments = a.pool, a.roster, a.departments
        draw_no = len(plan.draws) + 1
        # 409 with the numbers if the roster cannot staff the tasks, unless accepted (recorded)
        staffing = check_staffing(pool, roster, a.params, departments).enforce(accept_shortfall)
        key = drawing.derive_key(str(plan.id), draw_no, value)
        result = drawing.draw(pool, roster, a.params, key, a.salt)
        rows = np.searchsorted(pool.entity_no, result.entity_no)
        public = {**result.public_summary(), "draw_no": draw_no,
                  "commitment_no": committed["commitment_no"], "revealed": revealed,
                  "unstaffed": len(result.unassigned), "staffing": _public_staffing(staffing)}
        reason = plan.draws[-1]["superseded_reason"] if plan.draws else ""
        public["reason"] = reason
        record = {**result.internal_summary(), "draw_no": draw_no, "reason": reason,
                  "commitment_no": committed["commitment_no"], "randomness": value,
                  "revealed": revealed, "pool_size": int(pool.entity_no.size),
                  "roster_size": int(roster.inspector_no.size),
                  "drawn": int(result.entity_no.size), "staffing": staffing, "public": public}
        why = dict(result.unassigned)
        tasks = [InspectionTask(
            plan_id=plan.id, draw_no=draw_no, assigned_on=today, entity_no=int(no),
            uscc=pool.uscc[row].decode(), departments=list(terms.departments),
            check_items=a.items_of(int(row), terms.check_items), due_on=terms.due_on,
            unassigned_reason=why.get(int(no), ""),
            team=[{"inspector_no": int(i), "department": departments[int(d)]}
                  for i, d in _members(team, roster)],
            recusal_terms={"jurisdiction_digits": terms.jurisdiction_digits,
                           "cross_station": terms.cross_station, "region": int(pool.region[row])})
            for no, team, row in zip(result.entity_no, result.teams, rows)]
        return record, tasks

    def _save_plan(self, plan: SpotCheckPlan, *others: Any) -> None:
        """Save atomically; a concurrent command on the same plan (two supervisors drawing at
        once) makes the later one a 409, never a 500 or a second draw."""
        try:
            self.save(plan, *others)
        except IntegrityError:
            raise Conflict("the plan was changed by someone else at the same moment (for "
                           "example a concurrent draw): reload it", field="plan_id") from None

    def _draw_ports(self) -> tuple[DrawInputs, DrawArchive]:
        if self.draw_inputs is None or self.draw_archive is None:
            raise RuntimeError("SupervisionApplication.configure(...) was not called: "
                               "the draw has no inputs to read")
        return self.draw_inputs, self.draw_archive

    def close_plan(self, plan_id: UUID, today: date, by: str) -> None:
        plan = self.get_plan(plan_id)
        plan.close(today, by)
        self._save_plan(plan)


def _entity_pool(frozen: FrozenInputs, risk_class: np.ndarray) -> drawing.EntityPool:
    return drawing.EntityPool(entity_no=frozen.entity_no, uscc=frozen.uscc, region=frozen.region,
                              risk_class=risk_class, last_checked_days=frozen.last_checked_days,
                              targeted=frozen.targeted)


def _params(t: PlanTerms, per_department: int = 1) -> drawing.DrawParams:
    ratios = tuple(t.ratios[c] for c in drawing.RISK_CLASSES)
    cool = tuple(t.cool_off_days.get(c, 0) for c in drawing.RISK_CLASSES)
    joint = tuple(range(len(t.departments))) if len(t.departments) > 1 else ()
    return drawing.DrawParams(ratios, t.targeted_ratio, cool, t.inspectors_per_task, joint,
                              t.cross_station, t.jurisdiction_digits,
                              control_share=t.control_share,
                              per_department=per_department if joint else 1)


def _public_staffing(staffing: dict[str, Any]) -> dict[str, Any]:
    """The shortfall everyone sees: groups, departments and numbers of inspectors, not the
    expected tasks per group (they sum the entities' class ratios: one entity's class shows)."""
    keep = ("group", "department", "needed", "available")
    return {**staffing, "shortfalls": [{k: s[k] for k in keep} for s in staffing["shortfalls"]]}


def _members(team: np.ndarray, roster: drawing.Roster):
    at = np.searchsorted(roster.inspector_no, team[team >= 0])
    return zip(roster.inspector_no[at], roster.department[at])

"""Reading a recorded draw back (a mixin of PlanUseCases): the auditor's recomputation from the
archive, the public check from the public record alone, the register check, and the files an
outside verifier downloads. Nothing here writes."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from uuid import UUID

import numpy as np

from kernel.errors import Conflict, NotFound
from supervision.directory.register_asof import entities_as_of
from supervision.plans import audit, drawing
from supervision.plans.plan import SpotCheckPlan, terms_from_event
from supervision.plans.ports import Archived


class DrawVerification:
    """Mixed into PlanUseCases (which provides get_plan, _catalogue, _draw_ports and the
    draw inputs)."""

    get_plan: Any
    draw_inputs: Any
    _catalogue: Any
    _draw_ports: Any

    def verify_draw(self, plan_id: UUID, draw_no: int | None = None) -> dict[str, Any]:
        """The auditor's check: recompute a recorded draw (default the latest) from its archived
        inputs, classes and salt included: verified, or exactly what differs."""
        plan = self.get_plan(plan_id)
        rec = self._recorded_draw(plan, draw_no)
        _, archive = self._draw_ports()
        committed = plan.commitments[rec["commitment_no"] - 1]
        a = archive.load(committed["pool_digest"])
        key = drawing.derive_key(str(plan_id), rec["draw_no"], rec["randomness"])
        differences = drawing.verify(a.pool, a.roster, a.params, key, a.salt, rec)
        differences += audit.archive_differences(committed, a)
        recorded_tasks = self.draw_inputs.tasks_of_draw(plan_id, rec["draw_no"])
        again = drawing.draw(a.pool, a.roster, a.params, key, a.salt)
        if recorded_tasks and recorded_tasks != set(again.entity_no.tolist()):
            differences.append("tasks: the recorded tasks are not the drawn entities")
        differences += audit.published_differences(rec["public"], again.public_summary())
        differences += audit.check_revealed(committed, rec["randomness"], rec["revealed"])
        differences += self.register_check(plan_id, rec["draw_no"], a)
        return {"plan_id": str(plan_id), "draw_no": rec["draw_no"], "verified": not differences,
                "differences": differences, "algorithm_version": rec["algorithm_version"],
                "randomness": rec["randomness"], "commitment": committed,
                "fingerprint": rec["fingerprint"]}

    def public_verification(self, plan_id: UUID, draw_no: int | None = None) -> dict[str, Any]:
        """What anyone can check from the public record alone (no classes): the commitment
        precedes the value, the value is the committed one, the pool file is the committed one,
        every drawn entity is in it and the control sample is exactly its lowest ranks."""
        plan = self.get_plan(plan_id)
        if plan.status == "drafted":
            raise NotFound(f"no published plan {plan_id}", field="plan_id")
        rec = self._recorded_draw(plan, draw_no)
        committed = plan.commitments[rec["commitment_no"] - 1]
        usccs = self.public_pool(plan_id, rec["commitment_no"])
        key = drawing.derive_key(str(plan_id), rec["draw_no"], rec["randomness"])
        differences = drawing.verify_public(rec["public"], key, usccs)
        differences += audit.against_commitment(committed, rec["public"])
        differences += audit.check_revealed(committed, rec["randomness"], rec["revealed"])
        return {"plan_id": str(plan_id), "draw_no": rec["draw_no"], "verified": not differences,
                "differences": differences, "commitment": committed, "record": rec["public"]}

    def public_pool(self, plan_id: UUID, commitment_no: int) -> list[str]:
        """The USCCs of a commitment's frozen pool, ascending (public: no classes)."""
        plan = self.get_plan(plan_id)
        if plan.status == "drafted" or not 1 <= commitment_no <= len(plan.commitments):
            raise NotFound(f"plan {plan_id} has no commitment {commitment_no}",
                           field="commitment_no")
        _, archive = self._draw_ports()
        pool = archive.load(plan.commitments[commitment_no - 1]["pool_digest"]).pool
        return [u.decode() for u in np.sort(pool.uscc)]

    def register_check(self, plan_id: UUID, draw_no: int | None = None,
                       archived: Archived | None = None) -> list[str]:
        """The draw's frozen pool against the register as of its commitment: the entity events
        the read models had reflected, folded again, under the plan's scope and its items'
        object scopes; entities left out because their items' yearly frequency was used up are
        named in the archive."""
        plan = self.get_plan(plan_id)
        rec = self._recorded_draw(plan, draw_no)
        committed = plan.commitments[rec["commitment_no"] - 1]
        terms = terms_from_event(plan.terms)
        scope = SimpleNamespace(region_prefix=terms.scope.region_prefix,
                                industry_prefixes=terms.scope.industries,
                                entity_types=terms.scope.entity_types)
        items = [SimpleNamespace(region_prefix="", industry_prefixes=e.object_scope_industries,
                                 entity_types=e.object_scope_types)
                 for e in self._catalogue()(terms.check_items).values()]
        register = {u for u, e in entities_as_of(self, committed["register_position"]).items()
                    if e.in_scope(scope) and any(e.in_scope(i) for i in items)}
        a = archived or self._draw_ports()[1].load(committed["pool_digest"])
        explained = {u.decode() for u in a.frequency_used_up}
        return audit.register_differences({u.decode() for u in a.pool.uscc},
                                          register - explained)

    def public_record_file(self, plan_id: UUID, draw_no: int) -> dict[str, Any]:
        """Everything `opencheck verify-draw` needs, in one file: plan, commitment, the public
        draw record and the pool's USCCs (no classes, no salt)."""
        plan = self.get_plan(plan_id)
        if plan.status == "drafted":
            raise NotFound(f"no published plan {plan_id}", field="plan_id")
        rec = self._recorded_draw(plan, draw_no)
        return {"format": "opencheck-draw-record/2", "plan_id": str(plan_id),
                "draw_no": rec["draw_no"], "randomness": rec["randomness"],
                "commitment": plan.commitments[rec["commitment_no"] - 1],
                "record": rec["public"],
                "pool": self.public_pool(plan_id, rec["commitment_no"])}

    def archive_payload(self, plan_id: UUID, commitment_no: int) -> bytes:
        """The auditor's archive of a commitment (numpy .npz bytes)."""
        plan = self.get_plan(plan_id)
        if not 1 <= commitment_no <= len(plan.commitments):
            raise NotFound(f"plan {plan_id} has no commitment {commitment_no}",
                           field="commitment_no")
        return self._draw_ports()[1].payload(plan.commitments[commitment_no - 1]["pool_digest"])

    @staticmethod
    def _recorded_draw(plan: SpotCheckPlan, draw_no: int | None) -> dict[str, Any]:
        if draw_no is not None and draw_no > len(plan.draws):
            raise NotFound(f"plan has {len(plan.draws)} draw(s)", field="draw_no")
        if not plan.draws:
            raise Conflict("plan has not been drawn yet", field="status")
        return plan.draws[(draw_no or len(plan.draws)) - 1]


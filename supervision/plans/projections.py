"""Projection of plans: the plan board, with each draw's public record."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from kernel.projections import Projection, Unit, handles
from supervision.plans.plan import SpotCheckPlan
from supervision.plans.tables import plan_commitments, plan_draws, plans

_INSERT_PLAN = plans.insert()
_INSERT_DRAW = plan_draws.insert()
_INSERT_COMMITMENT = plan_commitments.insert()
def _plan(e) -> sa.ColumnElement:
    return plans.c.plan_id == e.originator_id.hex


class PlanBoard(Projection):
    """抽查计划 Plans with their published draw records ("one open")."""

    name = "plan_board"
    tables = (plans, plan_draws, plan_commitments)

    @handles(SpotCheckPlan.Drafted)
    def drafted(self, e, position: int, unit: Unit) -> None:
        t = e.terms
        unit.execute(_INSERT_PLAN, {
            "plan_id": e.originator_id.hex, "name": t["name"],
            "lead_department": t["lead_department"], "departments": ";".join(t["departments"]),
            "check_items": ";".join(t["check_items"]), "region_prefix": t["scope"]["region_prefix"],
            "directed": t["scope"]["directed"], "terms": t, "status": "drafted",
            "drafted_by": e.drafted_by, "drafted_on": e.drafted_on, "published_on": None,
            "due_on": date.fromisoformat(t["due_on"]),
            "closed_on": None, "draws": 0, "version": e.originator_version,
            "updated_position": position})

    @handles(SpotCheckPlan.Published)
    def published(self, e, position: int, unit: Unit) -> None:
        unit.query(plans.update().where(_plan(e)).values(
            status="published", published_on=e.published_on, version=e.originator_version,
            updated_position=position))
        self._commitment(e, e.commitment, unit)

    @staticmethod
    def _commitment(e, commitment: dict, unit: Unit) -> None:
        unit.execute(_INSERT_COMMITMENT, {
            "plan_id": e.originator_id.hex, "commitment_no": commitment["commitment_no"],
            "committed_at": datetime.fromisoformat(commitment["committed_at"]),
            "commitment": commitment, "value_entered_at": None, "value_confirmed_at": None})

    @handles(SpotCheckPlan.RandomValueEntered, SpotCheckPlan.RandomValueConfirmed)
    def value(self, e, position: int, unit: Unit) -> None:
        column = ("value_entered_at" if isinstance(e, SpotCheckPlan.RandomValueEntered)
                  else "value_confirmed_at")
        values = {column: datetime.fromisoformat(e.at)}
        if column == "value_entered_at":
            values["value_confirmed_at"] = None
        unit.query(plan_commitments.update().where(
            plan_commitments.c.plan_id == e.originator_id.hex,
            plan_commitments.c.commitment_no == e.commitment_no).values(**values))
        unit.query(plans.update().where(_plan(e)).values(version=e.originator_version,
                                                         updated_position=position))

    @handles(SpotCheckPlan.EntitiesDrawn)
    def drawn(self, e, position: int, unit: Unit) -> None:
        record = e.record
        draw_no = record["draw_no"]
        unit.query(plans.update().where(_plan(e)).values(
            status="drawn", draws=draw_no, version=e.originator_version,
            updated_position=position))
        internal = {k: v for k, v in record.items() if k != "public"}
        unit.execute(_INSERT_DRAW, {
            "plan_id": e.originator_id.hex, "draw_no": draw_no, "drawn_on": e.drawn_on,
            "drawn_by": e.by, "reason": record.get("reason", ""),
            "record": internal, "public": record["public"],
            "commitment_no": record["commitment_no"], "drawn": record["drawn"],
            "unassigned": len(record["unassigned"]), "superseded_at": None})

    @handles(SpotCheckPlan.DrawSuperseded)
    def superseded(self, e, position: int, unit: Unit) -> None:
        unit.query(plan_draws.update().where(
            plan_draws.c.plan_id == e.originator_id.hex, plan_draws.c.draw_no == e.draw_no)
            .values(superseded_at=datetime.fromisoformat(e.at)))
        unit.query(plans.update().where(_plan(e)).values(
            status="published", version=e.originator_version, updated_position=position))
        self._commitment(e, e.commitment, unit)

    @handles(SpotCheckPlan.Closed)
    def closed(self, e, position: int, unit: Unit) -> None:
        unit.query(plans.update().where(_plan(e)).values(
            status="closed", closed_on=e.closed_on, version=e.originator_version,
            updated_position=position))

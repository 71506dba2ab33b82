"""Projection of plans: the plan board, with each draw's public record."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from kernel.projections import Projection, Unit, handles
from supervision.plans.plan import SpotCheckPlan
from supervision.plans.tables import plan_draws, plans

_INSERT_PLAN = plans.insert()
_INSERT_DRAW = plan_draws.insert()
def _plan(e) -> sa.ColumnElement:
    return plans.c.plan_id == e.originator_id.hex


class PlanBoard(Projection):
    """抽查计划 Plans with their published draw records ("one open")."""

    name = "plan_board"
    tables = (plans, plan_draws)

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

    @handles(SpotCheckPlan.EntitiesDrawn, SpotCheckPlan.EntitiesRedrawn)
    def drawn(self, e, position: int, unit: Unit) -> None:
        draw_no = e.record["draw_no"]
        unit.query(plans.update().where(_plan(e)).values(
            status="drawn", draws=draw_no, version=e.originator_version,
            updated_position=position))
        unit.execute(_INSERT_DRAW, {
            "plan_id": e.originator_id.hex, "draw_no": draw_no, "drawn_on": e.drawn_on,
            "drawn_by": e.by, "reason": getattr(e, "reason", ""), "record": e.record,
            "drawn": e.record["drawn"], "unassigned": len(e.record["unassigned"])})

    @handles(SpotCheckPlan.Closed)
    def closed(self, e, position: int, unit: Unit) -> None:
        unit.query(plans.update().where(_plan(e)).values(
            status="closed", closed_on=e.closed_on, version=e.originator_version,
            updated_position=position))

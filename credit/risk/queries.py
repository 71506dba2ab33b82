"""Read the store for risk measurement: each plan's drawn entities with their class at the draw,
control flag and whether a problem was found; and the history the features are built from.
Reads supervision's and credit's read models through their views (INTERNAL: classes)."""

from __future__ import annotations

from datetime import date

import numpy as np
import sqlalchemy as sa

from credit.rating.facts import day_of, fetch_ints, load_facts
from credit.rating.scoring import report_years
from credit.rating.tables import risk_class_history
from credit.risk.features import History
from credit.risk.hazard import stored_hazard
from credit.risk.stats import GroupOutcome, class_outcomes
from credit.risk.tables import complaints
from credit.rules import Rules
from supervision.directory.views import entities, entity_pool
from supervision.plans.views import plan_draws, plans
from supervision.tasks.views import task_results, tasks

CLASS_B = 1   # an entity never classified is drawn as class B (credit.rating.scoring)


def drawn_outcomes(conn: sa.Connection, plan_id: str | None = None) -> dict[str, dict]:
    """Per plan (name, drawn_on) and per drawn entity of its current draw: entity_no, class on
    the draw day, control flag, problem found (any department's result), inspected."""
    where = [plan_draws.c.superseded_at.is_(None)]
    if plan_id is not None:
        where.append(plan_draws.c.plan_id == plan_id)
    draws = conn.execute(sa.select(plan_draws.c.plan_id, plan_draws.c.draw_no,
                                   plan_draws.c.drawn_on, plan_draws.c.public, plans.c.name)
                         .join(plans, plans.c.plan_id == plan_draws.c.plan_id)
                         .where(*where).order_by(plan_draws.c.drawn_on)).all()
    out: dict[str, dict] = {}
    for d in draws:
        control = {e["uscc"] for e in d.public.get("entities", []) if e.get("control")}
        found = sa.select(sa.func.max(sa.case((task_results.c.problem_found.is_(True), 1),
                                              else_=0))).where(
            task_results.c.task_id == tasks.c.task_id).scalar_subquery()
        seen = sa.select(sa.func.count()).where(
            task_results.c.task_id == tasks.c.task_id).scalar_subquery()
        h = risk_class_history.c
        cls = (sa.select(h["class"]).where(h.entity_no == tasks.c.entity_no,
                                           h.classified_on <= d.drawn_on)
               .order_by(h.classified_on.desc()).limit(1).scalar_subquery())
        rows = conn.execute(sa.select(tasks.c.entity_no, tasks.c.uscc, cls, found, seen).where(
            tasks.c.plan_id == d.plan_id, tasks.c.draw_no == d.draw_no)).all()
        out[d.plan_id] = {
            "plan_id": d.plan_id, "name": d.name, "drawn_on": d.drawn_on,
            "entity_no": np.array([r[0] for r in rows], np.int64),
            "risk_class": np.array([CLASS_B if r[2] is None else r[2] for r in rows], np.int64),
            "control": np.array([r[1] in control for r in rows], bool),
            "problem": np.array([bool(r[3]) for r in rows], bool),
            "inspected": np.array([r[4] > 0 for r in rows], bool)}
    return out


def plan_outcomes(conn: sa.Connection, plan_id: str | None = None
                  ) -> list[tuple[dict, list[GroupOutcome]]]:
    """For every plan with a draw: the inspected entities' outcomes by class and control."""
    out = []
    for p in drawn_outcomes(conn, plan_id).values():
        m = p["inspected"]
        out.append(({k: p[k] for k in ("plan_id", "name", "drawn_on")} | {
            "inspected": int(m.sum()), "drawn": int(m.size)},
            class_outcomes(p["risk_class"][m], p["control"][m], p["problem"][m])))
    return out


def pooled_outcomes(conn: sa.Connection) -> list[GroupOutcome]:
    """Every plan's inspected entities together (the store-wide lift per class)."""
    ps = list(drawn_outcomes(conn).values())
    if not ps:
        return class_outcomes(np.zeros(0), np.zeros(0, bool), np.zeros(0, bool))
    cat = {k: np.concatenate([p[k] for p in ps]) for k in ("risk_class", "control", "problem",
                                                             "inspected")}
    m = cat["inspected"]
    return class_outcomes(cat["risk_class"][m], cat["control"][m], cat["problem"][m])


def load_history(conn: sa.Connection, rules: Rules, on: date) -> History:
    """Credit facts, complaints and hazard points of every entity (all dates: the features
    cut them at their own day)."""
    years = tuple(sorted(set(report_years(on, rules.abnormal_list, 5))))
    facts = load_facts(conn, rules, years + tuple(y + 1 for y in years[-1:]))
    c = complaints.c
    rows = fetch_ints(conn, sa.select(entities.c.entity_no, day_of(conn, c.received_on),
                                      sa.case((c.substantiated.is_(True), 1), else_=0))
                      .join(entities, entities.c.uscc == c.uscc), 3)
    at = np.searchsorted(facts.entity_no, rows[:, 0])
    ok = at < facts.size
    ok[ok] = facts.entity_no[at[ok]] == rows[ok, 0]
    comp = {"entity": at[ok].astype(np.int64), "day": rows[ok, 1].astype(np.int32),
            "substantiated": rows[ok, 2].astype(np.int32)}
    hazard = stored_hazard(conn, rules.hazard, facts.entity_no)
    return History(facts, comp, hazard)


def lab_population(conn: sa.Connection, rules: Rules):  # noqa: ANN201
    """The policy lab's population from the store: each active entity's current class
    (unclassified → B), its class's measured problem rate (credit.risk.estimates), and the
    configured policy (rules.draw)."""
    from credit.rating.tables import risk_classes
    from credit.risk import policy as lab
    from credit.risk.estimates import class_rates

    ep = entity_pool.c
    nos = fetch_ints(conn, sa.select(ep.entity_no).where(ep.status_code == 0), 1)[:, 0]
    nos.sort()
    stored = fetch_ints(conn, sa.select(risk_classes.c.entity_no, risk_classes.c["class"]), 2)
    k = np.full(nos.size, CLASS_B, np.int64)
    if stored.size:
        at = np.searchsorted(nos, stored[:, 0])
        ok = at < nos.size
        ok[ok] = nos[at[ok]] == stored[ok, 0]
        k[at[ok]] = stored[ok, 1]
    drawn = list(drawn_outcomes(conn).values())
    cat = {c: np.concatenate([d[c] for d in drawn]) if drawn else np.zeros(0, np.int64)
           for c in ("risk_class", "control", "problem", "inspected")}
    m = cat["inspected"].astype(bool)
    rates, sources = class_rates(cat["risk_class"][m], cat["control"][m].astype(bool),
                                 cat["problem"][m].astype(bool))
    r = rules.draw
    base = lab.Policy(ratios=(r.ratios.A, r.ratios.B, r.ratios.C, r.ratios.D),
                      control_share=r.control_share)
    return k, rates[k], base, sources

"""守信激励 The red list: a configurable eligibility rule evaluated as of a date, over a province.

Default rule (credit.rules `red_list`, local practice): a commendation in force (诚信典型,
credit.lists.commendations), active for ≥ 2 years, no penalty of a fine or above decided in the
previous 2 years that is in force and unrepaired, on no negative list (abnormal, serious), no
unrepaired false commitment. The daily job evaluates it and records who joined and who left
(`changes` → credit.evaluations.RedListDay); the projection keeps `red_list` as membership
periods (since ≤ day < until), so the public list and the credit file can say who was on it on
any day; a repeated run for the same day records nothing. With a commendation required, the
job evaluates only the commended and the current members (`candidates`), not the province.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import sqlalchemy as sa

from credit.lists.tables import commendations
from credit.rating.evaluations import RedListChanges
from credit.rating.facts import CreditFacts, among_nos, day_number, fetch_ints
from credit.rating.scoring import _held
from credit.rating.tables import red_list
from credit.rules import RedListRules
from kernel.labels import LISTS
from kernel.workdays import add_years
from supervision.directory.views import entities, entity_pool

RED_LIST_LABEL = LISTS["red"]
RED_LIST_REASON = "符合守信激励条件 meets the red-list criteria"
RED_LIST_BASIS = "《关于建立完善守信联合激励和失信联合惩戒制度的指导意见》(国发〔2016〕33号)"


def eligible(f: CreditFacts, rules: RedListRules, on: date) -> np.ndarray:
    """bool per entity: on the red list on `on` under `rules`."""
    d = day_number(on)
    ok = f.active & (f.registered <= day_number(add_years(on, -rules.min_active_years)))
    p = f.penalties
    counted = ((p["fine_or_above"] == 1) & (p["decided"] <= d) & (p["ended"] > d)
               & (p["decided"] > day_number(add_years(on, -rules.penalty_lookback_years))))
    if not rules.repaired_penalties_disqualify:
        counted &= p["repaired"] > d
    ok &= np.bincount(p["entity"][counted], minlength=f.size) == 0
    if rules.exclude_negative_lists:
        ok &= (_held(f, f.serious, d) == 0) & (_held(f, f.abnormal, d) == 0)
    if rules.require_commendation:
        ok &= _held(f, f.commendations, d) > 0
    if rules.exclude_false_commitments:
        fc = f.false_commitments
        open_ = (fc["found"] <= d) & (fc["repaired"] > d)
        ok &= np.bincount(fc["entity"][open_], minlength=f.size) == 0
    return ok


def _commendation_on(column: sa.ColumnElement) -> sa.ScalarSelect:
    """`column` of the entity's newest commendation in force on the joining day."""
    c, on = commendations.c, sa.bindparam("b_since", type_=sa.Date)
    return (sa.select(column).where(c.uscc == entities.c.uscc, c.granted_on <= on,
                                    c.valid_until > on,
                                    sa.or_(c.revoked_on.is_(None), c.revoked_on > on))
            .order_by(c.granted_on.desc(), c.document_no).limit(1).scalar_subquery())


def _joining(conn: sa.Connection, nos: np.ndarray, on: date) -> dict[int, tuple]:
    """entity_no -> (uscc, region_int, industry_section, commendation, commendation_no) of the
    entities joining on `on`: what the public list shows and the counts group by."""
    ep, e = entity_pool.c, entities.c
    rows = conn.execute(
        sa.select(e.entity_no, e.uscc, ep.region_int, ep.industry_section,
                  _commendation_on(commendations.c.title),
                  _commendation_on(commendations.c.document_no))
        .join(entity_pool, ep.entity_no == e.entity_no)
        .where(among_nos(conn, [int(n) for n in nos])(e.entity_no)), {"b_since": on})
    return {r[0]: tuple(r[1:]) for r in rows}


def changes(conn: sa.Connection, f: CreditFacts, members: np.ndarray, on: date,
            recorded: date) -> RedListChanges | None:
    """What makes `red_list` say exactly `members` (bool per entity of `f`) are on it from
    `on`: newcomers join, leavers leave. None for a day before the latest change already
    recorded (the job run again for a day it has done): history is not rewritten behind a
    later day."""
    r = red_list.c
    latest = conn.execute(sa.select(sa.func.max(r.since), sa.func.max(r.until))).one()
    if any(day is not None and on < day for day in latest):
        return None
    current = fetch_ints(conn, sa.select(r.entity_no).where(r.until.is_(None)), 1)[:, 0]
    wanted = f.entity_no[members]
    joined = np.setdiff1d(wanted, current, assume_unique=True)
    left = np.setdiff1d(current, wanted, assume_unique=True)
    found = _joining(conn, joined, on) if joined.size else {}
    joined = np.array([n for n in joined.tolist() if n in found], np.int64)
    # a period closed on this very day (a repeated run after new facts) goes on
    closed_today = fetch_ints(conn, sa.select(r.entity_no).where(r.until == on), 1)[:, 0] \
        if joined.size else np.zeros(0, np.int64)
    rows = [found[n] for n in joined.tolist()]
    return RedListChanges(
        on=on, recorded_on=recorded, joined=joined.tolist(), uscc=[x[0] for x in rows],
        region=[x[1] for x in rows], section=[x[2] for x in rows],
        commendation=[x[3] for x in rows], commendation_no=[x[4] for x in rows],
        reopened=np.intersect1d(joined, closed_today).tolist(), left=left.tolist())


def candidates(rules: RedListRules, first: date, last: date) -> sa.Select | None:
    """entity_no of every entity the rule could take on a day from `first` to `last`, and of
    every member now (who may leave): with a commendation required, the commended few; else
    None (everyone)."""
    if not rules.require_commendation:
        return None
    c = commendations.c
    commended = (sa.select(entities.c.entity_no).join(commendations, c.uscc == entities.c.uscc)
                 .where(c.granted_on <= last, c.valid_until > first))
    return commended.union(sa.select(red_list.c.entity_no).where(red_list.c.until.is_(None)))

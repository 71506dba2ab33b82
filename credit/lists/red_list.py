"""守信激励 The red list: a configurable eligibility rule evaluated as of a date, over a province.

Default rule (credit.rules `red_list`, local practice): a commendation in force (诚信典型,
credit.lists.commendations), active for ≥ 2 years, no penalty of a fine or above decided in the
previous 2 years that is in force and unrepaired, on no negative list (abnormal, serious), no
unrepaired false commitment. The daily job materialises it into `red_list` as membership
periods (since ≤ day < until), so the public list and the credit file can say who was on it on
any day; a repeated run for the same day changes nothing. With a commendation required, the job
evaluates only the commended and the current members (`candidates`), not the province.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import sqlalchemy as sa

from credit.rating.facts import CreditFacts, day_number, fetch_ints
from credit.rating.scoring import _held
from credit.rules import RedListRules
from credit.tables import commendations, red_list
from kernel.labels import LISTS
from kernel.workdays import add_years
from supervision.directory.tables import entities

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


_JOIN = red_list.insert().from_select(
    ["entity_no", "since", "uscc", "until", "recorded_on", "commendation", "commendation_no"],
    sa.select(entities.c.entity_no, sa.bindparam("b_since", type_=sa.Date), entities.c.uscc,
              sa.null(), sa.bindparam("b_recorded", type_=sa.Date),
              _commendation_on(commendations.c.title),
              _commendation_on(commendations.c.document_no))
    .where(entities.c.entity_no == sa.bindparam("no")))
_LEAVE = (red_list.update().where(red_list.c.entity_no == sa.bindparam("no"),
                                  red_list.c.until.is_(None))
          .values(until=sa.bindparam("b_until", type_=sa.Date)))
_DROP = red_list.delete().where(red_list.c.entity_no == sa.bindparam("no"),
                                red_list.c.since == sa.bindparam("b_on", type_=sa.Date),
                                red_list.c.until.is_(None))
_REOPEN = (red_list.update().where(red_list.c.entity_no == sa.bindparam("no"),
                                   red_list.c.until == sa.bindparam("on", type_=sa.Date))
           .values(until=None))


def materialise(conn: sa.Connection, f: CreditFacts, members: np.ndarray, on: date,
                recorded: date) -> tuple[int, int]:
    """Make `red_list` say exactly `members` (bool per entity of `f`) are on it from `on`:
    open a period for newcomers, close it for leavers; returns (joined, left). A day before
    the latest change already recorded (the job run again for a day it has done) is left as
    recorded: history is not rewritten behind a later day."""
    r = red_list.c
    latest = conn.execute(sa.select(sa.func.max(r.since), sa.func.max(r.until))).one()
    if any(day is not None and on < day for day in latest):
        return 0, 0
    current = fetch_ints(conn, sa.select(red_list.c.entity_no)
                         .where(red_list.c.until.is_(None)), 1)[:, 0]
    wanted = f.entity_no[members]
    joined = np.setdiff1d(wanted, current, assume_unique=True)
    left = np.setdiff1d(current, wanted, assume_unique=True)
    if left.size:
        # a period that would end the day it began never was: drop it
        conn.execute(_DROP, [{"no": int(n), "b_on": on} for n in left.tolist()])
        conn.execute(_LEAVE, [{"no": int(n), "b_until": on} for n in left.tolist()])
    if joined.size:
        # a period closed on this very day (a repeated run after new facts) is reopened
        closed_today = fetch_ints(conn, sa.select(red_list.c.entity_no)
                                  .where(red_list.c.until == on), 1)[:, 0]
        again = np.intersect1d(joined, closed_today)
        if again.size:
            conn.execute(_REOPEN, [{"no": int(n), "on": on} for n in again.tolist()])
        fresh = np.setdiff1d(joined, again, assume_unique=True)
        if fresh.size:
            conn.execute(_JOIN, [{"no": int(n), "b_since": on, "b_recorded": recorded}
                                 for n in fresh.tolist()])
    return int(joined.size), int(left.size)


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


def members_on(on: date) -> sa.Select:
    """The red list on `on`: periods with since ≤ on < until (until NULL: still a member)."""
    return sa.select(red_list).where(red_list.c.since <= on,
                                     sa.or_(red_list.c.until.is_(None), red_list.c.until > on))

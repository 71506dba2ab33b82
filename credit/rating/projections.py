"""Projections of the jobs' derived facts: the red list's periods, the A–D classes and their
history (credit.rating.evaluations). Rows go through the runner's `Unit`, one executemany a statement."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from credit.rating.changes import factors_json
from credit.rating.evaluations import ClassificationRun, RedListDay, RiskClassChange
from credit.rating.scoring import reason_bits, reason_texts
from credit.rating.tables import red_list, risk_class_history, risk_class_runs, risk_classes
from kernel.projections import Projection, Unit, handles

_r = red_list.c
_JOIN = red_list.insert()
# a period that would end the day it began never was: dropped (then _LEAVE finds nothing)
_DROP = red_list.delete().where(_r.entity_no == sa.bindparam("b_no"),
                                _r.since == sa.bindparam("b_on"), _r.until.is_(None))
_LEAVE = (red_list.update().where(_r.entity_no == sa.bindparam("b_no"), _r.until.is_(None))
          .values(until=sa.bindparam("b_until", type_=sa.Date)))
_REOPEN = (red_list.update().where(_r.entity_no == sa.bindparam("b_no"),
                                   _r.until == sa.bindparam("b_on"))
           .values(until=None, updated_position=sa.bindparam("b_position")))


class RedListBoard(Projection):
    """守信激励 The red list as membership periods: who was on it on any day, and since when it
    was recorded (the credit file's time travel)."""

    name = "credit_red_list"
    tables = (red_list,)

    @handles(RedListDay.Evaluated, RedListDay.Reevaluated, RedListDay.MoreChangesRecorded)
    def changed(self, e: Any, position: int, unit: Unit) -> None:
        for no in e.left:
            unit.execute(_DROP, {"b_no": no, "b_on": e.on})
        for no in e.left:
            unit.execute(_LEAVE, {"b_no": no, "b_until": e.on})
        reopened = set(e.reopened)
        for no in e.reopened:
            unit.execute(_REOPEN, {"b_no": no, "b_on": e.on, "b_position": position})
        for i, no in enumerate(e.joined):
            if no not in reopened:
                unit.execute(_JOIN, {"entity_no": no, "since": e.on, "uscc": e.uscc[i],
                                     "until": None, "recorded_on": e.recorded_on,
                                     "commendation": e.commendation[i],
                                     "commendation_no": e.commendation_no[i],
                                     "updated_position": position})


def _upsert(table: sa.Table, keys: list[str], columns: tuple[str, ...]) -> dict[str, Any]:
    """INSERT … ON CONFLICT (keys) DO UPDATE the columns, per dialect name."""
    out = {}
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql)):
        stmt = dialect.insert(table)
        out[name] = stmt.on_conflict_do_update(index_elements=keys,
                                               set_={k: stmt.excluded[k] for k in columns})
    return out


_CLASSIFY = _upsert(risk_classes, ["entity_no"],
                    ("class", "score", "reasons", "reason_bits", "classified_on"))
# a reactive change leaves the run's day as it is (credit.jobs.reclassify's guard reads it)
_CHANGE = _upsert(risk_classes, ["entity_no"],
                  ("class", "score", "reasons", "reason_bits", "changed_on"))
# the run itself: the classes it left as they were hold as of its day (tables.as_of_run)
_RUN = _upsert(risk_class_runs, ["classified_on"], ("classified",))
# one row per entity and day: the class at the end of that day (a later change the same day,
# reactive or by the run, replaces the earlier one)
_HISTORY = _upsert(risk_class_history, ["entity_no", "classified_on"],
                   ("class", "score", "reasons", "previous_class", "factors", "cause"))


class RiskClassBoard(Projection):
    """企业信用风险分类 Each entity's A–D class as of the latest run, and every change of it."""

    name = "credit_risk_classes"
    tables = (risk_classes, risk_class_history, risk_class_runs)

    @handles(ClassificationRun.Classified, ClassificationRun.MoreChangesRecorded)
    def classified(self, e: Any, position: int, unit: Unit) -> None:
        if isinstance(e, ClassificationRun.Classified):
            unit.execute(_RUN[unit.dialect.name],
                         {"classified_on": e.on, "classified": e.classified})
        texts = reason_texts(e.reasons, e.indicators)
        bits = reason_bits(e.reasons, e.indicators)
        upsert = _CLASSIFY[unit.dialect.name]
        rows = [{"entity_no": no, "class": k, "score": s, "reasons": t}
                for no, k, s, t in zip(e.entity_no, e.risk_class, e.score, texts)]
        for row, b in zip(rows, bits):
            unit.execute(upsert, {**row, "reason_bits": b, "classified_on": e.on})
        history = _HISTORY[unit.dialect.name]
        for row in rows:
            unit.execute(history, {**row, "classified_on": e.on, "previous_class": None,
                                   "factors": None, "cause": None})

    @handles(RiskClassChange.ClassChanged)
    def changed(self, e: Any, position: int, unit: Unit) -> None:
        row = {"entity_no": e.entity_no, "class": e.risk_class, "score": e.score,
               "reasons": reason_texts([e.reasons], e.indicators)[0]}
        unit.execute(_CHANGE[unit.dialect.name],
                     {**row, "reason_bits": reason_bits([e.reasons], e.indicators)[0],
                      "classified_on": e.on, "changed_on": e.on})
        unit.execute(_HISTORY[unit.dialect.name],
                     {**row, "classified_on": e.on, "previous_class": e.previous_class,
                      "factors": factors_json(e.factors), "cause": e.cause})

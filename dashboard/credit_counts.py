"""Counts of the red list and the A–D classes by region and industry section, projected from
credit's events (runner `dashboard_on_credit`), so the overview never groups a million rows.

``risk_class_counts`` holds one set per classification day (the trend); ``red_list_counts`` one
snapshot per evaluated day, older days thinned to month starts. Both move by the changes an
event carries: each projection remembers, per entity, the area (and class) it counted it in
(``risk_class_scopes``, ``red_list_scopes``), so a change takes one away where it was counted
and adds one where it now belongs, and no other runner's tables are read. An entity is counted
in the area its latest change recorded (credit's events carry it).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from credit.rating.evaluations import ClassificationRun, RedListDay, RiskClassChange
from dashboard.tables import (
    red_list_counts,
    red_list_scopes,
    risk_class_counts,
    risk_class_scopes,
)
from kernel.projections import Projection, Unit, handles

LOOKUP = 500   # entity numbers a lookup of remembered areas binds


def _adder(dialect: Any, table: sa.Table, key: list[str], value: str) -> Any:
    stmt = dialect.insert(table)
    return stmt.on_conflict_do_update(index_elements=key,
                                      set_={value: table.c[value] + stmt.excluded[value]})


def _remembered(unit: Unit, table: sa.Table, nos: list[int], *columns: str) -> dict[int, tuple]:
    """entity_no -> the remembered columns, for those of `nos` remembered."""
    stmt = (sa.select(table.c.entity_no, *(table.c[c] for c in columns))
            .where(table.c.entity_no.in_(sa.bindparam("nos", expanding=True))))
    out: dict[int, tuple] = {}
    for i in range(0, len(nos), LOOKUP):
        out.update((r[0], tuple(r[1:])) for r in unit.query(stmt, {"nos": nos[i:i + LOOKUP]}))
    return out


_RC_KEY = ["classified_on", "region_int", "industry_section", "risk_class"]
DIALECTS = {"sqlite": sqlite, "postgresql": postgresql}


def _remember(dialect: Any) -> Any:
    stmt = dialect.insert(risk_class_scopes)
    return stmt.on_conflict_do_update(
        index_elements=["entity_no"],
        set_={k: stmt.excluded[k] for k in ("region_int", "industry_section", "risk_class")})


_RC_ADD = {n: _adder(d, risk_class_counts, _RC_KEY, "entities") for n, d in DIALECTS.items()}
_RC_SCOPE = {n: _remember(d) for n, d in DIALECTS.items()}
_RC_EMPTY = risk_class_counts.delete().where(
    risk_class_counts.c.classified_on == sa.bindparam("b_on"), risk_class_counts.c.entities == 0)


class RiskClassCounts(Projection):
    """A–D classes (internal) per region and industry section at each classification."""

    name = "risk_class_counts"
    tables = (risk_class_scopes, risk_class_counts)

    @handles(ClassificationRun.Classified, ClassificationRun.MoreChangesRecorded)
    def classified(self, e: Any, position: int, unit: Unit) -> None:
        c = risk_class_counts.c
        if isinstance(e, ClassificationRun.Classified):
            # the new run starts from the previous one; its changes move entities between groups
            previous = unit.query(sa.select(sa.func.max(c.classified_on))
                                  .where(c.classified_on < e.on)).scalar()
            if previous is not None:
                unit.query(risk_class_counts.insert().from_select(
                    _RC_KEY + ["entities"],
                    sa.select(sa.literal(e.on, sa.Date), c.region_int, c.industry_section,
                              c.risk_class, c.entities).where(c.classified_on == previous)))
        old = _remembered(unit, risk_class_scopes, list(e.entity_no), "region_int",
                          "industry_section", "risk_class")
        delta: Counter = Counter()
        for no, k, region, section in zip(e.entity_no, e.risk_class, e.region, e.section):
            if no in old:
                delta[old[no]] -= 1
            delta[(region, section, k)] += 1
        dialect = unit.conn.dialect.name
        for no, k, region, section in zip(e.entity_no, e.risk_class, e.region, e.section):
            unit.execute(_RC_SCOPE[dialect], {"entity_no": no, "region_int": region,
                                              "industry_section": section, "risk_class": k})
        for (region, section, k), n in sorted(delta.items()):
            if n:
                unit.execute(_RC_ADD[dialect], {"classified_on": e.on, "region_int": region,
                                                "industry_section": section, "risk_class": k,
                                                "entities": n})
        unit.execute(_RC_EMPTY, {"b_on": e.on})

    @handles(RiskClassChange.ClassChanged)
    def changed(self, e: Any, position: int, unit: Unit) -> None:
        """A reactive change moves the entity in the latest classification's counts (the next
        run starts from them); before the first run, nothing: that run counts everyone."""
        c = risk_class_counts.c
        day = unit.query(sa.select(sa.func.max(c.classified_on))).scalar()
        if day is None:
            return
        old = _remembered(unit, risk_class_scopes, [e.entity_no], "region_int",
                          "industry_section", "risk_class")
        dialect = unit.conn.dialect.name
        unit.execute(_RC_SCOPE[dialect], {"entity_no": e.entity_no, "region_int": e.region,
                                          "industry_section": e.section,
                                          "risk_class": e.risk_class})
        delta: Counter = Counter({(e.region, e.section, e.risk_class): 1})
        if e.entity_no in old:
            delta[old[e.entity_no]] -= 1
        for (region, section, k), n in sorted(delta.items()):
            if n:
                unit.execute(_RC_ADD[dialect], {"classified_on": day, "region_int": region,
                                                "industry_section": section, "risk_class": k,
                                                "entities": n})
        unit.execute(_RC_EMPTY, {"b_on": day})


_RL_KEY = ["counted_on", "region_int", "industry_section"]
_RL_ADD = {n: _adder(d, red_list_counts, _RL_KEY, "members") for n, d in DIALECTS.items()}
_RL_JOIN = red_list_scopes.insert()
_RL_LEAVE = red_list_scopes.delete().where(red_list_scopes.c.entity_no == sa.bindparam("b_no"))


class RedListCounts(Projection):
    """守信激励 Red-list members per region and industry section on each evaluated day (the
    latest, and the first of each month for the trend)."""

    name = "red_list_counts"
    tables = (red_list_scopes, red_list_counts)

    @handles(RedListDay.Evaluated, RedListDay.Reevaluated, RedListDay.MoreChangesRecorded)
    def changed(self, e: Any, position: int, unit: Unit) -> None:
        delta: Counter = Counter()
        for scope in _remembered(unit, red_list_scopes, list(e.left), "region_int",
                                 "industry_section").values():
            delta[scope] -= 1
        for region, section in zip(e.region, e.section):
            delta[(region, section)] += 1
        for no in e.left:
            unit.execute(_RL_LEAVE, {"b_no": no})
        for no, region, section in zip(e.joined, e.region, e.section):
            unit.execute(_RL_JOIN, {"entity_no": no, "region_int": region,
                                    "industry_section": section})
        self._count(unit, e.on, delta)

    @staticmethod
    def _count(unit: Unit, on: date, delta: Counter) -> None:
        """Members on `on` (and on every counted day after it: no change was recorded between)
        = the latest snapshot + `delta`; days before the latest kept only on month starts."""
        c = red_list_counts.c
        days = set(unit.query(sa.select(c.counted_on).distinct()).scalars())
        if on not in days and days:
            unit.query(red_list_counts.insert().from_select(
                _RL_KEY + ["members"],
                sa.select(sa.literal(on, sa.Date), c.region_int, c.industry_section, c.members)
                .where(c.counted_on == max(days))))
        days.add(on)
        add = _RL_ADD[unit.conn.dialect.name]
        for day in sorted(d for d in days if d >= on):
            for (region, section), n in sorted(delta.items()):
                if n:
                    unit.execute(add, {"counted_on": day, "region_int": region,
                                       "industry_section": section, "members": n})
        unit.query(red_list_counts.delete().where(c.members == 0))
        thinned = [d for d in days if d < max(days) and d.day != 1]
        if thinned:
            unit.query(red_list_counts.delete().where(c.counted_on.in_(thinned)))


def dashboard_projections_of_credit() -> list[Projection]:
    return [RiskClassCounts(), RedListCounts()]

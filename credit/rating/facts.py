"""An entity's credit facts as numpy arrays: one SELECT per fact table, no per-row Python objects.

Every date becomes an int32 day number (days since 1970-01-01) inside the SELECT, and "never"
(not removed, not repaired) becomes `NEVER`, so a whole province loads straight from the DB-API
cursor into arrays and is scored in one vectorised pass (credit.rating.scoring, credit.lists.red_list). Fact
rows point at entities by position (`entity`, an index into `entity_no`), not by code.
Supervision's read models (`entity_pool`, `entities`, `task_results`, `annual_reports`) are read,
never its aggregates.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from credit.commitments.tables import commitments
from credit.lists.tables import abnormal_listings, commendations, serious_listings
from credit.penalties.case import PENALTY_KINDS
from credit.penalties.tables import penalties
from credit.rules import Rules
from kernel.db import fetch_ints  # noqa: F401  (rating and red_list import it from here)
from kernel.kept import fetch_ints_kept
from supervision.directory.views import annual_reports, entities, entity_pool
from supervision.plans.pool import epoch_day
from supervision.tasks.views import task_results

NEVER = 1 << 30          # a day number no fact reaches: "not removed", "not repaired"
ACTIVE, INDIVIDUAL = 0, 1  # supervision.directory.entities STATUSES / ENTITY_TYPES indexes
Rows = dict[str, np.ndarray]


@dataclass(frozen=True, eq=False)
class CreditFacts:
    """Entities (sorted by entity_no) and the fact rows of each table, as of any date."""

    entity_no: np.ndarray                 # int64, ascending
    registered: np.ndarray                # int32 day
    active: np.ndarray                    # bool: status active now
    individual: np.ndarray                # bool: individual business (marked, not listed)
    penalties: Rows = field(default_factory=dict)    # entity, decided, severity, fine_or_above,
    #                                                  ended (revoked/changed), repaired
    serious: Rows = field(default_factory=dict)      # entity, since, until
    abnormal: Rows = field(default_factory=dict)     # entity, since, until
    false_commitments: Rows = field(default_factory=dict)  # entity, found, repaired
    results: Rows = field(default_factory=dict)      # entity, day, negative, clean
    reports: Rows = field(default_factory=dict)      # entity, year, filed
    commendations: Rows = field(default_factory=dict)  # entity, since, until (revoked or ended)
    # where each entity is (entity_pool's region_int and industry_section, read with the
    # entities): what a classification records beside a class. Empty for made-up facts.
    region: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    section: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def size(self) -> int:
        return int(self.entity_no.size)


def day_of(conn: sa.Connection, column: Any) -> Any:
    """SQL for `column` as days since 1970-01-01 (NULL → NEVER), on SQLite and PostgreSQL."""
    if conn.dialect.name == "sqlite":
        days = sa.cast(sa.func.julianday(column) - 2440587.5, sa.Integer)
    else:
        days = column - sa.literal_column("DATE '1970-01-01'")
    return sa.func.coalesce(days, NEVER)


def _kind_sets(kinds: tuple[str, ...]) -> list[str]:
    """Every non-empty subset of `kinds`, spelt as the read model stores it (canonical order)."""
    ordered = [k for k in PENALTY_KINDS if k in kinds]
    return [",".join(c) for r in range(1, len(ordered) + 1) for c in combinations(ordered, r)]


def _rows(conn: sa.Connection, stmt: sa.Select, names: tuple[str, ...],
          entity_no: np.ndarray, ref: tuple[Any, ...] | None = None,
          kept: tuple[sa.Table, ...] = ()) -> Rows:
    """Fetch rows whose first column is an entity_no; map it to the entity's position. With
    `ref` (kind, id column, number column), each row also carries the record it comes from
    (`ref`: an object array of {kind, id, no}): the few entities a reactive change rescores.
    `kept`: the read-model tables a whole-table load reads, kept between loads while their
    projections stand still (kernel.kept.fetch_ints_kept)."""
    if ref is None:
        a = (fetch_ints_kept(conn, stmt, len(names), kept) if kept
             else fetch_ints(conn, stmt, len(names)))
        refs = None
    else:
        kind, id_col, no_col = ref
        rows = conn.execute(stmt.add_columns(id_col, no_col)).all()
        a = np.array([r[:len(names)] for r in rows], np.int64).reshape(-1, len(names))
        refs = np.empty(len(rows), object)
        refs[:] = [{"kind": kind, "id": str(r[-2]), "no": None if r[-1] is None else str(r[-1])}
                   for r in rows]
    at = np.searchsorted(entity_no, a[:, 0])
    ok = at < entity_no.size
    ok[ok] = entity_no[at[ok]] == a[ok, 0]
    out = {"entity": at[ok].astype(np.int64)}
    out.update({n: a[ok, i].astype(np.int32) for i, n in enumerate(names) if i})
    if refs is not None:
        out["ref"] = refs[ok]
    return out


def _among(conn: sa.Connection,
           among: sa.SelectBase | Sequence[int] | None) -> Callable[[Any], Any]:
    """column → "entity_no among the selected" (or among the entity_nos given): the selection
    is read once and bound as one value (a PostgreSQL array, a JSON array for SQLite's
    json_each), so every fact query looks its few entities up by index whatever the planner
    thinks of a sub-select, with no limit on how many there are."""
    if among is None:
        return lambda column: sa.true()
    if isinstance(among, (list, tuple)):
        return among_nos(conn, [int(n) for n in among])
    return among_nos(conn, [int(n) for n in conn.scalars(among)])


def among_nos(conn: sa.Connection, nos: list[int]) -> Callable[[Any], Any]:
    """column → "entity_no is one of `nos`", bound as one value (see `_among`)."""
    if conn.dialect.name == "postgresql":
        array = sa.bindparam("among_nos", nos, type_=postgresql.ARRAY(sa.BigInteger))
        return lambda column: column == sa.any_(array)
    listed = sa.select(sa.column("value", sa.BigInteger)).select_from(
        sa.func.json_each(sa.bindparam("among_nos", json.dumps(nos))))
    return lambda column: column.in_(listed)


def load_facts(conn: sa.Connection, rules: Rules, report_years: tuple[int, ...] = (),
               among: sa.SelectBase | Sequence[int] | None = None,
               refs: bool = False) -> CreditFacts:
    """Every entity and its credit facts, each table in one SELECT (annual reports of
    `report_years` only: the years the score looks at); only the entities whose entity_no
    `among` selects or lists, if given (the daily red-list run reads a few thousand, not the
    province).
    `refs`: every fact row also names its record (a reactive change's few entities only)."""
    only = _among(conn, among)

    def ref(kind: str, id_col: Any, no_col: Any) -> tuple[Any, ...] | None:
        return (kind, id_col, no_col) if refs else None

    # supervision's read models, read whole for a province: kept between loads while their
    # projections have not moved (the rules' runs write credit's tables, not these)
    whole = among is None and not refs
    ep = entity_pool.c
    stmt = sa.select(ep.entity_no, ep.registered_day, ep.status_code, ep.type_code,
                     ep.region_int, ep.industry_section).where(only(ep.entity_no))
    base = (fetch_ints_kept(conn, stmt, 6, (entity_pool,)) if whole
            else fetch_ints(conn, stmt, 6))
    if base.shape[0] > 1 and not (base[1:, 0] > base[:-1, 0]).all():
        base = base[np.argsort(base[:, 0], kind="stable")]
    nos = np.ascontiguousarray(base[:, 0])
    by_uscc = entities.c.uscc

    p = penalties.c
    low = float(rules.publicity.low_fine_threshold_yuan)  # the raw cursor binds no Decimal
    minor = sa.and_(p.kinds.in_(_kind_sets(("warning", "circulated_criticism", "fine"))),
                    sa.func.coalesce(p.fine_amount, 0) <= low)
    severity = sa.case((p.heavier_penalty.is_(True), 2), (minor, 0), else_=1)
    below_fine = sa.case((p.kinds.in_(_kind_sets(("warning", "circulated_criticism"))), 0),
                         else_=1)
    ended = sa.case((p.status.in_(("changed", "revoked")), day_of(conn, p.revoked_on)),
                    else_=NEVER)
    pen = _rows(conn, sa.select(entities.c.entity_no, day_of(conn, p.decided_on), severity,
                                below_fine, ended, day_of(conn, p.repaired_on))
                .join(entities, by_uscc == p.uscc)
                .where(p.decided_on.is_not(None), only(entities.c.entity_no)),
                ("entity", "decided", "severity", "fine_or_above", "ended", "repaired"), nos,
                ref("penalty", p.case_id, p.decision_no))

    s = serious_listings.c
    ser = _rows(conn, sa.select(entities.c.entity_no, day_of(conn, s.listed_on),
                                day_of(conn, sa.func.coalesce(s.removed_on, s.auto_removal_on)))
                .join(entities, by_uscc == s.uscc)
                .where(s.listed_on.is_not(None), only(entities.c.entity_no)),
                ("entity", "since", "until"), nos,
                ref("serious_listing", s.listing_id + "#" + sa.cast(s.cycle, sa.String),
                    s.decision_no))
    a = abnormal_listings.c
    abn = _rows(conn, sa.select(entities.c.entity_no, day_of(conn, a.listed_on),
                                day_of(conn, a.removed_on))
                .join(entities, by_uscc == a.uscc)
                .where(a.listed_on.is_not(None), only(entities.c.entity_no)),
                ("entity", "since", "until"), nos,
                ref("abnormal_listing", a.listing_id + "#" + sa.cast(a.cycle, sa.String),
                    a.grounds))
    c = commitments.c
    false = _rows(conn, sa.select(entities.c.entity_no, day_of(conn, c.verified_on),
                                  day_of(conn, c.repaired_on))
                  .join(entities, by_uscc == c.uscc)
                  .where(c.status == "false", only(entities.c.entity_no)),
                  ("entity", "found", "repaired"), nos,
                  ref("false_commitment", c.commitment_id, c.permit_type))
    m = commendations.c
    # a revocation always falls before the end of validity (Commendation.revoke)
    com = _rows(conn, sa.select(entities.c.entity_no, day_of(conn, m.granted_on),
                                day_of(conn, sa.func.coalesce(m.revoked_on, m.valid_until)))
                .join(entities, by_uscc == m.uscc).where(only(entities.c.entity_no)),
                ("entity", "since", "until"), nos)
    t = task_results.c
    res = _rows(conn, sa.select(t.entity_no, day_of(conn, t.inspected_on),
                                sa.case((sa.and_(t.problem_found.is_(True),
                                                 t.follow_up != "none"), 1), else_=0),
                                sa.case((t.problem_found.is_(True), 0), else_=1))
                .where(only(t.entity_no)),
                ("entity", "day", "negative", "clean"), nos,
                ref("inspection_result", t.task_id + ":" + t.department, t.result_code),
                kept=(task_results,) if whole else ())
    r = annual_reports.c
    rep = _rows(conn, sa.select(r.entity_no, r.year, day_of(conn, r.filed_on))
                .where(r.year.in_(report_years or (0,)), only(r.entity_no)),
                ("entity", "year", "filed"), nos,
                ref("annual_report", sa.cast(r.year, sa.String), r.filed_on),
                kept=(annual_reports,) if whole else ())
    return CreditFacts(entity_no=nos, registered=base[:, 1].astype(np.int32),
                       active=base[:, 2] == ACTIVE, individual=base[:, 3] == INDIVIDUAL,
                       region=base[:, 4], section=base[:, 5],
                       penalties=pen, serious=ser, abnormal=abn, false_commitments=false,
                       results=res, reports=rep, commendations=com)


def day_number(d: date) -> int:
    return epoch_day(d)

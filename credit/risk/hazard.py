"""Inherent hazard points of entities from the read models: industry section and type
(entity_pool), licensed activities (distinct permit types of commitments not found false)."""

from __future__ import annotations

import numpy as np
import sqlalchemy as sa

from credit.commitments.tables import commitments
from credit.rating.facts import among_nos, fetch_ints
from credit.risk.rules import HazardRules, hazard_points
from supervision.directory.views import entities, entity_pool

INDIVIDUAL = 1   # supervision.directory ENTITY_TYPES index


def _spread(nos: np.ndarray, rows: np.ndarray, default: int = 0) -> np.ndarray:
    out = np.full(nos.size, default, np.int64)
    if rows.size:
        at = np.searchsorted(nos, rows[:, 0])
        ok = at < nos.size
        ok[ok] = nos[at[ok]] == rows[ok, 0]
        out[at[ok]] = rows[ok, 1]
    return out


def stored_hazard(conn: sa.Connection, rules: HazardRules, entity_no: np.ndarray) -> np.ndarray:
    """Hazard points per entity of `entity_no` (ascending)."""
    nos = np.asarray(entity_no, np.int64)
    ep = entity_pool.c
    few = nos.size <= 20_000
    only = among_nos(conn, [int(n) for n in nos]) if few else (lambda c: sa.true())
    section = _spread(nos, fetch_ints(conn, sa.select(ep.entity_no, ep.industry_section)
                                      .where(only(ep.entity_no)), 2))
    kind = _spread(nos, fetch_ints(conn, sa.select(ep.entity_no, ep.type_code)
                                   .where(only(ep.entity_no)), 2))
    k = commitments.c
    licences = _spread(nos, fetch_ints(conn, sa.select(
        entities.c.entity_no, sa.func.count(sa.distinct(k.permit_type)))
        .join(entities, entities.c.uscc == k.uscc)
        .where(k.status != "false", only(entities.c.entity_no))
        .group_by(entities.c.entity_no), 2))
    return hazard_points(section, kind == INDIVIDUAL, licences, rules)

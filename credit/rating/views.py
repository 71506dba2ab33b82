"""Read side of the A–D classes (internal, supervisors only): an entity's class history with
the reasons of each change (企业信用风险分类; never on a public route or page)."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from credit.rating.tables import risk_class_history
from kernel.rulebook import RISK_CLASSES


def class_history(conn: sa.Connection, entity_no: int) -> list[dict[str, Any]]:
    """Every change of the entity's class, oldest first: the class, score, indicators, the
    factors with their records (reactive changes) and what caused it (None: a monthly run)."""
    h = risk_class_history.c
    rows = conn.execute(sa.select(risk_class_history).where(h.entity_no == entity_no)
                        .order_by(h.classified_on))
    out = []
    for r in rows:
        m = r._mapping
        previous = m["previous_class"]
        out.append({"classified_on": m["classified_on"], "risk_class": RISK_CLASSES[m["class"]],
                    "previous_class": None if previous is None else RISK_CLASSES[previous],
                    "score": m["score"],
                    "indicators": [n for n in m["reasons"].split(",") if n],
                    "factors": json.loads(m["factors"]) if m["factors"] else None,
                    "cause": m["cause"] or "monthly classification 月度分类"})
    return out

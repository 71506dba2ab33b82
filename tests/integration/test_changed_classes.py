"""The monthly run records only the entities whose class, score or reasons moved: the stored
reasons (','-joined indicator names) are turned into the run's bitmask (each distinct list once),
on SQLite and PostgreSQL, every indicator included."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from credit.rating.scoring import Classification, changed_classes, reason_texts
from credit.rating.tables import risk_classes
from credit.rules import RISK_INDICATORS

ALL = (1 << len(RISK_INDICATORS)) - 1


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_changed_classes_compares_class_score_and_every_reason(platform):
    masks = [0, 1, ALL, 1 << (len(RISK_INDICATORS) - 1), 0b1010, 0b0110]
    stored = {"entity_no": [10, 11, 12, 13, 14, 15], "class": [0, 1, 3, 2, 1, 2],
              "score": [25.0, 6.5, 80.0, 12.0, 7.0, 30.5]}
    texts = reason_texts(masks, list(RISK_INDICATORS))
    with platform.engine.begin() as conn:
        conn.execute(risk_classes.insert(), [
            {"entity_no": no, "class": k, "score": s, "reasons": t,
             "classified_on": date(2026, 10, 1)}
            for no, k, s, t in zip(stored["entity_no"], stored["class"], stored["score"], texts)])
    # 10-13 as stored; 14 another reason, 15 another score, 16 never classified; then 10 moves
    run = Classification(
        entity_no=np.array([10, 11, 12, 13, 14, 15, 16], np.int64),
        risk_class=np.array([0, 1, 3, 2, 1, 2, 1], np.int8),
        score=np.array([25.0, 6.5, 80.0, 12.0, 7.0, 31.0, 0.0]),
        reasons=np.array([0, 1, ALL, masks[3], 0b1011, 0b0110, 0], np.uint32))
    with platform.engine.connect() as conn:
        assert changed_classes(conn, run).tolist() == [False] * 4 + [True] * 3
        run.risk_class[0] = 1
        assert changed_classes(conn, run).tolist() == [True] + [False] * 3 + [True] * 3

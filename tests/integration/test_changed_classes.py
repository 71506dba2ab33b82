"""The monthly run records only the entities whose class, score or reasons moved: the projection
stores each entity's reasons as a bitmask over RISK_INDICATORS (from the event's own indicator
list, whatever its order), the run compares numbers, on SQLite and PostgreSQL, every indicator
included; stores migrated with classes already projected get the same bits."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import sqlalchemy as sa

from credit.rating.scoring import Classification, changed_classes, reason_bits, reason_texts
from credit.rating.tables import risk_classes
from credit.rules import RISK_INDICATORS
from kernel.db import create_engine
from opencheck.migrate import downgrade, upgrade

ALL = (1 << len(RISK_INDICATORS)) - 1
MASKS = [0, 1, ALL, 1 << (len(RISK_INDICATORS) - 1), 0b1010, 0b0110]
STORED = {"entity_no": [10, 11, 12, 13, 14, 15], "class": [0, 1, 3, 2, 1, 2],
          "score": [25.0, 6.5, 80.0, 12.0, 7.0, 30.5]}


def test_bits_translate_an_events_indicator_order():
    older = list(reversed(RISK_INDICATORS))   # an event recorded under another order
    over_older = [sum(1 << (len(older) - 1 - i) for i in range(len(older)) if m >> i & 1)
                  for m in MASKS]
    assert reason_bits(over_older, older) == MASKS
    assert reason_bits(MASKS, list(RISK_INDICATORS)) == MASKS
    assert reason_bits([0b11], ["gone_indicator", RISK_INDICATORS[2]]) == [1 << 2]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_changed_classes_compares_class_score_and_every_reason(platform):
    texts = reason_texts(MASKS, list(RISK_INDICATORS))
    with platform.engine.begin() as conn:
        conn.execute(risk_classes.insert(), [
            {"entity_no": no, "class": k, "score": s, "reasons": t, "reason_bits": b,
             "classified_on": date(2026, 10, 1)}
            for no, k, s, t, b in zip(STORED["entity_no"], STORED["class"], STORED["score"],
                                      texts, MASKS)])
    # 10-13 as stored; 14 another reason, 15 another score, 16 never classified; then 10 moves
    run = Classification(
        entity_no=np.array([10, 11, 12, 13, 14, 15, 16], np.int64),
        risk_class=np.array([0, 1, 3, 2, 1, 2, 1], np.int8),
        score=np.array([25.0, 6.5, 80.0, 12.0, 7.0, 31.0, 0.0]),
        reasons=np.array([0, 1, ALL, MASKS[3], 0b1011, 0b0110, 0], np.uint32))
    with platform.engine.connect() as conn:
        assert changed_classes(conn, run).tolist() == [False] * 4 + [True] * 3
        run.risk_class[0] = 1
        assert changed_classes(conn, run).tolist() == [True] + [False] * 3 + [True] * 3


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_the_migration_gives_projected_classes_their_bits(settings):
    upgrade(settings, "c014_risk")
    engine = create_engine(settings)
    texts = reason_texts(MASKS, list(RISK_INDICATORS))
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO risk_classes (entity_no, class, score, reasons, "
                             "classified_on) VALUES (:no, 1, 5.0, :reasons, '2026-10-01')"),
                     [{"no": no, "reasons": t} for no, t in zip(STORED["entity_no"], texts)])
    upgrade(settings)
    with engine.connect() as conn:
        bits = dict(conn.execute(sa.select(risk_classes.c.entity_no,
                                           risk_classes.c.reason_bits)).all())
    assert [bits[no] for no in STORED["entity_no"]] == MASKS
    downgrade(settings, "c014_risk")   # and back: the column goes, the classes stay
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM risk_classes")).scalar() == 6
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_a_run_rewrites_only_the_classes_it_changes(platform):
    """A monthly run records its day in risk_class_runs; the rows of classes it leaves alone keep
    the day that wrote them, and readers see them as of the latest run."""
    from credit.jobs import reclassify
    from credit.rating.tables import risk_class_runs
    from credit.record.views import risk_of
    from tests.integration.credit_helpers import register

    register(platform, [1, 2, 3], reports_until=2025)
    platform.settle()
    first, second = date(2026, 8, 3), date(2026, 9, 1)
    assert reclassify(platform, first) is not None
    platform.catch_up()
    assert reclassify(platform, second) is not None   # nothing changed: nothing rewritten
    platform.catch_up()
    with platform.engine.connect() as conn:
        runs = conn.execute(sa.select(risk_class_runs).order_by("classified_on")).all()
        days = set(conn.scalars(sa.select(risk_classes.c.classified_on)))
        no = conn.scalar(sa.select(sa.func.min(risk_classes.c.entity_no)))
        risk = risk_of(conn, no, platform.rules)
    assert [(r.classified_on, r.classified) for r in runs] == [(first, 3), (second, 3)]
    assert days == {first} and risk["classified_on"] == second
    # a late run for a day before the latest is refused, as before
    assert reclassify(platform, date(2026, 8, 20)) is None


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_the_migration_lists_the_runs_already_projected(settings):
    upgrade(settings, "c015")
    engine = create_engine(settings)
    with engine.begin() as conn:   # as runs on 08-01 and 09-01 left them, with a change on 09-10
        conn.execute(sa.text("INSERT INTO risk_classes (entity_no, class, score, reasons, "
                             "classified_on, changed_on) VALUES (:no, 1, 5.0, '', :on, :changed)"),
                     [{"no": 1, "on": "2026-09-01", "changed": None},
                      {"no": 2, "on": "2026-09-01", "changed": "2026-09-10"}])
        conn.execute(sa.text("INSERT INTO risk_class_history (entity_no, classified_on, class, "
                             "score, reasons, cause) VALUES (:no, :on, 1, 5.0, '', :cause)"),
                     [{"no": 1, "on": "2026-08-01", "cause": None},
                      {"no": 2, "on": "2026-08-01", "cause": None},
                      {"no": 2, "on": "2026-09-10", "cause": "penalty"}])
    upgrade(settings)
    with engine.connect() as conn:
        runs = conn.execute(sa.text("SELECT classified_on, classified FROM risk_class_runs "
                                    "ORDER BY classified_on")).all()
    assert [(str(d), n) for d, n in runs] == [("2026-08-01", 2), ("2026-09-01", 2)]
    with engine.begin() as conn:   # a run after the upgrade leaves entity 1's row as it was
        conn.execute(sa.text("INSERT INTO risk_class_runs VALUES ('2026-10-01', 2)"))
    downgrade(settings, "c015")   # and back: every row carries the latest run's day again
    with engine.connect() as conn:
        days = conn.execute(sa.text("SELECT classified_on FROM risk_classes")).scalars().all()
    assert [str(d) for d in days] == ["2026-10-01"] * 2
    engine.dispose()

"""企业信用风险分类 A–D credit risk classes: a transparent score, vectorised over a province.

score = base + Σ points × min(count, max_count) over the indicators (credit.rules
`risk_scoring`), raised to the floor of any veto indicator that holds, clipped to [0, 100];
class = `np.digitize(score, cut_points)` (0..3 = A..D). Every indicator is evaluated as of one
date from the facts' effective dates, so a late run scores exactly what an on-time run did.
The class is an internal tool for allocating inspections (DOMAIN §7): it is stored in
`risk_classes` and read by supervisors and the drawer, never by a public route or page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import repeat

import numpy as np
import sqlalchemy as sa

from credit.rating.facts import CreditFacts, day_number, fetch_ints, load_facts
from credit.rules import RISK_INDICATORS, AbnormalListRules, RiskScoringRules, Rules
from credit.tables import risk_classes
from kernel.rulebook import RISK_CLASSES
from kernel.workdays import add_years

CLASS_B = 1


@dataclass(frozen=True, eq=False)
class Classification:
    entity_no: np.ndarray    # int64
    risk_class: np.ndarray   # int8, 0..3 = A..D
    score: np.ndarray        # float64, one decimal
    reasons: np.ndarray      # uint32 bitmask over RISK_INDICATORS


def report_years(on: date, rules: AbnormalListRules, years: int) -> tuple[int, ...]:
    """The last `years` report years whose due date (30 June of the next year) is before `on`."""
    last = on.year - 1 if on > rules.annual_report_due(on.year) else on.year - 2
    return tuple(range(last - years + 1, last + 1))


def _per_entity(f: CreditFacts, rows: dict[str, np.ndarray], mask: np.ndarray) -> np.ndarray:
    return np.bincount(rows["entity"][mask], minlength=f.size)


def _held(f: CreditFacts, rows: dict[str, np.ndarray], d: int) -> np.ndarray:
    """Entities on a list (since ≤ d < until) on day d."""
    if not rows["entity"].size:
        return np.zeros(f.size, np.int64)
    return _per_entity(f, rows, (rows["since"] <= d) & (d < rows["until"]))


def indicator_counts(f: CreditFacts, rules: RiskScoringRules, abnormal: AbnormalListRules,
                     on: date) -> dict[str, np.ndarray]:
    """How often each indicator holds for each entity on `on` (int64 arrays of f.size)."""
    d = day_number(on)
    years_ago = {y: day_number(add_years(on, -y)) for y in
                 {rules.recent_years, rules.penalty_window_years, rules.inspection_years,
                  rules.new_entity_years, rules.established_years}}
    p = f.penalties
    in_force = (p["decided"] <= d) & (p["ended"] > d) & (p["repaired"] > d)
    recent = p["decided"] > years_ago[rules.recent_years]
    window = p["decided"] > years_ago[rules.penalty_window_years]
    sev = p["severity"]
    fc = f.false_commitments
    r = f.results
    seen = (r["day"] <= d) & (r["day"] > years_ago[rules.inspection_years])
    latest = np.full(f.size, -1, np.int64)
    np.maximum.at(latest, r["entity"][seen], r["day"][seen])
    on_latest = seen & (r["day"] == latest[r["entity"]])
    clean = (_per_entity(f, r, on_latest) > 0) & (_per_entity(f, r, on_latest & (r["clean"] == 0))
                                                  == 0)
    years = report_years(on, abnormal, rules.on_time_years)
    required = np.zeros((len(years), f.size), bool)
    on_time = np.zeros((len(years), f.size), bool)
    rep = f.reports
    for i, y in enumerate(years):
        required[i] = f.registered <= day_number(date(y, 12, 31))
        due = day_number(abnormal.annual_report_due(y + 1))
        ok = (rep["year"] == y) & (rep["filed"] <= min(due, d))
        on_time[i, rep["entity"][ok]] = True
    return {
        "serious_list": _held(f, f.serious, d),
        "abnormal_list": _held(f, f.abnormal, d),
        "heavy_penalty": _per_entity(f, p, in_force & recent & (sev == 2)),
        "penalty_recent": _per_entity(f, p, in_force & recent & (sev == 1)),
        "penalty_older": _per_entity(f, p, in_force & ~recent & window & (sev >= 1)),
        "minor_penalty": _per_entity(f, p, in_force & recent & (sev == 0)),
        "false_commitment": _per_entity(f, fc, (fc["found"] <= d) & (fc["repaired"] > d)),
        "negative_result": _per_entity(f, r, seen & (r["negative"] == 1)),
        "clean_result": clean.astype(np.int64),
        "annual_report_missing": (required[-1] & ~on_time[-1]).astype(np.int64),
        "annual_reports_on_time": (required & on_time).all(axis=0).astype(np.int64),
        "new_entity": (f.registered > years_ago[rules.new_entity_years]).astype(np.int64),
        "established": (f.registered <= years_ago[rules.established_years]).astype(np.int64),
    }


def classify(f: CreditFacts, rules: RiskScoringRules, abnormal: AbnormalListRules,
             on: date) -> Classification:
    """Score and class every entity of `f` as of `on` in one pass."""
    counts = indicator_counts(f, rules, abnormal, on)
    score = np.full(f.size, rules.base, np.float64)
    floor = np.zeros(f.size, np.float64)
    reasons = np.zeros(f.size, np.uint32)
    for bit, (name, w) in enumerate(rules.indicators.items()):
        held = counts[name] > 0
        score += w.points * np.minimum(counts[name], w.max_count)
        if w.floor is not None:
            floor = np.where(held, np.maximum(floor, w.floor), floor)
        reasons |= held.astype(np.uint32) << np.uint32(bit)
    score = np.round(np.clip(np.maximum(score, floor), 0.0, 100.0), 1)
    risk_class = np.digitize(score, rules.cut_points).astype(np.int8)
    return Classification(f.entity_no, risk_class, score, reasons)


def reason_names(mask: int) -> list[str]:
    return [name for bit, name in enumerate(RISK_INDICATORS) if mask >> bit & 1]


def _reason_texts(reasons: np.ndarray) -> list[str]:
    """','-joined indicator names per entity, built once per distinct bitmask."""
    masks, inverse = np.unique(reasons, return_inverse=True)
    texts = np.array([",".join(reason_names(int(m))) for m in masks], dtype=object)
    return texts[inverse.ravel()].tolist()


def store_classes(conn: sa.Connection, c: Classification, on: date) -> int:
    """Replace the `risk_classes` read model with this classification (one transaction)."""
    conn.execute(risk_classes.delete())
    stmt = risk_classes.insert().compile(dialect=conn.dialect)
    names = ("entity_no", "class", "score", "reasons", "classified_on")
    day = on.isoformat() if conn.dialect.name == "sqlite" else on
    rows = zip(c.entity_no.tolist(), c.risk_class.tolist(), c.score.tolist(),
               _reason_texts(c.reasons), repeat(day))
    cursor = conn.connection.cursor()
    try:
        if conn.dialect.name == "postgresql":   # COPY: ~10× a psycopg executemany
            with cursor.copy('COPY risk_classes (entity_no, "class", score, reasons, '
                             'classified_on) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        elif stmt.positional:
            order = [names.index(k) for k in stmt.positiontup]
            cursor.executemany(str(stmt), [tuple(r[i] for i in order) for r in rows])
        else:
            cursor.executemany(str(stmt), [dict(zip(names, r)) for r in rows])
    finally:
        cursor.close()
    return int(c.entity_no.size)


class StoredRiskClasses:
    """`Platform.risk_classes`: the drawer's classes from the read model (unclassified → B)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def __call__(self, entity_no: np.ndarray) -> np.ndarray:
        with self.engine.connect() as conn:
            stored = fetch_ints(conn, sa.select(risk_classes.c.entity_no,
                                                risk_classes.c["class"]), 2)
        out = np.full(entity_no.size, CLASS_B, np.int8)
        if stored.size:
            order = np.argsort(stored[:, 0], kind="stable")
            nos, classes = stored[order, 0], stored[order, 1]
            at = np.searchsorted(nos, entity_no)
            hit = at < nos.size
            hit[hit] = nos[at[hit]] == entity_no[hit]
            out[hit] = classes[at[hit]]
        return out


def class_letter(risk_class: int) -> str:
    return RISK_CLASSES[risk_class]


def reclassify(engine: sa.Engine, rules: Rules, on: date) -> np.ndarray:
    """Re-classify every entity as of `on` into `risk_classes`; returns the count per class."""
    years = report_years(on, rules.abnormal_list, rules.risk_scoring.on_time_years)
    with engine.begin() as conn:
        facts = load_facts(conn, rules, years)
        c = classify(facts, rules.risk_scoring, rules.abnormal_list, on)
        store_classes(conn, c, on)
    return np.bincount(c.risk_class, minlength=len(RISK_CLASSES))

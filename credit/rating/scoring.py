"""企业信用风险分类 A–D credit risk classes: a transparent score, vectorised over a province.

score = base + Σ points × min(count, max_count) over the indicators (credit.rules
`risk_scoring`), raised to the floor of any veto indicator that holds, clipped to [0, 100];
class = `np.digitize(score, cut_points)` (0..3 = A..D). Every indicator is evaluated as of one
date from the facts' effective dates, so a late run scores exactly what an on-time run did.
The class is an internal tool for allocating inspections (DOMAIN §7): the monthly job records
each run's changes (credit.evaluations.ClassificationRun), projected into `risk_classes` and
`risk_class_history`, read by supervisors and the drawer, never by a public route or page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import chain

import numpy as np
import sqlalchemy as sa

from credit.rating.facts import CreditFacts, day_number, fetch_ints
from credit.rating.tables import red_list, risk_classes
from credit.rules import RISK_INDICATORS, AbnormalListRules, RiskScoringRules
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
    return _per_entity(f, rows, _in_force(rows, d))


def _in_force(rows: dict[str, np.ndarray], d: int) -> np.ndarray:
    """Rows of a list in force (since ≤ d < until) on day d."""
    return (rows["since"] <= d) & (d < rows["until"])


def indicator_counts(f: CreditFacts, rules: RiskScoringRules, abnormal: AbnormalListRules,
                     on: date) -> dict[str, np.ndarray]:
    """How often each indicator holds for each entity on `on` (int64 arrays of f.size)."""
    return indicators(f, rules, abnormal, on)[0]


def indicators(f: CreditFacts, rules: RiskScoringRules, abnormal: AbnormalListRules,
               on: date) -> tuple[dict[str, np.ndarray], dict[str, tuple[str, np.ndarray]]]:
    """The indicator counts, and for each indicator counting fact rows, which rows of which
    fact table it counts (the records behind it: credit.rating.changes explains with them)."""
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
    rows = {
        "serious_list": ("serious", _in_force(f.serious, d)),
        "abnormal_list": ("abnormal", _in_force(f.abnormal, d)),
        "heavy_penalty": ("penalties", in_force & recent & (sev == 2)),
        "penalty_recent": ("penalties", in_force & recent & (sev == 1)),
        "penalty_older": ("penalties", in_force & ~recent & window & (sev >= 1)),
        "minor_penalty": ("penalties", in_force & recent & (sev == 0)),
        "false_commitment": ("false_commitments", (fc["found"] <= d) & (fc["repaired"] > d)),
        "negative_result": ("results", seen & (r["negative"] == 1)),
    }
    counts = {name: _per_entity(f, getattr(f, table), mask)
              for name, (table, mask) in rows.items()}
    rows["clean_result"] = ("results", on_latest & clean[r["entity"]])
    return {
        **counts,
        "clean_result": clean.astype(np.int64),
        "annual_report_missing": (required[-1] & ~on_time[-1]).astype(np.int64),
        "annual_reports_on_time": (required & on_time).all(axis=0).astype(np.int64),
        "new_entity": (f.registered > years_ago[rules.new_entity_years]).astype(np.int64),
        "established": (f.registered <= years_ago[rules.established_years]).astype(np.int64),
    }, rows


def classify(f: CreditFacts, rules: RiskScoringRules, abnormal: AbnormalListRules,
             on: date, hazard: np.ndarray | None = None) -> Classification:
    """Score and class every entity of `f` as of `on` in one pass (plus `hazard` points, the
    inherent-hazard dimension, credit.risk.rules.HazardRules, when it is in the score)."""
    return score_counts(f, indicator_counts(f, rules, abnormal, on), rules, hazard)


def score_counts(f: CreditFacts, counts: dict[str, np.ndarray],
                 rules: RiskScoringRules, hazard: np.ndarray | None = None) -> Classification:
    """The score and class of every entity from its indicator counts (and hazard points)."""
    score = np.full(f.size, rules.base, np.float64)
    if hazard is not None:
        score += hazard
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


def reason_texts(masks: list[int], indicators: list[str]) -> list[str]:
    """','-joined indicator names per bitmask over `indicators`, each distinct mask built once."""
    texts: dict[int, str] = {}
    for m in set(masks):
        texts[m] = ",".join(name for bit, name in enumerate(indicators) if m >> bit & 1)
    return [texts[m] for m in masks]


def reason_bits(masks: list[int], indicators: list[str]) -> list[int]:
    """Bitmasks over `indicators` (an event's list) as bitmasks over RISK_INDICATORS (what
    `risk_classes.reason_bits` stores), each distinct mask translated once."""
    if list(indicators) == list(RISK_INDICATORS):
        return [int(m) for m in masks]
    at = [RISK_INDICATORS.index(n) if n in RISK_INDICATORS else None for n in indicators]
    bits: dict[int, int] = {}
    for m in set(masks):
        bits[m] = sum(1 << a for i, a in enumerate(at) if a is not None and m >> i & 1)
    return [bits[m] for m in masks]


def reason_mask(text: str) -> int:
    """The bitmask over RISK_INDICATORS of ','-joined indicator names (unknown names: none)."""
    return sum(1 << RISK_INDICATORS.index(name) for name in set(text.split(","))
               if name in RISK_INDICATORS)


_STORED = sa.select(risk_classes.c.entity_no, risk_classes.c["class"], risk_classes.c.score,
                    risk_classes.c.reason_bits)


def changed_classes(conn: sa.Connection, c: Classification) -> np.ndarray:
    """bool per entity of `c`: never classified, or its class, score or reasons differ from
    the `risk_classes` read model (what the previous classification recorded)."""
    result = conn.execute(_STORED)
    try:   # a million rows straight off the DB-API cursor (entity numbers fit a float64)
        stored = np.fromiter(chain.from_iterable(result.cursor), np.float64).reshape(-1, 4)
    finally:
        result.close()
    if not stored.size:
        return np.ones(c.entity_no.size, bool)
    stored = stored[np.argsort(stored[:, 0], kind="stable")]
    stored_no = stored[:, 0].astype(np.int64)
    at = np.searchsorted(stored_no, c.entity_no)
    hit = at < stored_no.size
    hit[hit] = stored_no[at[hit]] == c.entity_no[hit]
    row = stored[at[hit]]
    same = ((row[:, 1] == c.risk_class[hit]) & (row[:, 2] == c.score[hit])
            & (row[:, 3].astype(np.int64) == c.reasons[hit]))
    changed = np.ones(c.entity_no.size, bool)
    changed[np.flatnonzero(hit)[same]] = False
    return changed


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


class StoredRedList:
    """`red_listed` of the drawer: who is on the red list (守信激励) on a day, from the read
    model, as bools over `entity_no`."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def __call__(self, entity_no: np.ndarray, on: date) -> np.ndarray:
        r = red_list.c
        with self.engine.connect() as conn:
            nos = np.fromiter(conn.scalars(sa.select(r.entity_no).where(
                r.since <= on, sa.or_(r.until.is_(None), r.until > on))), np.int64)
        return np.isin(entity_no, nos)

"""A synthetic province with a planted truth: every entity has a hidden violation propensity
driven by known features plus noise, and inspections find problems according to it.

    logit p_i(t) = base + hazard[section_i] + 0.30·licences_i − 0.30·individual_i
                   + 0.45·[registered < 2 years before t] + 0.70·u_i + e_i,year
    u_i ~ N(0, 1) is hidden: it shows only through conduct (complaints, late annual reports,
    earlier problems); e_i,year ~ N(0, 0.3) is yearly drift no history can predict.

History (vectorised, half-year rounds): complaints (Poisson, driven by u and hazard), annual
reports (late with a probability rising with u → abnormal listing), and inspection rounds drawn
the way the platform draws: the A–D rules score as of the round's day sets each class's ratio,
plus a uniform control sample; a problem found may lead to a penalty (some heavier, some to the
serious list). The evaluation period's labels are a uniform sample inspected on uniform days,
so the figures are measured on the population, not on what the rules chose to look at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from credit.rating.facts import NEVER, CreditFacts, day_number
from credit.rating.scoring import classify
from credit.risk.features import History
from credit.risk.rules import SECTIONS, HazardRules, hazard_points
from credit.rules import AbnormalListRules, RiskScoringRules

SECTION_SHARE = np.array([1, 1, 12, 1, 1, 6, 38, 4, 8, 2, 1, 3, 6, 2, 1, 6, 1, 1, 3, 2], float)
TRUE_HAZARD = np.array([.2, .6, .5, .3, .4, .6, .1, .5, .6, 0, 0, 0, .1, 0, .2, .1, .3, .4,
                        .1, .2])               # logit units, by GB/T 4754 section
BASE_LOGIT = -2.45
YEARLY_RATIO = np.array([0.03, 0.10, 0.30, 0.70])     # per class A..D, a year (DOMAIN §3)
CONTROL_SHARE = 0.10
ROUND_DAYS = 182


@dataclass(frozen=True, eq=False)
class Province:
    history: History                 # every event, the evaluation period's included
    section: np.ndarray
    licences: np.ndarray
    propensity: np.ndarray           # planted truth: p_i in the evaluation period
    train_as_of: date
    eval_as_of: date
    period_days: int
    eval_rows: np.ndarray            # entity positions inspected in the evaluation period
    eval_problem: np.ndarray         # what those inspections found
    draws: dict[str, np.ndarray]     # every history draw: entity, day, class, control, problem


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _cat(parts: list[dict[str, np.ndarray]], names: tuple[str, ...]) -> dict[str, np.ndarray]:
    if not parts:
        return {n: np.zeros(0, np.int64 if n == "entity" else np.int32) for n in names}
    return {n: np.concatenate([p[n] for p in parts]).astype(np.int64 if n == "entity"
                                                             else np.int32) for n in names}


PEN = ("entity", "decided", "severity", "fine_or_above", "ended", "repaired")
RES = ("entity", "day", "negative", "clean")
SPAN = ("entity", "since", "until")


def generate(n: int = 100_000, seed: int = 7, start: date = date(2022, 1, 1),
             years: int = 4, hazard_rules: HazardRules | None = None,
             scoring: RiskScoringRules | None = None,
             abnormal: AbnormalListRules | None = None,
             eval_share: float = 0.10) -> Province:
    """`years` of history from `start`; the last year is the evaluation period, the one before
    it the training period."""
    rng = np.random.default_rng(seed)
    scoring, abnormal = scoring or RiskScoringRules(), abnormal or AbnormalListRules()
    d0 = day_number(start)
    end = d0 + years * 365
    eval_d, train_d = end - 365, end - 730
    section = rng.choice(20, n, p=SECTION_SHARE / SECTION_SHARE.sum())
    individual = rng.random(n) < 0.65
    licences = rng.poisson(np.where(np.isin(section, (2, 7, 16)), 0.8, 0.2))
    newcomer = rng.random(n) < 0.15
    registered = np.where(newcomer, rng.integers(d0, eval_d, n),
                          d0 - rng.exponential(7 * 365, n).astype(np.int64) - 1)
    u = rng.normal(0, 1, n)
    drift = rng.normal(0, 0.3, (years + 1, n))
    static = BASE_LOGIT + TRUE_HAZARD[section] + 0.30 * np.minimum(licences, 3) \
        - 0.30 * individual + 0.70 * u

    def p_at(d: int) -> np.ndarray:
        young = (d - registered) < 730
        return _sigmoid(static + 0.45 * young + drift[min((d - d0) // 365, years)])

    # complaints: 投诉举报, about 0.2 a year for an average entity
    rate = 0.2 * np.exp(0.9 * u + 0.8 * TRUE_HAZARD[section] - 0.45)
    live = np.maximum(end - np.maximum(registered, d0), 0) / 365.0
    k = rng.poisson(rate * live)
    ce = np.repeat(np.arange(n), k)
    lo = np.maximum(registered, d0)[ce]
    cday = lo + (rng.random(ce.size) * (end - lo)).astype(np.int64)
    subst = rng.random(ce.size) < np.clip(2.0 * p_at(eval_d)[ce], 0.05, 0.9)
    complaints = {"entity": ce.astype(np.int64), "day": cday.astype(np.int32),
                  "substantiated": subst.astype(np.int32)}
    # annual reports and the abnormal list (ground 1: report not publicised by 30 June)
    reps, abn = [], []
    for y in range(start.year - 2, start.year + years):
        due = day_number(abnormal.annual_report_due(y + 1))
        owes = registered <= day_number(date(y, 12, 31))
        late = owes & (rng.random(n) < _sigmoid(-2.2 + 0.9 * u))
        never = late & (rng.random(n) < 0.35)
        filed = np.where(late, due + rng.integers(10, 400, n), due - rng.integers(1, 150, n))
        who = np.flatnonzero(owes & ~never)
        reps.append({"entity": who, "year": np.full(who.size, y), "filed": filed[who]})
        listed = np.flatnonzero(late)
        since = due + 10
        until = np.where(never[listed], NEVER, np.maximum(filed[listed] + 5, since + 1))
        abn.append({"entity": listed, "since": np.full(listed.size, since), "until": until})
    reports, abnormal_rows = _cat(reps, ("entity", "year", "filed")), _cat(abn, SPAN)
    pens, sers, ress = [], [], []
    draws: list[dict[str, np.ndarray]] = []
    empty = {"entity": np.zeros(0, np.int64), "found": np.zeros(0, np.int32),
             "repaired": np.zeros(0, np.int32)}

    def facts() -> CreditFacts:
        return CreditFacts(entity_no=np.arange(1, n + 1, dtype=np.int64),
                           registered=registered.astype(np.int32), active=np.ones(n, bool),
                           individual=individual, penalties=_cat(pens, PEN),
                           serious=_cat(sers, SPAN), abnormal=abnormal_rows,
                           false_commitments=empty, results=_cat(ress, RES), reports=reports,
                           commendations=_cat([], SPAN))

    hz = hazard_points(section, individual, licences, hazard_rules or HazardRules())
    for r in range((eval_d - d0) // ROUND_DAYS):
        t = d0 + r * ROUND_DAYS
        on = date(1970, 1, 1) + timedelta(days=int(t))
        cls = classify(facts(), scoring, abnormal, on).risk_class
        alive = registered <= t
        risk = alive & (rng.random(n) < YEARLY_RATIO[cls] * ROUND_DAYS / 365)
        control = alive & ~risk & (rng.random(n) < CONTROL_SHARE * risk.sum() / max(alive.sum(), 1))
        who = np.flatnonzero(risk | control)
        day = t + rng.integers(0, ROUND_DAYS - 30, who.size)
        found = rng.random(who.size) < p_at(t)[who]
        draws.append({"entity": who, "day": day, "class": cls[who],
                      "control": control[who], "problem": found})
        ress.append({"entity": who, "day": day, "negative": found & (rng.random(who.size) < .8),
                     "clean": ~found})
        pen = who[found & (rng.random(who.size) < 0.35)]
        dec = day[np.isin(who, pen)] + rng.integers(20, 90, pen.size)
        sev = rng.choice(3, pen.size, p=[0.3, 0.6, 0.1])
        pens.append({"entity": pen, "decided": dec, "severity": sev,
                     "fine_or_above": (sev > 0).astype(int), "ended": np.full(pen.size, NEVER),
                     "repaired": np.full(pen.size, NEVER)})
        heavy = sev == 2
        sers.append({"entity": pen[heavy], "since": dec[heavy] + 30,
                     "until": dec[heavy] + 30 + 3 * 365})
    # the evaluation period: a uniform sample inspected on uniform days (also in the history)
    alive = np.flatnonzero(registered <= eval_d)
    rows = np.sort(rng.choice(alive, int(eval_share * alive.size), replace=False))
    eday = eval_d + rng.integers(0, 365, rows.size)
    truth = p_at(eval_d)
    found = rng.random(rows.size) < truth[rows]
    ress.append({"entity": rows, "day": eday, "negative": found, "clean": ~found})
    history = History(facts(), complaints, hz)
    as_of = date(1970, 1, 1)
    return Province(history, section, licences, truth,
                    as_of + timedelta(days=int(train_d)), as_of + timedelta(days=int(eval_d)),
                    365, rows, found, _cat(draws, ("entity", "day", "class", "control",
                                                   "problem")))


def section_letters(section: np.ndarray) -> np.ndarray:
    return np.array(list(SECTIONS))[section]

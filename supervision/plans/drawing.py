"""The random draw (双随机抽取): entities, then inspectors per task; pure and verifiable.

``draw(pool, roster, params, seed)`` reads no environment, clock or global RNG (``timings``, from
``time.perf_counter``, is informational and outside every digest). Whoever holds the recorded
inputs (frozen pool and roster, whose ``pool_digest`` is recorded; params; seed) re-runs it
with ``verify``.

Algorithm ``opencheck-draw/1``:

* Randomness: ``numpy.random.PCG64(seed)`` seeded through ``numpy.random.SeedSequence``, used
  only through ``random_raw`` (raw 64-bit words), never through ``Generator`` methods: NumPy
  keeps bit-generator streams stable across releases but not ``Generator`` algorithms, so a
  verifier needs no particular NumPy version. Words are consumed in this order: 5 rounding
  words (strata A, B, C, D, targeted), one key per pool row in pool order, then the inspector
  deal and its repairs (``supervision.plans.drawing_inspectors``).
* Seed: ``derive_seed(plan_id, public_random)``; ``public_random`` is a value published after the
  pool is frozen (e.g. a lottery result), so nobody can pick a seed after seeing the pool.
* Strata: targeted entities (complaint / targeted list) form their own stratum with
  ``targeted_ratio``; every other entity is in its credit risk class stratum A–D (国市监信发
  〔2022〕6号: ratios differentiated by risk class).
* Cool-off (avoid repeated checks by the same department): an entity is excluded when
  ``0 <= last_checked_days < cool_off_days[class]``; targeted entities use
  ``targeted_cool_off_days`` (default 0: a complaint is itself the reason to inspect).
* Sample size: **exact size with randomised rounding**, not Bernoulli:
  ``n_h = floor(r*N_h) + [u < frac(r*N_h)]`` in exact rational arithmetic, ``u = (word >> 11) /
  2**53``. E[n_h] = r*N_h, so every eligible entity's inclusion probability is exactly r (to
  2**-53), while the workload (tasks, hence inspectors to schedule) varies by at most one per
  stratum instead of binomially, and the published count is ratio × population.
* Selection: the ``n_h`` eligible members of stratum h with the smallest keys, ties by pool
  order: a uniform subset of that size. A pre-filter on the keys (7 sigma above the expected
  quantile) only makes it fast; the result never depends on it.
* Teams: ``max(inspectors_per_task, len(departments))`` inspectors per task, see
  ``supervision.plans.drawing_inspectors`` (jurisdiction, recusal, 所所交叉, workload cap, joint plans).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from kernel.rulebook import RISK_CLASSES
from supervision.plans.draw_inputs import (  # the drawer's public inputs, used through it
    DrawParams,
    EntityPool,
    Roster,
    derive_seed,
    pool_digest,
)
from supervision.plans.drawing_inspectors import assign_inspectors

__all__ = ["ALGORITHM_VERSION", "STRATA", "DrawParams", "DrawResult", "EntityPool", "Roster",
           "derive_seed", "draw", "pool_digest", "verify"]
ALGORITHM_VERSION = "opencheck-draw/1"
STRATA = (*RISK_CLASSES, "targeted")
_TARGETED, _EXCLUDED = 4, 5
_CHUNK = 1 << 20   # rows per step: temporaries stay small and reused (the result is the same)
_HIGH_BOUND = np.uint64(1 << 62)   # strata sampled above 1/4 are found by code, not by key


@dataclass(frozen=True, eq=False)
class DrawResult:
    """A recorded draw: what a third party needs to check it, and the outcome."""

    algorithm_version: str
    seed: int
    pool_digest: str
    params: DrawParams
    strata: dict[str, dict[str, int]]   # stratum -> population, excluded_cool_off, drawn
    entity_no: np.ndarray               # int64, sorted
    teams: np.ndarray                   # int64 (n_drawn, team_size), -1 where unassigned
    unassigned: list[tuple[int, str]]   # (entity_no, reason): drawn, but not staffable
    same_station: np.ndarray            # bool per task: own-station inspector (fallback)
    counters: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def params_digest(self) -> str:
        return self.params.digest()

    def fingerprint(self) -> str:
        """sha256 over the drawn entity numbers and the teams (little-endian int64, row-major)."""
        h = hashlib.sha256(f"opencheck-outcome/1 {self.teams.shape[0]}x{self.teams.shape[1]}\n"
                           .encode())
        h.update(np.ascontiguousarray(self.entity_no, "<i8").tobytes())
        h.update(np.ascontiguousarray(self.teams, "<i8").tobytes())
        return "sha256:" + h.hexdigest()

    def summary(self, outcome: bool = False) -> dict[str, Any]:
        """JSON-ready record; with ``outcome`` it also lists drawn entities and teams."""
        out = {"algorithm_version": self.algorithm_version, "seed": self.seed,
               "pool_digest": self.pool_digest, "params": self.params.to_dict(),
               "params_digest": self.params_digest, "strata": self.strata,
               "fingerprint": self.fingerprint(),
               "unassigned": [list(u) for u in self.unassigned]}
        if outcome:
            out["entity_no"] = self.entity_no.tolist()
            out["teams"] = self.teams.tolist()
        return out


def draw(pool: EntityPool, roster: Roster, params: DrawParams, seed: int) -> DrawResult:
    """Draw entities per stratum, then a team of inspectors per drawn entity."""
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError("seed must be a non-negative integer")
    seed = int(seed)
    bitgen = np.random.PCG64(seed)
    t0 = time.perf_counter()
    code, eligible, excluded = _filter_pool(pool, params)
    t1 = time.perf_counter()
    ratios = (*params.ratios, params.targeted_ratio)
    sizes, rows = _draw_entities(code, eligible, ratios, bitgen)
    t2 = time.perf_counter()
    staffing = assign_inspectors(pool.entity_no[rows], pool.region[rows], roster, params, bitgen)
    t3 = time.perf_counter()
    digest = pool_digest(pool, roster)
    strata = {name: {"population": eligible[h] + excluded[h], "excluded_cool_off": excluded[h],
                     "drawn": sizes[h]} for h, name in enumerate(STRATA)}
    t4 = time.perf_counter()
    timings = {"pool_filter": t1 - t0, "entity_draw": t2 - t1, "inspector_assignment": t3 - t2,
               "pool_digest": t4 - t3, "total": t4 - t0}
    return DrawResult(ALGORITHM_VERSION, seed, digest, params, strata, pool.entity_no[rows],
                      staffing.teams, staffing.unassigned, staffing.same_station,
                      staffing.counters, timings)


def _filter_pool(pool: EntityPool, params: DrawParams):
    """Stratum code per row (0..3 class, 4 targeted, 5 cooling off) and counts per stratum."""
    code = np.empty(pool.entity_no.size, np.int8)
    cool = (*params.cool_off_days, params.targeted_cool_off_days)
    cooling = [(h, np.uint32(days)) for h, days in enumerate(cool) if days > 0]
    eligible, excluded = [0] * len(STRATA), [0] * len(STRATA)
    for start in range(0, code.size, _CHUNK):
        rows = slice(start, start + _CHUNK)
        c = code[rows]
        np.copyto(c, pool.risk_class[rows])
        np.putmask(c, pool.targeted[rows], np.int8(_TARGETED))
        since = pool.last_checked_days[rows].view(np.uint32)  # -1 (never) wraps: no cool-off
        for h, days in cooling:
            mask = (c == h) & (since < days)
            excluded[h] += int(np.count_nonzero(mask))
            np.putmask(c, mask, np.int8(_EXCLUDED))
        for h in range(len(STRATA)):
            eligible[h] += int(np.count_nonzero(c == h))
    return code, eligible, excluded


def _stratum_size(ratio: float, eligible: int, word: int) -> int:
    exact = Fraction(ratio) * eligible
    base = math.floor(exact)
    return base + int(Fraction(int(word) >> 11, 1 << 53) < exact - base)


def _draw_entities(code, eligible, ratios, bitgen) -> tuple[list[int], np.ndarray]:
    """Exact-size stratified sample: sizes per stratum and the sorted drawn pool rows."""
    words = bitgen.random_raw(len(STRATA))
    sizes = [_stratum_size(r, n, w) for r, n, w in zip(ratios, eligible, words)]
    # candidates: every row of a fully drawn stratum, rows of a partly drawn one whose key is
    # under a generous bound; the sample is then the n_h smallest keys among candidates
    bound = np.zeros(_EXCLUDED + 1, np.uint64)
    for h, (size, population) in enumerate(zip(sizes, eligible)):
        if size:
            bound[h] = (1 << 64) - 1 if size == population else _prefilter(size, population)
    state = bitgen.state
    # speed only: one key comparison for the low bounds, stratum codes for the high ones
    low = bound[bound < _HIGH_BOUND].max(initial=0)
    high = [h for h in range(len(STRATA)) if bound[h] > low]
    cand, cand_keys = [np.zeros(0, np.int64)], [np.zeros(0, np.uint64)]
    for start in range(0, code.size, _CHUNK):    # keys in pool order, chunk by chunk
        keys = bitgen.random_raw(min(_CHUNK, code.size - start))
        c = code[start:start + _CHUNK]
        hit = keys <= low
        for h in high:
            hit |= c == h
        hit = np.flatnonzero(hit)
        hit = hit[keys[hit] <= bound[c[hit]]]
        cand.append(hit + start)
        cand_keys.append(keys[hit])
    cand, cand_keys = np.concatenate(cand), np.concatenate(cand_keys)
    cand_code = code[cand]
    keep = np.zeros(cand.size, bool)
    extra = []
    for h, size in enumerate(sizes):
        members = np.flatnonzero(cand_code == h) if size else []
        if len(members) >= size > 0:
            keep[members[_smallest(cand_keys[members], size)]] = True
        elif size:                 # the bound was too tight (p < 1e-11): use every member
            replay = np.random.PCG64()
            replay.state = state
            rows = np.flatnonzero(code == h)
            extra.append(rows[_smallest(replay.random_raw(code.size)[rows], size)])
    drawn = cand[keep]
    return sizes, np.union1d(drawn, np.concatenate(extra)) if extra else drawn


def _prefilter(n: int, population: int) -> int:
    q = n / population
    p = q + 7.0 * math.sqrt(q * (1.0 - q) / population) + 16.0 / population
    return (1 << 64) - 1 if p >= 1.0 else int(p * 2.0 ** 64)


def _smallest(keys: np.ndarray, n: int) -> np.ndarray:
    """Mask of the n smallest keys, ties broken by position."""
    if keys.size == n:
        return np.ones(n, bool)
    kth = np.partition(keys, n - 1)[n - 1]
    mask = keys < kth
    mask[np.flatnonzero(keys == kth)[: n - int(np.count_nonzero(mask))]] = True
    return mask


def verify(pool: EntityPool, roster: Roster, params: DrawParams, seed: int,
           recorded: DrawResult | Mapping[str, Any]) -> list[str]:
    """Recompute the draw and list every difference from ``recorded``; [] means verified."""
    rec = recorded.summary() if isinstance(recorded, DrawResult) else dict(recorded)
    if isinstance(recorded, DrawResult):
        rec.update(entity_no=recorded.entity_no, teams=recorded.teams)
    diffs = []
    if rec.get("algorithm_version") != ALGORITHM_VERSION:
        diffs.append(f"algorithm_version: recorded {rec.get('algorithm_version')!r}, "
                     f"this verifier implements {ALGORITHM_VERSION!r}")
    if str(rec.get("seed")) != str(seed):
        diffs.append(f"seed: recorded {rec.get('seed')}, given {seed}")
    if rec.get("params_digest") != params.digest():
        changed = [k for k, v in params.to_dict().items()
                   if k in rec.get("params", {}) and rec["params"][k] != v]
        diffs.append(f"params: recorded {rec.get('params_digest')}, given {params.digest()}"
                     + (f" (differs in {', '.join(changed)})" if changed else ""))
    again = draw(pool, roster, params, seed)
    if rec.get("pool_digest") != again.pool_digest:
        diffs.append(f"pool_digest: recorded {rec.get('pool_digest')}, recomputed "
                     f"{again.pool_digest} (pool or roster differs)")
    for name in STRATA:
        was, now = rec.get("strata", {}).get(name), again.strata[name]
        if was != now:
            diffs.append(f"stratum {name}: recorded {was}, recomputed {now}")
    if rec.get("fingerprint") != again.fingerprint():
        diffs.append(f"outcome: recorded fingerprint {rec.get('fingerprint')}, recomputed "
                     f"{again.fingerprint()}")
        diffs.extend(_outcome_details(rec, again))
    return diffs


def _outcome_details(rec: Mapping[str, Any], again: DrawResult) -> list[str]:
    if "entity_no" not in rec:
        return []
    was = np.asarray(rec["entity_no"], np.int64)
    only_rec, only_now = np.setdiff1d(was, again.entity_no), np.setdiff1d(again.entity_no, was)
    if only_rec.size or only_now.size:
        return [f"drawn entities: {only_rec.size} only in the record "
                f"(e.g. {only_rec[:3].tolist()}), {only_now.size} only in the recomputation "
                f"(e.g. {only_now[:3].tolist()})"]
    teams = np.asarray(rec.get("teams", again.teams), np.int64)
    if teams.shape != again.teams.shape:
        return [f"teams: recorded shape {teams.shape}, recomputed {again.teams.shape}"]
    rows = np.flatnonzero((teams != again.teams).any(1))
    return [f"teams differ for {rows.size} task(s), e.g. entity "
            f"{again.entity_no[rows[:3]].tolist()}"] if rows.size else []

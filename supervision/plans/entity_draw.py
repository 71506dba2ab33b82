"""First random draw of ``opencheck-draw/2``: the control sample, then the risk sample per stratum.

``supervision.plans.drawing`` specifies the rule; this module computes it in one chunked pass over
the pool. Only candidates are kept from the pass: rows whose rank lies under a generous bound (7
sigma above the expected quantile), so memory stays small. The bound only makes it fast: when it
proves too tight (p < 1e-11) the pass is repeated without it, and the result never depends on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from kernel.mapped import mapped, release
from kernel.rulebook import RISK_CLASSES
from supervision.plans import ranks
from supervision.plans.draw_inputs import DrawParams, EntityPool, risk_key

STRATA = (*RISK_CLASSES, "targeted")
TARGETED, EXCLUDED = 4, 5
ROUNDING_WORDS = len(STRATA) + 1        # strata A, B, C, D, targeted, then the control sample
_ALL = (1 << 64) - 1
_HIGH = 1 << 62         # strata sampled above 1/4 are found by code, not by rank


@dataclass(frozen=True, eq=False)
class Selection:
    """Which pool rows were drawn, and the per-stratum figures (internal)."""

    rows: np.ndarray            # int64 pool rows, ascending (hence entity_no ascending)
    control: np.ndarray         # bool per drawn row: in the control sample
    control_rank: np.ndarray    # uint64 per drawn row
    control_cutoff: int | None  # largest control rank in the control sample
    strata: dict[str, dict[str, int]]
    uscc: np.ndarray            # 'S18' per drawn row


def gather(column: np.ndarray, rows: np.ndarray, step: int = 1 << 22) -> np.ndarray:
    """``column[rows]`` for ascending ``rows``, ``step`` pool rows at a time, each span's pages
    handed back once read when the column is mapped (the rows touch nearly every page)."""
    if not mapped(column):
        return column[rows]
    out = np.empty(rows.size, column.dtype)
    cuts = np.searchsorted(rows, np.arange(0, column.shape[0] + step, step))
    for span, (i, j) in enumerate(zip(cuts[:-1].tolist(), cuts[1:].tolist())):
        out[i:j] = column[rows[i:j]]
        release(column, span * step, (span + 1) * step)
    return out


def select_entities(pool: EntityPool, params: DrawParams, key: bytes,
                    salt: bytes) -> Selection:
    """The control sample and the risk sample; see ``supervision.plans.drawing``."""
    code, eligible, excluded = filter_pool(pool, params)
    words = np.random.PCG64(int.from_bytes(key, "big")).random_raw(ROUNDING_WORDS)
    ratios = (*params.ratios, params.targeted_ratio)
    sizes = [rounded(Fraction(r) * e, w) for r, e, w in zip(ratios, eligible, words)]
    n_c = (min(int(params.control_size), pool.entity_no.size) if params.control_size is not None
           else rounded(Fraction(params.control_share) * expected_size(eligible, ratios),
                        words[-1]))
    ck, rk = ranks.key_words(key[:16]), ranks.key_words(risk_key(key, salt))
    n = pool.entity_no.size
    c_bound = None if n_c == 0 else prefilter(n_c, n)
    r_bound = np.zeros(EXCLUDED + 1, np.uint64)
    full, ranked = np.zeros(EXCLUDED + 1, bool), np.zeros(EXCLUDED + 1, bool)
    for h, (size, population) in enumerate(zip(sizes, eligible)):
        # a bound for n_h covers m_h <= n_h: the control rows only remove candidates
        full[h] = 0 < size == population
        ranked[h] = 0 < size < population
        r_bound[h] = prefilter(size, population) if ranked[h] else 0
    none = np.zeros(EXCLUDED + 1, bool)
    found = _candidates(pool, code, ck, rk, c_bound, r_bound, ranked, full)

    control = np.zeros(0, np.int64)
    if n_c:
        c_rows, c_rank = found[0], found[1]
        if c_rows.size < n_c:       # the bound was too tight: rank every row
            c_rows, c_rank = _candidates(pool, code, ck, rk, _ALL, r_bound, none, none)[:2]
        control = c_rows[ranks.smallest(c_rank, pool.uscc, n_c, c_rows)]
    in_control = np.bincount(code[control], minlength=EXCLUDED + 1)
    risk = [control]
    r_rows, r_rank = found[2], found[3]
    r_code = code[r_rows]
    for h, size in enumerate(sizes):
        m_h = size - int(in_control[h])
        if m_h <= 0:
            continue
        rows, rank_h = _members(r_rows, r_rank, r_code, h, control)
        if rows.size < m_h:         # the bound was too tight: rank every row of the stratum
            only = none.copy()
            only[h] = True
            again = _candidates(pool, code, ck, rk, None, np.full(EXCLUDED + 1, _ALL,
                                                                  np.uint64), only, none)
            rows, rank_h = _members(again[2], again[3], code[again[2]], h, control)
        risk.append(rows[ranks.smallest(rank_h, pool.uscc, m_h, rows)])
    drawn = np.sort(np.concatenate(risk))       # disjoint: the control rows, then each R_h
    is_control = np.isin(drawn, control, assume_unique=True)
    uscc = gather(pool.uscc, drawn)
    crank = ranks.rank_halves(ck, *ranks.halves(uscc))
    cutoff = int(crank[is_control].max()) if n_c else None
    stratum = np.where(gather(pool.targeted, drawn), TARGETED, gather(pool.risk_class, drawn))
    strata = {name: {"population": eligible[h] + excluded[h], "excluded_cool_off": excluded[h],
                     "target": sizes[h],
                     "control": int(np.count_nonzero(stratum[is_control] == h)),
                     "drawn": int(np.count_nonzero(stratum == h))}
              for h, name in enumerate(STRATA)}
    return Selection(drawn, is_control, crank, cutoff, strata, uscc)


def expected_size(eligible, ratios) -> Fraction:
    """sum_h r_h * E_h, exactly: the plan's expected number of tasks."""
    return sum((Fraction(r) * e for r, e in zip(ratios, eligible)), Fraction(0))


def committed_control_size(pool: EntityPool, params: DrawParams) -> int:
    """The control sample's size fixed before the randomness: control_share x the expected size,
    rounded half up (published with the commitment, so the public check covers the count)."""
    _, eligible, _ = filter_pool(pool, params)
    exact = Fraction(params.control_share) * expected_size(
        eligible, (*params.ratios, params.targeted_ratio))
    return min(int(exact + Fraction(1, 2)), int(pool.entity_no.size))


def filter_pool(pool: EntityPool, params: DrawParams):
    """Stratum code per row (0..3 class, 4 targeted, 5 cooling off) and counts per stratum."""
    code = np.empty(pool.entity_no.size, np.int8)
    cool = (*params.cool_off_days, params.targeted_cool_off_days)
    cooling = [(h, np.uint32(days)) for h, days in enumerate(cool) if days > 0]
    eligible, excluded = [0] * len(STRATA), [0] * len(STRATA)
    for start in range(0, code.size, ranks.CHUNK * 32):
        rows = slice(start, start + ranks.CHUNK * 32)
        c = code[rows]
        np.copyto(c, pool.risk_class[rows])
        np.putmask(c, pool.targeted[rows], np.int8(TARGETED))
        since = pool.last_checked_days[rows].view(np.uint32)  # -1 (never) wraps: no cool-off
        for h, days in cooling:
            mask = (c == h) & (since < days)
            excluded[h] += int(np.count_nonzero(mask))
            np.putmask(c, mask, np.int8(EXCLUDED))
        for h in range(len(STRATA)):
            eligible[h] += int(np.count_nonzero(c == h))
        for column in (pool.risk_class, pool.targeted, pool.last_checked_days):
            release(column, start, start + ranks.CHUNK * 32)   # mapped: not kept resident
    return code, eligible, excluded


def rounded(exact: Fraction, word: int) -> int:
    """Randomised rounding: ``floor(x) + [(word >> 11) / 2**53 < frac(x)]``, exactly."""
    base = math.floor(exact)
    return base + int(Fraction(int(word) >> 11, 1 << 53) < exact - base)


def prefilter(n: int, population: int) -> int:
    """A rank bound under which, w.h.p., at least n of population uniform ranks fall."""
    q = n / population
    p = q + 7.0 * math.sqrt(q * (1.0 - q) / population) + 16.0 / population
    return _ALL if p >= 1.0 else int(p * 2.0 ** 64)


def _members(rows, rank, code, h, control):
    """Candidates of stratum h that are not in the control sample."""
    mine = np.flatnonzero(code == h)
    mine = mine[~np.isin(rows[mine], control, assume_unique=True)]
    return rows[mine], rank[mine]


def _candidates(pool, code, ck, rk, c_bound, r_bound, ranked, full):
    """One chunked pass: rows under the control bound (all rows; None = none), each with its
    control rank, and eligible rows of a ``ranked`` stratum under its risk bound, with their risk
    rank, or of a ``full`` one (every row, rank not needed: 0)."""
    c_bound = None if c_bound is None else np.uint64(c_bound)
    ranked_h, full_h = np.flatnonzero(ranked).tolist(), np.flatnonzero(full).tolist()
    bound = np.where(full, np.uint64(_ALL), np.where(ranked, r_bound, np.uint64(0)))
    # speed only: one rank comparison for the low bounds, stratum codes for the high ones
    low = np.uint64(max((int(bound[h]) for h in ranked_h if bound[h] < _HIGH), default=0))
    by_code = [h for h in ranked_h if bound[h] > low] + full_h
    wanted = ranked | full
    out = [[np.zeros(0, np.int64)], [np.zeros(0, np.uint64)], [np.zeros(0, np.int64)],
           [np.zeros(0, np.uint64)]]
    raw = pool.uscc.view(np.uint8).reshape(-1, ranks.USCC_LENGTH)
    step = ranks.CHUNK
    hi, lo = np.empty(step, np.uint64), np.empty(step, np.uint64)
    c_rank, r_rank = np.empty(step, np.uint64), np.zeros(step, np.uint64)
    for start in range(0, code.size, step):
        if start and start % (step * 64) == 0:      # a mapped column: not kept resident
            release(pool.uscc, start - step * 64, start)
        n = min(step, code.size - start)
        c = code[start:start + n]
        ranks.halves_into(raw[start:start + n], hi[:n], lo[:n])
        if c_bound is not None:
            ranks.rank_halves(ck, hi[:n], lo[:n], out=c_rank[:n])
            hit = np.flatnonzero(c_rank[:n] <= c_bound)
            out[0].append(hit + start)
            out[1].append(c_rank[hit])
        if not (ranked_h or full_h):
            continue
        hit = np.zeros(n, bool)
        if ranked_h:
            ranks.rank_halves(rk, hi[:n], lo[:n], out=r_rank[:n])
            np.less_equal(r_rank[:n], low, out=hit)
        for h in by_code:
            hit |= c == h
        hit = np.flatnonzero(hit)
        hit = hit[(r_rank[hit] <= bound[c[hit]]) & wanted[c[hit]]]
        out[2].append(hit + start)
        out[3].append(r_rank[hit])
    release(pool.uscc)
    return [np.concatenate(parts) for parts in out]

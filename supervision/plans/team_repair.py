"""Repair of a dealt inspector team (second draw of 双随机): redraw the slots that break a rule.

Part of algorithm ``opencheck-draw/2`` (``supervision.plans.drawing_inspectors`` deals the teams
and documents the method and the order of random words): vectorised rejection rounds, load-neutral
swaps for own-station slots, then an exact loop over the few slots still open (with
``per_department >= 2``: stale duplicate flags cleared, a last-resort exchange before a task is
given up).
"""

from __future__ import annotations

from functools import reduce
from typing import TYPE_CHECKING

import numpy as np

from supervision.plans.team_leftovers import settle_in_order

if TYPE_CHECKING:
    from supervision.plans.drawing_inspectors import _Pools

REJECTION_ROUNDS = 32
SWAP_SAMPLE = 16


def any_per_row(mask: np.ndarray) -> np.ndarray:
    """Row-wise any over the few team columns (faster than .any(1) on a narrow axis)."""
    return reduce(np.logical_or, mask.T) if mask.shape[1] else np.zeros(mask.shape[0], bool)


def _is_forbidden(fkeys, task, pos, size) -> np.ndarray:
    key = np.asarray(task, np.int64) * size + pos
    if fkeys.size == 0:
        return np.zeros(key.shape, bool)
    return fkeys[np.minimum(np.searchsorted(fkeys, key), fkeys.size - 1)] == key


def _under_cap(y: np.ndarray, load: np.ndarray, cap: np.ndarray, priority) -> np.ndarray:
    """Accept proposals, by random priority, while each inspector stays within his cap."""
    room = cap - load
    crowded = (np.bincount(y, minlength=cap.size) > room)[y]
    ok = np.ones(y.size, bool)
    if crowded.any():
        idx = np.flatnonzero(crowded)           # by inspector, then random priority
        bits = np.uint64(max(int(cap.size - 1).bit_length(), 1))
        key = (y[idx].astype(np.uint64) << (np.uint64(64) - bits)) | (priority[idx] >> bits)
        order = idx[_stable_order(key)]
        ys = y[order]
        first = np.ones(ys.size, bool)
        first[1:] = ys[1:] != ys[:-1]
        start = np.maximum.accumulate(np.where(first, np.arange(ys.size), 0))
        ok[order] = np.arange(ys.size) - start < room[ys]
    return ok


def _stable_order(key: np.ndarray) -> np.ndarray:
    """``np.argsort(key, kind="stable")`` for uint64 keys, by sorting the keys themselves with
    each one's position in its low bits (a plain sort is ~10x faster than an argsort); when the
    keys so shortened tie, the order needs their dropped bits: the argsort itself."""
    bits = max(int(key.size - 1).bit_length(), 1)
    if bits > 32:
        return np.argsort(key, kind="stable")
    shift = np.uint64(bits)
    packed = (key >> shift) << shift
    packed |= np.arange(key.size, dtype=np.uint64)
    packed.sort()
    top = packed >> shift
    if (top[1:] == top[:-1]).any():
        return np.argsort(key, kind="stable")
    return (packed & np.uint64((1 << bits) - 1)).astype(np.int64)


class TeamRepair:
    """Redraw violating slots: vectorised rounds first, then an exact loop for leftovers."""

    def __init__(self, team, cap, gi, task_region, fkeys, pools: _Pools, region,
                 cross_station: bool, bitgen):
        self.team, self.cap, self.gi = team, cap, gi
        self.task_region, self.fkeys, self.pools = task_region, fkeys, pools
        self.region, self.cross_station, self.bitgen = region, cross_station, bitgen
        self.size = cap.size
        self.load = np.bincount(team[team >= 0], minlength=cap.size)
        self.repaired = 0                       # slots given another inspector
        self._tasks_of = None                   # tasks per group, built for the first swap

    def find_violations(self, staffable: np.ndarray) -> None:
        """Hard (duplicate, conflict, last inspector) and soft (own station) slot violations."""
        team, (n, k) = self.team, self.team.shape
        hard = np.zeros((n, k), bool)
        for j in range(1, k):
            hard[:, j] = any_per_row(team[:, :j] == team[:, j:j + 1])
        barred_task, barred = np.divmod(self.fkeys, max(self.size, 1))
        for j in range(k):                      # conflicts and last inspectors in the team
            hit = team[barred_task, j] == barred
            hard[barred_task[hit], j] = True
        self.has_pairs = np.zeros(n, bool)
        self.has_pairs[barred_task] = True
        hard &= staffable[:, None]
        soft = np.zeros((n, k), bool)
        if self.cross_station and n and self.size:
            soft = (self.region[team] == self.task_region[:, None]) & staffable[:, None]
        self.hard, self.soft = hard, soft

    def _avoidable(self, t, c):
        """Whether the slot's pool has inspectors of another station than the task's."""
        lo, hi, s_lo, s_hi = self.pools.ranges(self.gi[t], c, self.task_region[t])
        return self.cross_station & (hi - lo > s_hi - s_lo)

    def rejection_rounds(self) -> None:
        """Redraw open slots uniformly among their pool's inspectors under cap (of another
        station when cross-station and any is left); keep the proposals breaking no rule."""
        k, ro = self.team.shape[1], self.pools.ro
        team, hard, soft = self.team.ravel(), self.hard.ravel(), self.soft.ravel()
        slots = np.flatnonzero(hard | soft)            # flat slot index: task * k + column
        task = slots // k
        bounds = self.pools.ranges(self.gi[task], slots - task * k, self.task_region[task])
        avoid = self.cross_station & (bounds[1] - bounds[0] > bounds[3] - bounds[2])
        unavoidable = ~avoid & ~hard[slots]     # a one-station pool: the own station stays
        soft[slots[unavoidable]] = False
        slots, avoid, bounds = slots[~unavoidable], avoid[~unavoidable], \
            [b[~unavoidable] for b in bounds]
        for _ in range(REJECTION_ROUNDS):
            if slots.size == 0:
                break
            task = slots // k
            lead = np.flatnonzero(np.append(True, task[1:] != task[:-1]))  # a slot per task
            free = self.load[ro] < self.cap[ro]
            first = np.concatenate(([0], np.cumsum(free)))
            lo, hi, s_lo, s_hi = (first[b[lead]] for b in bounds)
            other = hi - lo - (s_hi - s_lo)             # free inspectors of other stations
            away = avoid[lead] & (other > 0)
            # no other station left under cap: try load-neutral swaps with other tasks' slots
            stuck = avoid[lead] & (other == 0) & ~hard[slots[lead]]
            swapped = np.flatnonzero(stuck)
            swapped = swapped[self._swap(task[lead[swapped]], slots[lead[swapped]] % k,
                                         SWAP_SAMPLE)]
            if swapped.size * 32 < stuck.sum():     # swaps have dried up: keep own station
                soft[slots[lead[stuck]]] = False
                swapped = np.flatnonzero(stuck)
            span = np.where(away, other, hi - lo)
            go = np.flatnonzero(~stuck & (span > 0))
            s, t = slots[lead[go]], task[lead[go]]
            words = self.bitgen.random_raw(go.size)
            u = (words % span[go].astype(np.uint64)).astype(np.int64)
            skip = away[go] & (u >= s_lo[go] - lo[go])  # jump over the own station's slice
            y = ro[free][lo[go] + u + np.where(skip, s_hi[go] - s_lo[go], 0)]
            ok = team[t * k] != y
            for j in range(1, k):
                ok &= team[t * k + j] != y
            check = np.flatnonzero(ok & self.has_pairs[t])
            ok[check] = ~_is_forbidden(self.fkeys, t[check], y[check], self.size)
            idx = np.flatnonzero(ok)
            idx = idx[_under_cap(y[idx], self.load, self.cap, words[idx])]
            self._replace(t[idx], s[idx] - t[idx] * k, y[idx])
            done = np.zeros(slots.size, bool)
            done[lead[go[idx]]] = done[lead[swapped]] = True
            if self.pools.per > 1:      # slots a swap elsewhere has cleared (``_clear_stale``)
                done |= ~(hard[slots] | soft[slots])
            if not done.any():
                break
            slots, avoid, bounds = slots[~done], avoid[~done], [b[~done] for b in bounds]
        # soft slots still without another station under cap keep their own-station inspector
        free = self.load[ro] < self.cap[ro]
        first = np.concatenate(([0], np.cumsum(free)))
        other = first[bounds[1]] - first[bounds[0]] - (first[bounds[3]] - first[bounds[2]])
        soft[slots[avoid & (other == 0) & ~hard[slots]]] = False

    def _replace(self, rows, cols, new) -> None:
        old = self.team[rows, cols]
        self.load -= np.bincount(old, minlength=self.size)
        self.load += np.bincount(new, minlength=self.size)
        self.team[rows, cols] = new
        self.hard[rows, cols] = self.soft[rows, cols] = False
        self.repaired += len(rows)
        if self.pools.per > 1:      # per_department >= 2 only: 1 repairs as before
            self._clear_stale(rows)

    def exact_loop(self, batched: bool = True) -> dict[int, str]:
        """Settle the remaining violating slots one by one; returns unassigned task reasons.

        ``batched`` settles the loop's plain steps on a sorted free list with the same result
        (``supervision.plans.team_leftovers``); False is the reference, one task at a time."""
        reasons: dict[int, str] = {}
        rows = np.flatnonzero(any_per_row(self.hard | self.soft))
        # in random order: under scarcity no entity number is served first
        order = rows[np.argsort(self.bitgen.random_raw(rows.size), kind="stable")]
        if batched and self.pools.per == 1:
            settle_in_order(self, order, lambda t, cols: self._settle_task(t, reasons, cols))
        else:
            for t in order:
                self._settle_task(int(t), reasons)
        return reasons

    def _settle_task(self, t: int, reasons: dict[int, str], columns=None) -> None:
        if columns is None:
            columns = np.flatnonzero(self.hard[t] | self.soft[t]).tolist()
        for c in columns:
            if not self._settle(t, int(c)):
                reasons[t] = self._reason(t, int(c))
                staffed = self.team[t][self.team[t] >= 0]
                self.load -= np.bincount(staffed, minlength=self.size)
                self.team[t] = -1
                break

    def _settle(self, t: int, c: int) -> bool:
        g = self.gi[t]
        members = self.pools.ro[self.pools.lo[g, c]:self.pools.hi[g, c]]
        cand = members[~np.isin(members, self.team[t])]
        cand = cand[~_is_forbidden(self.fkeys, t, cand, self.size)]
        cand = cand[self.load[cand] < self.cap[cand]]
        if self._avoidable(np.array([t]), np.array([c]))[0]:
            other = cand[self.region[cand] != self.task_region[t]]
            if other.size:
                cand = other
            elif self._swap(np.array([t]), np.array([c]), SWAP_SAMPLE)[0]:
                return True
            elif not self.hard[t, c]:
                self.soft[t, c] = False     # own station is the only choice left: keep it
                return True
        elif cand.size == 0 and self._swap(np.array([t]), np.array([c]), SWAP_SAMPLE)[0]:
            return True
        if cand.size == 0:
            return self.pools.per > 1 and self._swap_any(t, c)
        pick = cand[int(self.bitgen.random_raw()) % cand.size]
        self._replace(np.array([t]), np.array([c]), np.array([pick]))
        return True

    def _swap(self, t: np.ndarray, c: np.ndarray, samples: int) -> np.ndarray:
        """Exchange each slot (one per task) with the first valid of ``samples`` slots drawn
        uniformly from its pool in other tasks; loads are unchanged. Returns which swapped."""
        if t.size == 0:
            return np.zeros(0, bool)
        if self._tasks_of is None:
            counts = np.bincount(self.gi, minlength=self.pools.groups.size)
            self._tasks_of = (np.argsort(self.gi, kind="stable"), np.cumsum(counts) - counts,
                              counts)
        order, start, count = self._tasks_of
        j0, width = self.pools.col_first[c], self.pools.col_width[c]
        g, x = self.gi[t], self.team[t, c]
        u = self.bitgen.random_raw(t.size * samples).reshape(t.size, samples)
        u = (u % (count[g] * width).astype(np.uint64)[:, None]).astype(np.int64)
        t2 = order[start[g][:, None] + u // width[:, None]]
        c2 = j0[:, None] + u % width[:, None]
        z = self.team[t2, c2]
        ok = self._exchangeable(t[:, None], c[:, None], x[:, None], t2, c2, z)
        pick = ok.argmax(1)
        rows = np.arange(t.size)
        t2, c2, z = t2[rows, pick], c2[rows, pick], z[rows, pick]
        # each task in at most one exchange per call
        ok = ok.any(1) & ~np.isin(t2, t)
        ok &= np.bincount(t2, weights=ok, minlength=self.team.shape[0])[t2] == 1
        self.team[t2[ok], c2[ok]] = x[ok]
        self.team[t[ok], c[ok]] = z[ok]
        self.hard[t[ok], c[ok]] = self.soft[t[ok], c[ok]] = False
        self.repaired += 2 * int(ok.sum())
        if self.pools.per > 1:      # per_department >= 2 only: 1 repairs as before
            self._clear_stale(np.concatenate((t[ok], t2[ok])))
        return ok

    def _exchangeable(self, t, c, x, t2, c2, z, own_station: bool = False) -> np.ndarray:
        """Whether slot (t, c) holding x may take z from slot (t2, c2) and give it x: both break
        no rule afterwards (``own_station``: either may end up with an own-station inspector)."""
        ok = (t2 != t) & (z >= 0) & ~(self.hard[t2, c2] | self.soft[t2, c2])
        for j in range(self.team.shape[1]):
            ok &= (self.team[t, j] != z) & ((self.team[t2, j] != x) | (j == c2))
        ok &= ~_is_forbidden(self.fkeys, t, z, self.size)
        ok &= ~_is_forbidden(self.fkeys, t2, x, self.size)
        if not own_station:
            ok &= (self.region[z] != self.task_region[t]) | ~self._avoidable(t, c)
            if self.cross_station:
                ok &= (self.region[x] != self.task_region[t2]) | ~self._avoidable(t2, c2)
        return ok

    def _swap_any(self, t: int, c: int) -> bool:
        """Last resort before giving a task up (per_department >= 2 only): exchange its slot
        with one drawn uniformly among every valid slot of its pool in other tasks, where an
        own-station inspector is allowed (所所交叉 falls back, flagged in ``same_station``)."""
        g, j0, width = self.gi[t], self.pools.col_first[c], self.pools.col_width[c]
        t2 = np.repeat(np.flatnonzero(self.gi == g), width)
        c2 = j0 + np.tile(np.arange(width), t2.size // max(width, 1))
        x, z = self.team[t, c], self.team[t2, c2]
        valid = np.flatnonzero(self._exchangeable(t, c, x, t2, c2, z, own_station=True))
        if valid.size == 0:
            return False
        pick = valid[int(self.bitgen.random_raw()) % valid.size]
        self.team[t2[pick], c2[pick]], self.team[t, c] = x, z[pick]
        self.hard[t, c] = self.soft[t, c] = False
        self.repaired += 2
        self._clear_stale(np.array([t, t2[pick]]))
        return True

    def _clear_stale(self, rows: np.ndarray) -> None:
        """A new inspector in a slot may end a duplicate (the earlier of two equal columns was
        redrawn, or swapped away): the later column it flagged breaks no rule any more, so it is
        not redrawn, nor its task given up for want of a candidate."""
        rows = np.unique(rows)
        team, k = self.team[rows], self.team.shape[1]
        for j in range(1, k):
            duplicate = any_per_row(team[:, :j] == team[:, j:j + 1])
            barred = _is_forbidden(self.fkeys, rows, team[:, j], self.size)
            self.hard[rows, j] &= duplicate | barred

    def _reason(self, t: int, c: int) -> str:
        g = self.gi[t]
        where = f"jurisdiction {self.pools.label(int(self.pools.groups[g]))}"
        members = self.pools.ro[self.pools.lo[g, c]:self.pools.hi[g, c]]
        eligible = int((~_is_forbidden(self.fkeys, t, members, self.size)).sum())
        reserved = c < self.pools.reserved
        dept = self.pools.depts[self.pools.col_dept[c]] if reserved else None
        who = f"inspector(s) of department {dept}" if reserved else "inspector(s)"
        need = self.pools.per if reserved else self.pools.k
        if eligible < need:
            return (f"only {eligible} eligible {who} in {where} after conflicts of interest "
                    f"and last-inspector exclusion ({need} needed)")
        return f"the {eligible} eligible {who} in {where} are at their workload cap or on the team"

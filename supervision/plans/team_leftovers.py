"""The exact loop of the team repair (second draw of 双随机), on a sorted list of free inspectors.

``TeamRepair.exact_loop`` settles the slots the rejection rounds left open, task by task in a
random order, each slot reading the loads its predecessors left. Most slots take the plain path
of ``TeamRepair._settle``: a candidate under cap exists (of another station when the slot can
avoid its own), and the pick is ``candidates[word mod count]``, one word. Each step depends on
the one before (at national size nearly every step moves an inspector across his workload cap:
the dealt loads leave one or two slots of room), so the steps are not computed side by side.
Instead every step costs a few binary searches: the roster positions of the inspectors under
cap are kept as one sorted list, each pool and station being a range of positions, so a slot's
candidates are counted and its pick found by position (the team and the barred skipped in rank
order), without building the candidate array; the two inspectors a step moves are then updated
in the list. What the tables cannot answer at once (no plain candidate: swaps, a last resort, a
task given up) runs through the loop's own code, and the list follows the loads it changed. The
result is the loop's, word for word; only ``per_department = 1`` plans take this path
(``per_department >= 2`` clears stale duplicates between slots, which it does not model).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from supervision.plans.team_repair import TeamRepair


def settle_in_order(repair: TeamRepair, order: np.ndarray, settle_columns) -> None:
    """Settle ``order``'s tasks as the loop would one by one (see module doc);
    ``settle_columns(t, columns)`` is the loop's own code for a task's remaining columns."""
    if order.size == 0:
        return
    _Steps(repair, order).run(settle_columns)


class _Steps:
    """The leftover tasks' slot tables (pool and own-station ranges, barred inspectors) and the
    sorted free list, as plain Python lists: the steps read them one at a time."""

    def __init__(self, repair: TeamRepair, order: np.ndarray):
        r, pools = repair, repair.pools
        self.r, self.order = r, order
        k = r.team.shape[1]
        orderings = 2 if pools.depts else 1
        pos = np.full((orderings, r.size), -1, np.int64)
        half = pools.ro.size // orderings
        for o in range(orderings):     # each ordering is one contiguous run of ``ro``
            pos[o, pools.ro[o * half:(o + 1) * half]] = np.arange(o * half, (o + 1) * half)
        self.places = [pos[:, x].tolist() for x in range(r.size)] if orderings > 1 else \
            [[p] for p in pos[0].tolist()]
        self.pos = pos.tolist()
        self.ro = pools.ro.tolist()
        t = np.repeat(order, k)
        col = np.tile(np.arange(k), order.size)
        lo, hi, s_lo, s_hi = r.pools.ranges(r.gi[t], col, r.task_region[t])
        avoid = r.cross_station & (hi - lo > s_hi - s_lo)
        s_lo, s_hi = np.where(avoid, s_lo, lo), np.where(avoid, s_hi, lo)
        ordering = pools.col_order[col] if orderings > 1 else np.zeros(col.size, np.int64)
        self.slots = np.stack([lo, hi, s_lo, s_hi, ordering], 1).reshape(order.size, k, 5) \
            .tolist()
        self.barred = self._barred(order)
        self.load, self.cap = r.load, r.cap
        self.free = np.flatnonzero(r.load[pools.ro] < r.cap[pools.ro]).tolist()

    def _barred(self, tasks: np.ndarray) -> list[list[int]]:
        """Roster positions barred from each task (conflicts, last inspectors)."""
        r = self.r
        size = max(r.size, 1)
        a = np.searchsorted(r.fkeys, tasks * size)
        b = np.searchsorted(r.fkeys, (tasks + 1) * size)
        owner = np.repeat(np.arange(tasks.size), b - a)
        keys = r.fkeys[np.repeat(a - np.cumsum(b - a) + (b - a), b - a) +
                       np.arange(owner.size)] if owner.size else np.zeros(0, np.int64)
        out: list[list[int]] = [[] for _ in range(tasks.size)]
        for i, x in zip(owner.tolist(), (keys - tasks[owner] * size).tolist()):
            out[i].append(x)
        return out

    def run(self, settle_columns) -> None:
        r = self.r
        # a task's open slots as the loop reads them when it reaches the task: no earlier task
        # changes them (a swap takes only slots breaking no rule, with per_department = 1)
        flags = (r.hard[self.order] | r.soft[self.order]).tolist()
        for i, t in enumerate(self.order.tolist()):
            columns = [c for c, open_ in enumerate(flags[i]) if open_]
            for j, c in enumerate(columns):
                if not self._plain(i, t, c):
                    before = self.load.copy()
                    settle_columns(t, columns[j:])
                    self._follow(np.flatnonzero(self.load != before).tolist())
                    break

    def _plain(self, i: int, t: int, c: int) -> bool:
        """The step on the plain path, if it has one: pick, move, update the free list."""
        r, free = self.r, self.free
        lo, hi, s_lo, s_hi, o = self.slots[i][c]
        a, b = bisect_left(free, lo), bisect_left(free, hi)
        sa, sb = (bisect_left(free, s_lo), bisect_left(free, s_hi)) if s_hi > s_lo else (a, a)
        where = self.pos[o]
        skip = set()
        team = r.team[t].tolist()
        for x in (*team, *self.barred[i]):
            p = where[x] if x >= 0 else -1
            if lo <= p < hi and not s_lo <= p < s_hi:
                at = bisect_left(free, p)
                if at < len(free) and free[at] == p:
                    skip.add(at - a - (sb - sa if at >= sb else 0))
        count = (b - a) - (sb - sa) - len(skip)
        if count <= 0:
            return False
        u = int(r.bitgen.random_raw()) % count
        for rank in sorted(skip):       # skip the excluded, in ascending rank
            u += rank <= u
        at = a + u
        if at >= sa:
            at += sb - sa               # jump over the own station
        y, x = self.ro[free[at]], team[c]
        load = self.load
        load[x] -= 1
        load[y] += 1
        r.team[t, c] = y
        r.hard[t, c] = r.soft[t, c] = False
        r.repaired += 1
        self._follow((x, y))
        return True

    def _follow(self, inspectors) -> None:
        """Bring the free list in line with these inspectors' loads."""
        free = self.free
        for x in inspectors:
            if x < 0:
                continue
            now = bool(self.load[x] < self.cap[x])
            for p in self.places[x]:
                if p < 0:
                    continue
                at = bisect_left(free, p)
                there = at < len(free) and free[at] == p
                if now and not there:
                    insort(free, p)
                elif there and not now:
                    del free[at]

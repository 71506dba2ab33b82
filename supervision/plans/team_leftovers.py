"""The exact loop of the team repair (second draw of 双随机), run in vectorised batches.

``TeamRepair.exact_loop`` settles the slots the rejection rounds left open, task by task in a
random order, each slot reading the loads its predecessors left. Most slots take the plain path
of ``TeamRepair._settle``: a candidate under cap exists (of another station when the slot can
avoid its own), and the pick is ``candidates[word mod count]``, one word. This module computes
that path for a whole batch of consecutive tasks at once from the loads at the batch's start,
then proves each step would have seen the same candidates in the loop: a step is *invalid* when
it leaves the plain path, or when an earlier step of the batch moved an inspector of its pool
across the workload cap (free before, full now, or back). The batch is committed up to the first
task holding an invalid step, the random stream is rewound to the words actually used, and that
task runs through the loop's own code. The result is the loop's, word for word; only
``per_department = 1`` plans take this path (``per_department >= 2`` clears stale duplicates
between slots, which the batches do not model).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from supervision.plans.team_repair import TeamRepair

FIRST_BATCH, MAX_BATCH = 64, 8192       # tasks; the batch doubles while it commits whole


def settle_in_batches(repair: TeamRepair, order: np.ndarray, settle_task) -> None:
    """Settle ``order``'s tasks as ``settle_task`` would one by one (see module doc)."""
    batches = _Batches(repair)
    i, size = 0, FIRST_BATCH
    while i < order.size:
        batch = order[i:i + size]
        done = batches.run(batch)
        if done == 0:
            settle_task(int(order[i]))          # off the plain path: the loop's own code
            done = 1
        i += done
        size = min(size * 2, MAX_BATCH) if done == batch.size else max(done, FIRST_BATCH)


class _Batches:
    """Positions of each inspector in the pools' orderings, and one batch's speculative run."""

    def __init__(self, repair: TeamRepair):
        self.r = repair
        pools = repair.pools
        orderings = 2 if pools.depts else 1
        self.pos = np.full((orderings, repair.size), -1, np.int64)
        half = pools.ro.size // orderings
        for o in range(orderings):     # each ordering is one contiguous run of ``ro``
            self.pos[o, pools.ro[o * half:(o + 1) * half]] = np.arange(o * half,
                                                                       (o + 1) * half)

    def run(self, tasks: np.ndarray) -> int:
        """Commit the batch's tasks up to the first with an invalid step; how many."""
        r, k = self.r, self.r.team.shape[1]
        flags = r.hard[tasks] | r.soft[tasks]
        bt, col = np.nonzero(flags)              # steps in loop order: task, then column
        t = tasks[bt]
        steps = t.size
        state = r.bitgen.state
        words = r.bitgen.random_raw(steps)
        lo, hi, s_lo, s_hi = r.pools.ranges(r.gi[t], col, r.task_region[t])
        avoid = r.cross_station & (hi - lo > s_hi - s_lo)
        s_lo, s_hi = np.where(avoid, s_lo, lo), np.where(avoid, s_hi, lo)
        ordering = r.pools.col_order[col] if self.pos.shape[0] > 1 else np.zeros(steps, np.int64)
        free = r.load[r.pools.ro] < r.cap[r.pools.ro]
        first = np.concatenate(([0], np.cumsum(free)))
        forbidden = self._forbidden(tasks)
        team = r.team[tasks].copy()
        new = np.full(steps, -1, np.int64)
        plain = np.zeros(steps, bool)
        lead = np.append(True, bt[1:] != bt[:-1]) if steps else np.zeros(0, bool)
        nth = np.arange(steps) - np.maximum.accumulate(np.where(lead, np.arange(steps), 0))
        seen = np.empty((steps, k), np.int64)      # the team each step sees
        for s in range(int(nth.max(initial=0)) + 1):
            at = np.flatnonzero(nth == s)
            seen[at] = team[bt[at]]
            y = self._pick(team[bt[at]], forbidden[bt[at]], ordering[at], lo[at], hi[at],
                           s_lo[at], s_hi[at], first, free, words[at])
            plain[at] = y >= 0
            new[at] = y
            ok = at[y >= 0]
            team[bt[ok], col[ok]] = new[ok]
        bad = ~plain
        bad |= self._crossed(t, col, new, ordering, (lo, hi, s_lo, s_hi),
                             np.concatenate((seen, forbidden[bt]), axis=1))
        cut = steps if not bad.any() else int(np.argmax(bad))
        keep = np.flatnonzero(bt < bt[cut]) if cut < steps else np.arange(steps)
        r.bitgen.state = state
        r.bitgen.random_raw(keep.size)
        if keep.size:
            r._replace(t[keep], col[keep], new[keep])
        return int(bt[cut]) if cut < steps else tasks.size

    def _forbidden(self, tasks: np.ndarray) -> np.ndarray:
        """Roster positions barred from each task (conflicts, last inspectors), -1 padded."""
        r = self.r
        size = max(r.size, 1)
        a = np.searchsorted(r.fkeys, tasks * size)
        b = np.searchsorted(r.fkeys, (tasks + 1) * size)
        width = int((b - a).max(initial=0))
        out = np.full((tasks.size, width), -1, np.int64)
        for j in range(width):
            has = b - a > j
            out[has, j] = r.fkeys[a[has] + j] - tasks[has] * size
        return out

    def _pick(self, team, forbidden, ordering, lo, hi, s_lo, s_hi, first, free, words):
        """``TeamRepair._settle``'s plain pick, -1 where the slot leaves the plain path."""
        r = self.r
        pool_free = first[hi] - first[lo]
        own_free = first[s_hi] - first[s_lo]
        count = pool_free - own_free
        excluded = np.concatenate((team, forbidden), axis=1)
        p = np.where(excluded >= 0, self.pos[ordering[:, None], np.maximum(excluded, 0)], -1)
        counted = (p >= lo[:, None]) & (p < hi[:, None]) & ~((p >= s_lo[:, None]) &
                                                                (p < s_hi[:, None]))
        counted &= free[np.maximum(p, 0)]
        # rank of each excluded candidate among the allowed free positions, duplicates once
        rank = first[np.maximum(p, 0)] - first[lo][:, None]
        rank -= np.where(p >= s_hi[:, None], own_free[:, None], 0)
        rank = np.where(counted, rank, np.iinfo(np.int64).max)
        rank.sort(axis=1)
        dup = np.zeros(rank.shape, bool)
        dup[:, 1:] = rank[:, 1:] == rank[:, :-1]
        rank[dup] = np.iinfo(np.int64).max
        rank.sort(axis=1)
        count -= (rank != np.iinfo(np.int64).max).sum(1)
        y = np.full(lo.size, -1, np.int64)
        go = np.flatnonzero(count > 0)
        u = (words[go] % count[go].astype(np.uint64)).astype(np.int64)
        for j in range(rank.shape[1]):       # skip the excluded, in ascending rank
            u += rank[go, j] <= u
        below = first[s_lo[go]] - first[lo[go]]
        u += np.where(u >= below, own_free[go], 0)      # jump over the own station
        at = np.searchsorted(first, first[lo[go]] + u, "right") - 1
        y[go] = r.pools.ro[at]
        return y

    def _crossed(self, t, col, new, ordering, bounds, excluded) -> np.ndarray:
        """Steps whose candidates hold an inspector an earlier step moved across the cap (its
        pool minus the own station when avoided, minus the team and the barred)."""
        r, (lo, hi, s_lo, s_hi) = self.r, bounds
        steps = t.size
        done = new >= 0
        who = np.concatenate((r.team[t, col][done], new[done]))
        step = np.concatenate((np.flatnonzero(done),) * 2)
        delta = np.concatenate((np.full(done.sum(), -1), np.full(done.sum(), 1)))
        order = np.lexsort((step, who))
        who, step, delta = who[order], step[order], delta[order]
        start = np.ones(who.size, bool)
        start[1:] = who[1:] != who[:-1]
        run = np.cumsum(delta)
        head = np.maximum.accumulate(np.where(start, np.arange(who.size), 0))
        run -= run[head] - delta[head]          # each inspector's own running sum
        changed = (r.load[who] + run < r.cap[who]) != (r.load[who] < r.cap[who])
        has_next = np.append(~start[1:], False)   # the same inspector's next event follows
        until = np.where(has_next, np.append(step[1:], steps) + 1, steps)
        bad = np.zeros(steps, bool)
        for x, a, b in zip(who[changed].tolist(), (step[changed] + 1).tolist(),
                           until[changed].tolist()):
            if a >= b:
                continue
            p = self.pos[ordering[a:b], x]
            bad[a:b] |= (p >= lo[a:b]) & (p < hi[a:b]) & ~((p >= s_lo[a:b]) & (p < s_hi[a:b])) \
                & ~(excluded[a:b] == x).any(1)
        return bad

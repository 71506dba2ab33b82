"""Second random draw (双随机): inspectors for every drawn entity, pure numpy.

Called by ``supervision.plans.drawing.draw``; part of algorithm ``opencheck-draw/2``. Rules (DOMAIN §3):

* a team is ``K`` distinct inspectors (行政处罚法 Art 42: at least two officers) from the task's
  *jurisdiction group*: inspectors whose station region shares the first ``jurisdiction_digits``
  digits with the entity's region. ``K = inspectors_per_task`` for a single-department plan,
  ``max(inspectors_per_task, w * D)`` for a joint plan of ``D`` departments, ``w`` being
  ``per_department`` (each department enforces with its own officers);
* recusal (回避, 行政处罚法 Art 43): never an inspector with a declared conflict with the entity,
  never the inspector(s) who inspected it last time;
* cross-station checks (所所交叉): with ``cross_station`` an inspector from another station
  (county) is used whenever one is available under the workload cap; otherwise the own station,
  and the task is flagged in ``same_station``;
* joint plans (部门联合): columns ``i*w .. i*w + w - 1`` are reserved for department
  ``departments[i]``, the other ``K - w*D`` columns are open to every participating department;
  a group whose department ``i`` has fewer than ``w`` inspectors, or fewer than ``K`` in all,
  staffs no task (the use case's staffing pre-check, ``supervision.plans.staffing``, refuses
  such a draw unless the shortfall is accepted);
* workload cap. A *pool* is what a column is dealt from: the jurisdiction group (open columns) or
  one department within it (reserved columns). An inspector's cap is ``1 + sum over the pools he
  belongs to of ceil(slots of the pool / inspectors in the pool)``; for a single-department plan
  that is exactly ``ceil(T_g * K / R_g) + 1`` for the T_g tasks and R_g inspectors of group g.

Method. For each pool, rounds of independent uniform permutations of the pool are dealt to the
slots task by task, so each slot is uniform over the pool and loads differ by at most one. Slots
breaking a rule (a duplicate at a round boundary, a conflict, a last inspector, the own station)
are redrawn in vectorised rounds: a uniform proposal among the pool's inspectors under cap (of
other stations, when cross-station and any is left), kept if it breaks no rule, so each slot
stays uniform over its eligible inspectors. An own-station slot with no other station left
under cap tries load-neutral swaps with other tasks' slots (``SWAP_SAMPLE`` candidates a round)
and keeps its inspector once swaps dry up (under 1 in 32 succeed). The few slots still open
after ``REJECTION_ROUNDS`` are settled in random order by an exact loop over their candidates;
a task that cannot be staffed keeps ``-1`` and its reason. With ``per_department >= 2`` (a
department's two or more columns dealt from one small pool) two steps are added: a slot whose
duplicate a later change ended is no longer redrawn, and before a task is given up its slot is
exchanged with one drawn uniformly among every valid slot of its pool in other tasks (an
own-station inspector then allowed on either side, flagged in ``same_station``).

Random words come from the draw's teams stream (``random_raw`` only; ``drawing`` §1), in
order: per group (ascending prefix), per pool (each department's reserved columns in the order of
``departments``, then the open columns), ``rounds * R`` words for the pool's ``R`` inspectors,
``rounds = ceil(S / R)`` for its ``S`` slots (the group's tasks times the pool's columns, dealt
task by task in entity order, column by column within a task), a round's permutation being the
pool sorted by ``(word >> b, position)``, ``b`` the bit length of ``R - 1``; then one word per
proposal (its value also orders proposals competing for a cap), one per leftover task (the
exact loop's order), per exact pick, ``SWAP_SAMPLE`` per swap and one per last-resort exchange.
A uniform index below ``m`` is ``word mod m`` (bias below ``m / 2**64``). With ``per_department
= 1`` (and on single-department plans) this is word for word the draw as recorded before that
parameter existed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supervision.plans.team_repair import TeamRepair, any_per_row

_REGION = 10**6            # 6-digit region codes: their room in a composite key


@dataclass(frozen=True)
class Assignment:
    teams: np.ndarray          # (n, K) int64 inspector_no, -1 where the task is unassigned
    unassigned: list[tuple[int, str]]
    same_station: np.ndarray   # bool (n,): staffed with an own-station inspector (fallback)
    counters: dict[str, int]


def assign_inspectors(task_entity: np.ndarray, task_region: np.ndarray, roster, rules,
                      bitgen: np.random.BitGenerator, *, batched: bool = True) -> Assignment:
    """Staff every task (one per drawn entity) with a team dealt at random; see module doc.

    ``rules`` is a ``DrawParams`` (team_size, departments, cross_station, jurisdiction_digits);
    ``batched=False`` runs the exact loop one task at a time (the reference, same result).
    """
    n, k = len(task_entity), rules.team_size
    pools = _Pools(roster, rules)
    task_group = task_region // pools.divisor
    gi, staffable = pools.locate(task_group)
    team = np.full((n, k), -1, np.int64)
    cap = np.ones(roster.inspector_no.size, np.int64)
    _deal(team, cap, gi, staffable, pools, bitgen)
    repair = TeamRepair(team, cap, gi, task_region, _forbidden_keys(task_entity, roster), pools,
                     roster.region, rules.cross_station, bitgen)
    repair.find_violations(staffable)
    repair.rejection_rounds()
    reasons = repair.exact_loop(batched)
    unstaffable = np.flatnonzero(~staffable)
    groups, inverse = np.unique(task_group[unstaffable], return_inverse=True)
    why = [pools.group_reason(int(g)) for g in groups]
    reasons.update(zip(unstaffable.tolist(), [why[i] for i in inverse.ravel()]))
    staffed = team[:, 0] >= 0
    same_station = np.zeros(n, bool)
    if rules.cross_station and roster.region.size:
        same_station = any_per_row(roster.region[team] == task_region[:, None]) & staffed
    ids = np.full((n, k), -1, np.int64)
    if roster.inspector_no.size:
        ids = roster.inspector_no[team]
        ids[~staffed] = -1
    unassigned = [(int(task_entity[t]), reasons[t]) for t in sorted(reasons)]
    counters = {"repaired_slots": repair.repaired,
                "same_station_fallback": int(same_station.sum()),
                "unassigned": len(unassigned)}
    return Assignment(ids, unassigned, same_station, counters)


class _Pools:
    """Usable roster positions ``ro`` in two orderings, by (group, department column, station)
    for reserved columns and by (group, station) for open columns: each pool, and each station
    within a pool, is a slice of ``ro``, found by binary search on the sorted ``key``."""

    def __init__(self, roster, rules):
        depts = tuple(rules.departments)
        self.plan, self.depts = depts, depts if len(depts) > 1 else ()
        self.digits, self.k = rules.jurisdiction_digits, rules.team_size
        self.divisor = 10 ** (6 - self.digits)
        d, pos = len(self.depts), np.arange(roster.inspector_no.size)
        self.per = w = rules.per_department if d else 1    # reserved columns per department
        self.reserved = r = d * w
        dcol = np.zeros(pos.size, np.int64)
        if depts:                       # participating departments only
            known = np.unique(roster.department)
            col = np.array([depts.index(x) if x in depts else -1 for x in known.tolist()])
            dcol = col[np.searchsorted(known, roster.department)].astype(np.int64)
            pos, dcol = pos[dcol >= 0], dcol[dcol >= 0]
        region = roster.region[pos].astype(np.int64)
        self.groups, gidx = np.unique(region // self.divisor, return_inverse=True)
        self.gsize = np.bincount(gidx, minlength=self.groups.size)
        self.dm = max(d, 1)
        keys = [self._key(0, gidx, dcol, region)] if d else []
        keys.append(self._key(1, gidx, 0, region))
        key, ro = np.concatenate(keys), np.tile(pos, len(keys))
        order = np.lexsort((ro, key))
        self.key, self.ro = key[order], ro[order]
        # per column: (ordering, department column); the pool's slice for every group. Columns
        # [i*w, (i+1)*w) are department i's pool, columns [r, k) the open pool.
        col = np.arange(self.k)
        self.col_order = (col >= r).astype(np.int64)
        self.col_dept = np.where(col < r, col // w, 0)
        g = np.arange(self.groups.size)[:, None]
        self.lo = np.searchsorted(self.key, self._key(self.col_order, g, self.col_dept, 0))
        self.hi = np.searchsorted(self.key, self._key(self.col_order, g, self.col_dept, _REGION))
        self.columns = [(i * w, (i + 1) * w) for i in range(d)] + \
            ([(r, self.k)] if self.k > r else [])
        self.col_first = np.where(col < r, col // w * w, r)              # first column of pool
        self.col_width = np.where(col < r, w, self.k - r)
        self.feasible = (self.hi - self.lo >= np.where(col < r, w, 1)).all(1) & \
            (self.gsize >= self.k)
        # each station's slice within each column's pool of its group: (stations, k)
        self.stations = np.unique(region)
        at = self._key(self.col_order, np.searchsorted(self.groups, self.stations // self.divisor)
                       [:, None], self.col_dept, self.stations[:, None])
        self.s_lo = np.searchsorted(self.key, at, "left")
        self.s_hi = np.searchsorted(self.key, at, "right")

    def _key(self, ordering, group, dcol, region):
        return ((ordering * self.groups.size + group) * self.dm + dcol) * _REGION + region

    def ranges(self, gi, cols, region):
        """Slices of ``ro``: the pool of each slot, and its own station within that pool."""
        flat = gi * self.k + cols
        lo, hi = self.lo.ravel()[flat], self.hi.ravel()[flat]
        if self.stations.size == 0:
            return lo, hi, lo, lo
        s = np.minimum(np.searchsorted(self.stations, region), self.stations.size - 1)
        own = self.stations[s] == region            # else no inspector sits at that station
        at = s * self.k + cols
        return lo, hi, np.where(own, self.s_lo.ravel()[at], lo), \
            np.where(own, self.s_hi.ravel()[at], lo)

    def locate(self, task_group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Group index of each task, and whether its group can staff a team at all."""
        if self.groups.size == 0:
            return np.zeros(task_group.size, np.int64), np.zeros(task_group.size, bool)
        if task_group.size * 16 > 10 ** self.digits:    # many tasks: a dense prefix table
            table = np.full(10 ** self.digits, -1, np.int64)
            table[self.groups] = np.arange(self.groups.size)
            gi = table[task_group]
        else:
            gi = np.minimum(np.searchsorted(self.groups, task_group), self.groups.size - 1)
            gi[self.groups[gi] != task_group] = -1
        staffable = gi >= 0
        staffable[staffable] = self.feasible[gi[staffable]]
        return np.maximum(gi, 0), staffable

    def label(self, group: int) -> str:
        return str(group).zfill(self.digits) if self.digits else "(nationwide)"

    def group_reason(self, group: int) -> str:
        """Why no task of this jurisdiction group can be staffed at all."""
        where = f"jurisdiction {self.label(group)}"
        i = int(np.searchsorted(self.groups, group))
        if i == self.groups.size or self.groups[i] != group:
            of = f" of department {'/'.join(map(str, self.plan))}" if self.plan else ""
            return f"no inspector{of} in {where}"
        for j, d in enumerate(self.depts):
            have = int(self.hi[i, j * self.per] - self.lo[i, j * self.per])
            if have == 0:
                return f"no inspector of department {d} in {where}"
            if have < self.per:
                return (f"only {have} inspector(s) of department {d} in {where} "
                        f"({self.per} needed)")
        return f"only {self.gsize[i]} inspector(s) in {where} ({self.k} needed)"


def _deal(team, cap, gi, staffable, pools: _Pools, bitgen) -> None:
    """Deal rounds of uniform permutations of each pool to its slots, task by task."""
    rows_all = np.flatnonzero(staffable)
    small = np.int16 if pools.groups.size < 2**15 else np.int32   # radix sort for int16
    rows_all = rows_all[np.argsort(gi[rows_all].astype(small), kind="stable")]
    counts = np.bincount(gi[rows_all], minlength=pools.groups.size)
    ends = np.cumsum(counts)
    dealt = np.empty((rows_all.size, team.shape[1]), np.int64)   # tasks in group order
    for g in np.flatnonzero(counts):
        s0, s1 = ends[g] - counts[g], ends[g]
        for j0, j1 in pools.columns:
            a, b = int(pools.lo[g, j0]), int(pools.hi[g, j0])
            slots = (s1 - s0) * (j1 - j0)
            rounds = -(-slots // (b - a))
            local = _permutations(bitgen, rounds, b - a)[:slots]
            dealt[s0:s1, j0:j1] = pools.ro[a + local].reshape(s1 - s0, j1 - j0)
            cap[pools.ro[a:b]] += rounds
    team[rows_all] = dealt


def _permutations(bitgen, rounds: int, size: int) -> np.ndarray:
    """``rounds`` uniform permutations of range(size), concatenated: sort by (word >> b, i)."""
    bits = np.uint64(max(1, (size - 1).bit_length()))
    words = bitgen.random_raw(rounds * size).reshape(rounds, size)
    words >>= bits
    words <<= bits
    words |= np.arange(size, dtype=np.uint64)
    words.sort(axis=1)
    return (words & np.uint64((1 << int(bits)) - 1)).astype(np.int64).ravel()


def _forbidden_keys(task_entity: np.ndarray, roster) -> np.ndarray:
    """Sorted unique keys ``task * roster_size + roster_position``: conflicts, last inspectors."""
    size = roster.inspector_no.size
    keys = np.concatenate([
        _pair_keys(task_entity, roster.conflicts[:, 1], roster.conflict_pos, size),
        _pair_keys(task_entity, roster.last_inspector[:, 0], roster.last_inspector_pos, size)])
    keys.sort(kind="stable")       # a few sorted runs: merged
    return keys[np.append(True, keys[1:] != keys[:-1])] if keys.size else keys


def _pair_keys(task_entity, entity_col, position, size) -> np.ndarray:
    """Keys of the pairs whose entity is a task (both sides sorted by entity)."""
    if entity_col.size == 0 or task_entity.size == 0:
        return np.zeros(0, np.int64)
    if entity_col.size <= task_entity.size:     # binary-search the smaller side
        task = np.minimum(np.searchsorted(task_entity, entity_col), task_entity.size - 1)
        hit = task_entity[task] == entity_col
        task, pos = task[hit], position[hit]
    else:
        at = np.searchsorted(entity_col, task_entity)
        task = np.flatnonzero(entity_col[np.minimum(at, entity_col.size - 1)] == task_entity)
        at = at[task]
        tasks, rows = [task], [at]
        while task.size:                        # entities with several pairs: follow the run
            at = at + 1
            more = at < entity_col.size
            more[more] = entity_col[at[more]] == task_entity[task[more]]
            task, at = task[more], at[more]
            tasks.append(task)
            rows.append(at)
        task, pos = np.concatenate(tasks), position[np.concatenate(rows)]
    known = pos >= 0
    return task[known] * size + pos[known]

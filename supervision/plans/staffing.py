"""Staffing pre-check of a draw (双随机): can the frozen roster staff every task the draw may create?

Pure numpy over the draw's inputs, run before the draw. It depends on the pool, the roster and
the plan's numbers only, never on the seed: which entities the public random value happens to
pick cannot change the verdict, so refusing a draw is no way to choose another random value.

A task of jurisdiction group ``g`` (the first ``jurisdiction_digits`` digits of the entity's
region, as the drawer groups them, ``supervision.plans.drawing_inspectors``) needs

* ``team_size`` distinct inspectors of the participating departments stationed in ``g``, and
* on a joint plan (部门联合), ``per_department`` of them from each participating department
  (行政处罚法 Art 42: each department enforces with two officers of its own).

A group falls short when it may receive a task (an entity of the pool there has a positive
inclusion probability: its stratum's ratio is above 0 and it is not cooling off, the rule
``supervision.plans.drawing`` documents) and its roster misses either need. The drawer leaves
every task of such a group unstaffed; the use case refuses the draw (409) unless the shortfall
is accepted, and then records it in the draw record.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from kernel.errors import Conflict
from kernel.labels import region_label
from supervision.plans.draw_inputs import DrawParams, EntityPool, Roster

SHOWN = 10      # shortfalls spelled out in a refusal; the record keeps them all


@dataclass(frozen=True)
class Shortfall:
    """One jurisdiction group that cannot staff its tasks: who is needed, who is there."""

    group: str                  # region prefix, "(nationwide)" with jurisdiction_digits 0
    department: str | None      # None: the team as a whole
    needed: int                 # inspectors per task
    available: int              # active, qualified inspectors in the group
    entities: int               # pool entities of the group the draw may select
    expected_tasks: float       # their summed inclusion probabilities

    def line(self) -> str:
        """The shortfall in English, with its numbers and the jurisdiction's code."""
        of = f" of {self.department}" if self.department else ""
        return (f"needs {self.needed} inspectors{of} per task, {self.available} available in "
                f"group {self.group} ({self.entities} entities may be drawn there, about "
                f"{self.expected_tasks:g} tasks)")

    def line_zh(self) -> str:
        """The shortfall in Chinese, the jurisdiction named (舟山市 3309), with its numbers."""
        place = "全国" if self.group == "(nationwide)" else region_label(self.group)
        who = f" {self.department} 部门" if self.department else ""
        return (f"{place}：每项任务需要{who}执法人员 {self.needed} 名，现有 {self.available} 名"
                f"（该地 {self.entities} 个市场主体可能被抽中，约 {self.expected_tasks:g} 项任务）")


@dataclass(frozen=True)
class StaffingCheck:
    """The verdict of the pre-check: the needs per task and every group that falls short."""

    team_size: int
    per_department: int | None      # None: a single-department plan
    shortfalls: tuple[Shortfall, ...]

    @property
    def ok(self) -> bool:
        return not self.shortfalls

    def message(self) -> str:
        """Why the draw is refused, every number in it, and the way out."""
        zh = [s.line_zh() for s in self.shortfalls[:SHOWN]]
        en = [s.line() for s in self.shortfalls[:SHOWN]]
        if len(self.shortfalls) > SHOWN:
            zh.append(f"另有 {len(self.shortfalls) - SHOWN} 处")
            en.append(f"and {len(self.shortfalls) - SHOWN} more")
        # Chinese first, then English alone (no Chinese in it: kernel.i18n splits the halves)
        return ("执法人员不足，抽取的任务无法配齐：" + "；".join(zh) + "。请补充执法人员后再抽取，"
                "或设置 accept_shortfall: true 抽取并记录缺员 the draw's tasks cannot be staffed: "
                + "; ".join(en) + ". Add inspectors first, or draw with accept_shortfall: true "
                "and the shortfall is recorded")

    def record(self, accepted: bool) -> dict[str, Any]:
        """JSON-ready, for the draw record; numbers only, nothing about any inspector."""
        return {"needed_per_task": self.team_size, "per_department": self.per_department,
                "shortfalls": [asdict(s) for s in self.shortfalls],
                "accepted_shortfall": accepted and not self.ok}

    def enforce(self, accept_shortfall: bool) -> dict[str, Any]:
        """The record of a staffable draw or an accepted shortfall; Conflict (409) otherwise."""
        if not self.ok and not accept_shortfall:
            raise Conflict(self.message(), field="accept_shortfall")
        return self.record(accept_shortfall)


def inclusion_probability(pool: EntityPool, params: DrawParams) -> np.ndarray:
    """Each pool entity's chance to be drawn: its stratum's ratio, 0 while it cools off."""
    ratio = np.asarray(params.ratios, np.float64)[pool.risk_class]
    cool = np.asarray(params.cool_off_days, np.int64)[pool.risk_class]
    ratio[pool.targeted] = params.targeted_ratio
    cool[pool.targeted] = params.targeted_cool_off_days
    since = pool.last_checked_days.astype(np.int64)
    ratio[(since >= 0) & (since < cool)] = 0.0
    return ratio


def check_staffing(pool: EntityPool, roster: Roster, params: DrawParams,
                   departments: tuple[str, ...] = ()) -> StaffingCheck:
    """Every jurisdiction group that may get a task and lacks the inspectors to staff it.

    ``departments`` names the roster's department indices (``FrozenInputs.departments``).
    """
    digits = params.jurisdiction_digits
    divisor = 10 ** (6 - digits)
    p = inclusion_probability(pool, params)
    may = p > 0
    groups, at = np.unique(pool.region[may].astype(np.int64) // divisor, return_inverse=True)
    at = at.ravel()
    entities = np.bincount(at, minlength=groups.size)
    expected = np.bincount(at, weights=p[may], minlength=groups.size)

    dept = roster.department.astype(np.int64)
    taking = np.isin(dept, params.departments) if params.departments else np.ones(dept.size, bool)
    where = roster.region[taking].astype(np.int64) // divisor
    slot = np.minimum(np.searchsorted(groups, where), max(groups.size - 1, 0))
    known = groups[slot] == where if groups.size else np.zeros(where.size, bool)
    slot, dept = slot[known], dept[taking][known]

    joint = len(params.departments) > 1
    needs = [(None, params.team_size, np.ones(slot.size, bool))]
    if joint:
        needs += [(d, params.per_department, dept == d) for d in params.departments]
    found = []         # (group index, need index, needed, available)
    for n, (_, needed, mine) in enumerate(needs):
        available = np.bincount(slot[mine], minlength=groups.size)
        short = np.flatnonzero(available < needed)
        found += [(g, n, needed, available[g]) for g in short.tolist()]
    found.sort(key=lambda f: (f[0], f[1] == 0, f[1]))   # by group; departments, then the team
    label = (lambda g: str(g).zfill(digits)) if digits else (lambda g: "(nationwide)")
    name = (lambda d: departments[d] if 0 <= d < len(departments) else str(d))
    shortfalls = tuple(Shortfall(
        group=label(int(groups[g])),
        department=None if needs[n][0] is None else name(int(needs[n][0])),
        needed=int(needed), available=int(available), entities=int(entities[g]),
        expected_tasks=round(float(expected[g]), 1)) for g, n, needed, available in found)
    return StaffingCheck(params.team_size, params.per_department if joint else None, shortfalls)

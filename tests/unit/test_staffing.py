"""The staffing pre-check of a draw (supervision.plans.staffing): its numbers, which entities
count, and agreement with the drawer."""

from __future__ import annotations

import numpy as np
import pytest

from kernel import i18n
from kernel.errors import Conflict
from supervision.plans.drawing import DrawParams, EntityPool, Roster, draw
from supervision.plans.staffing import Shortfall, check_staffing, inclusion_probability
from tests.unit.draw_fixtures import SALT, key_of, uscc_for
from tests.unit.test_drawing import make_pool, make_roster

DEPTS = ("market_regulation", "ecology_environment")


def pool_of(regions, classes=None, last=None, targeted=None) -> EntityPool:
    n = len(regions)
    return EntityPool(entity_no=np.arange(n) + 1, uscc=uscc_for(np.arange(n) + 1), region=regions,
                      risk_class=classes if classes is not None else [3] * n,
                      last_checked_days=last if last is not None else [-1] * n,
                      targeted=targeted if targeted is not None else [False] * n)


def test_seven_inspectors_for_ten_per_task_is_a_shortfall_with_its_numbers():
    pool = pool_of([330702] * 20 + [330102] * 4, classes=[3] * 20 + [1] * 4)
    roster = Roster(np.arange(7) + 10, [0] * 7, [330702, 330703, 330723] * 2 + [330702])
    check = check_staffing(pool, roster, DrawParams(inspectors_per_task=10), DEPTS[:1])
    assert not check.ok and check.team_size == 10 and check.per_department is None
    # Hangzhou (3301) has no inspector at all: 4 class-B entities at 5 %
    assert check.shortfalls == (
        Shortfall("3301", None, 10, 0, 4, 0.2), Shortfall("3307", None, 10, 7, 20, 20.0))
    assert check.shortfalls[1].line() == (
        "needs 10 inspectors per task, 7 available in group 3307 "
        "(20 entities may be drawn there, about 20 tasks)")
    # the jurisdiction named in Chinese, its code alongside
    assert check.shortfalls[1].line_zh() == (
        "金华市 3307：每项任务需要执法人员 10 名，现有 7 名（该地 20 个市场主体可能被抽中，约 20 项任务）")
    said = i18n.translated(check.message(), None, 409)
    assert said.zh.startswith("执法人员不足，抽取的任务无法配齐：杭州市 3301：每项任务需要执法人员 10 名")
    assert said.en.startswith("the draw's tasks cannot be staffed: needs 10 inspectors per task")
    assert not i18n.CJK.search(said.en)


def test_a_joint_plan_needs_per_department_officers_of_each_department():
    pool = pool_of([330702] * 5)
    roster = Roster([10, 11, 12, 13], [0, 0, 0, 1], [330702, 330703, 330723, 330703])
    params = DrawParams(departments=(0, 1), per_department=2)
    check = check_staffing(pool, roster, params, DEPTS)
    assert check.team_size == 4 and check.per_department == 2
    assert check.shortfalls == (Shortfall("3307", "ecology_environment", 2, 1, 5, 5.0),)
    assert check.shortfalls[0].line().startswith(
        "needs 2 inspectors of ecology_environment per task, 1 available in group 3307")
    assert check.shortfalls[0].line_zh().startswith(
        "金华市 3307：每项任务需要 ecology_environment 部门执法人员 2 名，现有 1 名")
    # one officer of each department was enough before per_department
    assert check_staffing(pool, roster, DrawParams(departments=(0, 1)), DEPTS).ok


def test_both_needs_reported_department_first_then_the_team():
    pool = pool_of([330702] * 3)
    roster = Roster([10, 11, 12], [0, 0, 1], [330702] * 3)
    params = DrawParams(departments=(0, 1), per_department=2, inspectors_per_task=5)
    found = [(s.department, s.needed, s.available)
             for s in check_staffing(pool, roster, params, DEPTS).shortfalls]
    assert found == [("ecology_environment", 2, 1), (None, 5, 3)]


def test_only_entities_the_draw_may_select_count():
    # a class-A stratum at ratio 0, an entity cooling off, a targeted one that does not
    pool = pool_of([330102, 330781, 410101, 330702], classes=[0, 1, 1, 1], last=[-1, 30, 30, -1],
                   targeted=[False, False, True, False])
    params = DrawParams(ratios=(0, 0.5, 0.5, 1), cool_off_days=(0, 365, 0, 0),
                        targeted_ratio=1.0)
    assert inclusion_probability(pool, params).tolist() == [0.0, 0.0, 1.0, 0.5]
    roster = Roster([10, 11], [0, 0], [330702, 330703])
    check = check_staffing(pool, roster, params)
    assert [s.group for s in check.shortfalls] == ["4101"]
    assert check_staffing(pool, roster, DrawParams(jurisdiction_digits=0)).ok
    assert check_staffing(pool, roster, DrawParams(jurisdiction_digits=0, inspectors_per_task=3)
                          ).shortfalls[0].group == "(nationwide)"


def test_nothing_to_draw_needs_nobody():
    pool = pool_of([330702], classes=[0])
    empty = Roster(np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    assert check_staffing(pool, empty, DrawParams(ratios=(0, 0, 0, 0))).ok
    assert not check_staffing(pool, empty, DrawParams(ratios=(1, 0, 0, 0))).ok


def test_enforce_refuses_unless_the_shortfall_is_accepted():
    pool = pool_of([330702] * 5)
    roster = Roster([10, 11, 12, 13], [0, 0, 0, 1], [330702, 330703, 330723, 330703])
    check = check_staffing(pool, roster, DrawParams(departments=(0, 1), per_department=2), DEPTS)
    with pytest.raises(Conflict, match="accept_shortfall") as refused:
        check.enforce(accept_shortfall=False)
    assert refused.value.field == "accept_shortfall"
    assert "needs 2 inspectors of ecology_environment per task, 1 available in group 3307" in \
        refused.value.message
    record = check.enforce(accept_shortfall=True)
    assert record["accepted_shortfall"] is True and record["needed_per_task"] == 4
    assert record["shortfalls"] == [{"group": "3307", "department": "ecology_environment",
                                     "needed": 2, "available": 1, "entities": 5,
                                     "expected_tasks": 5.0}]
    fine = check_staffing(pool, roster, DrawParams(departments=(0, 1)), DEPTS)
    assert fine.enforce(False) == {"needed_per_task": 2, "per_department": 1, "shortfalls": [],
                                   "accepted_shortfall": False}


def test_a_long_refusal_spells_out_ten_groups():
    pool = pool_of([330100 + i for i in range(12)])
    empty = Roster(np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    check = check_staffing(pool, empty, DrawParams(jurisdiction_digits=6))
    assert len(check.shortfalls) == 12 and "and 2 more" in check.message()


@pytest.mark.parametrize("seed", range(6))
def test_the_drawer_leaves_unstaffed_exactly_the_groups_the_check_names(seed):
    rng = np.random.default_rng(seed)
    pool = make_pool(n=300, seed=seed)
    roster = make_roster(per_station=3, departments=3)
    keep = rng.random(roster.inspector_no.size) < 0.6       # thin some stations out
    roster = Roster(roster.inspector_no[keep], roster.department[keep], roster.region[keep])
    params = DrawParams(departments=(0, 1, 2), per_department=2, inspectors_per_task=5)
    short = {s.group for s in check_staffing(pool, roster, params).shortfalls}
    result = draw(pool, roster, params, key_of(seed), SALT)
    region = dict(zip(pool.entity_no.tolist(), pool.region.tolist()))
    unstaffed = {str(region[e] // 100) for e, _ in result.unassigned}
    drawn = {str(region[e] // 100) for e in result.entity_no.tolist()}
    assert unstaffed == short & drawn      # no conflicts declared: capacity is the only reason

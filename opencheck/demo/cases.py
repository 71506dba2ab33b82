"""Complaint-driven cases (投诉举报) of the demo history, planned over three years and played
out in date order around the historical draws (opencheck.demo.history)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import numpy as np
import sqlalchemy as sa

from credit.penalties.use_cases import PastPenalty
from kernel.workdays import add_workdays
from opencheck.bootstrap import Platform
from supervision.directory.tables import entities

Progress = Callable[[str, int, "int | None"], None]
EVERY = 500


CASE_SHARE, HEAVY_CASE_SHARE = 0.04, 1 / 3   # of active entities over three years; of cases
PENALTIES_PER_WRITE = 1_000   # cases per write (CreditApplication.record_penalties)
CASE_VIOLATIONS = (
    ("销售不符合食品安全标准的食品 selling food below the safety standard",
     "《中华人民共和国食品安全法》第一百二十四条"),
    ("虚假宣传 false advertising", "《中华人民共和国反不正当竞争法》第二十条"),
    ("无照经营 operating without a licence", "《无证无照经营查处办法》第十三条"),
    ("销售假冒注册商标的商品 selling counterfeit trademarked goods",
     "《中华人民共和国商标法》第六十条"),
)


def case_plan(platform: Platform, rng: np.random.Generator,
               today: date) -> list[tuple[date, str, tuple[str, str], bool]]:
    """Complaint-driven cases (投诉举报) over three years: (found on, USCC, violation, heavier),
    in date order, so they can be played out in time with the draws."""
    from kernel.workdays import add_years

    first = add_years(today, -3)
    with platform.engine.connect() as conn:
        usccs = list(conn.scalars(sa.select(entities.c.uscc)
                                  .where(entities.c.status == "active",
                                         entities.c.registered_on < first)
                                  .order_by(entities.c.entity_no)))
    chosen = rng.choice(len(usccs), size=int(len(usccs) * CASE_SHARE), replace=False)
    plan = []
    for i in np.sort(chosen).tolist():
        found = first + timedelta(days=int(rng.integers(0, (today - first).days)))
        violation = CASE_VIOLATIONS[int(rng.integers(0, len(CASE_VIOLATIONS)))]
        plan.append((found, usccs[i], violation, bool(rng.random() < HEAVY_CASE_SHARE)))
    return sorted(plan)


def case_penalties(platform: Platform, rng: np.random.Generator, today: date,
                    numbers: Iterator[int], progress: Progress,
                    cases: list[tuple[date, str, tuple[str, str], bool]],
                    until: date) -> list[tuple[date, str, tuple[str, str], bool]]:
    """The planned cases found before `until`: fines (recorded PENALTIES_PER_WRITE at a time);
    then the heavier ones go to the serious dishonest list after the prior notice (SAMR Order
    44), a few stated their case and were not listed. Returns the cases left for later."""
    now = [c for c in cases if c[0] < until]
    step = f"complaint cases and serious-list decisions until {until}"
    pending: list[tuple[PastPenalty, str, tuple[str, str]]] = []
    heavy_cases: list[tuple[UUID, date, str, tuple[str, str]]] = []

    def record() -> None:
        ids = platform.credit.record_penalties([p for p, _, _ in pending])
        heavy_cases.extend((case, p.decision.decided_on, uscc, violation)
                           for case, (p, uscc, violation) in zip(ids, pending)
                           if p.decision.heavier_penalty)
        pending.clear()

    for k, (found, uscc, violation, heavy) in enumerate(now):
        if k % EVERY == 0:
            progress(step, k, 2 * len(now))
        past = past_penalty(uscc, "", found, rng, today, numbers, heavy, violation)
        if past is not None:
            pending.append((past, uscc, violation))
        if len(pending) >= PENALTIES_PER_WRITE:
            record()
    record()
    for k, (case, decided, uscc, violation) in enumerate(heavy_cases):
        if k % EVERY == 0:
            progress(step, len(now) + k * len(now) // max(len(heavy_cases), 1), 2 * len(now))
        _serious_listing(platform, rng, today, numbers, case, decided, uscc, violation)
    progress(step, 2 * len(now), 2 * len(now))
    return [c for c in cases if c[0] >= until]


def _serious_listing(platform: Platform, rng: np.random.Generator, today: date,
                     numbers: Iterator[int], case: UUID, decided: date, uscc: str,
                     violation: tuple[str, str]) -> None:
    """The prior notice after a heavier penalty and, after the statement period, the decision
    (a tenth state their case: adopted, not listed)."""
    from credit.lists.serious import ListingNotice

    credit = platform.credit
    noticed = add_workdays(decided, int(rng.integers(5, 20)))
    decide_on = add_workdays(noticed, platform.rules.serious_list.statement_period_workdays
                             + int(rng.integers(1, 10)))
    if decide_on > today:
        return
    n = next(numbers)   # the bureau's one sequence of document numbers
    credit.give_listing_notice(uscc, ListingNotice(
        f"浙市监失信告〔{noticed.year}〕{n}号", "heavier_penalty",
        f"{violation[0]}，情节严重，受到从重处罚 a serious violation, heavier penalty",
        noticed, case), noticed)
    stated = rng.random() < 0.1
    if stated:   # SAMR Order 44: the statement is answered before the decision
        credit.record_listing_statement(uscc, noticed + timedelta(days=2),
                                        "已整改并赔偿消费者 corrected, consumers compensated",
                                        False, decide_on)
        credit.answer_listing_statement(uscc, noticed + timedelta(days=3),
                                        "复核：采纳陈述申辩意见 statement adopted", True,
                                        decide_on)
    credit.decide_listing(uscc, not stated, f"浙市监失信决〔{decide_on.year}〕{n}号",
                          decide_on, "采纳陈述申辩意见 statement accepted" if stated else "",
                          decide_on)


def penalty(platform: Platform, uscc: str, task_id: str, found_on: date,
            rng: np.random.Generator, today: date, numbers: Iterator[int]
            ) -> tuple[UUID, date] | None:
    """An ordinary-procedure fine found by an inspection task, recorded now; (case, decided)."""
    past = past_penalty(uscc, task_id, found_on, rng, today, numbers)
    if past is None:
        return None
    return platform.credit.record_penalties([past])[0], past.decision.decided_on


def past_penalty(uscc: str, task_id: str, found_on: date, rng: np.random.Generator,
                 today: date, numbers: Iterator[int], heavy: bool | None = None,
                 violation: tuple[str, str] = ("未按规定公示信息 failure to publicise required "
                                               "information", "《企业信息公示暂行条例》第十八条"),
                 ) -> PastPenalty | None:
    """An ordinary-procedure fine (a quarter heavier unless `heavy` says), opened a week after
    it was found, decided 20-60 days later, published within 1-8 working days (the deadline
    is 7: 1 in 8 is late); None if it would be decided after `today`."""
    from credit.penalties.case import Decision

    opened = found_on + timedelta(days=7)
    decided = opened + timedelta(days=int(rng.integers(20, 60)))
    if decided > today:
        return None
    heavy = bool(rng.random() < 0.25) if heavy is None else heavy
    decision = Decision(
        decision_no=f"浙市监处罚〔{decided.year}〕{next(numbers):05d}号",
        violation_type=violation[0], legal_basis=violation[1], kinds=["fine"],
        procedure="ordinary", decided_on=decided, heavier_penalty=heavy,
        fine_amount=Decimal(int(rng.integers(2, 50)) * (20000 if heavy else 5000)),
        restriction_months=None)
    published = add_workdays(decided, int(rng.integers(1, 9)))   # 双公示: due in 7 working days
    return PastPenalty(uscc, "market_regulation", opened, decision,
                       published if published <= today else None, task_id)

"""The demo's story, on purpose and the same on every run (no random choice): one county's
directed check whose tasks are overdue, the demo inspector and the partner on them (both with
accounts), the README's sample entity with a rich record (a result per check item with a photo,
a fine whose credit repair awaits a decision, a verified commitment), and a serious-list
procedure in progress (the prior notice given, the statement period open).

Dates count back from the day the demo is loaded; the entities are fixed by code and order.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import sqlalchemy as sa

from kernel.clock import moment
from kernel.workdays import add_workdays
from opencheck.bootstrap import Platform
from supervision.directory.tables import entities
from supervision.plans.schemas import PlanCreate
from supervision.tasks import views as task_views
from supervision.tasks.attachments import AttachmentStore

SAMPLE_USCC = "91331082MAFHKP5X9L"   # README: 台州德安进出口有限公司, 临海 (331082)
STORY_ITEMS = ["SJ-002", "SJ-005"]   # 企业公示信息 (general) and 食品销售者 (key): no history plan
OTHERS = 5                           # more food sellers of the county on the directed plan


@dataclass
class Story:
    """What the story made: the README and the tests name these."""

    sample: str = SAMPLE_USCC
    plan_id: str = ""
    inspector_no: int = 0
    partners: list[int] = field(default_factory=list)
    serious_pending: str = ""
    repair_id: str = ""


def _png(side: int = 8) -> bytes:
    """A small real PNG (a red square): the photo attached to the sample's result."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\xc8\x37\x2d" * side for _ in range(side))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _food_sellers(platform: Platform, region: str) -> list[str]:
    with platform.engine.connect() as conn:
        return list(conn.scalars(
            sa.select(entities.c.uscc)
            .where(entities.c.region_code == region, entities.c.status == "active",
                   entities.c.entity_type == "enterprise", entities.c.industry_code.like("F%"),
                   entities.c.uscc != SAMPLE_USCC)
            .order_by(entities.c.entity_no).limit(OTHERS)))


def tell_the_story(platform: Platform, today: date, fallback_inspector: int,
                   progress: Callable[[str, int, int | None], None]) -> Story:
    """Record the story; the demo inspector is the one on its tasks."""
    story, app = Story(), platform.supervision
    progress("the story (README)", 0, None)
    drafted = today - timedelta(days=40)
    others = _food_sellers(platform, SAMPLE_USCC[2:8])
    body = PlanCreate(
        name="定向抽查：食品销售者（投诉线索） Directed check of food sellers (complaints)",
        lead_department="market_regulation", check_items=STORY_ITEMS,
        scope={"region_prefix": SAMPLE_USCC[2:8]}, ratios={"A": 0, "B": 0, "C": 0, "D": 0},
        cool_off_days={"A": 0, "B": 0, "C": 0, "D": 0}, targeted=[SAMPLE_USCC, *others],
        targeted_ratio=1.0, jurisdiction_digits=6, cross_station=False,
        due_on=today - timedelta(days=3),   # overdue on purpose
        randomness={"source": "lottery", "lottery": "福彩3D", "issue": f"{drafted.year}300期",
                    "draw_date": drafted + timedelta(days=1)})
    plan_id = app.draft_plan(body.to_terms(platform.rules.draw), drafted, "supervisor",
                             set(platform.rules.directory.department_codes))
    app.publish_plan(plan_id, drafted, "supervisor")
    platform.settle()
    drawn_at = moment(drafted + timedelta(days=2))
    app.enter_random_value(plan_id, "300", drawn_at, "supervisor")
    app.confirm_random_value(plan_id, "300", drawn_at, "supervisor2")
    app.draw(plan_id, drawn_at, "supervisor", accept_shortfall=True)
    platform.settle()
    story.plan_id = plan_id.hex
    with platform.engine.connect() as conn:
        tasks = {t["uscc"]: t for t in task_views.plan_tasks(conn, plan_id.hex, limit=100)[1]}
    _sample_inspected(platform, tasks[SAMPLE_USCC], drafted + timedelta(days=10), today)
    open_tasks = [tasks[u] for u in others if u in tasks and len(tasks[u]["team"]) >= 2]
    if open_tasks:
        team = sorted(m["inspector_no"] for m in open_tasks[0]["team"])
        story.inspector_no, story.partners = team[0], team[1:]
        _open_tasks(platform, open_tasks, story.inspector_no, drafted)
    else:   # a directory without the county's food sellers: the history's busiest inspector
        story.inspector_no = fallback_inspector
    _sample_credit(platform, today, story)
    if others:
        story.serious_pending = _serious_notice(platform, others[0], today)
    platform.catch_up()
    progress("the story (README)", 1, 1)
    return story


def _sample_inspected(platform: Platform, task: dict, inspected: date, today: date) -> None:
    """The sample's part: item by item (one problem found and corrected on order), a photo."""
    app, tid = platform.supervision, UUID(task["task_id"])
    team = [m["inspector_no"] for m in task["team"]]
    for member in team:
        app.acknowledge_task(tid, member, inspected - timedelta(days=3))
    app.start_task(tid, team[0], inspected)
    photo = AttachmentStore(platform.settings.attachments_path).put(
        _png(), "现场照片 premises.png", platform.rules.attachments)
    items = [{"check_item": "SJ-002", "result_code": "E",
              "findings": "年报联系电话与实际不符，已当场责令更正并完成更正 the report's phone number "
                          "was wrong; corrected on order"},
             {"check_item": "SJ-005", "result_code": "1", "findings": ""}]
    items = [i for i in items if i["check_item"] in task["check_items"]]
    app.record_result(tid, team[0], "", "", inspected, team, inspected, platform.rules, items,
                      [photo.as_event()])
    app.publish_result(tid, None, add_workdays(inspected, 5), "supervisor", None)


def _open_tasks(platform: Platform, tasks: list[dict], me: int, drafted: date) -> None:
    """Overdue work for the demo inspector: one nobody signed, one the partner signed (the
    inspector may start after signing), one waiting for the partner, one in progress."""
    app, signed = platform.supervision, drafted + timedelta(days=4)
    for k, task in enumerate(tasks[:4]):
        tid, team = UUID(task["task_id"]), [m["inspector_no"] for m in task["team"]]
        if me not in team:
            continue
        if k in (1, 3):
            for member in team:
                if member != me:
                    app.acknowledge_task(tid, member, signed)
        if k in (2, 3):
            app.acknowledge_task(tid, me, signed)
        if k == 3:
            app.start_task(tid, me, signed + timedelta(days=1))


def _sample_credit(platform: Platform, today: date, story: Story) -> None:
    """A verified commitment, then a fine (false advertising) paid and fulfilled whose credit
    repair application awaits the supervisor's decision (信用修复 page)."""
    from credit.commitments.commitment import CommitmentData
    from credit.penalties.case import Decision

    credit = platform.credit
    committed = today - timedelta(days=200)
    cid = credit.accept_commitment(CommitmentData(
        uscc=SAMPLE_USCC, permit_type="食品经营许可 food business permit",
        content="本单位承诺符合许可条件 we meet the permit's conditions",
        department="market_regulation", committed_on=committed), committed)
    credit.verify_commitment(cid, "fulfilled", committed + timedelta(days=30), "onsite",
                             "现场核查属实 verified on site", committed + timedelta(days=30))
    opened, decided = today - timedelta(days=180), today - timedelta(days=150)
    case = credit.open_penalty(SAMPLE_USCC, "market_regulation", opened, opened)
    credit.decide_penalty(case, Decision(
        decision_no=f"浙市监处罚〔{decided.year}〕90001号",
        violation_type="虚假宣传 false advertising",
        legal_basis="《中华人民共和国反不正当竞争法》第二十条", kinds=["fine"],
        procedure="ordinary", decided_on=decided, heavier_penalty=False,
        fine_amount=Decimal(20000), restriction_months=None), decided)
    published = add_workdays(decided, 3)
    credit.publish_penalty(case, published, published)
    for kind in ("fine_paid", "obligations_fulfilled"):
        credit.record_penalty_fulfilment(case, kind, decided + timedelta(days=20),
                                         decided + timedelta(days=20))
    applied = today - timedelta(days=5)
    story.repair_id = credit.apply_for_repair(
        "penalty", case.hex, applied, "守信承诺书：本单位承诺依法诚信经营 we pledge to operate "
        "honestly", ["罚款缴纳凭证 fine receipt", "整改报告 correction report"], applied).hex


def _serious_notice(platform: Platform, uscc: str, today: date) -> str:
    """A heavier penalty, then the prior notice of listing (SAMR Order 44): the entity may state
    its case; the decision waits."""
    from credit.lists.serious import ListingNotice
    from credit.penalties.case import Decision

    credit = platform.credit
    opened, decided = today - timedelta(days=60), today - timedelta(days=30)
    case = credit.open_penalty(uscc, "market_regulation", opened, opened)
    credit.decide_penalty(case, Decision(
        decision_no=f"浙市监处罚〔{decided.year}〕90002号",
        violation_type="销售不符合食品安全标准的食品 selling food below the safety standard",
        legal_basis="《中华人民共和国食品安全法》第一百二十四条", kinds=["fine"],
        procedure="ordinary", decided_on=decided, heavier_penalty=True,
        fine_amount=Decimal(300000), restriction_months=None), decided)
    credit.publish_penalty(case, add_workdays(decided, 2), add_workdays(decided, 2))
    noticed = today - timedelta(days=2)
    credit.give_listing_notice(uscc, ListingNotice(
        f"浙市监失信告〔{noticed.year}〕90003号", "heavier_penalty",
        "销售不符合食品安全标准的食品，情节严重，受到从重处罚 a serious violation, heavier penalty",
        noticed, case), noticed)
    return uscc

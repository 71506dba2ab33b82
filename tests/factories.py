"""Test data builders: synthetic entities with valid codes (never real companies' codes),
inspectors and check items."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from credit.rules import DEFAULT_RULES
from kernel.clock import CHINA
from kernel.uscc import make_uscc
from supervision.directory.check_items import CheckItemData, KnownCodes
from supervision.directory.entities import EntityData
from supervision.directory.inspectors import InspectorData
from supervision.plans import beacon
from supervision.plans.commitment import RandomSource

_KIND = {"enterprise": "1", "individual": "2", "cooperative": "3"}
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def org_body(i: int) -> str:
    chars = []
    for _ in range(8):
        i, r = divmod(i, 31)
        chars.append(_ALPHABET[r])
    return "".join(reversed(chars))


def uscc(i: int, entity_type: str = "enterprise", region: str = "330702") -> str:
    return make_uscc("9", _KIND[entity_type], region, org_body(i + 7919))


def entity(i: int, entity_type: str = "enterprise", region: str = "330702", **over) -> EntityData:
    fields = dict(uscc=uscc(i, entity_type, region), name=f"测试{i}号商贸有限公司",
                  entity_type=entity_type, region_code=region, industry_code="F5211",
                  registered_on=date(2015, 3, 1), address="浙江省金华市婺城区测试路1号",
                  legal_representative="张三", registering_authority="金华市婺城区市场监督管理局")
    fields.update(over)
    return EntityData(**fields)


def entity_json(i: int, **over) -> dict:
    data = vars(entity(i, **{k: v for k, v in over.items() if k in ("entity_type", "region")}))
    body = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}
    body.update({k: v for k, v in over.items() if k not in ("entity_type", "region")})
    if "entity_type" in over:
        body["entity_type"] = over["entity_type"]
    return body


# -- inspector directory and check-item list (一单两库) ---------------------------------------
DEPARTMENTS = ("market_regulation", "ecology_environment", "emergency_management", "health")
QUALIFICATION = {"market_regulation": "Q-MARKET", "ecology_environment": "Q-ECOLOGY",
                 "emergency_management": "Q-SAFETY", "health": "Q-HEALTH"}


def known_codes() -> KnownCodes:
    return KnownCodes.from_rules(DEFAULT_RULES)


def credential(i: int, region: str = "330702") -> str:
    return f"{region}2015{i:04d}"


def inspector(i: int, department: str = "market_regulation", region: str = "330702",
              **over) -> InspectorData:
    fields = dict(credential_no=credential(i, region), name=f"检查员{i}", department=department,
                  region_code=region, station=f"测试{region}{department}所",
                  qualifications=(QUALIFICATION.get(department, "Q-MARKET"),), status="active")
    fields.update(over)
    return InspectorData(**fields)


def inspector_json(i: int, **over) -> dict:
    body = {k: list(v) if isinstance(v, tuple) else v for k, v in vars(inspector(i)).items()}
    body.update(over)
    return body


def check_item(i: int, department: str = "market_regulation", **over) -> CheckItemData:
    # key (重点) by default: no ratio limit and no yearly frequency limit (DOMAIN §2), so the
    # scenarios may draw half of a small pool, and draw it again; general items say so
    fields = dict(code=f"T-{i:03d}", name=f"测试抽查事项{i}", sub_item="子项",
                  legal_basis="《企业信息公示暂行条例》第十四条", department=department,
                  object_scope_types=("enterprise", "individual"), object_scope_industries=("F",),
                  method="on_site", category="key", default_ratio=0.05, frequency_per_year=1,
                  qualification=QUALIFICATION.get(department, "Q-MARKET"))
    fields.update(over)
    return CheckItemData(**fields)


def check_item_json(i: int, **over) -> dict:
    body = {k: list(v) if isinstance(v, tuple) else v for k, v in vars(check_item(i)).items()}
    body.update(over)
    return body


# -- credit: penalties, commitments, serious list (credit context) ---------------------------
def decision(no: int = 1, **over):
    """A publicisable ordinary-procedure fine above the low-fine threshold (3-year publicity)."""
    from decimal import Decimal

    from credit.penalties.case import Decision

    fields = dict(decision_no=f"婺市监处罚〔2025〕{no}号", violation_type="虚假宣传 false advertising",
                  legal_basis="《反不正当竞争法》第二十条", kinds=["fine"], procedure="ordinary",
                  decided_on=date(2025, 9, 26), heavier_penalty=False,
                  fine_amount=Decimal("50000.00"), restriction_months=None)
    fields.update(over)
    return Decision(**fields)


def decision_json(no: int = 1, **over) -> dict:
    body = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in vars(decision(no)).items()}
    body["fine_amount"] = str(body["fine_amount"])
    body.update(over)
    return body


def commitment(i: int, permit_type: str = "食品经营许可 food business permit", **over):
    from credit.commitments.commitment import CommitmentData

    fields = dict(uscc=uscc(i), permit_type=permit_type,
                  content="本单位承诺符合食品经营许可条件 we meet the permit's conditions",
                  department="market_regulation", committed_on=date(2025, 3, 3))
    fields.update(over)
    return CommitmentData(**fields)


def commitment_json(i: int, **over) -> dict:
    body = {k: (v.isoformat() if isinstance(v, date) else v)
            for k, v in vars(commitment(i)).items()}
    body.update(over)
    return body


def heavier_penalty(credit, uscc: str, no: int, decided_on: date, today: date | None = None,
                    department: str = "market_regulation"):
    """A decided heavier penalty (较重行政处罚) of `uscc`: the case a heavier_penalty listing cites."""
    case = credit.open_penalty(uscc, department, decided_on - timedelta(days=20),
                               today or decided_on)
    credit.decide_penalty(case, decision(900 + no, decision_no=f"婺市监处罚〔重〕{uscc[-6:]}-{no}号",
                                         decided_on=decided_on, heavier_penalty=True),
                          today or decided_on)
    return case


def listing_notice(no: int = 1, **over):
    from credit.lists.serious import ListingNotice

    fields = dict(notice_no=f"婺市监失信告〔2025〕{no}号", ground="heavier_penalty",
                  facts="受到较重行政处罚 a heavier penalty for a violation of bad nature",
                  noticed_on=date(2025, 1, 6), penalty_case_id=None)
    fields.update(over)
    return ListingNotice(**fields)


# --- random sources of a draw ---------------------------------------------------------------

def lottery(on: date, issue: str = "2026001期") -> RandomSource:
    """福彩3D's issue drawn at 21:15 Beijing time on ``on`` (the plan commits to it)."""
    return RandomSource("lottery", "", "福彩3D", issue, on)


def after_lottery(on: date) -> datetime:
    """22:00 Beijing time on ``on``: the lottery's result is out."""
    return datetime.combine(on, time(22), CHINA)


def confirm_lottery(app, plan_id, on: date, value: str = "381", first: str = "sup",
                    second: str = "sup2") -> None:
    """A published lottery plan's result, entered by one user and confirmed by another after
    the drawing on ``on``."""
    at = after_lottery(on)
    app.enter_random_value(plan_id, value, at, first)
    app.confirm_random_value(plan_id, value, at, second)


def lottery_draw(app, plan_id, on: date, value: str = "381", first: str = "sup",
                 second: str = "sup2", **draw) -> dict:
    """A plan drafted with ``lottery(on)``: publish at noon, enter and confirm the result after
    the drawing (two users), draw; all on ``on``. Returns the draw record."""
    app.publish_plan(plan_id, on, first)
    confirm_lottery(app, plan_id, on, value, first, second)
    return app.draw(plan_id, after_lottery(on), first, **draw)


# rounds late enough that a commitment made `commit_delay_minutes` before them is after genesis
DRAND_VECTORS = sorted((v for v in json.loads((Path(__file__).parent / "vectors" /
                                              "drand_quicknet.json").read_text("utf-8"))["rounds"]
                        if v["round"] > 10_000), key=lambda v: v["round"])
COMMIT_DELAY = timedelta(minutes=DEFAULT_RULES.draw.commit_delay_minutes)


def drand_round(i: int = 0) -> dict:
    """A real, recorded quicknet round (round, signature, randomness) and its time."""
    v = DRAND_VECTORS[i]
    return {**v, "time": beacon.round_time(beacon.QUICKNET, v["round"])}


def before_round(i: int = 0) -> datetime:
    """The moment at which publishing commits to recorded round ``i``."""
    return drand_round(i)["time"] - COMMIT_DELAY - timedelta(seconds=1)


def drand_draw(app, plan_id, i: int = 0, by: str = "sup", **draw) -> dict:
    """Publish a drand plan so it commits to recorded round ``i``, then draw with it."""
    committed = app.publish_plan(plan_id, before_round(i), by)
    v = drand_round(i)
    assert committed["round"] == v["round"], committed
    return app.draw(plan_id, v["time"] + timedelta(seconds=1), by, round_no=v["round"],
                    signature=v["signature"], **draw)


def licence(i: int, **over):
    """A food business licence (食品经营许可) of market regulation for entity i, decided 2026-03-02."""
    from credit.licensing.aggregate import LicenceTerms

    fields = dict(uscc=uscc(i), document_name="准予行政许可决定书",
                  decision_no=f"婺市监许〔2026〕{i}号", category="ordinary",
                  licence_name="食品经营许可证 food business licence", licence_no=f"JY133070{i:06d}",
                  content="预包装食品销售 sale of prepackaged food", decided_on=date(2026, 3, 2),
                  valid_from=date(2026, 3, 2), valid_to=date(2031, 3, 1),
                  department="market_regulation")
    fields.update(over)
    return LicenceTerms(**fields)


def licence_json(i: int, **over) -> dict:
    body = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in vars(licence(i)).items()}
    body.update(over)
    return body

"""Test data builders: synthetic entities with valid codes (never real companies' codes)."""

from __future__ import annotations

from datetime import date

from supervision.registry import EntityData
from supervision.uscc import make_uscc

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

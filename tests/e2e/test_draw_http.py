"""A draw nobody can steer, over HTTP: commit then reveal (a real drand round), verification by
anyone without login, the auditor's full check, and no class in any public answer."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pytest
import sqlalchemy as sa

from supervision.directory.tables import entities
from supervision.plans import audit
from tests.e2e.conftest import lottery_draw, lottery_source, token
from tests.factories import (
    before_round,
    check_item,
    drand_round,
    entity,
    inspector,
    known_codes,
)

TODAY = date(2026, 3, 2)


def _world(platform, n: int = 40) -> None:
    app = platform.supervision
    app.register_entities([entity(i, region="330702" if i % 2 else "330703") for i in range(n)])
    app.register_inspectors([inspector(i, region="330702" if i % 2 else "330703")
                             for i in range(6)], TODAY)
    app.add_check_item(check_item(1), known_codes())
    platform.settle()


def _field(r) -> str:
    """The field a 422 names (in the validation-error shape)."""
    return r.json()["detail"][0]["loc"][-1]


def _plan(client, **over) -> str:
    body = {"name": "2026年度双随机抽查", "lead_department": "market_regulation",
            "check_items": ["T-001"], "scope": {"region_prefix": "3307"},
            "ratios": {"A": 0.03, "B": 0.5, "C": 0.2, "D": 1.0}, "due_on": "2099-06-30",
            "control_share": 0.2, **over}
    r = client.post("/api/v1/plans", json=body, headers=token(client, "supervisor"))
    assert r.status_code == 201, r.text
    return r.json()["plan_id"]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_commit_then_reveal_with_a_real_drand_round(client, platform):
    _world(platform)
    sup = token(client, "supervisor")
    plan_id = _plan(client)
    v, other = drand_round(0), drand_round(1)
    body = {"round": v["round"], "signature": v["signature"]}
    r = client.post(f"/api/v1/plans/{plan_id}/draw", json=body, headers=sup)
    assert r.status_code == 409 and r.json()["field"] == "status"   # not published: no commitment
    platform.clock = lambda: before_round(0)
    r = client.post(f"/api/v1/plans/{plan_id}/publish", headers=sup)
    assert r.status_code == 200, r.text
    committed = r.json()["commitments"][0]
    assert committed["round"] == v["round"] and committed["source"] == "drand"
    assert committed["public_pool_digest"].startswith("sha256:") and committed["pool_size"] == 40

    # the round does not exist yet: nobody can draw, whatever they send
    r = client.post(f"/api/v1/plans/{plan_id}/draw", json=body, headers=sup)
    assert r.status_code == 409 and r.json()["field"] == "round", r.text
    platform.clock = lambda: other["time"] + timedelta(seconds=5)
    r = client.post(f"/api/v1/plans/{plan_id}/draw",
                    json={"round": other["round"], "signature": other["signature"]}, headers=sup)
    assert r.status_code == 422 and _field(r) == "round", r.text   # not the committed one
    flipped = v["signature"][:-2] + ("00" if v["signature"][-2:] != "00" else "11")
    r = client.post(f"/api/v1/plans/{plan_id}/draw", json={**body, "signature": flipped},
                    headers=sup)
    assert r.status_code == 422 and _field(r) == "signature", r.text
    r = client.post(f"/api/v1/plans/{plan_id}/draw", json=body, headers=sup)
    assert r.status_code == 201, r.text
    assert r.json()["record"]["randomness"] == v["randomness"]
    assert client.post(f"/api/v1/plans/{plan_id}/draw", json=body,
                       headers=sup).status_code == 409                  # drawn once

    # anyone, without a token, checks it from the public record
    r = client.get(f"/api/v1/public/plans/{plan_id}/draws/1/verification")
    assert r.status_code == 200 and r.json()["verified"] is True, r.text
    record = client.get(f"/api/v1/public/plans/{plan_id}/draws/1/record").json()
    assert audit.verify_public_file(record) == []
    pool = client.get(f"/api/v1/public/plans/{plan_id}/commitments/1/pool").json()
    assert pool["public_pool_digest"] == committed["public_pool_digest"]
    assert len(pool["usccs"]) == 40
    # a tampered file does not verify: an entity dropped from the control sample
    control = [e for e in record["record"]["entities"] if e["control"]]
    assert control, record["record"]
    tampered = json.loads(json.dumps(record))
    tampered["record"]["entities"].remove(control[0])
    assert audit.verify_public_file(tampered)
    # nor a trimmed one: the highest-ranked control entity dropped, count and cutoff lowered to
    # match; the size was committed before the value existed
    trimmed = json.loads(json.dumps(record))
    top = max(control, key=lambda e: int(e["control_rank"]))
    trimmed["record"]["entities"].remove(top)
    rest = [int(e["control_rank"]) for e in control if e is not top]
    trimmed["record"].update(control_drawn=len(control) - 1, drawn=record["record"]["drawn"] - 1,
                             control_cutoff=str(max(rest)) if rest else None)
    assert any("committed" in d for d in audit.verify_public_file(trimmed))

    # the auditor recomputes it in full; an inspector may not
    r = client.get(f"/api/v1/plans/{plan_id}/draw/verification",
                   headers=token(client, "auditor"))
    assert r.status_code == 200 and r.json()["verified"] is True, r.text
    assert client.get(f"/api/v1/plans/{plan_id}/draw/verification",
                      headers=token(client, "inspector")).status_code == 403
    r = client.get(f"/api/v1/plans/{plan_id}/commitments/1/archive",
                   headers=token(client, "auditor"))
    assert r.status_code == 200 and r.content[:2] == b"PK"            # a numpy .npz
    assert client.post(f"/api/v1/plans/{plan_id}/close",
                       headers=token(client, "auditor")).status_code == 403   # read-only


def test_no_public_answer_reveals_the_class_of_a_one_entity_stratum(client, platform):
    _world(platform, n=6)
    lonely = entity(3, region="330702").uscc
    with platform.engine.connect() as conn:
        number = conn.execute(sa.select(entities.c.entity_no)
                              .where(entities.c.uscc == lonely)).scalar_one()
    # every entity is class B except one, class D: alone in its stratum
    platform.supervision.risk_classes = \
        lambda entity_no: np.where(entity_no == number, 3, 1).astype(np.int8)
    plan_id = _plan(client, randomness=lottery_source(), control_share=0.0,
                    ratios={"A": 0.0, "B": 0.0, "C": 0.0, "D": 1.0})
    r = lottery_draw(client, platform, plan_id)
    assert r.status_code == 201, r.text
    assert r.json()["record"]["strata"]["D"]["population"] == 1   # the supervisor sees it
    public = {path: client.get(path) for path in (
        "/api/v1/public/plans", f"/api/v1/public/plans/{plan_id}",
        f"/api/v1/public/plans/{plan_id}/draws/1/record",
        f"/api/v1/public/plans/{plan_id}/draws/1/verification",
        f"/api/v1/public/plans/{plan_id}/commitments/1/pool")}
    for path, answer in public.items():
        assert answer.status_code == 200, (path, answer.text)
        text = answer.text
        for leak in ('"strata"', '"risk_class"', '"D"', '"params"', '"salt"', '"A":',
                     "ratios"):
            assert leak not in text, (path, leak)
    # being drawn is public (that is the point); which stratum it came from is not
    drawn = [e["uscc"] for e in public[f"/api/v1/public/plans/{plan_id}/draws/1/record"]
             .json()["record"]["entities"]]
    assert drawn == [lonely]

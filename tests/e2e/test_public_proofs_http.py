"""Every kind of public record links to an inclusion proof of the last event behind it, in the
log it names (supervision or credit), and each proof verifies with tools/verify_proof.py
against the published checkpoint (in-process for each record, once as a separate process)."""

from __future__ import annotations

import importlib.util
import json
from uuid import UUID

import pytest

from kernel.checkpoints import Signer
from tests.e2e.test_log_proof_http import TOOL, _verify
from tests.e2e.test_privacy import _build, _inspect
from tests.factories import uscc

_spec = importlib.util.spec_from_file_location("verify_proof", TOOL)
verify_proof = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(verify_proof)


@pytest.fixture
def settings(tmp_path):
    from tests.conftest import make_settings

    (tmp_path / "log.key").write_bytes(Signer.generate("ed25519"))
    return make_settings("sqlite", tmp_path, checkpoint_every_events=1,
                         checkpoint_key_file=str(tmp_path / "log.key"))


def _records(client, code: str, plan: str) -> dict[str, dict]:
    """One record of each public kind, by kind."""
    record = client.get(f"/api/v1/public/credit/{code}").json()
    other = client.get(f"/api/v1/public/credit/{uscc(2)}").json()
    detail = client.get(f"/api/v1/public/plans/{plan}").json()
    (listed,) = [e for e in record["lists"] if e["list"] == "serious"]
    return {
        "entity": client.get(f"/api/v1/public/entities/{code}").json(),
        "entity in the credit record": record["entity"],
        "search hit": client.get(f"/api/v1/public/search?q={code}").json()["items"][0],
        "penalty": record["penalties"][0],
        "list entry": listed,
        "list member": client.get("/api/v1/public/lists/serious").json()["items"][0],
        "result": other["inspections"][0],
        "result list": client.get(f"/api/v1/public/inspections?plan_id={plan}").json()["items"][0],
        "plan": detail,
        "draw": detail["draw_records"][0],
        "plan list": client.get("/api/v1/public/plans").json()["items"][0],
    }


def test_every_public_record_links_a_proof_that_verifies(client, platform, tmp_path, capsys):
    from tests.e2e.conftest import lottery_draw, lottery_source, token

    code = _build(platform)
    plan = client.post("/api/v1/plans", headers=token(client, "supervisor"), json={
        "name": "证明测试计划", "lead_department": "market_regulation", "check_items": ["T-001"],
        "scope": {"region_prefix": "3307"}, "ratios": {"A": 1, "B": 1, "C": 1, "D": 1},
        "due_on": "2099-01-01", "randomness": lottery_source()}).json()["plan_id"]
    assert lottery_draw(client, platform, plan).status_code == 201
    _inspect(platform, UUID(plan), uscc(2), publish=True)
    assert platform.settle_all()
    key = client.get("/api/v1/public/log/keys").json()["keys"][0]
    logs = {"entity": "supervision", "entity in the credit record": "supervision",
            "search hit": "supervision", "penalty": "credit", "list entry": "credit",
            "list member": "credit", "result": "supervision", "result list": "supervision",
            "plan": "supervision", "draw": "supervision", "plan list": "supervision"}
    proofs = {}
    for kind, record in _records(client, code, plan).items():
        assert record["log"] == logs[kind], kind
        assert record["log_position"] >= 1, kind
        assert record["proof"] == (f"/api/v1/public/log/{record['log']}/proof"
                                   f"?position={record['log_position']}"), kind
        r = client.get(record["proof"])
        assert r.status_code == 200, (kind, r.text)
        proof = proofs[kind] = r.json()
        assert proof["position"] == record["log_position"] and proof["log"] == record["log"]
        path = tmp_path / f"{len(proofs)}.json"
        path.write_text(json.dumps(proof), encoding="utf-8")
        assert verify_proof.main([str(path), "--key", key]) == 0, (kind, capsys.readouterr())
    # the stand-alone tool as a third party runs it, on the draw's proof
    result = _verify(tmp_path, proofs["draw"], "--key", key)
    assert result.returncode == 0, result.stdout + result.stderr

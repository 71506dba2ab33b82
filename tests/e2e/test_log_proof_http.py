"""The public record proves itself: a public penalty links to an inclusion proof that the
stand-alone verifier (tools/verify_proof.py: standard library + cryptography) checks against
the published checkpoint alone; consistency between two checkpoints likewise."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kernel.checkpoints import Signer
from tests.e2e.conftest import token
from tests.e2e.test_credit_http import day, open_case
from tests.factories import decision_json, entity_json

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_proof.py"


@pytest.fixture
def settings(tmp_path):
    from tests.conftest import make_settings

    (tmp_path / "log.key").write_bytes(Signer.generate("ed25519"))
    return make_settings("sqlite", tmp_path, checkpoint_every_events=1,
                         checkpoint_key_file=str(tmp_path / "log.key"))


def _verify(tmp_path: Path, document: dict, *args: str) -> subprocess.CompletedProcess:
    """The tool copied alone into an empty directory, run in isolated mode (no PYTHONPATH, no
    current directory on the path): it can import nothing of OpenCheck."""
    where = tmp_path / "third-party"
    where.mkdir(exist_ok=True)
    shutil.copy(TOOL, where / "verify_proof.py")
    (where / "proof.json").write_text(json.dumps(document), encoding="utf-8")
    return subprocess.run([sys.executable, "-I", "verify_proof.py", "proof.json", *args],
                          cwd=where, capture_output=True, text=True, timeout=60)


def test_the_verifier_imports_only_the_standard_library_and_cryptography():
    tree = ast.parse(TOOL.read_text(encoding="utf-8"))
    imported = {(n.module if isinstance(n, ast.ImportFrom) else a.name).split(".")[0]
                for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                for a in (n.names if isinstance(n, ast.Import) else [n])}
    assert imported - set(sys.stdlib_module_names) == {"cryptography", "gmssl"}


def test_a_public_penalty_is_proved_from_the_published_checkpoint(client, platform, tmp_path):
    sup = token(client, "supervisor")
    assert client.post("/api/v1/entities", json=entity_json(1), headers=sup).status_code == 201
    case = open_case(client, sup)
    client.post(f"/api/v1/penalties/{case['id']}/decision",
                json=decision_json(decided_on=day(-30)), headers=sup)
    assert platform.settle_all()   # a first checkpoint of the credit log
    client.post(f"/api/v1/penalties/{case['id']}/publication", json={"published_on": day(-20)},
                headers=sup)
    assert platform.settle_all()   # the log's tree and its checkpoint
    (penalty,) = client.get(f"/api/v1/public/entities/{case['uscc']}/penalties").json()
    assert penalty["log_position"] >= 1
    proof = client.get(penalty["proof"])
    assert proof.status_code == 200, proof.text
    proof = proof.json()
    assert proof["position"] == penalty["log_position"] and proof["topic"].endswith("Published")
    latest = client.get("/api/v1/public/log/credit/checkpoints/latest").json()
    assert proof["checkpoint"] == latest["note"]
    key = client.get("/api/v1/public/log/keys").json()["keys"][0]

    result = _verify(tmp_path, proof, "--key", key)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"the event at position {proof['position']} of opencheck.local/credit" in result.stdout
    # the published checkpoint on its own, as a third party downloaded it
    (tmp_path / "third-party").mkdir(exist_ok=True)
    (tmp_path / "third-party" / "cp.txt").write_text(latest["note"], encoding="utf-8")
    assert _verify(tmp_path, {**proof, "checkpoint": ""}, "--key", key,
                   "--checkpoint", "cp.txt").returncode == 0

    # an altered event, an altered path or another key: not verified
    assert _verify(tmp_path, {**proof, "topic": proof["topic"] + "x"}, "--key", key).returncode == 1
    path = list(proof["audit_path"]) or ["00" * 32]
    path[0] = "ff" * 32
    assert _verify(tmp_path, {**proof, "audit_path": path}, "--key", key).returncode == 1
    other = Signer("opencheck", "ed25519", Signer.generate("ed25519")).verifier.vkey
    assert _verify(tmp_path, proof, "--key", other).returncode == 1

    # two checkpoints: the later tree extends the earlier one
    marks = client.get("/api/v1/public/log/credit/checkpoints").json()
    assert len(marks) >= 2
    first, second = marks[0]["tree_size"], marks[-1]["tree_size"]
    consistency = client.get("/api/v1/public/log/credit/consistency",
                             params={"first": first, "second": second}).json()
    result = _verify(tmp_path, consistency, "--key", key)
    assert result.returncode == 0, result.stdout + result.stderr


def test_unknown_logs_and_positions_are_404_not_500(client, platform):
    assert client.get("/api/v1/public/log/nope/checkpoints").status_code == 404
    r = client.get("/api/v1/public/log/credit/proof", params={"position": 999})
    assert r.status_code == 404 and r.json()["field"] == "position"
    assert client.get("/api/v1/public/log/credit/checkpoints/latest").status_code == 404
    assert client.get("/api/v1/public/log/supervision/consistency",
                      params={"first": 3, "second": 1}).status_code == 404
    assert client.get("/api/v1/public/log/supervision/proof",
                      params={"position": "x"}).status_code == 422
    # a size no database integer holds: refused as input (the fuzzer's 500, OverflowError)
    r = client.get("/api/v1/public/log/credit/checkpoints", params={"after_size": 2**70})
    assert r.status_code == 422 and "after_size" in r.text

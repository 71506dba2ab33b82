"""Signed checkpoints (kernel.checkpoints): C2SP signed notes with Ed25519 and SM2/SM3, key ids,
verifier keys, a forged body or another key refused; the stand-alone verifier agrees."""

from __future__ import annotations

import importlib.util
from datetime import datetime, timezone
from pathlib import Path

import pytest

from kernel.checkpoints import Checkpoint, CheckpointInvalid, Signer, Verifier, parse
from kernel.errors import InvalidInput

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_proof.py"
WHEN = datetime(2026, 12, 7, 2, 0, tzinfo=timezone.utc)


def _tool():
    spec = importlib.util.spec_from_file_location("verify_proof", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("algorithm", ["ed25519", "sm2"])
def test_a_checkpoint_signed_verifies_and_a_forged_one_does_not(algorithm):
    signer = Signer("scjg.example", algorithm, Signer.generate(algorithm))
    note = Checkpoint("scjg.example/credit", 42, bytes(range(32)), WHEN).sign(signer)
    assert note.startswith("scjg.example/credit\n42\n")
    assert "time 2026-12-07T02:00:00Z\n\n\u2014 scjg.example " in note
    signed = parse(note)
    assert (signed.checkpoint.size, signed.checkpoint.root, signed.checkpoint.time) == \
        (42, bytes(range(32)), WHEN)
    verifier = Verifier.parse(signer.verifier.vkey)
    assert verifier == signer.verifier and signed.signed_by(verifier)
    assert not parse(note.replace("\n42\n", "\n43\n")).signed_by(verifier)
    other = Signer("scjg.example", algorithm, Signer.generate(algorithm)).verifier
    assert not signed.signed_by(other)
    # the stand-alone verifier reads the same note with the same key
    assert _tool().check_checkpoint(note, signer.verifier.vkey)[1:] == (42, bytes(range(32)))
    with pytest.raises(ValueError):
        _tool().check_checkpoint(note, other.vkey)


def test_a_witness_cosigns_and_each_signature_is_checked_on_its_own():
    log = Signer("opencheck", "ed25519", Signer.generate("ed25519"))
    witness = Signer("witness", "sm2", Signer.generate("sm2"))
    note = Checkpoint("o/supervision", 7, b"\x01" * 32, WHEN).sign(log, witness)
    signed = parse(note)
    assert signed.signed_by(log.verifier) and signed.signed_by(witness.verifier)
    assert len(signed.signatures) == 2


def test_bad_keys_and_notes_are_named_errors():
    vkey = Signer("k", "ed25519", Signer.generate("ed25519")).verifier.vkey
    name, kid, key = vkey.split("+", 2)
    with pytest.raises(InvalidInput):
        Verifier.parse(f"{name}+00000000+{key}")
    with pytest.raises(InvalidInput):
        Verifier.parse("not a key")
    with pytest.raises(CheckpointInvalid):
        parse("origin\n12\nnot-base64\n\n")
    with pytest.raises(InvalidInput):
        Signer("k", "rsa", b"")

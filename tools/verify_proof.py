#!/usr/bin/env python3
"""Check an OpenCheck proof against a signed checkpoint, trusting nothing of OpenCheck.

Needs the Python standard library and `cryptography` (Ed25519); `gmssl` only for SM2 keys.

    python verify_proof.py PROOF.json --key 'opencheck+1a2b3c4d+AU...' [--witness-key ...]
                           [--checkpoint CHECKPOINT.txt]

PROOF.json is the answer of GET /api/v1/public/log/{log}/proof?position=N (an inclusion proof)
or of GET /api/v1/public/log/{log}/consistency?first=M&second=N. The checkpoint is the one the
proof carries, or --checkpoint (e.g. one a witness kept). The key is the log's verifier key, got
from the bureau through a channel you trust. Exit 0: verified; exit 1: not.

What is checked: the checkpoint's signature (C2SP signed note: key id = SHA-256(name || 0x0A ||
type || key)[:4], type 0x01 Ed25519, 0xff SM2/SM3); for an inclusion proof, the leaf recomputed
from the event's fields (position u64 BE || originator id 16 bytes || version u64 BE || topic
length u32 BE || topic UTF-8 || SHA-256 of the stored state) and RFC 9162 §2.1.3.2 against the
checkpoint's root; for a consistency proof, RFC 9162 §2.1.4.2 between the two checkpoints.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import struct
import sys
import uuid


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return _h(b"\x01" + left + right)


def verify_inclusion(index, size, leaf, path, root):  # RFC 9162 §2.1.3.2
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first, second, path, first_root, second_root):  # RFC 9162 §2.1.4.2
    if first < 0 or first > second:
        return False
    if first == 0:
        return not path
    if first == second:
        return not path and first_root == second_root
    path = list(path)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = _node(c, fr), _node(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = _node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


def _signature_ok(kind, public, body, signature):
    if kind == 0x01:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            Ed25519PublicKey.from_public_bytes(public).verify(signature, body)
            return True
        except (InvalidSignature, ValueError):
            return False
    if kind == 0xFF:
        from gmssl import sm2

        return bool(sm2.CryptSM2(None, public[1:].hex()).verify_with_sm3(signature.hex(), body))
    return False


def check_checkpoint(note, vkey):
    """(origin, size, root) of a checkpoint signed by the key `vkey`, or raise ValueError."""
    name, key_hex, b64 = vkey.strip().split("+", 2)
    raw = base64.b64decode(b64)
    kind, public = raw[0], raw[1:]
    kid = _h(name.encode() + b"\n" + raw)[:4]
    if kid.hex() != key_hex.lower():
        raise ValueError(f"the key {name} does not match its id {key_hex}")
    text, _, signatures = note.partition("\n\n")
    body = (text + "\n").encode()
    for line in signatures.splitlines():
        dash, who, sig_b64 = line.split(" ")
        sig = base64.b64decode(sig_b64)
        if dash == "\u2014" and who == name and sig[:4] == kid and \
                _signature_ok(kind, public, body, sig[4:]):
            origin, size, root_b64 = text.split("\n")[:3]
            return origin, int(size), base64.b64decode(root_b64)
    raise ValueError(f"the checkpoint carries no valid signature by {name}")


def leaf_hash(proof):
    topic = proof["topic"].encode()
    data = b"".join((struct.pack(">Q", proof["position"]), uuid.UUID(proof["originator_id"]).bytes,
                     struct.pack(">Q", proof["originator_version"]),
                     struct.pack(">I", len(topic)), topic, bytes.fromhex(proof["state_sha256"])))
    return _h(b"\x00" + data)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("proof")
    ap.add_argument("--key", required=True, help="the log's verifier key (name+id+key)")
    ap.add_argument("--witness-key", action="append", default=[], help="a witness's key")
    ap.add_argument("--checkpoint", help="a checkpoint file to check against instead")
    args = ap.parse_args(argv)
    with open(args.proof, encoding="utf-8") as f:
        proof = json.load(f)
    try:
        if "audit_path" in proof:
            note = open(args.checkpoint, encoding="utf-8").read() if args.checkpoint \
                else proof["checkpoint"]
            for witness in args.witness_key:
                check_checkpoint(note, witness)
            origin, size, root = check_checkpoint(note, args.key)
            if not origin.endswith("/" + proof["log"]) or size != proof["tree_size"]:
                raise ValueError(f"the proof is for {proof['log']} at {proof['tree_size']}, the "
                                 f"checkpoint for {origin} at {size}")
            leaf = leaf_hash(proof)
            if leaf.hex() != proof["leaf_hash"]:
                raise ValueError("the event's fields do not hash to the proof's leaf")
            path = [bytes.fromhex(h) for h in proof["audit_path"]]
            if not verify_inclusion(proof["leaf_index"], size, leaf, path, root):
                raise ValueError("the audit path does not lead to the checkpoint's root")
            print(f"verified: the event at position {proof['position']} of {origin} "
                  f"(leaf {proof['leaf_index']}) is in the signed tree of size {size}")
        else:
            roots = []
            for note in (proof["first_checkpoint"], proof["second_checkpoint"]):
                if note is None:
                    raise ValueError("a consistency proof is checked between two checkpoints")
                for witness in args.witness_key:
                    check_checkpoint(note, witness)
                roots.append(check_checkpoint(note, args.key))
            (o1, s1, r1), (o2, s2, r2) = roots
            path = [bytes.fromhex(h) for h in proof["consistency_path"]]
            if o1 != o2 or not verify_consistency(s1, s2, path, r1, r2):
                raise ValueError(f"the tree of size {s2} does not extend the tree of size {s1}")
            print(f"verified: {o2} at size {s2} extends its tree of size {s1}")
    except (ValueError, KeyError, TypeError) as error:
        print(f"NOT verified: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Checking a draw without trusting the bureau: from the public record file alone, and in full
with the auditor's archive (pure; `opencheck verify-draw` and the verification routes use it).

Public check (no login, no classes): the commitment was made before the committed value existed;
the value is the committed one (a drand round's BLS signature verifies against the chain's key,
or the confirmed lottery result); the pool file is the committed one (public_pool_digest);
every drawn entity is in it; the control sample is exactly the pool entities whose public rank
is at most the published cutoff. The risk strata depend on the secret classes and the salt:
their ranks are not public, so nothing in the public record orders entities by class.

Full check (the auditor's archive: pool with classes, roster, salt, params): the salt is the
committed one, the archive is the committed pool, and recomputing the draw gives exactly the
published entities and control sample.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

import numpy as np

from kernel.errors import InvalidInput
from supervision.plans import beacon, drawing
from supervision.plans.ports import Archived

RECORD_FORMAT = "opencheck-draw-record/2"


def check_revealed(committed: dict[str, Any], randomness: str,
                   revealed: dict[str, Any]) -> list[str]:
    """The value the draw used is the committed one, and it came after the commitment."""
    if committed["source"] == "lottery":
        out = [] if revealed.get("value") == randomness else [
            "randomness: the draw did not use the confirmed lottery result"]
        if datetime.fromisoformat(committed["committed_at"]) >= \
                datetime.fromisoformat(committed["draws_at"]):
            out.append("commitment: made after the lottery was drawn")
        return out
    out = []
    if revealed.get("round") != committed["round"]:
        out.append(f"randomness: committed round {committed['round']}, used "
                   f"{revealed.get('round')}")
    if datetime.fromisoformat(committed["committed_at"]) >= \
            datetime.fromisoformat(committed["round_time"]):
        out.append("commitment: made after the committed round was produced")
    chain = beacon.QUICKNET
    if committed.get("chain_hash") != chain.chain_hash or \
            committed.get("public_key") != chain.public_key:
        out.append(f"randomness: unknown drand chain {committed.get('chain_hash')}")
        return out
    try:
        if beacon.verify_round(chain, int(revealed["round"]), revealed["signature"]) != randomness:
            out.append("randomness: not the committed round's randomness")
    except (InvalidInput, KeyError, TypeError, ValueError):
        out.append("randomness: the round's signature does not verify against the chain's key")
    return out


def params_commitment(params: drawing.DrawParams, salt: bytes) -> str:
    """Salted digest of the draw parameters (per-class ratios are few: unsalted, a hash would
    give them away), published with the commitment; the auditor's archive opens it."""
    text = json.dumps(params.to_dict(), sort_keys=True, separators=(",", ":")).encode()
    return "sha256:" + hashlib.sha256(b"opencheck-params/2\n" + salt + text).hexdigest()


def archive_differences(committed: dict[str, Any], a: Archived) -> list[str]:
    """The archive is the one the commitment named: salt, pool and roster, parameters."""
    out = []
    if drawing.salt_commitment(a.salt) != committed["salt_commitment"]:
        out.append("salt: the archive's salt is not the committed one")
    if drawing.pool_digest(a.pool, a.roster, a.salt) != committed["pool_digest"]:
        out.append("pool: the archive is not the committed pool and roster")
    if params_commitment(a.params, a.salt) != committed["params_commitment"]:
        out.append("params: the archive's draw parameters are not the committed ones")
    cap = a.params.red_list_class
    if cap is not None and (a.red_listed is None or a.red_listed.size != a.pool.entity_no.size
                            or (a.pool.risk_class[a.red_listed] > cap).any()):
        out.append("red list: a red-listed entity was not drawn in the incentive's class")
    return out


def against_commitment(committed: dict[str, Any], record: dict[str, Any]) -> list[str]:
    """The public record keeps what the commitment fixed: the pool and the control sample's
    size."""
    out = []
    if record.get("public_pool_digest") != committed["public_pool_digest"]:
        out.append("pool: the draw used another pool than the committed one")
    if record.get("control_drawn") != committed.get("control_size", record.get("control_drawn")):
        out.append(f"control sample: {record.get('control_drawn')} drawn, "
                   f"{committed.get('control_size')} committed")
    return out


def verify_public_file(doc: dict[str, Any]) -> list[str]:
    """Differences found in a public record file (``opencheck-draw-record/2``); [] verified."""
    if doc.get("format") != RECORD_FORMAT:
        return [f"format: expected {RECORD_FORMAT}, got {doc.get('format')!r}"]
    committed, record = doc["commitment"], doc["record"]
    differences = check_revealed(committed, doc["randomness"], record.get("revealed", {}))
    differences += against_commitment(committed, record)
    key = drawing.derive_key(doc["plan_id"], int(doc["draw_no"]), doc["randomness"])
    differences += drawing.verify_public(record, key, list(doc["pool"]))
    return differences


def verify_with_archive(doc: dict[str, Any], a: Archived) -> list[str]:
    """The auditor's full check of a public record file against the commitment's archive."""
    record = doc["record"]
    out = archive_differences(doc["commitment"], a)
    if [u.decode() for u in np.sort(a.pool.uscc)] != list(doc["pool"]):
        out.append("pool: the archive's entities are not the published pool")
    key = drawing.derive_key(doc["plan_id"], int(doc["draw_no"]), doc["randomness"])
    again = drawing.draw(a.pool, a.roster, a.params, key, a.salt).public_summary()
    return out + published_differences(record, again)


def published_differences(published: dict[str, Any], recomputed: dict[str, Any]) -> list[str]:
    """The published entities (and control flags) against a recomputed public summary."""
    drawn = {e["uscc"]: e["control"] for e in published.get("entities", [])}
    again = {e["uscc"]: e["control"] for e in recomputed.get("entities", [])}
    if drawn == again:
        return []
    missing, extra = sorted(set(again) - set(drawn)), sorted(set(drawn) - set(again))
    return [f"outcome: {len(missing)} entities the algorithm draws are not published "
            f"(e.g. {missing[:3]}), {len(extra)} published entities it does not draw "
            f"(e.g. {extra[:3]})"]


def register_differences(pool_usccs: set[str], register_usccs: set[str]) -> list[str]:
    """The frozen pool against the register as of the commitment (same scope, active)."""
    out = []
    left_out, added = register_usccs - pool_usccs, pool_usccs - register_usccs
    if left_out:
        out.append(f"register: {len(left_out)} active entities in scope are missing from the "
                   f"frozen pool (e.g. {sorted(left_out)[:3]})")
    if added:
        out.append(f"register: {len(added)} pool entities were not active in scope at the "
                   f"commitment (e.g. {sorted(added)[:3]})")
    return out

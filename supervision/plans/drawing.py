"""The random draw (双随机抽取): entities, then inspectors per task; pure and verifiable.

``draw(pool, roster, params, key, salt)`` reads no environment, clock or global RNG (``timings``,
from ``time.perf_counter``, is informational and outside every digest). Algorithm
``opencheck-draw/2``, specified here so that a third party can implement it in another language.
Anyone can check the draw's control sample without login; nothing public reveals an entity's
credit risk class (DOMAIN §7: never shown to the public) beyond what being drawn implies.

Protocol
  1. The bureau freezes pool and roster, draws a fresh secret 32-byte ``salt`` (CSPRNG) for this
     draw, and publishes the public pool file (every USCC of the pool once, ascending, each
     followed by ``"\\n"``), its ``public_pool_digest`` and ``salt_commitment(salt)``.
  2. A public random value ``randomness`` appears afterwards (lottery result, beacon round).
  3. ``key = derive_key(plan_id, draw_no, randomness)``; ``draw(pool, roster, params, key, salt)``.
  4. The bureau publishes ``public_summary()``: anyone runs ``verify_public``. Auditors receive
     the salt, the frozen inputs and ``internal_summary()`` and run ``verify``.

Notation: ``||`` concatenates bytes; ``BE64(b)`` is the unsigned integer of 8 bytes, big-endian;
``len8(b)`` the byte length of b as 8 bytes, big-endian; uint64 arithmetic is modulo 2**64.

1. Keys and random streams
   key         = sha256(b"opencheck-draw-key/2\\n" || len8(p) || p for p in (utf8(plan_id),
                 ascii(decimal draw_no), utf8(randomness)))                       (32 bytes)
   commitment  = "sha256:" + hex(sha256(b"opencheck-salt/2\\n" || salt))
   control words  c0, c1 = BE64(key[0:8]), BE64(key[8:16])                          (public)
   risk words     q0, q1 = BE64(S[0:8]), BE64(S[8:16]), S = sha256(key || salt)     (secret)
   rounding stream: NumPy ``PCG64(int.from_bytes(key, "big"))``, i.e. ``SeedSequence`` with that
     integer as entropy (read as 32-bit words, least significant first), then PCG64 seeded from
     ``generate_state(4, uint64)``. Only ``random_raw`` (raw 64-bit words) is used, never
     ``Generator`` methods: NumPy keeps bit-generator streams stable across releases.
   teams stream: the same construction from ``int.from_bytes(sha256(b"opencheck-teams/2" ||
     key || salt)[0:16], "big")``; ``supervision.plans.drawing_inspectors`` reads it from its
     first word (in ``opencheck-draw/1`` the deal continued the entity stream).
2. Rank of a USCC u (18 characters of ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"), v(ch) the
   index of ch in ALPHABET, keyed by two uint64 words (w0, w1):
     hi = sum(v(u[i]) * 31**(8 - i) for i in 0..8)       (characters 1-9, < 31**9 < 2**45)
     lo = sum(v(u[i]) * 31**(17 - i) for i in 9..17)     (characters 10-18)
     mix(z): z ^= z >> 30; z *= 0xBF58476D1CE4E5B9; z ^= z >> 27; z *= 0x94D049BB133111EB;
             z ^= z >> 31                                   (SplitMix64's finaliser, uint64)
     rank = mix((mix(w0 + hi * G) ^ w1) + lo * G),  G = 0x9E3779B97F4A7C15
   The control rank uses (c0, c1), the risk rank (q0, q1). "The n lowest" of a set of rows means
   the first n in ascending (rank, USCC as ASCII bytes) order. Test vector: rank(words of
   bytes(16), "914403001922038216") = 10438736612513044021.
3. Strata and cool-off. A row's stratum is ``targeted`` if targeted (complaint / targeted list,
   own ``targeted_ratio``), else its credit risk class A-D (国市监信发〔2022〕6号). It is cooling
   off when ``0 <= last_checked_days < cool_off_days[class]`` (targeted: ``targeted_cool_off_days``,
   default 0: a complaint is itself the reason to inspect). E_h = rows of h not cooling off.
4. Sizes: exact size with randomised rounding. w_0..w_5 are the first six words of the rounding
   stream (A, B, C, D, targeted, control). round(x, w) = floor(x) + [(w >> 11) / 2**53 <
   x - floor(x)], in exact rational arithmetic, ratios and control_share taken as their exact
   binary64 values. n_h = round(r_h * E_h, w_h); n_c = round(control_share * sum_h r_h * E_h, w_5),
   or, when ``params.control_size`` is given, that number (capped at the pool size): OpenCheck
   fixes it at the commitment as floor(control_share * sum_h r_h * E_h + 1/2) and publishes it,
   so the public check covers the count too (``entity_draw.committed_control_size``).
5. Control sample C: the n_c lowest rows by control rank among ALL pool rows (every stratum,
   cooling-off rows included): class- and cool-off-independent, hence publicly checkable (OSHA
   style: a uniform sample measures the baseline the risk targeting is judged against).
   control_cutoff = the largest control rank in C (none if n_c = 0).
6. Risk sample: per stratum h, c_h = |C ∩ eligible_h|, m_h = max(0, n_h - c_h), and R_h = the
   m_h lowest rows by risk rank among eligible_h minus C.
7. Drawn: C ∪ R_A ∪ ... ∪ R_targeted in pool order (entity_no ascending); ``control`` flags C.
   Teams: ``assign_inspectors(entity_no, region of the drawn rows, roster, params, teams stream)``.

Properties, modelling ranks as independent uniform 64-bit values (a keyed hash of distinct
codes). With control_share = 0 every eligible entity of stratum h is drawn with probability r_h
exactly (to 2**-53), a cooling-off one never. With control_share > 0 every pool row is in C with
the same probability E[n_c] / N whatever its class or cool-off, and stratum h draws max(n_h, c_h)
of its E_h eligible rows, a uniform subset. The salt is committed before the randomness exists,
so it cannot steer the draw; until it is disclosed nobody can compute risk ranks, so neither a
drawn nor an undrawn entity's rank tells anything about its class or cool-off. n_c depends on the
secret E_h: ``verify_public`` confirms that the control sample is the published number of lowest
control ranks of the whole public pool, not that number itself (dropping the highest-ranked
control entities and lowering the count and cutoff passes it) unless the count was committed
beforehand (``control_size``, checked against the commitment by ``supervision.plans.audit``);
the risk sample and the teams need ``verify``.

Digests and records
* public_pool_digest = "sha256:" + hex(sha256(b"opencheck-public-pool/2\\n" || the public pool
  file)): the file lists every USCC once, ascending, each followed by "\\n".
* pool_digest = "hmac-sha256:" + HMAC-SHA256 keyed with the salt over every pool and roster
  array, encoding in ``supervision.plans.draw_inputs.pool_digest``; the salt keeps a published
  digest from confirming guessed classes of a small pool.
* fingerprint, ``internal_summary`` (everything: strata, params, salted digest) and
  ``public_summary`` (algorithm_version, key, salt_commitment, public_pool_digest, pool_size,
  drawn, control_drawn, control_cutoff, entities: [{uscc, control, control_rank}] in USCC order;
  ranks as decimal strings): ``supervision.plans.draw_record``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kernel.rulebook import RISK_CLASSES
from supervision.plans import ranks
from supervision.plans.draw_inputs import (  # the drawer's public inputs, used through it
    DrawParams,
    EntityPool,
    Roster,
    check_secret,
    derive_key,
    pool_digest,
    salt_commitment,
    teams_seed,
)
from supervision.plans.draw_record import DrawResult
from supervision.plans.drawing_inspectors import assign_inspectors
from supervision.plans.entity_draw import STRATA, gather, select_entities

__all__ = ["ALGORITHM_VERSION", "RISK_CLASSES", "STRATA", "DrawParams", "DrawResult",
           "EntityPool", "Roster", "derive_key", "draw", "pool_digest", "public_pool_digest",
           "salt_commitment", "verify", "verify_public"]
ALGORITHM_VERSION = "opencheck-draw/2"
public_pool_digest = ranks.public_pool_digest


def draw(pool: EntityPool, roster: Roster, params: DrawParams, key: bytes,
         salt: bytes) -> DrawResult:
    """Draw the control sample and the risk sample, then a team of inspectors per entity."""
    check_secret(key, salt)
    key, salt = bytes(key), bytes(salt)
    t0 = time.perf_counter()
    public_digest = pool.public_digest       # computed once per pool (published beforehand)
    t1 = time.perf_counter()
    chosen = select_entities(pool, params, key, salt)
    t2 = time.perf_counter()
    entity_no, region = gather(pool.entity_no, chosen.rows), gather(pool.region, chosen.rows)
    staffing = assign_inspectors(entity_no, region, roster, params,
                                 np.random.PCG64(teams_seed(key, salt)))
    t3 = time.perf_counter()
    digest = pool_digest(pool, roster, salt)
    t4 = time.perf_counter()
    timings = {"public_pool_digest": t1 - t0, "entity_draw": t2 - t1,
               "inspector_assignment": t3 - t2, "pool_digest": t4 - t3, "total": t4 - t0}
    cutoff = None if chosen.control_cutoff is None else str(chosen.control_cutoff)
    return DrawResult(ALGORITHM_VERSION, key, salt_commitment(salt), digest, public_digest,
                      int(pool.entity_no.size), params, chosen.strata, entity_no,
                      chosen.uscc, chosen.control, chosen.control_rank, cutoff,
                      staffing.teams, staffing.unassigned, staffing.same_station,
                      staffing.counters, timings)


def verify(pool: EntityPool, roster: Roster, params: DrawParams, key: bytes, salt: bytes,
           recorded: DrawResult | Mapping[str, Any]) -> list[str]:
    """Recompute the draw and list every difference from ``recorded``; [] means verified."""
    if isinstance(recorded, DrawResult):
        rec = recorded.internal_summary(outcome=True)
    else:
        rec = dict(recorded)
    diffs = []
    if rec.get("algorithm_version") != ALGORITHM_VERSION:
        diffs.append(f"algorithm_version: recorded {rec.get('algorithm_version')!r}, "
                     f"this verifier implements {ALGORITHM_VERSION!r}")
    if rec.get("key") != bytes(key).hex():
        diffs.append(f"key: recorded {rec.get('key')}, given {bytes(key).hex()}")
    if "salt_commitment" in rec and rec["salt_commitment"] != salt_commitment(salt):
        diffs.append(f"salt: the given salt's commitment {salt_commitment(salt)} is not the "
                     f"recorded {rec['salt_commitment']}")
    if rec.get("params_digest") != params.digest():
        changed = [k for k, v in params.to_dict().items()
                   if k in rec.get("params", {}) and rec["params"][k] != v]
        diffs.append(f"params: recorded {rec.get('params_digest')}, given {params.digest()}"
                     + (f" (differs in {', '.join(changed)})" if changed else ""))
    again = draw(pool, roster, params, key, salt)
    now = again.internal_summary()
    if rec.get("pool_digest") != again.pool_digest:
        diffs.append(f"pool_digest: recorded {rec.get('pool_digest')}, recomputed "
                     f"{again.pool_digest} (pool, roster or salt differs)")
    for name in ("public_pool_digest", "pool_size", "drawn", "control_drawn", "control_cutoff"):
        if rec.get(name) != now[name]:
            diffs.append(f"{name}: recorded {rec.get(name)}, recomputed {now[name]}")
    for name in STRATA:
        was, is_ = rec.get("strata", {}).get(name), again.strata[name]
        if was != is_:
            diffs.append(f"stratum {name}: recorded {was}, recomputed {is_}")
    if rec.get("fingerprint") != now["fingerprint"]:
        diffs.append(f"outcome: recorded fingerprint {rec.get('fingerprint')}, recomputed "
                     f"{now['fingerprint']}")
        diffs.extend(_outcome_details(rec, again))
    return diffs


def _outcome_details(rec: Mapping[str, Any], again: DrawResult) -> list[str]:
    if "entity_no" not in rec:
        return []
    was = np.asarray(rec["entity_no"], np.int64)
    only_rec, only_now = np.setdiff1d(was, again.entity_no), np.setdiff1d(again.entity_no, was)
    if only_rec.size or only_now.size:
        return [f"drawn entities: {only_rec.size} only in the record "
                f"(e.g. {only_rec[:3].tolist()}), {only_now.size} only in the recomputation "
                f"(e.g. {only_now[:3].tolist()})"]
    out = []
    flags = np.asarray(rec.get("control", again.control), bool)
    if flags.shape != again.control.shape or (flags != again.control).any():
        wrong = again.entity_no[flags != again.control] if flags.shape == again.control.shape \
            else again.entity_no
        out.append(f"control flags differ for {wrong.size} entity(ies), e.g. "
                   f"{wrong[:3].tolist()}")
    teams = np.asarray(rec.get("teams", again.teams), np.int64)
    if teams.shape != again.teams.shape:
        return [*out, f"teams: recorded shape {teams.shape}, recomputed {again.teams.shape}"]
    rows = np.flatnonzero((teams != again.teams).any(1))
    if rows.size:
        out.append(f"teams differ for {rows.size} task(s), e.g. entity "
                   f"{again.entity_no[rows[:3]].tolist()}")
    return out


def verify_public(public_record: Mapping[str, Any], randomness_key: bytes,
                  public_pool_usccs: Sequence[str]) -> list[str]:
    """Check a public record against the public pool file and the key derived from the public
    randomness; [] means verified (control sample, listed entities, counts, digest)."""
    rec, key = dict(public_record), bytes(randomness_key)
    diffs = []
    if rec.get("algorithm_version") != ALGORITHM_VERSION:
        diffs.append(f"algorithm_version: recorded {rec.get('algorithm_version')!r}, "
                     f"this verifier implements {ALGORITHM_VERSION!r}")
    if len(key) != 32:
        return [*diffs, "key: the randomness key must be 32 bytes"]
    if rec.get("key", key.hex()) != key.hex():
        diffs.append(f"key: recorded {rec.get('key')}, derived from the randomness {key.hex()}")
    try:
        pool = ranks.uscc_array(public_pool_usccs, "public pool")
        listed = ranks.uscc_array([e["uscc"] for e in rec.get("entities", [])], "entities")
    except (ValueError, KeyError, TypeError) as exc:
        return [*diffs, f"unreadable: {exc}"]
    if pool.size > 1 and not (pool[1:] > pool[:-1]).all():    # the file is published sorted
        pool = np.sort(pool)
    if pool.size > 1 and (pool[1:] == pool[:-1]).any():
        diffs.append("public pool: a USCC is listed more than once")
        pool = np.unique(pool)
    digest = ranks.public_pool_digest(pool)
    if rec.get("public_pool_digest") != digest:
        diffs.append(f"public_pool_digest: recorded {rec.get('public_pool_digest')}, the pool "
                     f"file gives {digest}")
    if rec.get("pool_size") != pool.size:
        diffs.append(f"pool_size: recorded {rec.get('pool_size')}, the pool file has {pool.size}")
    return diffs + _check_entities(rec, key, pool, listed)


def _check_entities(rec, key: bytes, pool: np.ndarray, listed: np.ndarray) -> list[str]:
    diffs = []
    entities = rec.get("entities", [])
    ordered = np.sort(listed)
    if (ordered[1:] == ordered[:-1]).any():
        diffs.append("entities: a USCC is listed more than once")
    if rec.get("drawn") != len(entities):
        diffs.append(f"drawn: recorded {rec.get('drawn')}, {len(entities)} entities listed")
    flagged = listed[np.array([bool(e.get("control")) for e in entities], bool)]
    if rec.get("control_drawn") != flagged.size:
        diffs.append(f"control_drawn: recorded {rec.get('control_drawn')}, {flagged.size} "
                     f"entities listed as control")
    at = np.minimum(np.searchsorted(pool, listed), max(pool.size - 1, 0))
    outside = listed[pool[at] != listed] if pool.size else listed
    if outside.size:
        diffs.append(f"entities: {outside.size} not in the public pool, e.g. "
                     f"{_names(outside)}")
    recomputed = ranks.rank(key[:16], listed)
    wrong = [e["uscc"] for e, r in zip(entities, recomputed.tolist())
             if str(e.get("control_rank")) != str(r)]
    if wrong:
        diffs.append(f"control_rank: recorded rank differs from the recomputed one for "
                     f"{len(wrong)} entity(ies), e.g. {wrong[:3]}")
    count = rec.get("control_drawn")
    if not isinstance(count, int) or not 0 <= count <= pool.size:
        return [*diffs, f"control_drawn: {count!r} is not a count within the pool"]
    crank = ranks.rank(key[:16], pool)
    lowest = ranks.smallest(crank, pool, count)
    expected = pool[lowest]
    missing, extra = np.setdiff1d(expected, flagged), np.setdiff1d(flagged, expected)
    cutoff = str(crank[lowest].max()) if count else None
    if missing.size:
        diffs.append(f"control sample: {missing.size} pool entities among the {count} lowest "
                     f"control ranks (rank <= {cutoff}) are not listed as control, e.g. "
                     f"{_names(missing)}")
    if extra.size:
        diffs.append(f"control sample: {extra.size} entities listed as control are not among "
                     f"the {count} lowest control ranks of the pool, e.g. {_names(extra)}")
    if rec.get("control_cutoff") != cutoff:
        diffs.append(f"control_cutoff: recorded {rec.get('control_cutoff')}, the pool gives "
                     f"{cutoff} for {count} control entities")
    return diffs


def _names(codes: np.ndarray) -> list[str]:
    return [c.decode("ascii") for c in codes[:3].tolist()]

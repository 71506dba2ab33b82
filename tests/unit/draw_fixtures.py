"""Inputs for the drawer's unit tests: synthetic USCCs, keys and a salt, and a pure-Python rank."""

from __future__ import annotations

import hashlib

import numpy as np

from supervision.plans.drawing import derive_key

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
SALT = hashlib.sha256(b"test salt").digest()
MASK = (1 << 64) - 1


def uscc_for(entity_no, region=None) -> np.ndarray:
    """A unique, check-character-valid USCC per entity number: 91 + region + base-31 number."""
    entity_no = np.asarray(entity_no, np.int64)
    region = np.full(entity_no.size, 330702) if region is None else np.asarray(region)
    codes = []
    for no, r in zip(entity_no.tolist(), region.tolist()):
        digits, rest = [], int(no)
        for _ in range(9):
            rest, d = divmod(rest, 31)
            digits.append(ALPHABET[d])
        body = f"91{int(r):06d}" + "".join(reversed(digits))
        total = sum(ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(body)) % 31
        codes.append(body + ALPHABET[(31 - total) % 31])
    return np.array(codes, dtype="S18").reshape(-1)


def key_of(n: int | str, plan: str = "plan-test") -> bytes:
    """A draw key from a stand-in public randomness."""
    return derive_key(plan, 1, f"beacon {n}")


def mix(z: int) -> int:
    z ^= z >> 30
    z = (z * 0xBF58476D1CE4E5B9) & MASK
    z ^= z >> 27
    z = (z * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def rank_reference(key16: bytes, uscc: str) -> int:
    """The specified rank in plain Python integers (no numpy)."""
    w0, w1 = int.from_bytes(key16[0:8], "big"), int.from_bytes(key16[8:16], "big")
    hi = sum(ALPHABET.index(c) * 31 ** (8 - i) for i, c in enumerate(uscc[:9]))
    lo = sum(ALPHABET.index(c) * 31 ** (17 - i) for i, c in enumerate(uscc) if i >= 9)
    g = 0x9E3779B97F4A7C15
    return mix(((mix((w0 + hi * g) & MASK) ^ w1) + lo * g) & MASK)

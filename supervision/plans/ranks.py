"""Keyed 64-bit ranks of USCCs (algorithm ``opencheck-draw/2``), vectorised with numpy.

``supervision.plans.drawing`` specifies the rank exactly; this module computes it chunk by chunk
so temporaries stay small, and holds the other USCC-level primitives of the draw: validation of a
pool's codes, selection of the n lowest ranks (ties by USCC) and the public pool digest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np

from kernel.mapped import chunks, release
from kernel.uscc import ALPHABET

USCC_LENGTH = 18
PUBLIC_POOL_TAG = b"opencheck-public-pool/2\n"
GAMMA = 0x9E3779B97F4A7C15          # SplitMix64's increment (golden ratio)
MIX1, MIX2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
MASK64 = (1 << 64) - 1
CHUNK = 1 << 15                     # rows per step: temporaries stay in cache, results identical

_G, _M1, _M2 = np.uint64(GAMMA), np.uint64(MIX1), np.uint64(MIX2)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)
_P3, _P8 = np.uint64(31**3), np.uint64(31**8)
_INVALID = 0xFFFF


def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lookups on two characters read as one little-endian uint16: (v1*31+v2, v1, v2)."""
    value = np.full(256, -1, np.int64)
    value[np.frombuffer(ALPHABET.encode(), np.uint8)] = np.arange(len(ALPHABET))
    pair = np.arange(1 << 16)
    first, second = value[pair & 0xFF], value[pair >> 8]
    ok = (first >= 0) & (second >= 0)
    return (np.where(ok, first * 31 + second, _INVALID).astype(np.uint16),
            np.where(ok, first, _INVALID).astype(np.uint16),
            np.where(ok, second, _INVALID).astype(np.uint16))


_PAIR, _FIRST, _SECOND = _tables()


def key_words(key16: bytes) -> tuple[int, int]:
    """The two uint64 words of a 16-byte rank key, each big-endian: (bytes 0-7, bytes 8-15)."""
    if len(key16) < 16:
        raise ValueError("a rank key needs 16 bytes")
    return int.from_bytes(key16[:8], "big"), int.from_bytes(key16[8:16], "big")


def uscc_array(values: Iterable[str] | Iterable[bytes] | np.ndarray, name: str = "uscc"
               ) -> np.ndarray:
    """A contiguous ``'S18'`` array of valid USCC characters, or ValueError naming a bad row."""
    if not isinstance(values, np.ndarray):
        values = list(values)
        if values and set(map(type, values)) == {str}:
            return _from_strings(values, name)
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-d array of 18-character codes")
    if arr.size == 0:
        return np.zeros(0, f"S{USCC_LENGTH}")
    if arr.dtype.kind not in "SU" or arr.dtype.itemsize // (4 if arr.dtype.kind == "U" else 1) \
            > USCC_LENGTH:
        raise ValueError(f"{name}: codes must be strings of exactly {USCC_LENGTH} characters")
    try:
        arr = np.ascontiguousarray(arr.astype(f"S{USCC_LENGTH}", copy=False))
    except UnicodeEncodeError as exc:
        raise ValueError(f"{name}: a code holds a character outside the USCC alphabet") from exc
    bad = first_invalid(arr)
    if bad >= 0:
        code = arr[bad].decode("ascii", "replace")
        raise ValueError(f"{name}: row {bad} ({code!r}) is not 18 characters of {ALPHABET}")
    return arr


def _from_strings(values: list[str], name: str) -> np.ndarray:
    """The fast path for a list of str: one join and one ASCII encode, no per-code objects."""
    if set(map(len, values)) != {USCC_LENGTH}:
        raise ValueError(f"{name}: codes must be strings of exactly {USCC_LENGTH} characters")
    try:
        raw = "".join(values).encode("ascii")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{name}: a code holds a character outside the USCC alphabet") from exc
    return uscc_array(np.frombuffer(raw, f"S{USCC_LENGTH}").copy(), name)


def first_invalid(uscc: np.ndarray) -> int:
    """Row of the first code with a character outside the alphabet (short codes too), or -1."""
    pairs = _bytes(uscc).view("<u2")
    for start in range(0, pairs.shape[0], CHUNK):
        values = np.take(_PAIR, pairs[start:start + CHUNK])
        if values.size and values.max() == _INVALID:      # valid pairs are below 31 * 31
            return start + int(np.argmax((values == _INVALID).any(1)))
        if start % (CHUNK * 64) == CHUNK * 63:      # a mapped column: not kept resident
            release(uscc, start - CHUNK * 63, start + CHUNK)
    release(uscc)
    return -1


def _bytes(uscc: np.ndarray) -> np.ndarray:
    return uscc.view(np.uint8).reshape(-1, USCC_LENGTH)


def halves(uscc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hi, lo) uint64: characters 1-9 and 10-18 as base-31 numbers, first character highest."""
    raw = _bytes(uscc)
    hi, lo = np.empty(raw.shape[0], np.uint64), np.empty(raw.shape[0], np.uint64)
    for start in range(0, raw.shape[0], CHUNK):
        rows = slice(start, start + CHUNK)
        halves_into(raw[rows], hi[rows], lo[rows])
    return hi, lo


def halves_into(raw: np.ndarray, hi: np.ndarray, lo: np.ndarray) -> None:
    """Characters are read two at a time: nine uint16 pairs, the fifth split between halves."""
    pairs = raw.view("<u2")
    p = np.take(_PAIR, pairs.T)                       # (9, n): v1*31 + v2 per pair
    acc = p[0].astype(np.uint32)                      # 6 characters < 31**6 < 2**32
    for j in (1, 2):
        acc *= np.uint32(961)
        acc += p[j]
    np.multiply(acc, np.uint64(961), out=hi, dtype=np.uint64)
    hi += p[3]
    hi *= np.uint64(31)
    hi += np.take(_FIRST, pairs[:, 4])                # character 9
    np.multiply(p[5], np.uint32(961), out=acc, dtype=np.uint32)
    acc += p[6]
    np.multiply(acc, np.uint64(961 * 961), out=lo, dtype=np.uint64)
    np.multiply(p[7], np.uint32(961), out=acc, dtype=np.uint32)
    acc += p[8]
    lo += acc                                         # characters 11-18
    tenth = np.take(_SECOND, pairs[:, 4]).astype(np.uint64)
    tenth *= _P8
    lo += tenth                                       # character 10


def _mix(z: np.ndarray, t: np.ndarray) -> None:
    """SplitMix64's finaliser, in place, modulo 2**64."""
    np.right_shift(z, _S30, out=t)
    z ^= t
    z *= _M1
    np.right_shift(z, _S27, out=t)
    z ^= t
    z *= _M2
    np.right_shift(z, _S31, out=t)
    z ^= t


def rank_halves(words: tuple[int, int], hi: np.ndarray, lo: np.ndarray,
                out: np.ndarray | None = None) -> np.ndarray:
    """``mix((mix(k0 + hi*G) ^ k1) + lo*G)`` modulo 2**64, elementwise (see drawing)."""
    k0, k1 = np.uint64(words[0]), np.uint64(words[1])
    out = np.multiply(hi, _G, out=out)
    t = np.empty_like(out)
    out += k0
    _mix(out, t)
    out ^= k1
    np.multiply(lo, _G, out=t)
    out += t
    _mix(out, t)
    return out


def rank(key16: bytes, uscc: Iterable[str] | np.ndarray) -> np.ndarray:
    """The keyed 64-bit rank of every code (uint64), in input order."""
    codes = uscc_array(uscc)
    words, out = key_words(key16), np.empty(codes.size, np.uint64)
    raw = _bytes(codes)
    hi, lo = np.empty(min(CHUNK, codes.size), np.uint64), np.empty(min(CHUNK, codes.size),
                                                                     np.uint64)
    for start in range(0, codes.size, CHUNK):
        n = min(CHUNK, codes.size - start)
        halves_into(raw[start:start + n], hi[:n], lo[:n])
        rank_halves(words, hi[:n], lo[:n], out=out[start:start + n])
    return out


def smallest(ranks: np.ndarray, uscc: np.ndarray, n: int,
             rows: np.ndarray | None = None) -> np.ndarray:
    """Positions of the ``n`` lowest ranks, ties by USCC (byte order), ascending positions;
    ``rows``: ``uscc`` is the whole column and ``uscc[rows]`` the codes of ``ranks`` (read only
    on a tie)."""
    if n <= 0:
        return np.zeros(0, np.int64)
    if n >= ranks.size:
        return np.arange(ranks.size, dtype=np.int64)
    kth = np.partition(ranks, n - 1)[n - 1]
    below = np.flatnonzero(ranks < kth)
    tied = np.flatnonzero(ranks == kth)
    if tied.size > n - below.size:     # a 64-bit tie at the cut: the lower USCCs win
        codes = uscc[tied] if rows is None else uscc[rows[tied]]
        tied = tied[np.argsort(codes, kind="stable")[:n - below.size]]
    return np.sort(np.concatenate((below, tied)))   # disjoint (np.unique hashes: slow)


_HALF = np.uint64(45)                   # a half is below 31**9 < 2**45
_LOW = np.uint64((1 << 45) - 1)
_CHARS = np.frombuffer(ALPHABET.encode(), np.uint8)
_FIRSTS = 1 << 19                       # distinct first halves a key has room for


def pool_file_digest(uscc: np.ndarray, step: int = CHUNK * 128) -> str:
    """``public_pool_digest(np.sort(uscc))`` of valid codes, without sorting strings; ValueError
    if a code repeats. ALPHABET is in ASCII order, so codes sort as their (hi, lo) halves; the
    pool has few distinct first halves (authority, type, county, one character), so each code
    becomes one uint64, the rank of its hi among them above its lo: a plain integer sort, then
    the codes are written back from the sorted keys chunk by chunk into the hashed file."""
    parts = [np.unique(halves(part)[0]) for _, part in chunks(uscc, step)]
    firsts = np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.uint64)
    if firsts.size > _FIRSTS:
        ordered = np.sort(uscc)
        if ordered.size > 1 and not (ordered[1:] > ordered[:-1]).all():
            raise ValueError("uscc must be unique within the pool")
        return public_pool_digest(ordered)
    key = np.empty(uscc.size, np.uint64)
    for start, part in chunks(uscc, step):
        hi, lo = halves(part)
        k = key[start:start + part.size]
        k[:] = np.searchsorted(firsts, hi)
        k <<= _HALF
        k |= lo
    key.sort()
    if key.size > 1 and not (key[1:] > key[:-1]).all():
        raise ValueError("uscc must be unique within the pool")
    first_chars = np.empty((firsts.size, 9), np.uint8)
    _digits_into(firsts, first_chars)
    h = hashlib.sha256(PUBLIC_POOL_TAG)
    line = np.empty((min(step, key.size), USCC_LENGTH + 1), np.uint8)
    line[:, USCC_LENGTH] = ord("\n")
    for start in range(0, key.size, step):
        k = key[start:start + step]
        line[:k.size, :9] = first_chars[(k >> _HALF).astype(np.intp)]
        _digits_into(k & _LOW, line[:k.size, 9:USCC_LENGTH])
        h.update(line[:k.size].tobytes())
    return "sha256:" + h.hexdigest()


_FIRST_OF_PAIR = _CHARS[np.arange(961) // 31]
_SECOND_OF_PAIR = _CHARS[np.arange(961) % 31]


def _digits_into(value: np.ndarray, out: np.ndarray) -> None:
    """Nine base-31 digits of each value (< 31**9) as ALPHABET characters, the highest first:
    one 64-bit division by 31**4, then 32-bit ones by 31**2 read two characters a table."""
    high, low = np.divmod(value, np.uint64(31**4))
    high, low = high.astype(np.uint32), low.astype(np.uint32)
    top, rest = np.divmod(high, np.uint32(31**4))
    out[:, 0] = _CHARS[top]
    for j, part in ((1, rest), (5, low)):
        pair, last = np.divmod(part, np.uint32(961))
        out[:, j], out[:, j + 1] = _FIRST_OF_PAIR[pair], _SECOND_OF_PAIR[pair]
        out[:, j + 2], out[:, j + 3] = _FIRST_OF_PAIR[last], _SECOND_OF_PAIR[last]


def public_pool_digest(uscc_sorted: Sequence[str] | np.ndarray) -> str:
    """``"sha256:<hex>"`` of ``PUBLIC_POOL_TAG`` and every USCC, ascending, each + ``"\\n"``."""
    codes = uscc_array(uscc_sorted, "uscc_sorted")
    if codes.size > 1 and not (codes[1:] > codes[:-1]).all():
        raise ValueError("uscc_sorted must be strictly ascending (sorted, no duplicates)")
    h = hashlib.sha256(PUBLIC_POOL_TAG)
    line = np.empty((min(CHUNK, codes.size), USCC_LENGTH + 1), np.uint8)
    line[:, USCC_LENGTH] = ord("\n")
    raw = _bytes(codes)
    for start in range(0, codes.size, CHUNK):
        n = min(CHUNK, codes.size - start)
        line[:n, :USCC_LENGTH] = raw[start:start + n]
        h.update(line[:n].tobytes())
    return "sha256:" + h.hexdigest()

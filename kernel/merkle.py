"""RFC 9162 (Certificate Transparency v2) Merkle trees: hashes, the compact range, proofs.

Leaf hash SHA-256(0x00 || leaf), interior node SHA-256(0x01 || left || right); a tree of n
leaves splits at the largest power of two below n (RFC 9162 §2.1.1), so the right edge of a
tree whose size is no power of two is ragged. Every subtree a proof needs is a *perfect*
subtree (2^level leaves starting at a multiple of 2^level), or the ragged right edge, which is
a fold of O(log n) perfect ones; so a tree kept as its perfect subtrees answers any proof in
O(log n) lookups (kernel.eventlog keeps them in SQL). Written with hashlib rather than pymerkle:
~150 lines, no storage of its own to reconcile with the read models, and the same functions
serve the runner, the routes, `verify-log` and (copied) the stand-alone verifier.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()
Perfect = Callable[[int, int], bytes]   # (level, index) -> hash of leaves [i·2^l, (i+1)·2^l)


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class Frontier:
    """The compact range of a tree: the roots of its perfect subtrees, largest first (one per
    set bit of the size). Appending returns the perfect subtrees the leaf completes."""

    __slots__ = ("size", "hashes")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != bin(size).count("1"):
            raise ValueError(f"a frontier of size {size} has {bin(size).count('1')} hashes")
        self.size, self.hashes = size, list(hashes)

    @staticmethod
    def keys(size: int) -> list[tuple[int, int]]:
        """(level, index) of the perfect subtrees a frontier of `size` holds, largest first."""
        return [(level, (size >> level) - 1)
                for level in range(size.bit_length() - 1, -1, -1) if size >> level & 1]

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf hash; return the (level >= 1, index, hash) nodes it completed."""
        i, h, level, made = self.size, leaf, 0, []
        hashes = self.hashes
        while i >> level & 1:
            h = node_hash(hashes.pop(), h)
            level += 1
            made.append((level, i >> level, h))
        hashes.append(h)
        self.size = i + 1
        return made

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        h = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            h = node_hash(left, h)
        return h


def subtree_hash(start: int, end: int, perfect: Perfect) -> bytes:
    """MTH(D[start:end]) for a range starting at a multiple of a power of two >= its length."""
    n = end - start
    if n & (n - 1) == 0:
        level = n.bit_length() - 1
        return perfect(level, start >> level)
    k = _split(n)
    return node_hash(subtree_hash(start, start + k, perfect), subtree_hash(start + k, end, perfect))


def root(size: int, perfect: Perfect) -> bytes:
    return EMPTY_ROOT if size == 0 else subtree_hash(0, size, perfect)


def inclusion_path(index: int, size: int, perfect: Perfect) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1, leaf first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(subtree_hash(start + k, end, perfect))
            end = start + k
        else:
            path.append(subtree_hash(start, start + k, perfect))
            start += k
    return path[::-1]


def consistency_path(first: int, second: int, perfect: Perfect) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1 (empty when m is 0 or m == n)."""
    if not 0 <= first <= second:
        raise ValueError(f"no consistency proof from {first} to {second}")
    if first in (0, second):
        return []
    proof: list[bytes] = []
    m, start, end, whole = first, 0, second, True
    while True:
        n = end - start
        if m == n:
            if not whole:
                proof.append(subtree_hash(start, end, perfect))
            break
        k = _split(n)
        if m <= k:
            proof.append(subtree_hash(start + k, end, perfect))
            end = start + k
        else:
            proof.append(subtree_hash(start, start + k, perfect))
            m, start, whole = m - k, start + k, False
    return proof[::-1]


def needed(fn: Callable[..., object], *args: int) -> list[tuple[int, int]]:
    """The (level, index) perfect subtrees a proof function reads (hash-independent), so a
    stored tree fetches them in one query."""
    keys: list[tuple[int, int]] = []
    fn(*args, lambda level, index: keys.append((level, index)) or b"")
    return keys


def verify_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes],
                     root_hash: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size or index < 0:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root_hash


def verify_consistency(first: int, second: int, path: Sequence[bytes], first_root: bytes,
                       second_root: bytes) -> bool:
    """RFC 9162 §2.1.4.2 (a tree of size 0 is consistent with any)."""
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
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


class MemoryTree:
    """A whole tree in memory, every perfect subtree kept (tests, the bench, verify-log)."""

    def __init__(self) -> None:
        self.levels: list[list[bytes]] = [[]]
        self.frontier = Frontier()

    @property
    def size(self) -> int:
        return self.frontier.size

    def append(self, leaf: bytes) -> None:
        self.levels[0].append(leaf)
        for level, _index, h in self.frontier.append(leaf):
            if level == len(self.levels):
                self.levels.append([])
            self.levels[level].append(h)

    def perfect(self, level: int, index: int) -> bytes:
        return self.levels[level][index]

    def root(self, size: int | None = None) -> bytes:
        return self.frontier.root() if size is None else root(size, self.perfect)

    def inclusion(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_path(index, self.size if size is None else size, self.perfect)

    def consistency(self, first: int, second: int | None = None) -> list[bytes]:
        return consistency_path(first, self.size if second is None else second, self.perfect)

"""RFC 9162 trees (kernel.merkle) against the Certificate Transparency reference vectors and an
independent implementation (pymerkle, when installed)."""

from __future__ import annotations

import random

import pytest

from kernel import merkle

# The CT reference implementation's test leaves and the roots of their first n (RFC 6962 §2.1
# hashing, the same in RFC 9162), as its C++ and Go tests carry them.
LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243",
                                     "5051525354555657", "606162636465666768696a6b6c6d6e6f")]
ROOTS = ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
         "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
         "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
         "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
         "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
         "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
         "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
         "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"]
INCLUSION = [  # (leaf index, tree size, audit path)
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]


def _reference_tree() -> merkle.MemoryTree:
    tree = merkle.MemoryTree()
    for leaf in LEAVES:
        tree.append(merkle.leaf_hash(leaf))
    return tree


def test_roots_of_the_reference_leaves():
    tree = _reference_tree()
    assert merkle.Frontier().root().hex() == ROOTS[0]
    for n in range(0, 9):
        assert tree.root(n).hex() == ROOTS[n], n
    assert tree.root().hex() == ROOTS[8]


@pytest.mark.parametrize("index,size,path", INCLUSION)
def test_inclusion_vectors(index, size, path):
    tree = _reference_tree()
    proof = tree.inclusion(index, size)
    assert [p.hex() for p in proof] == path
    root = bytes.fromhex(ROOTS[size])
    leaf = merkle.leaf_hash(LEAVES[index])
    assert merkle.verify_inclusion(index, size, leaf, proof, root)
    assert not merkle.verify_inclusion(index, size, leaf, proof, bytes.fromhex(ROOTS[0]))
    assert not merkle.verify_inclusion(index, size, merkle.leaf_hash(b"x"), proof, root)


@pytest.mark.parametrize("first,second,path", CONSISTENCY)
def test_consistency_vectors(first, second, path):
    tree = _reference_tree()
    proof = tree.consistency(first, second)
    assert [p.hex() for p in proof] == path
    assert merkle.verify_consistency(first, second, proof, bytes.fromhex(ROOTS[first]),
                                     bytes.fromhex(ROOTS[second]))
    if first != second:
        assert not merkle.verify_consistency(first, second, proof, bytes(32),
                                             bytes.fromhex(ROOTS[second]))


def test_every_proof_of_every_size_verifies_and_a_changed_leaf_fails():
    rng = random.Random(9162)
    leaves = [merkle.leaf_hash(rng.randbytes(rng.randint(0, 40))) for _ in range(70)]
    tree = merkle.MemoryTree()
    roots = [merkle.EMPTY_ROOT]
    for leaf in leaves:
        tree.append(leaf)
        roots.append(tree.root())
    for n in range(1, 71):
        assert tree.root(n) == roots[n]
        for i in range(n):
            path = tree.inclusion(i, n)
            assert merkle.verify_inclusion(i, n, leaves[i], path, roots[n])
            assert not merkle.verify_inclusion(i, n, leaves[(i + 1) % 70], path, roots[n]) or \
                leaves[i] == leaves[(i + 1) % 70]
        for m in range(0, n + 1):
            proof = tree.consistency(m, n)
            assert merkle.verify_consistency(m, n, proof, roots[m], roots[n]), (m, n)
            if 0 < m < n:
                assert not merkle.verify_consistency(m, n, proof, roots[m - 1] if m > 1
                                                     else leaves[1], roots[n])


def test_the_frontier_rebuilt_from_stored_subtrees_goes_on_the_same():
    tree = merkle.MemoryTree()
    for i in range(37):
        tree.append(merkle.leaf_hash(bytes([i])))
    again = merkle.Frontier(37, [tree.perfect(lv, ix) for lv, ix in merkle.Frontier.keys(37)])
    assert again.root() == tree.root()
    tree.append(merkle.leaf_hash(b"next"))
    again.append(merkle.leaf_hash(b"next"))
    assert again.root() == tree.root()


def test_the_same_roots_and_proofs_as_pymerkle():
    pymerkle = pytest.importorskip("pymerkle")
    ref = pymerkle.InmemoryTree(algorithm="sha256")
    ours = merkle.MemoryTree()
    rng = random.Random(6962)
    for _ in range(45):
        data = rng.randbytes(rng.randint(1, 30))
        ref.append_entry(data)
        ours.append(merkle.leaf_hash(data))
        n = ours.size
        assert ref.get_root(n) == ours.root()
    for n in (1, 7, 16, 33, 45):
        for i in range(0, n, 5):
            path = ref.prove_inclusion(i + 1, n).serialize()["path"]   # 1-based; leaf first
            assert [bytes.fromhex(p) for p in path[1:]] == ours.inclusion(i, n)

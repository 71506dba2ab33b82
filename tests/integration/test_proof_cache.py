"""The proofs' in-process cache of complete-subtree hashes: filled from the tables, answers as
they do, kept per database and log, and forgotten when the log's tree is cleared for a rebuild."""

from __future__ import annotations

from kernel import merkle
from kernel.eventlog import LogTree, _subtrees, cached_subtrees, perfect_subtrees
from tests.factories import entity


def test_cached_nodes_are_the_stored_ones_and_a_rebuild_forgets_them(platform):
    platform.supervision.register_entities([entity(i) for i in range(9)])
    assert platform.settle_all()
    with platform.engine.connect() as conn:
        size = len(perfect_subtrees(conn, "supervision", [(0, i) for i in range(9)]))
        keys = merkle.needed(merkle.inclusion_path, 2, size)
        stored = perfect_subtrees(conn, "supervision", keys)
        assert cached_subtrees(conn, "supervision", keys) == stored
        assert cached_subtrees(conn, "supervision", keys) == stored   # from the cache now
        cache = _subtrees[platform.engine]
        assert {("supervision", *k) for k in keys} <= set(cache)
        conn.rollback()
        LogTree("supervision").clear(conn)
        conn.rollback()   # the tables as they were: only the cache is forgotten
        assert not any(k[0] == "supervision" for k in cache)

"""The proofs' in-process cache of complete-subtree hashes: filled from the tables, answers as
they do, kept per database and log, and forgotten when the log's tree is cleared for a rebuild."""

from __future__ import annotations

import pytest

from kernel import merkle
from kernel.eventlog import (
    LogTampered,
    LogTree,
    _subtrees,
    cached_subtrees,
    perfect_subtrees,
)
from tests.factories import entity
from tests.integration.test_verify_log import Store, _recorded, settings  # noqa: F401


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
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


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_a_proof_of_a_rewritten_or_removed_event_is_refused(platform):
    """The route reads the event afresh (on PostgreSQL in its one query): a changed byte or a
    deleted row is a LogTampered, whatever the cache holds."""
    from opencheck.log_routes import inclusion_proof

    last = _recorded(platform)
    assert inclusion_proof(platform, "supervision", 2).position == 2   # warm: nodes cached
    store = Store(platform.settings)
    state = store.state(2)
    store.run(("UPDATE {t} SET state = ? WHERE {id} = ?", (state[:-1] + b"x", 2)),
              ("DELETE FROM {t} WHERE {id} = ?", (last,)))
    for position in (2, last):
        with pytest.raises(LogTampered) as refused:
            inclusion_proof(platform, "supervision", position)
        assert refused.value.field == "position"

"""The Idempotency-Key store on SQLite and PostgreSQL: claim, answer, replay, reuse, takeover."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from kernel.http.idempotency import (
    STALE_AFTER,
    IdempotencyStore,
    KeyInProgress,
    KeyReused,
    fingerprint,
    idempotency_keys,
)


def test_fingerprint_ignores_json_key_order_but_not_path_or_values():
    a = fingerprint("POST", "/api/v1/penalties", "", b'{"a": 1, "b": [1, 2]}')
    assert a == fingerprint("POST", "/api/v1/penalties", "", b'{"b":[1,2],"a":1}')
    assert a != fingerprint("POST", "/api/v1/commitments", "", b'{"a": 1, "b": [1, 2]}')
    assert a != fingerprint("POST", "/api/v1/penalties", "", b'{"a": 2, "b": [1, 2]}')
    assert fingerprint("POST", "/p", "", b"\xff not json") != fingerprint("POST", "/p", "", b"")


class IdempotencyScenario:
    backend = "sqlite"

    def test_claim_answer_replay_and_reuse(self, platform):
        store = IdempotencyStore(platform.engine)
        assert store.claim(1, "k", "POST", "/p", "f1") is None
        with pytest.raises(KeyInProgress):
            store.claim(1, "k", "POST", "/p", "f1")
        store.answer(1, "k", 201, '{"id": "甲"}'.encode())
        assert store.claim(1, "k", "POST", "/p", "f1") == (201, '{"id": "甲"}')
        with pytest.raises(KeyReused):
            store.claim(1, "k", "POST", "/p", "f2")
        assert store.claim(2, "k", "POST", "/p", "f2") is None  # keys are per user

    def test_released_and_stale_claims_can_be_taken_again(self, platform):
        store = IdempotencyStore(platform.engine)
        assert store.claim(1, "gone", "POST", "/p", "f") is None
        store.release(1, "gone")
        assert store.claim(1, "gone", "POST", "/p", "f") is None
        long_ago = datetime.now(timezone.utc) - STALE_AFTER - timedelta(seconds=1)
        with platform.engine.begin() as conn:
            conn.execute(idempotency_keys.update().where(idempotency_keys.c.key == "gone")
                         .values(created_at=long_ago))
        assert store.claim(1, "gone", "POST", "/p", "f") is None
        with platform.engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(idempotency_keys)
                                ).scalar_one() == 1


class TestIdempotencyOnSQLite(IdempotencyScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestIdempotencyOnPostgres(IdempotencyScenario):
    backend = "postgres"

"""The Idempotency-Key rows in the event store on SQLite and PostgreSQL: written with the events
or not at all, one winner among concurrent requests with one key, pruning by age."""

from __future__ import annotations

import threading
import time

import pytest

from kernel import once
from kernel.http.idempotency import fingerprint
from tests.factories import entity_json


def keyed(key: str, user: str = "7", fp: str = "f", now: float | None = None) -> once.KeyedRequest:
    request = once.KeyedRequest(user, key, "POST", "/api/v1/entities", fp)
    if now is not None:
        request.now = now
    return request


def register(platform, i: int, request: once.KeyedRequest) -> None:
    from datetime import date

    from supervision.directory.schemas import EntityCreate

    data = EntityCreate(**entity_json(i)).to_data().validated(date.today())
    with once.keyed(request):
        platform.supervision.register_entity(data, date.today())


class ExactlyOnceStoreScenario:
    backend = "sqlite"

    def test_the_key_is_committed_with_the_events_or_not_at_all(self, platform):
        store = platform.supervision.recorder
        request = keyed("k1")
        register(platform, 1, request)
        found = once.find(platform, "7", "k1")
        assert request.store is store and found.store is store
        assert found.status_code is None and found.fingerprint == "f"
        assert once.decode_result(found.result) is not None   # the created entity's id
        # a second save under the same key (a retry that ran anyway) records nothing
        before = store.max_notification_id()
        with pytest.raises(once.KeyAlreadyRecorded):
            register(platform, 2, keyed("k1"))
        assert store.max_notification_id() == before
        # a save that fails (the same entity again) leaves no key behind
        with pytest.raises(Exception):  # noqa: B017  (the domain's 409)
            register(platform, 1, keyed("k2"))
        assert once.find(platform, "7", "k2") is None

    def test_concurrent_requests_with_one_key_apply_once(self, platform):
        outcomes, barrier = [], threading.Barrier(6)

        def attempt(i: int) -> None:
            barrier.wait()
            try:
                register(platform, 10 + i, keyed("same"))
                outcomes.append("applied")
            except once.KeyAlreadyRecorded:
                outcomes.append("replay")

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(6)]
        before = platform.supervision.recorder.max_notification_id() or 0
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["applied"] + ["replay"] * 5
        assert (platform.supervision.recorder.max_notification_id() or 0) == before + 1

    def test_pruning_removes_only_keys_older_than_the_configured_age(self, platform):
        now = time.time()
        register(platform, 20, keyed("old", now=now - 25 * 3600))
        store = once.stores(platform)[0]
        store.insert_answer(keyed("old-refusal", now=now - 48 * 3600), 409, "{}")
        register(platform, 21, keyed("young", now=now - 23 * 3600))
        store.insert_answer(keyed("young-refusal", now=now - 60), 409, "{}")
        assert once.prune(platform, platform.settings.idempotency_key_max_age_hours, now) == 2
        assert once.find(platform, "7", "old") is None
        assert once.find(platform, "7", "old-refusal") is None
        assert once.find(platform, "7", "young") is not None
        assert once.find(platform, "7", "young-refusal") is not None

    def test_the_daily_jobs_prune(self, platform):
        from opencheck.scheduler import run_jobs

        register(platform, 30, keyed("ancient", now=time.time() - 30 * 86400))
        result = run_jobs(platform, platform.clock().date(), only={"idempotency-keys-prune"})
        assert result == {"idempotency-keys-prune": "1 idempotency keys pruned"}


def test_fingerprint_ignores_json_key_order_but_not_path_or_values():
    a = fingerprint("POST", "/api/v1/penalties", "", b'{"a": 1, "b": [1, 2]}')
    assert a == fingerprint("POST", "/api/v1/penalties", "", b'{"b":[1,2],"a":1}')
    assert a != fingerprint("POST", "/api/v1/commitments", "", b'{"a": 1, "b": [1, 2]}')
    assert a != fingerprint("POST", "/api/v1/penalties", "", b'{"a": 2, "b": [1, 2]}')
    assert fingerprint("POST", "/p", "", b"\xff not json") != fingerprint("POST", "/p", "", b"")


class TestExactlyOnceStoreOnSQLite(ExactlyOnceStoreScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestExactlyOnceStoreOnPostgres(ExactlyOnceStoreScenario):
    backend = "postgres"

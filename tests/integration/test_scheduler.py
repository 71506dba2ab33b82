"""Exactly one scheduler leader per store, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from opencheck.bootstrap import bootstrap
from opencheck.scheduler import Leadership


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_only_one_process_leads(platform):
    other = bootstrap(platform.settings)  # a second API worker on the same store
    first, second = Leadership(platform), Leadership(other)
    try:
        assert first.acquire()
        assert not second.acquire()
        first.release()
        assert second.acquire()  # leadership moves on when the leader stops
    finally:
        first.release()
        second.release()
        other.close()

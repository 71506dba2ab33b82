"""Fixtures shared by every test layer: a fresh store per test on SQLite or PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from kernel.settings import Settings
from opencheck.bootstrap import Platform, bootstrap
from opencheck.migrate import upgrade

PG_URL = os.environ.get("OPENCHECK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("OPENCHECK_REQUIRE_POSTGRES") == "1"


def _pg_reachable() -> bool:
    try:
        with psycopg.connect(PG_URL.replace("postgresql://", "postgresql://", 1), connect_timeout=2):
            return True
    except psycopg.Error:
        return False


PG_REACHABLE = _pg_reachable()


def postgres_schema() -> Iterator[str]:
    """A throwaway schema, so tests never see each other's events or read models."""
    if not PG_REACHABLE:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required (OPENCHECK_REQUIRE_POSTGRES=1) but {PG_URL} "
                        "is not reachable")
        pytest.skip("PostgreSQL not reachable")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def make_settings(backend: str, tmp_path, schema: str | None = None, **overrides) -> Settings:
    if backend == "sqlite":
        return Settings(database_url=f"sqlite:///{tmp_path}/opencheck.db",
                        secret_key="test-secret-key-of-sufficient-length-0123456789", **overrides)
    return Settings(database_url=PG_URL, database_schema=schema,
                    secret_key="test-secret-key-of-sufficient-length-0123456789", **overrides)


@pytest.fixture
def backend(request) -> str:
    """'sqlite' unless the test class says `backend = "postgres"` or the test is parametrized."""
    return getattr(request, "param", None) or getattr(request.cls, "backend", "sqlite")


@pytest.fixture
def settings(backend, tmp_path) -> Iterator[Settings]:
    if backend == "sqlite":
        yield make_settings("sqlite", tmp_path)
    else:
        for schema in postgres_schema():
            yield make_settings("postgres", tmp_path, schema)


@pytest.fixture
def platform(settings) -> Iterator[Platform]:
    upgrade(settings)
    p = bootstrap(settings)
    try:
        yield p
    finally:
        p.close()


def pytest_collection_modifyitems(config, items) -> None:  # noqa: ANN001
    """`make test` runs two pytest-xdist workers (--dist loadgroup): the browser tests share one
    seeded world and server per worker, so they all go to one worker; the tests that start
    several OpenCheck processes run one after another, beside the other worker's tests."""
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.xdist_group("browser"))
        elif item.get_closest_marker("multiprocess"):
            item.add_marker(pytest.mark.xdist_group("multiprocess"))

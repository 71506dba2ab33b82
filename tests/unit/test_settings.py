"""Settings select the store from one URL; every setting is documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from kernel.settings import Settings

DEPLOYMENT = Path(__file__).parents[2] / "docs" / "DEPLOYMENT.md"


def test_sqlite_applications_get_their_own_files():
    s = Settings(database_url="sqlite:///var/x/oc.db")
    env = s.eventstore_env("supervision")
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert env["SQLITE_DBNAME"].endswith("var/x/oc.supervision.events.db")
    assert s.eventstore_env("credit")["SQLITE_DBNAME"] != env["SQLITE_DBNAME"]


def test_postgres_url_maps_to_eventsourcing_env():
    s = Settings(database_url="postgresql://alice:s3cret@db.example:6543/oc", database_schema="x")
    env = s.eventstore_env("supervision")
    assert env["POSTGRES_HOST"] == "db.example" and env["POSTGRES_PORT"] == "6543"
    assert env["POSTGRES_USER"] == "alice" and env["POSTGRES_PASSWORD"] == "s3cret"
    assert env["POSTGRES_DBNAME"] == "oc" and env["POSTGRES_SCHEMA"] == "x"
    assert s.sqlalchemy_url() == "postgresql+psycopg://alice:s3cret@db.example:6543/oc"


def test_unknown_scheme_is_rejected():
    with pytest.raises(ValidationError, match="database_url"):
        Settings(database_url="mysql://x")


def test_every_setting_is_documented():
    text = DEPLOYMENT.read_text()
    for name in Settings.model_fields:
        assert f"`OPENCHECK_{name.upper()}`" in text, name


def test_unix_socket_url_reaches_the_event_store():
    s = Settings(database_url="postgresql://alice@/oc?host=/var/run/postgresql&port=5433")
    env = s.eventstore_env("supervision")
    assert env["POSTGRES_HOST"] == "/var/run/postgresql" and env["POSTGRES_PORT"] == "5433"
    assert env["POSTGRES_DBNAME"] == "oc" and env["POSTGRES_USER"] == "alice"
    assert s.sqlalchemy_url().endswith("?host=/var/run/postgresql&port=5433")

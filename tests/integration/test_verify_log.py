"""`opencheck verify-log` on SQLite and PostgreSQL: an untouched store passes; one changed byte, a
deleted event, two swapped, a truncated log or a forged checkpoint fail and are named."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
import sqlalchemy as sa

from kernel.checkpoints import Checkpoint, Signer
from kernel.eventlog import log_checkpoints
from tests.conftest import PG_URL
from tests.factories import entity
from tests.integration.test_cli import _cli

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def settings(backend, tmp_path, monkeypatch):
    from tests.conftest import make_settings, postgres_schema

    monkeypatch.setenv("OPENCHECK_CHECKPOINT_KEY_FILE", str(tmp_path / "log.key"))   # the CLI's

    over = {"checkpoint_every_events": 1,
            "checkpoint_key_file": str(tmp_path / "log.key")}
    (tmp_path / "log.key").write_bytes(Signer.generate("ed25519"))
    if backend == "sqlite":
        yield make_settings("sqlite", tmp_path, **over)
    else:
        for schema in postgres_schema():
            yield make_settings("postgres", tmp_path, schema, **over)


def _recorded(platform) -> int:
    """Three saves of registrations, each tree batch signed: 15 events, 3 checkpoints."""
    for batch in range(3):
        platform.supervision.register_entities([entity(5 * batch + i) for i in range(5)])
        platform.settle_all()
    return platform.supervision.recorder.max_notification_id()


class Store:
    """Raw SQL on the supervision log as an intruder with database access would write it."""

    def __init__(self, settings) -> None:
        self.settings = settings

    def run(self, *statements: tuple[str, tuple]) -> None:
        s = self.settings
        if s.is_postgres:
            table, pid = f'"{s.database_schema}".supervision_events', "notification_id"
            with psycopg.connect(PG_URL, autocommit=False) as conn:
                for sql, args in statements:
                    conn.execute(sql.format(t=table, id=pid).replace("?", "%s"), args)
        else:
            path = s.sqlite_path.with_name(f"{s.sqlite_path.stem}.supervision.events.db")
            conn = sqlite3.connect(path)
            with conn:
                for sql, args in statements:
                    conn.execute(sql.format(t="stored_events", id="rowid"), args)
            conn.close()

    def state(self, position: int) -> bytes:
        s = self.settings
        if s.is_postgres:
            with psycopg.connect(PG_URL) as conn:
                return bytes(conn.execute(f'SELECT state FROM "{s.database_schema}".'
                                          "supervision_events WHERE notification_id = %s",
                                          (position,)).fetchone()[0])
        path = s.sqlite_path.with_name(f"{s.sqlite_path.stem}.supervision.events.db")
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT state FROM stored_events WHERE rowid = ?",
                                (position,)).fetchone()[0]


def _verify(settings):
    result = _cli(settings, "verify-log")
    return result.returncode, result.stdout + result.stderr


@BACKENDS
def test_an_untouched_store_is_intact(platform, settings):
    n = _recorded(platform)
    code, out = _verify(settings)
    assert code == 0, out
    assert f"log supervision: intact: {n} events, 3 checkpoints checked" in out


@BACKENDS
def test_one_changed_byte_is_named(platform, settings):
    _recorded(platform)
    store = Store(settings)
    state = bytearray(store.state(7))
    state[len(state) // 2] ^= 0x01
    store.run(("UPDATE {t} SET state = ? WHERE {id} = ?", (bytes(state), 7)))
    code, out = _verify(settings)
    assert code == 1
    assert "the event at position 7 was changed" in out


@BACKENDS
def test_a_deleted_event_is_named(platform, settings):
    _recorded(platform)
    Store(settings).run(("DELETE FROM {t} WHERE {id} = ?", (4,)))
    code, out = _verify(settings)
    assert code == 1
    assert "the event at position 4 was removed" in out


@BACKENDS
def test_two_swapped_events_are_named(platform, settings):
    _recorded(platform)
    Store(settings).run(("UPDATE {t} SET {id} = ? WHERE {id} = ?", (-1, 3)),
                        ("UPDATE {t} SET {id} = ? WHERE {id} = ?", (3, 9)),
                        ("UPDATE {t} SET {id} = ? WHERE {id} = ?", (9, -1)))
    code, out = _verify(settings)
    assert code == 1
    assert "events reordered: position 3 holds the event signed at position 9" in out


@BACKENDS
def test_a_truncated_log_is_named(platform, settings):
    _recorded(platform)
    Store(settings).run(("DELETE FROM {t} WHERE {id} > ?", (11,)))
    code, out = _verify(settings)
    assert code == 1
    assert "truncated after position 11" in out


@BACKENDS
def test_a_forged_checkpoint_is_named(platform, settings):
    _recorded(platform)
    with platform.engine.begin() as conn:
        row = conn.execute(sa.select(log_checkpoints)
                           .where(log_checkpoints.c.log == "supervision")
                           .order_by(log_checkpoints.c.tree_size).limit(1)).one()
        # the same size and time, another root: signed with a key the log does not trust
        forged = Checkpoint("opencheck.local/supervision", row.tree_size, bytes(32),
                            row.issued_at).sign(Signer("opencheck", "ed25519",
                                                       Signer.generate("ed25519")))
        conn.execute(log_checkpoints.update().where(log_checkpoints.c.id == row.id)
                     .values(note=forged, root_hash=bytes(32)))
    code, out = _verify(settings)
    assert code == 1
    assert f"checkpoint #{row.id} of log supervision (tree size {row.tree_size})" in out
    assert "signature by no trusted key fails" in out


def test_a_rebuild_over_a_rewritten_event_stops_at_the_checkpoint(platform, settings):
    _recorded(platform)
    store = Store(settings)
    state = bytearray(store.state(2))
    state[-3] ^= 0x20
    store.run(("UPDATE {t} SET state = ? WHERE {id} = ?", (bytes(state), 2)))
    result = _cli(settings, "rebuild", "log_tree_supervision")
    assert result.returncode != 0
    assert "no longer hash to the checkpoint of size 5" in result.stdout + result.stderr
    with platform.engine.connect() as conn:   # nothing signed over the rewritten history
        assert conn.scalar(sa.select(sa.func.count()).select_from(log_checkpoints)
                           .where(log_checkpoints.c.log == "supervision")) == 3

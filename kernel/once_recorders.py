"""eventsourcing's core SQLite and PostgreSQL application recorders, plus one table of
Idempotency-Keys written in the events' own transaction (kernel.once).

Selected by `kernel.eventstore.build_application` (APPLICATION_RECORDER_TOPIC). A save outside a
keyed command is the library's own insert, unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

from kernel import once
from kernel.eventstore import SocketSafeRecorder

COLUMNS = ("user_id, key, method, path, fingerprint, result, created_at, status_code, "
           "response_body")


def keys_table_name(events_table_name: str) -> str:
    """`supervision_events` -> `supervision_idempotency_keys` (PostgreSQL: one schema for all)."""
    return events_table_name.removesuffix("_events") + "_idempotency_keys"


def _recorded(row: Any) -> once.Recorded | None:
    if row is None:
        return None
    return once.Recorded(row["fingerprint"], row["result"], row["status_code"],
                         row["response_body"])


class SQLiteOnceRecorder(SQLiteApplicationRecorder):
    def __init__(self, datastore: Any, events_table_name: str = "stored_events") -> None:
        self.keys_table = keys_table_name(events_table_name)
        super().__init__(datastore, events_table_name)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(),
                f"CREATE TABLE IF NOT EXISTS {self.keys_table} (user_id TEXT NOT NULL, "
                "key TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, "
                "fingerprint TEXT NOT NULL, result TEXT, created_at REAL NOT NULL, "
                "status_code INTEGER, response_body TEXT, PRIMARY KEY (user_id, key))",
                f"CREATE INDEX IF NOT EXISTS {self.keys_table}_created "
                f"ON {self.keys_table} (created_at)"]

    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        request = once.claimable()
        if request is None or not stored_events:
            return super().insert_events(stored_events, **kwargs)
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"INSERT OR IGNORE INTO {self.keys_table} "
                      f"({COLUMNS}) VALUES (?,?,?,?,?,?,?,NULL,NULL)",
                      request.row_values(once.created_id(stored_events)))
            c.execute("SELECT changes()")
            if c.fetchone()[0] != 1:
                raise once.KeyAlreadyRecorded(request.key)
            ids = self._insert_events(c, stored_events, **kwargs)
        request.store = self
        return ids

    def find_key(self, user_id: str, key: str) -> once.Recorded | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT * FROM {self.keys_table} WHERE user_id=? AND key=?",
                      (user_id, key))
            return _recorded(c.fetchone())

    def answer_key(self, user_id: str, key: str, status_code: int, body: str) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"UPDATE {self.keys_table} SET status_code=?, response_body=? "
                      "WHERE user_id=? AND key=? AND status_code IS NULL",
                      (status_code, body, user_id, key))

    def insert_answer(self, request: once.KeyedRequest, status_code: int, body: str) -> bool:
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"INSERT OR IGNORE INTO {self.keys_table} ({COLUMNS}) "
                      "VALUES (?,?,?,?,?,?,?,?,?)",
                      (*request.row_values(None), status_code, body))
            c.execute("SELECT changes()")
            return c.fetchone()[0] == 1

    def prune_keys(self, before: float) -> int:
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"DELETE FROM {self.keys_table} WHERE created_at < ?", (before,))
            c.execute("SELECT changes()")
            return c.fetchone()[0]


class PostgresOnceRecorder(SocketSafeRecorder):
    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.keys_table = keys_table_name(events_table_name)
        self.check_identifier_length(self.keys_table + "_created")
        table = SQL("{0}.{1}").format(Identifier(self.datastore.schema),
                                      Identifier(self.keys_table))
        self.sql_create_statements += [
            SQL("CREATE TABLE IF NOT EXISTS {0} (user_id text NOT NULL, key text NOT NULL, "
                "method text NOT NULL, path text NOT NULL, fingerprint text NOT NULL, "
                "result text, created_at double precision NOT NULL, status_code integer, "
                "response_body text, PRIMARY KEY (user_id, key))").format(table),
            SQL("CREATE INDEX IF NOT EXISTS {0} ON {1} (created_at)").format(
                Identifier(self.keys_table + "_created"), table)]
        self.sql_claim = SQL(f"INSERT INTO {{0}} ({COLUMNS}) VALUES "
                             "(%s,%s,%s,%s,%s,%s,%s,NULL,NULL) ON CONFLICT DO NOTHING "
                             "RETURNING 1").format(table)
        self.sql_find = SQL("SELECT * FROM {0} WHERE user_id=%s AND key=%s").format(table)
        self.sql_answer = SQL("UPDATE {0} SET status_code=%s, response_body=%s WHERE user_id=%s "
                              "AND key=%s AND status_code IS NULL").format(table)
        self.sql_insert_answer = SQL(f"INSERT INTO {{0}} ({COLUMNS}) VALUES "
                                     "(%s,%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT DO NOTHING"
                                     ).format(table)
        self.sql_prune = SQL("DELETE FROM {0} WHERE created_at < %s").format(table)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        request = once.claimable()
        if request is None or not stored_events:
            return super().insert_events(stored_events, **kwargs)
        # The key first: a concurrent request with the same key waits on its row, not holding
        # the events table's lock, and then finds it taken. A retried attempt after a lost
        # connection finds its own key committed: KeyAlreadyRecorded, served as a replay.
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self.sql_claim, request.row_values(once.created_id(stored_events)))
            if curs.fetchone() is None:
                raise once.KeyAlreadyRecorded(request.key)
            self._insert_stored_events(curs, stored_events, **kwargs)   # lock, notify, insert
            ids = self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        request.store = self
        return ids

    def find_key(self, user_id: str, key: str) -> once.Recorded | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.sql_find, (user_id, key))
            return _recorded(curs.fetchone())

    def answer_key(self, user_id: str, key: str, status_code: int, body: str) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self.sql_answer, (status_code, body, user_id, key))

    def insert_answer(self, request: once.KeyedRequest, status_code: int, body: str) -> bool:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self.sql_insert_answer, (*request.row_values(None), status_code, body))
            return curs.rowcount == 1

    def prune_keys(self, before: float) -> int:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self.sql_prune, (before,))
            return curs.rowcount


"""One Merkle tree per event log (kernel.merkle), kept by a projection; signed checkpoints kept.

A leaf is an event as stored (kernel.eventlog.leaf_bytes), in log order. The tree's leaves and
perfect subtrees are read-model rows (`log_leaves`, `log_nodes`): `rebuild` recomputes them from
the events as they are now. Tampering is caught by the checkpoints (`log_checkpoints`, not a read
model, append-only): each one signs a tree size and root and keeps the (position, leaf hash) pairs
it added, so `verify-log` can name the first event that differs. While building, the projection
compares its root with every kept checkpoint it passes and stops (LogTampered) at a mismatch,
so no new checkpoint is ever signed over a rewritten history.
"""

from __future__ import annotations

import hashlib
import struct
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa

from kernel import merkle, pglocks
from kernel.checkpoints import Checkpoint, Signer
from kernel.db import metadata, projection_tracking
from kernel.errors import Conflict
from kernel.projections import Projection, Unit

log_leaves = sa.Table(
    "log_leaves", metadata,
    sa.Column("log", sa.String(50), primary_key=True),
    sa.Column("leaf_index", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.LargeBinary(32), nullable=False),
    sa.UniqueConstraint("log", "position", name="uq_log_leaves_log_position"),
    info={"projection": "log_tree"},
)
# perfect subtrees of 2^level leaves (level >= 1), index i covering [i·2^level, (i+1)·2^level)
log_nodes = sa.Table(
    "log_nodes", metadata,
    sa.Column("log", sa.String(50), primary_key=True),
    sa.Column("level", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("hash", sa.LargeBinary(32), nullable=False),
    info={"projection": "log_tree"},
)
# Evidence, not a read model: a rebuild leaves it. `leaves`: 40 bytes per leaf from first_index
# on (8-byte big-endian position, 32-byte leaf hash), the leaves this checkpoint added.
log_checkpoints = sa.Table(
    "log_checkpoints", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("log", sa.String(50), nullable=False),
    sa.Column("tree_size", sa.BigInteger, nullable=False),
    sa.Column("root_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("first_index", sa.BigInteger, nullable=False),
    sa.Column("leaves", sa.LargeBinary, nullable=False),
    sa.UniqueConstraint("log", "tree_size", name="uq_log_checkpoints_log_tree_size"),
)

_U64, _U32 = struct.Struct(">Q"), struct.Struct(">I")
_sha256 = hashlib.sha256


def leaf_bytes(position: int, originator_id: Any, version: int, topic: str,
               state: bytes) -> bytes:
    """The canonical bytes of a stored event (docs/ARCHITECTURE.md): position (u64 BE),
    originator id (16 bytes), originator version (u64 BE), topic (u32 BE length, UTF-8), and
    SHA-256 of the state bytes as stored (so a proof can name the event without disclosing it)."""
    t = topic.encode()
    return b"".join((_U64.pack(position), originator_id.bytes, _U64.pack(version),
                     _U32.pack(len(t)), t, hashlib.sha256(bytes(state)).digest()))


def notification_leaf(n: Any) -> bytes:
    """merkle.leaf_hash(leaf_bytes(...)) of a stored notification, in one pass (the runner's
    per-event cost)."""
    t = n.topic.encode()
    return _sha256(b"".join((b"\x00", _U64.pack(n.id), n.originator_id.bytes,
                             _U64.pack(n.originator_version), _U32.pack(len(t)), t,
                             _sha256(n.state).digest()))).digest()


class LogTampered(Conflict):
    """The events no longer hash to a root the log signed: the store was changed."""


class RawLog:
    """An application's log as a runner reads it, the notifications left undecoded: the tree
    hashes events as they are stored, and decoding would only cost time."""

    def __init__(self, app: Any) -> None:
        self.app, self.name, self.recorder, self.mapper = app, app.name, app.recorder, self

    @staticmethod
    def to_domain_event(notification: Any) -> Any:
        return notification


@dataclass
class Issuer:
    """When and how checkpoints are signed: every N leaves, or M minutes after the last one
    once the tree has grown; `origin` prefixes the log name."""

    origin: str
    signers: Sequence[Signer]
    every_events: int = 1000
    every_minutes: float = 10.0
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)

    def issue_if_due(self, conn: sa.Connection, log: str, frontier: merkle.Frontier,
                     batch: Sequence[tuple[str, int, int, bytes]] = ()) -> bool:
        """Sign a checkpoint if due; `batch`: the (log, leaf index, position, hash) leaves just
        appended, in order and ending at the frontier (read back from the table otherwise)."""
        last = conn.execute(sa.select(log_checkpoints.c.tree_size, log_checkpoints.c.issued_at)
                            .where(log_checkpoints.c.log == log)
                            .order_by(log_checkpoints.c.tree_size.desc()).limit(1)).first()
        now = self.clock()
        size = frontier.size
        if last is not None:
            last_at = last.issued_at if last.issued_at.tzinfo else \
                last.issued_at.replace(tzinfo=timezone.utc)
            if size <= last.tree_size or (size - last.tree_size < self.every_events and
                                          now - last_at < timedelta(minutes=self.every_minutes)):
                return False
        elif size == 0:
            return False
        first = last.tree_size if last is not None else 0
        if batch and batch[0][1] <= first and batch[-1][1] == size - 1:
            rows = [(p, h) for _, _, p, h in batch[first - batch[0][1]:]]
        else:
            rows = conn.execute(sa.select(log_leaves.c.position, log_leaves.c.hash)
                                .where(log_leaves.c.log == log, log_leaves.c.leaf_index >= first,
                                       log_leaves.c.leaf_index < size)
                                .order_by(log_leaves.c.leaf_index)).all()
        root = frontier.root()
        note = Checkpoint(f"{self.origin}/{log}", size, root, now).sign(*self.signers)
        conn.execute(log_checkpoints.insert().values(
            log=log, tree_size=size, root_hash=root, issued_at=now, note=note, first_index=first,
            leaves=b"".join(_U64.pack(p) + bytes(h) for p, h in rows)))
        return True


def load_frontier(conn: sa.Connection, log: str) -> merkle.Frontier:
    last = conn.scalar(sa.select(sa.func.max(log_leaves.c.leaf_index))
                       .where(log_leaves.c.log == log))
    size = 0 if last is None else last + 1
    found = perfect_subtrees(conn, log, merkle.Frontier.keys(size))
    return merkle.Frontier(size, [found[k] for k in merkle.Frontier.keys(size)])


def perfect_subtrees(conn: sa.Connection, log: str,
                     keys: Sequence[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored hashes of these (level, index) subtrees (leaves are level 0)."""
    found: dict[tuple[int, int], bytes] = {}
    leaves = [i for level, i in keys if level == 0]
    nodes = [k for k in keys if k[0] > 0]
    if leaves:
        found.update(((0, i), bytes(h)) for i, h in conn.execute(
            sa.select(log_leaves.c.leaf_index, log_leaves.c.hash)
            .where(log_leaves.c.log == log, log_leaves.c.leaf_index.in_(leaves))))
    if nodes:
        found.update(((lv, i), bytes(h)) for lv, i, h in conn.execute(
            sa.select(log_nodes.c.level, log_nodes.c.idx, log_nodes.c.hash)
            .where(sa.or_(*(   # each term whole: SQLite then looks each one up by the key
                sa.and_(log_nodes.c.log == log, log_nodes.c.level == lv, log_nodes.c.idx == i)
                for lv, i in nodes)))))
    missing = set(keys) - set(found)
    if missing:
        raise LogTampered(f"默克尔树缺少节点 the tree of log {log} lacks subtrees "
                          f"{sorted(missing)[:3]} (rebuild it)", field="log")
    return found


# Hashes of complete subtrees never change once written (a leaf or a perfect subtree of a tree
# that only grows): the public proofs keep them in-process, per database (engine) and log, so a
# warm proof reads no node at all. A proof built from them still checks against the signed
# checkpoint; the event and its leaf are read afresh every time. LogTree.clear forgets a log's.
SUBTREE_CACHE_ENTRIES = 500_000
_subtrees: weakref.WeakKeyDictionary[sa.Engine, dict[tuple[str, int, int], bytes]] = \
    weakref.WeakKeyDictionary()
_subtrees_lock = threading.Lock()


def cached_subtrees(conn: sa.Connection, log: str,
                    keys: Sequence[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """perfect_subtrees, through the in-process cache of immutable subtree hashes."""
    with _subtrees_lock:
        cache = _subtrees.setdefault(conn.engine, {})
    found, missing = {}, []
    for k in keys:
        h = cache.get((log, *k))
        if h is None:
            missing.append(k)
        else:
            found[k] = h
    if missing:
        read = perfect_subtrees(conn, log, missing)
        found.update(read)
        if len(cache) + len(read) > SUBTREE_CACHE_ENTRIES:
            cache.clear()
        cache.update(((log, *k), h) for k, h in read.items())
    return found


def forget_subtrees(engine: sa.Engine, log: str) -> None:
    with _subtrees_lock:
        cache = _subtrees.get(engine)
        if cache:
            for k in [k for k in cache if k[0] == log]:
                cache.pop(k, None)


class LogTree(Projection):
    """The Merkle tree of one application's log, fed raw notifications (RawLog)."""

    tables = (log_leaves, log_nodes)
    shares_tables = True   # one pair of tables, a tree per log (column `log`)

    def __init__(self, log: str, issuer: Issuer | None = None) -> None:
        self.log, self.issuer, self.name = log, issuer, f"log_tree_{log}"
        self.begin_batch()

    def begin_batch(self) -> None:
        self._frontier: merkle.Frontier | None = None
        self._leaves: list[dict[str, Any]] = []
        self._nodes: list[dict[str, Any]] = []
        self._kept: dict[int, bytes] = {}

    def _load(self, unit: Unit) -> merkle.Frontier:
        frontier = load_frontier(unit.conn, self.log)
        # the kept checkpoints this batch may pass: a rebuild must reach each one's root
        self._kept = dict(unit.query(
            sa.select(log_checkpoints.c.tree_size, log_checkpoints.c.root_hash)
            .where(log_checkpoints.c.log == self.log,
                   log_checkpoints.c.tree_size > frontier.size,
                   log_checkpoints.c.tree_size <= frontier.size + 100_000)).all())
        return frontier

    def apply(self, event: Any, position: int, unit: Unit) -> None:
        frontier = self._frontier = self._frontier or self._load(unit)
        leaf, log = notification_leaf(event), self.log
        self._leaves.append((log, frontier.size, position, leaf))
        made = frontier.append(leaf)
        if made:
            self._nodes.extend([(log, level, idx, h) for level, idx, h in made])
        kept = self._kept.get(frontier.size) if self._kept else None
        if kept is not None and bytes(kept) != frontier.root():
            raise LogTampered(f"日志已被改动 log {self.log}: the events up to position "
                              f"{position} no longer hash to the checkpoint of size "
                              f"{frontier.size} (run `opencheck verify-log`)", field="log")

    def end_batch(self, unit: Unit) -> None:
        unit.flush()
        bulk_insert(unit.conn, log_leaves, _LEAF_COLUMNS, self._leaves)
        bulk_insert(unit.conn, log_nodes, _NODE_COLUMNS, self._nodes)
        if self.issuer is not None and self._frontier is not None:
            self.issuer.issue_if_due(unit.conn, self.log, self._frontier, self._leaves)

    def clear(self, conn: sa.Connection) -> None:
        forget_subtrees(conn.engine, self.log)
        for table in self.tables:
            conn.execute(table.delete().where(table.c.log == self.log))


_LEAF_COLUMNS = (("log", "text"), ("leaf_index", "int8"), ("position", "int8"), ("hash", "bytea"))
_NODE_COLUMNS = (("log", "text"), ("level", "int2"), ("idx", "int8"), ("hash", "bytea"))


def bulk_insert(conn: sa.Connection, table: sa.Table, columns: Sequence[tuple[str, str]],
                rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert row tuples in the connection's transaction at the DB-API level: a binary COPY on
    PostgreSQL, one executemany on SQLite (the table as the search path finds it, as the
    runner's other writes)."""
    if not rows:
        return
    names = ", ".join(name for name, _ in columns)
    dbapi = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with dbapi.cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types([kind for _, kind in columns])
            for row in rows:
                copy.write_row(row)
        return
    cursor = dbapi.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES "
                           f"({', '.join('?' * len(columns))})", rows)
    finally:
        cursor.close()


def issue_due(engine: sa.Engine, runner_name: str, log: str, issuer: Issuer,
              schema: str | None = None) -> bool:
    """Sign a checkpoint of the tree as its runner committed it, if one is due (the timed
    half of "every N events or M minutes"); serialised with the runner by the runner's lock."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"),
                         {"k": pglocks.lock_key(schema, f"runner:{runner_name}")})
        else:   # the write lock first, as the runner takes it
            conn.execute(projection_tracking.update().where(sa.false())
                         .values(position=projection_tracking.c.position))
        return issuer.issue_if_due(conn, log, load_frontier(conn, log))


def proof_link(log: str, position: int | None) -> str | None:
    """The public URL of the inclusion proof of the event at `position` of `log`."""
    return None if position is None else f"/api/v1/public/log/{log}/proof?position={position}"


def proved(record: dict, log: str, key: str = "updated_position") -> dict:
    """`record` without its read-model position `key`, with the log, the position and the
    proof link instead (kernel.http.api.Proved)."""
    position = record.pop(key, None)
    return {**record, "log": log, "log_position": position, "proof": proof_link(log, position)}

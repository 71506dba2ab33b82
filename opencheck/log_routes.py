"""Public routes of the tamper-evident record: checkpoints, inclusion and consistency proofs, keys."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Annotated, Any
from uuid import UUID

import sqlalchemy as sa
from eventsourcing.postgres import PostgresApplicationRecorder
from fastapi import APIRouter, Query
from pydantic import BaseModel

from kernel import merkle
from kernel.errors import NotFound
from kernel.eventlog import (
    LogTampered,
    cached_subtrees,
    log_checkpoints,
    log_leaves,
    notification_leaf,
)
from kernel.http.api import PlatformDep
from opencheck.merkle_log import logs, trusted

router = APIRouter(tags=["public"])


class CheckpointPublic(BaseModel):
    """签名检查点 A signed checkpoint (C2SP signed note) of one log."""

    log: str
    tree_size: int
    root_hash: str   # hex
    issued_at: datetime
    note: str


class InclusionProof(BaseModel):
    """存在性证明 RFC 9162 inclusion proof of one event against the latest checkpoint."""

    log: str
    position: int
    leaf_index: int
    originator_id: str
    originator_version: int
    topic: str
    state_sha256: str
    leaf_hash: str
    tree_size: int
    audit_path: list[str]
    checkpoint: str


class ConsistencyProof(BaseModel):
    """一致性证明 RFC 9162 consistency proof between two tree sizes."""

    log: str
    first: int
    second: int
    consistency_path: list[str]
    first_checkpoint: str | None
    second_checkpoint: str | None


class KeysPublic(BaseModel):
    keys: list[str]
    witnesses: list[str]


def _app(p: PlatformDep, log: str):  # noqa: ANN202
    found = logs(p).get(log)
    if found is None:
        raise NotFound(f"没有该日志 no log {log!r} (supervision | credit)", field="log")
    return found


def _public(row: sa.Row) -> CheckpointPublic:
    return CheckpointPublic(log=row.log, tree_size=row.tree_size, root_hash=bytes(
        row.root_hash).hex(), issued_at=row.issued_at if row.issued_at.tzinfo
        else row.issued_at.replace(tzinfo=timezone.utc), note=row.note)   # SQLite: naive UTC


_COLUMNS = (log_checkpoints.c.log, log_checkpoints.c.tree_size, log_checkpoints.c.root_hash,
            log_checkpoints.c.issued_at, log_checkpoints.c.note)


_leaf = (sa.select(log_leaves.c.leaf_index, log_leaves.c.hash)
         .where(log_leaves.c.log == sa.bindparam("log"),
                log_leaves.c.position == sa.bindparam("position")).subquery())
_LATEST_WITH_LEAF = (
    sa.select(*_COLUMNS, _leaf.c.leaf_index, _leaf.c.hash)
    .select_from(log_checkpoints).outerjoin(_leaf, sa.true())
    .where(log_checkpoints.c.log == sa.bindparam("log"))
    .order_by(log_checkpoints.c.tree_size.desc()).limit(1))

_WITH_EVENT: dict[tuple[str, str | None, str], sa.Select] = {}


def _with_event(recorder: Any) -> sa.Select | None:
    """_LATEST_WITH_LEAF joined with the stored event itself (on PostgreSQL the application's
    events table is in the same database): a warm proof is one round trip. None elsewhere (each
    SQLite application has a file of its own: its recorder reads the event)."""
    if not isinstance(recorder, PostgresApplicationRecorder):
        return None
    key = (recorder.events_table_name, recorder.datastore.schema or None, "notification_id")
    if key not in _WITH_EVENT:
        name, schema, id_column = key
        events = sa.table(name, sa.column(id_column), sa.column("originator_id"),
                          sa.column("originator_version"), sa.column("topic"),
                          sa.column("state"), schema=schema)
        e = events.c
        _WITH_EVENT[key] = (
            sa.select(*_LATEST_WITH_LEAF.selected_columns, e[id_column].label("event_id"),
                      e.originator_id, e.originator_version, e.topic, e.state)
            .select_from(log_checkpoints).outerjoin(_leaf, sa.true())
            .outerjoin(events, e[id_column] == sa.bindparam("position"))
            .where(log_checkpoints.c.log == sa.bindparam("log"))
            .order_by(log_checkpoints.c.tree_size.desc()).limit(1))
    return _WITH_EVENT[key]


def _stored(row: sa.Row) -> Any:
    """The event columns of a _with_event row as a notification (None when there is none)."""
    if row.event_id is None:
        return None
    oid = row.originator_id
    return SimpleNamespace(id=row.event_id, originator_id=oid if isinstance(oid, UUID)
                           else UUID(oid), originator_version=row.originator_version,
                           topic=row.topic, state=bytes(row.state))


@router.get("/log/keys", response_model=KeysPublic)
def log_keys(p: PlatformDep) -> KeysPublic:
    """The verifier keys of the checkpoints (compare them with the ones published elsewhere)."""
    keys, witnesses = trusted(p.settings)
    return KeysPublic(keys=[k.vkey for k in keys], witnesses=[w.vkey for w in witnesses])


@router.get("/log/{log}/checkpoints", response_model=list[CheckpointPublic])
def checkpoints(p: PlatformDep, log: str, after_size: Annotated[int, Query(ge=0, le=2**62)] = 0,
                limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[CheckpointPublic]:
    """Every signed checkpoint of a log, oldest first (from a tree size on)."""
    _app(p, log)
    with p.engine.connect() as conn:
        rows = conn.execute(sa.select(*_COLUMNS).where(log_checkpoints.c.log == log,
                                                       log_checkpoints.c.tree_size > after_size)
                            .order_by(log_checkpoints.c.tree_size).limit(limit)).all()
    return [_public(r) for r in rows]


@router.get("/log/{log}/checkpoints/latest", response_model=CheckpointPublic,
            responses={404: {"description": "no checkpoint yet"}})
def latest_checkpoint(p: PlatformDep, log: str) -> CheckpointPublic:
    """The newest signed checkpoint of a log."""
    _app(p, log)
    with p.engine.connect() as conn:
        row = conn.execute(sa.select(*_COLUMNS).where(log_checkpoints.c.log == log)
                           .order_by(log_checkpoints.c.tree_size.desc()).limit(1)).first()
    if row is None:
        raise NotFound(f"日志尚无检查点 log {log} has no checkpoint yet", field="log")
    return _public(row)


@router.get("/log/{log}/proof", response_model=InclusionProof,
            responses={404: {"description": "no such event, or not signed yet"}})
def inclusion_proof(p: PlatformDep, log: str,
                    position: Annotated[int, Query(ge=1, le=2**62)]) -> InclusionProof:
    """The event at a position of a log, proved included in the latest checkpoint."""
    app = _app(p, log)
    with p.engine.connect() as conn:
        # one round trip: the latest checkpoint and the event's leaf (None if not in the tree)
        joined = _with_event(app.recorder)
        cp = conn.execute(joined if joined is not None else _LATEST_WITH_LEAF,
                          {"log": log, "position": position}).first()
        leaf = cp if cp is not None and cp.leaf_index is not None else None
        if leaf is None or cp.tree_size <= leaf.leaf_index:
            raise NotFound(f"位置 {position} 尚未签入日志 the event at position {position} of "
                           f"log {log} is not in a signed checkpoint (yet)", field="position")
        keys = merkle.needed(merkle.inclusion_path, leaf.leaf_index, cp.tree_size)
        found = cached_subtrees(conn, log, keys)
    path = merkle.inclusion_path(leaf.leaf_index, cp.tree_size, lambda lv, i: found[(lv, i)])
    if joined is not None:
        n = _stored(cp)
    else:
        (n,) = app.recorder.select_notifications(start=position, limit=1) or (None,)
    if n is None or n.id != position or notification_leaf(n) != bytes(leaf.hash):
        raise LogTampered(f"日志已被改动 the stored event at position {position} no longer "
                          "matches its leaf (run `opencheck verify-log`)", field="position")
    return InclusionProof(
        log=log, position=position, leaf_index=leaf.leaf_index, originator_id=str(n.originator_id),
        originator_version=n.originator_version, topic=n.topic,
        state_sha256=hashlib.sha256(bytes(n.state)).hexdigest(), leaf_hash=bytes(leaf.hash).hex(),
        tree_size=cp.tree_size, audit_path=[h.hex() for h in path], checkpoint=cp.note)


@router.get("/log/{log}/consistency", response_model=ConsistencyProof,
            responses={404: {"description": "a size beyond the tree"}})
def consistency_proof(p: PlatformDep, log: str, first: Annotated[int, Query(ge=0)],
                      second: Annotated[int, Query(ge=0)]) -> ConsistencyProof:
    """That the tree of size `second` extends the tree of size `first` (two checkpoints)."""
    _app(p, log)
    if first > second:
        raise NotFound("起始位置不得大于结束位置 first must not exceed second", field="first")
    with p.engine.connect() as conn:
        size = conn.scalar(sa.select(sa.func.max(log_leaves.c.leaf_index))
                           .where(log_leaves.c.log == log))
        if second > (-1 if size is None else size) + 1:
            raise NotFound(f"日志树没有这么大 the tree of log {log} has not reached {second}",
                           field="second")
        keys = merkle.needed(merkle.consistency_path, first, second)
        found = cached_subtrees(conn, log, keys)
        notes = dict(conn.execute(sa.select(log_checkpoints.c.tree_size, log_checkpoints.c.note)
                                  .where(log_checkpoints.c.log == log,
                                         log_checkpoints.c.tree_size.in_((first, second)))).all())
    path = merkle.consistency_path(first, second, lambda lv, i: found[(lv, i)])
    return ConsistencyProof(log=log, first=first, second=second,
                            consistency_path=[h.hex() for h in path],
                            first_checkpoint=notes.get(first), second_checkpoint=notes.get(second))

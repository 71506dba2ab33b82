"""`verify-log`: recompute each log's tree from the stored events and check it against every kept
checkpoint; name the first event changed, removed, inserted or reordered, or the checkpoint whose
signature fails.

Trust runs one way: the checkpoints' signatures are checked with the configured public keys (never
keys read from the store); the leaves a checkpoint kept are trusted once they hash to its signed
root; the stored events are then compared with those leaves, which names the place.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from kernel import merkle
from kernel.checkpoints import CheckpointInvalid, Verifier, parse
from kernel.eventlog import leaf_bytes, log_checkpoints, notification_leaf

_BATCH = 5000


@dataclass
class LogReport:
    log: str
    events: int = 0
    checkpoints: int = 0
    signed_size: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def _events(recorder: Any) -> Iterator[Any]:
    last = 0
    while True:
        batch = recorder.select_notifications(start=last, limit=_BATCH, inclusive_of_start=False)
        yield from batch
        if len(batch) < _BATCH:
            return
        last = batch[-1].id


def verify_log(conn: sa.Connection, log: str, recorder: Any, keys: Sequence[Verifier],
               witnesses: Sequence[Verifier] = (), require_witness: bool = False) -> LogReport:
    report = LogReport(log)
    rows = conn.execute(sa.select(log_checkpoints).where(log_checkpoints.c.log == log)
                        .order_by(log_checkpoints.c.tree_size, log_checkpoints.c.id)).all()
    signed: dict[int, bytes] = {}   # tree size -> root, from checkpoints whose signatures hold
    archive: dict[int, tuple[int, bytes]] = {}   # leaf index -> (position, leaf hash)
    for row in rows:
        where = f"checkpoint #{row.id} of log {log} (tree size {row.tree_size})"
        try:
            note = parse(row.note)
        except CheckpointInvalid as error:
            report.problems.append(f"{where}: {error.message}")
            break
        cp = note.checkpoint
        if (cp.size, cp.root) != (row.tree_size, bytes(row.root_hash)) or \
                not cp.origin.endswith(f"/{log}"):
            report.problems.append(f"{where}: the signed note says {cp.origin} size {cp.size}, "
                                   "not what the row says")
            break
        known = {(v.name, v.id): v for v in (*keys, *witnesses)}
        bad = [name for name, kid, sig in note.signatures
               if (name, kid) in known and not known[(name, kid)].verify(note.body, sig)]
        if bad or not any(note.signed_by(k) for k in keys):
            report.problems.append(f"{where}: signature {'by ' + ', '.join(bad) if bad else 'by no trusted key'} fails "
                                   "(签名验证失败)")
            break
        if require_witness and not any(note.signed_by(w) for w in witnesses):
            report.problems.append(f"{where}: no valid witness signature (缺少见证签名)")
            break
        kept = bytes(row.leaves)
        for k in range(len(kept) // 40):
            entry = (int.from_bytes(kept[40 * k:40 * k + 8], "big"), kept[40 * k + 8:40 * k + 40])
            if archive.setdefault(row.first_index + k, entry) != entry:
                report.problems.append(f"{where}: its kept leaves contradict an earlier checkpoint's")
                break
        signed[cp.size] = cp.root
        report.checkpoints += 1
    if report.problems:
        return report
    sizes = sorted(signed)
    report.signed_size = sizes[-1] if sizes else 0
    # the kept leaves must hash to every signed root: then they can name the place
    kept_tree = merkle.Frontier()
    for size in sizes:
        while kept_tree.size < size:
            entry = archive.get(kept_tree.size)
            if entry is None:
                report.problems.append(f"log {log}: leaf {kept_tree.size} was kept by no checkpoint")
                return report
            kept_tree.append(entry[1])
        if kept_tree.root() != signed[size]:
            report.problems.append(f"log {log}: the leaves kept up to tree size {size} do not "
                                   "hash to its signed root (the checkpoints were altered)")
            return report
    # the stored events, hashed as they are
    tree, stored = merkle.Frontier(), []
    for n in _events(recorder):
        leaf = notification_leaf(n)
        if tree.size < report.signed_size:
            stored.append((n.id, leaf, n))
        tree.append(leaf)
        if tree.size in signed and tree.root() != signed[tree.size]:
            report.problems.append(_first_difference(log, stored, archive, tree.size))
            return report
    report.events = tree.size
    if tree.size < report.signed_size:
        report.problems.append(_first_difference(log, stored, archive, report.signed_size))
    return report


def _first_difference(log: str, stored: list[tuple[int, bytes, Any]],
                      archive: dict[int, tuple[int, bytes]], size: int) -> str:
    """Where the stored events first depart from the signed leaves, and how."""
    kept_positions = {archive[i][0]: i for i in range(size)}
    stored_positions = {p for p, _, _ in stored}
    for i in range(size):
        position, leaf = archive[i]
        if i >= len(stored):
            last = stored[-1][0] if stored else 0
            return (f"log {log}: truncated after position {last}: the event at position "
                    f"{position} and {size - i - 1} more signed ones are missing (日志被截断)")
        at, now, n = stored[i]
        if (at, now) == (position, leaf):
            continue
        if at == position:
            moved = _moved_here(n, archive)
            if moved is not None:
                return (f"log {log}: events reordered: position {at} holds the event signed at "
                        f"position {moved} (事件顺序被调换)")
            return f"log {log}: the event at position {at} was changed (事件被篡改)"
        if position not in stored_positions:
            return f"log {log}: the event at position {position} was removed (事件被删除)"
        if at not in kept_positions:
            return f"log {log}: an event was inserted at position {at} (事件被插入)"
        return f"log {log}: events reordered at position {at} (事件顺序被调换)"
    return f"log {log}: the events up to tree size {size} do not hash to its signed root"


def _moved_here(n: Any, archive: dict[int, tuple[int, bytes]]) -> int | None:
    """The position whose signed leaf this event's content was, if it was moved."""
    for position, leaf in archive.values():
        if position != n.id and leaf == merkle.leaf_hash(leaf_bytes(
                position, n.originator_id, n.originator_version, n.topic, n.state)):
            return position
    return None

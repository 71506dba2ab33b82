"""The tamper-evident record: tree maintenance and inclusion proofs, against hashlib alone.

    python -m bench.merkle [--events 200000] [--proofs 2000] [--backend sqlite|postgres]

1. Tree maintenance in memory: canonical bytes of each event, its leaf hash, the perfect subtrees
   it completes (what LogTree does per event), vs hashlib hashing the same canonical bytes once.
2. The same through the runner into SQL (leaves, subtrees, tracking, one transaction per batch;
   events written straight into the store first), vs reading the same notifications and hashing
   them with hashlib alone.
3. An inclusion proof of a random event against the latest checkpoint, warm (the public route's
   function: leaf row, O(log n) subtrees in one query, the event re-read and re-hashed), vs
   hashlib hashing the proof's own node hashes (what a verifier does).
Targets (issue 21): maintenance >= 50,000 events/s; a proof <= 1 ms once warm.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import time
import uuid

from eventsourcing.persistence import StoredEvent

from bench.common import Timer, fresh_platform, pg_reachable, report
from kernel import merkle
from kernel.eventlog import cached_subtrees, leaf_bytes

TOPIC = "supervision.directory.entities:Entity.Registered"


def _events(n: int) -> list[StoredEvent]:
    rng = random.Random(21)
    return [StoredEvent(originator_id=uuid.UUID(int=rng.getrandbits(128)), originator_version=1,
                        topic=TOPIC, state=rng.randbytes(300)) for _ in range(n)]


def in_memory(events: list[StoredEvent]) -> list[str]:
    canonical = [leaf_bytes(i + 1, e.originator_id, e.originator_version, e.topic, e.state)
                 for i, e in enumerate(events)]
    with Timer() as ref:
        for data in canonical:
            hashlib.sha256(data).digest()
    with Timer() as ours:
        frontier, nodes = merkle.Frontier(), []
        for i, e in enumerate(events):
            leaf = merkle.leaf_hash(leaf_bytes(i + 1, e.originator_id, e.originator_version,
                                               e.topic, e.state))
            nodes.extend(frontier.append(leaf))
    return [report("tree maintenance in memory (bytes, leaf, subtrees)", len(events),
                   ours.seconds, "hashlib over the same canonical bytes", ref.seconds)]


def through_runner(backend: str, events: list[StoredEvent], proofs: int) -> list[str]:
    from opencheck.log_routes import _LATEST_WITH_LEAF, inclusion_proof

    lines = []
    with fresh_platform(backend, checkpoint_every_events=10**9) as p:
        app = p.supervision
        for k in range(0, len(events), 5000):
            app.recorder.insert_events(events[k:k + 5000])
        runner = p.runners["log_supervision"]
        with Timer() as ref:
            last, n = 0, 0
            while batch := app.recorder.select_notifications(start=last, limit=500,
                                                             inclusive_of_start=False):
                for note in batch:
                    hashlib.sha256(note.state).digest()
                    n += 1
                last = batch[-1].id
        with Timer() as ours:
            done = runner.catch_up()
        assert done == len(events) == n
        lines.append(report(f"{backend}: tree through the runner into SQL", done, ours.seconds,
                            "read the same notifications + hashlib", ref.seconds))
        from opencheck.merkle_log import issue_checkpoints
        p.settings.checkpoint_every_events = 1
        issue_checkpoints(p)
        rng = random.Random(9162)
        positions = [rng.randint(1, len(events)) for _ in range(proofs)]
        for pos in positions[:50]:   # warm: connections, statements, pages
            inclusion_proof(p, "supervision", pos)
        with Timer() as ours:
            answers = [inclusion_proof(p, "supervision", pos) for pos in positions]
        first = ours.seconds
        with Timer() as ours:   # again: every node of these proofs now in the subtree cache
            answers = [inclusion_proof(p, "supervision", pos) for pos in positions]
        lines.append(report(f"{backend}: the route's whole answer, warm "
                            f"({ours.seconds / proofs * 1000:.3f} ms each, incl. the event re-read)",
                            proofs, ours.seconds, f"first asked ({first / proofs * 1000:.3f} ms "
                            "each: leaf-level nodes read)", first, unit="proofs/s"))
        with p.engine.connect() as conn, Timer() as ours:
            for pos in positions:   # as the route: checkpoint and leaf in one query, cached nodes
                cp = conn.execute(_LATEST_WITH_LEAF, {"log": "supervision", "position": pos}
                                  ).first()
                keys = merkle.needed(merkle.inclusion_path, cp.leaf_index, cp.tree_size)
                found = cached_subtrees(conn, "supervision", keys)
                merkle.inclusion_path(cp.leaf_index, cp.tree_size,
                                      lambda lv, i, f=found: f[(lv, i)])
        paths = [[bytes.fromhex(h) for h in a.audit_path] for a in answers]
        leaves = [bytes.fromhex(a.leaf_hash) for a in answers]
        with Timer() as ref:
            for leaf, path in zip(leaves, paths):
                r = leaf
                for h in path:
                    r = hashlib.sha256(b"\x01" + h + r).digest()
        lines.append(report(f"{backend}: inclusion proof (leaf, subtrees, path), warm ({ours.seconds / proofs * 1000:.3f} "
                            "ms each)", proofs, ours.seconds, "hashlib over the proof's nodes",
                            ref.seconds, unit="proofs/s"))
    return lines


def main(argv: list[str] | None = None) -> list[str]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--proofs", type=int, default=2000)
    ap.add_argument("--backend", choices=["sqlite", "postgres"], action="append")
    args = ap.parse_args(argv)
    events = _events(args.events)
    lines = in_memory(events)
    for backend in args.backend or ["sqlite", "postgres"]:
        if backend == "postgres" and not pg_reachable():
            print("postgres: not reachable, skipped")
            continue
        started = time.perf_counter()
        lines += through_runner(backend, events, args.proofs)
        print(f"  ({backend} run {time.perf_counter() - started:.1f} s)")
    return lines


if __name__ == "__main__":
    main()

"""开放数据 The daily dump: every dataset in full (CSV and JSON Lines), the delta against the
previous dump (added / changed / removed by record key) and a manifest (sha256 and row count of
each file, schema version, the log positions and times the data reflects).

Layout under the open-data directory, one folder per day (China date), written to a temporary
folder and renamed into place, so a reader never sees half a dump:

    2026-12-04/manifest.json
    2026-12-04/<dataset>.csv  <dataset>.jsonl                    the full dataset
    2026-12-04/<dataset>.delta.csv  <dataset>.delta.jsonl        against `previous`

A delta line is {"op": "added" | "changed" | "removed", "key": …, "record": … (null when
removed)}; `apply_delta` replays one over the previous day's records. Re-running a day replaces
its folder (its delta is still against the newest earlier day).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from credit.opendata.datasets import (
    BY_NAME,
    DATASETS,
    SCHEMA_VERSION,
    Dataset,
    live_records,
)
from kernel.db import projection_tracking
from kernel.settings import Settings

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MANIFEST = "manifest.json"
Records = dict[str, dict[str, Any]]


def open_data_root(settings: Settings) -> Path:
    return Path(settings.open_data_dir) if settings.open_data_dir else \
        Path(settings.var_dir) / "open-data"


def _json_line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False, separators=(",", ":")) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def _csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return ("\ufeff" + buf.getvalue()).encode()   # the BOM: Chinese Excel then reads UTF-8


def _write(folder: Path, name: str, body: bytes, rows: int) -> dict[str, Any]:
    (folder / name).write_bytes(body)
    return {"name": name, "sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body),
            "rows": rows}


def delta(previous: Records, current: Records) -> Iterator[dict[str, Any]]:
    """Added, changed and removed records by key, in key order."""
    for key in sorted(previous.keys() | current.keys()):
        before, after = previous.get(key), current.get(key)
        if before is None:
            yield {"op": "added", "key": key, "record": after}
        elif after is None:
            yield {"op": "removed", "key": key, "record": None}
        elif before != after:
            yield {"op": "changed", "key": key, "record": after}


def apply_delta(records: Records, lines: Iterable[dict[str, Any]]) -> Records:
    """The records a delta leads to from `records` (a new dict)."""
    out = dict(records)
    for line in lines:
        if line["op"] == "removed":
            out.pop(line["key"], None)
        else:
            out[line["key"]] = line["record"]
    return out


def read_records(folder: Path, dataset: Dataset) -> Records:
    """A dump's records of one dataset, by key (from its JSON Lines file; none if that dump
    predates the dataset)."""
    path = folder / f"{dataset.name}.jsonl"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as f:
        return {dataset.key_of(r): r for r in map(json.loads, f)}


def read_delta(folder: Path, dataset: Dataset) -> list[dict[str, Any]]:
    with (folder / f"{dataset.name}.delta.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def dump_days(root: Path) -> list[str]:
    """The days with a complete dump (a manifest), oldest first."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if DAY.match(p.name) and (p / MANIFEST).is_file())


def last_changes(conn: sa.Connection, sources: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Per log: the newest position and time the datasets' projections had reached."""
    t = projection_tracking.c
    out: dict[str, dict[str, Any]] = {}
    for row in conn.execute(sa.select(t.application, t.projection, t.position, t.updated_at)
                            .where(t.projection.in_(sorted(set(sources))))):
        log = out.setdefault(row.application, {"position": 0, "at": None, "projections": {}})
        log["projections"][row.projection] = row.position
        log["position"] = max(log["position"], row.position)
        at = row.updated_at.isoformat() if row.updated_at else None
        log["at"] = max(filter(None, (log["at"], at)), default=None)
    return out


def _snapshot(engine: sa.Engine, today: date, rules: Any) -> tuple[dict[str, Records], dict[str, Any]]:
    """Every dataset and the positions behind them, read in one transaction (one snapshot on
    PostgreSQL: REPEATABLE READ; on SQLite one read transaction)."""
    postgres = engine.dialect.name == "postgresql"
    options = {"isolation_level": "REPEATABLE READ"} if postgres else {}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        if not postgres:   # pysqlite begins only before a write: the snapshot needs a BEGIN
            conn.exec_driver_sql("BEGIN")
        return live_records(conn, today, rules), last_changes(conn, (s for d in DATASETS
                                                              for s in d.sources))


def write_dump(engine: sa.Engine, root: Path, day: date, now: datetime,
               rules: Any = None) -> dict[str, Any]:
    """Write the dump of `day` (the public record as of that day, read now, under `rules`: the
    platform's) under `root`, with its delta against the newest earlier dump; returns the
    manifest."""
    records, changes = _snapshot(engine, day, rules)
    earlier = [d for d in dump_days(root) if d < day.isoformat()]
    previous = root / earlier[-1] if earlier else None
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{day.isoformat()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    datasets = {}
    for d in DATASETS:
        rows = records[d.name]
        full = {"csv": _write(tmp, f"{d.name}.csv", _csv(d.columns, ([r[c] for c in d.columns]
                                                                    for r in rows.values())),
                              len(rows)),
                "jsonl": _write(tmp, f"{d.name}.jsonl",
                                "".join(map(_json_line, rows.values())).encode(), len(rows))}
        before = read_records(previous, d) if previous is not None else {}
        lines = list(delta(before, rows))
        counts = {op: sum(1 for x in lines if x["op"] == op)
                  for op in ("added", "changed", "removed")}
        changes_files = {
            "csv": _write(tmp, f"{d.name}.delta.csv", _csv(
                ("op", "key", *d.columns),
                ([x["op"], x["key"], *[(x["record"] or {}).get(c) for c in d.columns]]
                 for x in lines)), len(lines)),
            "jsonl": _write(tmp, f"{d.name}.delta.jsonl",
                            "".join(map(_json_line, lines)).encode(), len(lines))}
        datasets[d.name] = {"title": d.title, "key": list(d.key), "columns": list(d.columns),
                            "rows": len(rows), "files": full,
                            "delta": {**counts, "files": changes_files}}
    manifest = {"schema_version": SCHEMA_VERSION, "date": day.isoformat(),
                "generated_at": now.isoformat(),
                "previous": previous.name if previous is not None else None,
                "last_change": changes, "datasets": datasets}
    (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                encoding="utf-8")
    final = root / day.isoformat()
    if final.exists():
        shutil.rmtree(final)
    tmp.rename(final)
    return manifest


def read_manifest(root: Path, day: str) -> dict[str, Any] | None:
    if not DAY.match(day) or not (root / day / MANIFEST).is_file():
        return None
    return json.loads((root / day / MANIFEST).read_text(encoding="utf-8"))


def list_dumps(settings: Settings) -> list[dict[str, Any]]:
    """The dumps, newest first: day, generation time, previous day, rows and delta counts."""
    root = open_data_root(settings)
    out = []
    for day in reversed(dump_days(root)):
        m = read_manifest(root, day)
        if m is None:
            continue
        out.append({"date": day, "generated_at": m["generated_at"], "previous": m["previous"],
                    "schema_version": m["schema_version"],
                    "manifest": f"/api/v1/public/open-data/{day}/{MANIFEST}",
                    "datasets": {name: {"title": x["title"], "rows": x["rows"],
                                        "added": x["delta"]["added"],
                                        "changed": x["delta"]["changed"],
                                        "removed": x["delta"]["removed"],
                                        "files": {kind: f"/api/v1/public/open-data/{day}/"
                                                        f"{f['name']}"
                                                  for kind, f in (
                                                      *x["files"].items(),
                                                      *((f"delta_{k}", v) for k, v in
                                                        x["delta"]["files"].items()))}}
                                 for name, x in m["datasets"].items()}})
    return out


def dump_file(settings: Settings, day: str, name: str) -> Path | None:
    """A file of a dump if the day's manifest names it (nothing else is served)."""
    root = open_data_root(settings)
    manifest = read_manifest(root, day)
    if manifest is None:
        return None
    names = {MANIFEST} | {f["name"] for x in manifest["datasets"].values()
                          for f in (*x["files"].values(), *x["delta"]["files"].values())}
    return root / day / name if name in names else None


def dump_job(platform: Any, today: date) -> str:
    """The scheduler's daily job: today's dump into the configured open-data directory."""
    manifest = write_dump(platform.engine, open_data_root(platform.settings), today,
                          datetime.now(timezone.utc).replace(microsecond=0), platform.rules)
    rows = sum(x["rows"] for x in manifest["datasets"].values())
    changed = sum(x["delta"][op] for x in manifest["datasets"].values()
                  for op in ("added", "changed", "removed"))
    return f"open data {today}: {rows} rows, {changed} changes since {manifest['previous']}"


__all__ = ["BY_NAME", "apply_delta", "delta", "dump_days", "list_dumps", "read_delta",
           "read_records", "write_dump"]

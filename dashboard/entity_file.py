"""主体档案 One entity's internal file "as of" a day: directory record, status, tasks, credit facts.

Read from the read models only: the directory and its status history, the tasks, and the credit
file's timeline (credit.record.views: credit facts, inspection results, annual reports).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from credit.penalties import views as penalty_views
from credit.record import views as file_views
from credit.rules import Rules
from dashboard.tables import entity_status_history
from kernel.labels import ENTITY_STATUSES, RECORD_KINDS
from supervision.directory import views as supervision_views
from supervision.plans.views import plans
from supervision.tasks.views import tasks

SEARCH_LIMIT = 20


def search(conn: sa.Connection, text: str, person_key: str | None = None) -> list[dict[str, Any]]:
    """An exact USCC; else the entities of a person (`person_key`: the text was a resident ID
    number); else entities whose name, or whose legal representative's name, contains the
    text (first 20 by USCC)."""
    text = (text or "").strip()
    if not text:
        return []
    exact = supervision_views.entity_record(conn, text.upper())
    if exact:
        return [exact]
    if person_key:
        usccs = {r["uscc"] for r in supervision_views.representations(conn, person_key=person_key)}
        return [supervision_views.entity_record(conn, u) for u in sorted(usccs)][:SEARCH_LIMIT]
    _, rows = supervision_views.list_entities(conn, name=text, limit=SEARCH_LIMIT)
    if len(rows) < SEARCH_LIMIT:   # 法定代表人 by name (current or past representation)
        more = {r["uscc"] for r in supervision_views.representations(conn, name=text)}
        rows += [supervision_views.entity_record(conn, u)
                 for u in sorted(more - {r["uscc"] for r in rows})][:SEARCH_LIMIT - len(rows)]
    return rows


def status_on(conn: sa.Connection, record: dict[str, Any], day: date) -> str | None:
    """The registration status on `day` (None before registration)."""
    if record["registered_on"] > day:
        return None
    h = entity_status_history.c
    status = conn.execute(sa.select(h.status).where(h.entity_id == record["entity_id"],
                                                    h.effective_on <= day)
                          .order_by(h.effective_on.desc(), h.position.desc()).limit(1)).scalar()
    return status or "active"


def entity_file(conn: sa.Connection, uscc: str, as_of: date, rules: Rules) -> dict[str, Any] | None:
    """The file of `uscc` with every fact dated on or before `as_of` (credit facts, inspection
    results and annual reports from the credit file's timeline)."""
    record = supervision_views.entity_record(conn, uscc)
    if record is None:
        return None
    # (day, step within the day, kind, detail): same-day events in the order they happened
    events: list[tuple[date, int, str, str]] = [
        (record["registered_on"], -3, "登记 Registered", record["registering_authority"])]
    h = entity_status_history.c
    for row in conn.execute(sa.select(h.effective_on, h.status, h.reason)
                            .where(h.entity_id == record["entity_id"])):
        events.append((row.effective_on, 10_000, "状态变更 Status changed",
                       f"{ENTITY_STATUSES.get(row.status, row.status)} {row.reason}".strip()))
    for t in conn.execute(sa.select(tasks.c.assigned_on, tasks.c.due_on, plans.c.name)
                          .join(plans, plans.c.plan_id == tasks.c.plan_id)
                          .where(tasks.c.entity_no == record["entity_no"])):
        events.append((t.assigned_on, -2, "抽中 Drawn for inspection",
                       f"{t.name} · 期限 due {t.due_on}"))
    for item in file_views.timeline(conn, uscc, as_of):
        events.append((item["on"], file_views.step_of(item["kind"]),
                       RECORD_KINDS.get(item["kind"].split(".")[0], item["kind"]), item["text"]))
    # newest first; within a day the latest step first
    shown = sorted((e for e in events if e[0] <= as_of), key=lambda e: (e[0], e[1]),
                   reverse=True)
    return {
        "record": record,
        "status_on": status_on(conn, record, as_of),
        "lists_on": file_views.lists_on(conn, uscc, as_of),
        "risk": file_views.risk_of(conn, record["entity_no"], rules, as_of),
        "penalties_in_publicity": len(penalty_views.public_penalties(conn, uscc, as_of)),
        "timeline": [{"date": d.isoformat(), "kind": k, "detail": t} for d, _, k, t in shown],
        "credit": file_views.credit_file(conn, uscc, rules, as_of, as_of),
    }

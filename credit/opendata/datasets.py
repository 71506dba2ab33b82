"""开放数据 The open-data datasets: a registry of (name, query) over the public views.

Each dataset is what the public record shows today, for every entity at once, read through the
same views as the public lookup (so the privacy rules are theirs: no class, no unpublished,
expired or repaired record, nothing about inspectors, no ID number, nothing about objectors).
One more dataset is one more `Dataset(...)` line: a name, a title, its key and columns, the
projections it reads (for the manifest's freshness) and a function `(conn, today, rules) ->
rows` (the platform's rules decide e.g. which commitments are public).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

import sqlalchemy as sa

from credit.commitments.views import public_commitments
from credit.licensing.views import published_licences
from credit.lists.public import public_list
from credit.penalties.views import penalties_in_publicity
from credit.rules import DEFAULT_RULES
from supervision.tasks.views import published_inspections

SCHEMA_VERSION = 2   # 2: licences; commitments: every public 信用承诺, not only false ones
PROOF = ("log", "log_position", "proof")
LIST_COLUMNS = ("uscc", "name", "list", "label", "reason", "decision_no", "authority",
                "legal_basis", "since", "until", *PROOF)


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    sources: tuple[str, ...]          # projections (projection_tracking) the rows come from
    read: Callable[[sa.Connection, date, Any], list[dict[str, Any]]]

    def record(self, row: dict[str, Any]) -> dict[str, Any]:
        """The row as published: these columns only, in order, JSON types (dates ISO, amounts
        as decimal strings)."""
        return {c: plain(row.get(c)) for c in self.columns}

    def key_of(self, record: dict[str, Any]) -> str:
        return "|".join(str(record[k]) for k in self.key)


def plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _inspections(conn: sa.Connection, today: date, rules: Any) -> list[dict[str, Any]]:
    return published_inspections(conn, limit=None)[1]


def _list(name: str, conn: sa.Connection, today: date, rules: Any) -> list[dict[str, Any]]:
    return public_list(conn, name, today, 0, 2**62)[1]


def _penalties(conn: sa.Connection, today: date, rules: Any) -> list[dict[str, Any]]:
    return penalties_in_publicity(conn, today)


def _licences(conn: sa.Connection, today: date, rules: Any) -> list[dict[str, Any]]:
    return published_licences(conn, today)


def _commitments(conn: sa.Connection, today: date, rules: Any) -> list[dict[str, Any]]:
    return public_commitments(conn, rules, today=today, limit=2**62)[1]


DATASETS: tuple[Dataset, ...] = (
    Dataset("inspections", "抽查检查结果 Published inspection results", ("task_id", "department"),
            ("task_id", "uscc", "entity_name", "plan_id", "plan_name", "check_items",
             "department", "result_code", "result_name_zh", "result_name_en", "inspected_on",
             "published_on", *PROOF),
            ("inspection_results", "task_board", "entity_directory", "plan_board"),
            _inspections),
    Dataset("abnormal_list", "经营异常名录 Abnormal operation list", ("uscc", "since"),
            LIST_COLUMNS, ("credit_abnormal_list", "entity_directory"),
            partial(_list, "abnormal")),
    Dataset("serious_list", "严重违法失信名单 Serious illegal and dishonest list",
            ("uscc", "since"), LIST_COLUMNS, ("credit_serious_list", "entity_directory"),
            partial(_list, "serious")),
    Dataset("red_list", "守信激励名单 Red list", ("uscc", "since"), LIST_COLUMNS,
            ("credit_red_list", "entity_directory"), partial(_list, "red")),
    Dataset("penalties", "行政处罚（公示期内）Administrative penalties in publicity",
            ("uscc", "decision_no"),
            ("decision_no", "uscc", "department", "violation_type", "legal_basis", "kinds",
             "fine_amount", "restriction_months", "decided_on", "published_on",
             "publicity_ends_on", *PROOF), ("credit_penalties",),
            _penalties),
    Dataset("licences", "行政许可（双公示）Published licensing decisions", ("id",),
            ("id", "uscc", "entity_name", "document_name", "decision_no", "category",
             "category_label", "licence_name", "licence_no", "content", "decided_on",
             "valid_from", "valid_to", "authority", "published_on", "changed_on", "ended_on",
             "end_ground", "valid", "state_label"),
            ("credit_licences", "entity_directory"), _licences),
    Dataset("commitments", "信用承诺（公示）Public commitments: kept, awaiting verification or "
            "false", ("id",),
            ("id", "uscc", "kind", "department", "authority", "permit_type", "committed_on",
             "state", "state_label", "verified_on", "decision_revoked"),
            ("credit_commitments",), _commitments),
)
BY_NAME = {d.name: d for d in DATASETS}


def live_records(conn: sa.Connection, today: date,
                 rules: Any = None) -> dict[str, dict[str, dict[str, Any]]]:
    """{dataset: {key: record}}: what the public record holds today (a dump's content), under
    `rules` (the platform's; the defaults without them)."""
    rules = rules if rules is not None else DEFAULT_RULES
    out = {}
    for d in DATASETS:
        records = (d.record(r) for r in d.read(conn, today, rules))
        out[d.name] = dict(sorted(((d.key_of(r), r) for r in records), key=lambda kv: kv[0]))
    return out

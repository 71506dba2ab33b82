"""一公开 The public lists (abnormal, serious, red) as of a day: public fields only.

Entries use the keys of the public credit record (list, label, reason, decision_no, authority,
legal_basis, since, until): the decision number and deciding authority (作出决定机关, the
department's Chinese name) of each listing, as GSXT shows them. A repaired or removed entry leaves the public view the day it was removed (it
stays in the history and the internal credit file). Never here: the A–D class or score.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa

from credit.lists.abnormal import GROUNDS
from credit.lists.red_list import RED_LIST_BASIS, RED_LIST_LABEL, RED_LIST_REASON
from credit.lists.serious import GROUNDS as SERIOUS_GROUNDS
from credit.lists.serious import ORDER_44
from credit.lists.tables import abnormal_listings, serious_listings
from credit.rating.tables import red_list
from kernel.eventlog import proved
from kernel.labels import LISTS, MARKED_ABNORMAL
from supervision.directory.views import entities, name_contains

ABNORMAL_LABEL, SERIOUS_LABEL, MARKED_LABEL = LISTS["abnormal"], LISTS["serious"], MARKED_ABNORMAL

_a, _s, _r = abnormal_listings.c, serious_listings.c, red_list.c


def _abnormal_now(today: date) -> list[Any]:
    return [sa.or_(_a.status == "listed", _a.status == "removed"), _a.listed_on <= today,
            sa.or_(_a.removed_on.is_(None), _a.removed_on > today)]


def _serious_now(today: date) -> list[Any]:
    return [sa.or_(_s.status == "listed", _s.status == "removed"), _s.listed_on <= today,
            sa.func.coalesce(_s.removed_on, _s.auto_removal_on) > today]


def _red_now(today: date) -> list[Any]:
    return [_r.since <= today, sa.or_(_r.until.is_(None), _r.until > today)]


def abnormal_entry(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"list": "abnormal", "label": MARKED_LABEL if row["marked"] else ABNORMAL_LABEL,
            "reason": "；".join(GROUNDS.get(g, g) for g in row["grounds"].split(";") if g),
            "decision_no": row["decision_no"], "authority": row["authority"],
            "legal_basis": row["legal_basis"] or "",
            "since": row["listed_on"], "until": None, "updated_position": row["updated_position"]}


def serious_entry(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"list": "serious", "label": SERIOUS_LABEL,
            "reason": SERIOUS_GROUNDS.get(row["ground"], row["ground"]),
            "decision_no": row["decision_no"], "authority": row["authority"],
            "legal_basis": row["legal_basis"] or ORDER_44,
            "since": row["listed_on"], "until": row["auto_removal_on"],
            "updated_position": row["updated_position"]}


def red_entry(row: Mapping[str, Any]) -> dict[str, Any]:
    title = row["commendation"]
    return {"list": "red", "label": RED_LIST_LABEL,
            "reason": f"{RED_LIST_REASON}：{title}" if title else RED_LIST_REASON,
            "decision_no": row["commendation_no"], "authority": None,
            "legal_basis": RED_LIST_BASIS,
            "since": row["since"], "until": None, "updated_position": row["updated_position"]}


# (table, in force on a day, public entry, columns the entry reads, newest first by)
_SPECS = {
    "abnormal": (abnormal_listings, _abnormal_now, abnormal_entry,
                 (_a.marked, _a.grounds, _a.legal_basis, _a.listed_on, _a.decision_no,
                  _a.authority, _a.updated_position), _a.listed_on),
    "serious": (serious_listings, _serious_now, serious_entry,
                (_s.ground, _s.decision_no, _s.authority, _s.legal_basis, _s.listed_on,
                 _s.auto_removal_on, _s.updated_position),
                _s.listed_on),
    "red": (red_list, _red_now, red_entry, (_r.since, _r.commendation, _r.commendation_no,
                                             _r.updated_position),
            _r.since),
}

# One entity's entries in force on `today`, per list (sections of the public credit record):
# (unordered select, ordering), built once.
ENTRIES_OF = {name: (sa.select(*columns).where(table.c.uscc == sa.bindparam("uscc"),
                                               *now(sa.bindparam("today", type_=sa.Date))),
                     (since.desc(),))
              for name, (table, now, _, columns, since) in _SPECS.items()}


def public_entry(name: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """The public form of a row of ENTRIES_OF[name], with the proof of the credit log's last
    event behind it."""
    return proved(_SPECS[name][2](row), "credit")


def entries_of(conn: sa.Connection, uscc: str, today: date,
               lists: tuple[str, ...] = ("abnormal", "red")) -> list[dict[str, Any]]:
    """An entity's current entries on `lists`."""
    out = []
    for name in lists:
        select, order = ENTRIES_OF[name]
        rows = conn.execute(select.order_by(*order), {"uscc": uscc, "today": today})
        out += [public_entry(name, r._mapping) for r in rows]
    return out


def public_list(conn: sa.Connection, name: str, today: date, offset: int = 0,
                limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """Current members of one list, newest first, with the entity's code and name."""
    table, now, entry, _, since = _SPECS[name]
    where = now(today)
    total = conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)
                         ).scalar_one()
    rows = conn.execute(sa.select(table, entities.c.name.label("entity_name"))
                        .join(entities, entities.c.uscc == table.c.uscc).where(*where)
                        .order_by(since.desc(), table.c.uscc).offset(offset).limit(limit))
    return total, [{"uscc": r.uscc, "name": r.entity_name, **proved(entry(r._mapping), "credit")}
                   for r in rows]


COUNT_CAP = 1000   # a page says "1000+" past this: counting a long list exactly costs a scan


def list_page(conn: sa.Connection, name: str, today: date, q: str = "",
              after: tuple[date, str] | None = None, limit: int = 20
              ) -> tuple[int, list[dict[str, Any]], tuple[date, str] | None]:
    """A page of one list's current members, newest first, found by code prefix or name part:
    (count capped at COUNT_CAP + 1, entries, the key after which the next page starts or None).
    Keyset paging on (since, uscc): a deep page costs what the first does."""
    table, now, entry, _, since = _SPECS[name]
    where = now(today)
    q = q.strip()
    if q:
        where.append(sa.or_(table.c.uscc.startswith(q.upper(), autoescape=True),
                            name_contains(conn, q, entities.c.entity_no, entities.c.name)))
    base = sa.select(table.c.uscc).join(entities, entities.c.uscc == table.c.uscc).where(*where)
    total = conn.execute(sa.select(sa.func.count()).select_from(
        base.limit(COUNT_CAP + 1).subquery())).scalar_one()
    if after is not None:
        where.append(sa.or_(since < after[0], sa.and_(since == after[0], table.c.uscc > after[1])))
    rows = conn.execute(sa.select(table, entities.c.name.label("entity_name"),
                                  entities.c.registering_authority)
                        .join(entities, entities.c.uscc == table.c.uscc).where(*where)
                        .order_by(since.desc(), table.c.uscc).limit(limit + 1)).all()
    items = [{"uscc": r.uscc, "name": r.entity_name, **entry(r._mapping),
              "department": r._mapping.get("department"),
              "registering_authority": r.registering_authority} for r in rows[:limit]]
    last = rows[limit - 1]._mapping if len(rows) > limit else None
    return total, items, (last[since.name], last["uscc"]) if last is not None else None

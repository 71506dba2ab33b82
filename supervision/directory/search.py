"""Public search by code prefix or name part, at a steady cost whatever the directory's size.

Codes: a range on the unique uscc index (the exact code sorts first among its prefixes). Names:
the bigram table (tables.entity_name_grams), each gram's rows kept in name order: a query's
rarest gram (each gram's rows counted up to RARE, a few index-only probes) is walked in name
order, filtered on the stored name, until the page is full. So a query costs what its page and
its rarest gram's rows cost, never a scan of the directory, on SQLite and PostgreSQL alike:
two-character names included (pg_trgm's trigrams need three). One character is a name prefix
(the gram "^x"): as a substring it is in a large share of all names.

Counts stop at COUNT_CAP (a page says "1000+"): an exact count of a common fragment is a scan.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from kernel.eventlog import proved
from supervision.directory.tables import entity_name_grams

CODE_LIKE = re.compile(r"^[0-9A-Z]{2,18}$")
COUNT_CAP = 1000
FEW, RARE = 200, 5000   # probe limits: a gram with fewer rows is walked whole at worst
MAX_QUERY = 30       # characters of a name query used (a longer one has more grams than needed)
START = "^"          # marks a name's first character: the 1-character prefix query's gram

_g = entity_name_grams.c


def name_grams(name: str) -> set[str]:
    """The grams stored for a name: its distinct character bigrams and "^" + its first
    character."""
    if not name:
        return set()
    return {START + name[0]} | {name[i:i + 2] for i in range(len(name) - 1)}


def _like(q: str) -> str:
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Fixed SQL with literal limits: a prepared statement's generic plan (psycopg prepares after
# five runs) then keeps the index walk that a bound LIMIT could lose.
_PROBE = ("SELECT count(*) FROM (SELECT entity_no FROM entity_name_grams WHERE gram = :g{i} "
          "LIMIT {limit}) p{i}")
_PROBES: dict[tuple[int, int], sa.TextClause] = {}


def _probe(conn: sa.Connection, ordered: list[str], limit: int) -> tuple[int, ...]:
    key = (len(ordered), limit)
    if key not in _PROBES:
        _PROBES[key] = sa.text("SELECT " + ", ".join(
            f"({_PROBE.format(i=i, limit=limit)})" for i in range(len(ordered))))
    return tuple(conn.execute(_PROBES[key], {f"g{i}": g for i, g in enumerate(ordered)}).one())


def _rarest(conn: sa.Connection, grams: set[str]) -> str:
    """The gram with the fewest rows: counted up to FEW first, and when every gram has that
    many, up to RARE (two short probes, one statement each: the shortest walk)."""
    ordered = sorted(grams)
    counts = _probe(conn, ordered, FEW)
    if len(ordered) > 1 and min(counts) >= FEW:
        counts = _probe(conn, ordered, RARE)
    return min(zip(counts, ordered))[1]


_MATCH = "FROM entity_name_grams WHERE gram = :gram AND name LIKE :pattern ESCAPE '\\'"
_COUNT = sa.text(f"SELECT count(*) FROM (SELECT entity_no {_MATCH} LIMIT {COUNT_CAP + 1}) c")
# uscc starting with the code: a range on the unique index (no LIKE: any collation)
_CODE_RANGE = "FROM entities WHERE uscc >= :lo AND uscc < :hi"
_CODE_COUNT = sa.text(f"SELECT count(*) FROM (SELECT entity_no {_CODE_RANGE} "
                      f"LIMIT {COUNT_CAP + 1}) c")


def _columns() -> tuple[sa.Column, ...]:
    from supervision.directory.views import (
        PUBLIC_ENTITY_COLUMNS,  # (views re-exports search)
    )

    return PUBLIC_ENTITY_COLUMNS


def _names_page(limit: int, offset: int) -> sa.TextClause:
    """A page of names as one statement: the gram's walk, then each row by its key."""
    cols = _columns()
    return sa.text(
        f"SELECT {', '.join('e.' + c.name for c in cols)} FROM (SELECT entity_no, name {_MATCH} "
        f"ORDER BY name, entity_no LIMIT {int(limit)} OFFSET {int(offset)}) g "
        "JOIN entities e ON e.entity_no = g.entity_no ORDER BY g.name, g.entity_no"
    ).columns(*cols)


def _codes_page(limit: int, offset: int) -> sa.TextClause:
    cols = _columns()
    return sa.text(f"SELECT {', '.join(c.name for c in cols)} {_CODE_RANGE} ORDER BY uscc "
                   f"LIMIT {int(limit)} OFFSET {int(offset)}").columns(*cols)


def _name_query(q: str) -> tuple[set[str], str]:
    """(the grams a name must hold, its LIKE pattern)."""
    if len(q) == 1:
        return {START + q}, _like(q) + "%"
    q = q[:MAX_QUERY]
    return {q[i:i + 2] for i in range(len(q) - 1)}, "%" + _like(q) + "%"


def name_contains(conn: sa.Connection, q: str, entity_no: sa.ColumnElement,
                  name: sa.ColumnElement) -> sa.ColumnElement:
    """The filter "the entity's name contains q" for a listing (the supervisors' directory, the
    public lists), given the listing's entity number and name columns: the entity numbers under
    the query's rarest gram whose name matches, so no listing scans every name (PostgreSQL
    keeps no other index on names). One character is a plain LIKE on the name: no gram holds a
    character wherever it stands in a name."""
    if len(q) < 2:
        return name.contains(q, autoescape=True)
    grams = {q[i:i + 2] for i in range(min(len(q), MAX_QUERY) - 1)}
    return entity_no.in_(sa.select(_g.entity_no).where(
        _g.gram == _rarest(conn, grams), _g.name.like("%" + _like(q) + "%", escape="\\")))


def search_entities(conn: sa.Connection, q: str, offset: int = 0,
                    limit: int = 20) -> tuple[int, list[dict[str, Any]]]:
    """Public search: matching codes first (the exact code, then code prefixes, ascending),
    then names containing the query (a 1-character query: names starting with it) in name
    order; (the count up to COUNT_CAP + 1, the page)."""
    q = q.strip()
    if not q:
        return 0, []
    code, rows, codes = q.upper(), [], 0
    if CODE_LIKE.match(code):
        bounds = {"lo": code, "hi": code[:-1] + chr(ord(code[-1]) + 1)}
        codes = conn.execute(_CODE_COUNT, bounds).scalar_one()
        if offset < codes:
            rows = conn.execute(_codes_page(limit, offset), bounds).all()
    grams, pattern = _name_query(q)
    params = {"gram": _rarest(conn, grams), "pattern": pattern}
    names = conn.execute(_COUNT, params).scalar_one()
    if len(rows) < limit and names:
        rows += conn.execute(_names_page(limit - len(rows), max(0, offset - codes)),
                             params).all()
    return min(codes + names, COUNT_CAP + 1), [proved(dict(r._mapping), "supervision")
                                                for r in rows]


# Keyset paging (the search page and API): the cursor names the last row shown, `c~<uscc>` in
# the codes, `n~<uscc>~<name>` in the names; the next page starts after it in the same order.
_AFTER_NAME = ("AND (name > :an OR (name = :an AND entity_no > "
               "(SELECT entity_no FROM entities WHERE uscc = :au)))")


def _names_after(limit: int, keyed: bool) -> sa.TextClause:
    cols = _columns()
    return sa.text(
        f"SELECT {', '.join('e.' + c.name for c in cols)} FROM (SELECT entity_no, name {_MATCH} "
        f"{_AFTER_NAME if keyed else ''} ORDER BY name, entity_no LIMIT {int(limit)}) g "
        "JOIN entities e ON e.entity_no = g.entity_no ORDER BY g.name, g.entity_no"
    ).columns(*cols)


def _codes_after(limit: int, keyed: bool) -> sa.TextClause:
    cols = _columns()
    return sa.text(f"SELECT {', '.join(c.name for c in cols)} {_CODE_RANGE} "
                   f"{'AND uscc > :au' if keyed else ''} ORDER BY uscc LIMIT {int(limit)}"
                   ).columns(*cols)


def search_page(conn: sa.Connection, q: str, after: str | None = None, limit: int = 20
                ) -> tuple[int, list[dict[str, Any]], str | None]:
    """search_entities keyset-paged: (the count up to COUNT_CAP + 1, the page after the cursor
    `after`, the next page's cursor or None). An unreadable cursor is the first page."""
    q = q.strip()
    if not q:
        return 0, [], None
    phase, _, rest = (after or "").partition("~")
    au, _, an = rest.partition("~")
    phase = phase if phase in ("c", "n") and au else ""
    code, rows, codes, from_codes = q.upper(), [], 0, 0
    if CODE_LIKE.match(code):
        bounds = {"lo": code, "hi": code[:-1] + chr(ord(code[-1]) + 1)}
        codes = conn.execute(_CODE_COUNT, bounds).scalar_one()
        if phase != "n" and codes:
            rows = conn.execute(_codes_after(limit + 1, phase == "c"), {**bounds, "au": au}).all()
            from_codes = len(rows)
    grams, pattern = _name_query(q)
    params = {"gram": _rarest(conn, grams), "pattern": pattern, "an": an, "au": au}
    names = conn.execute(_COUNT, params).scalar_one()
    if len(rows) <= limit and names:
        rows += conn.execute(_names_after(limit + 1 - len(rows), phase == "n"), params).all()
    nxt = None
    if len(rows) > limit:
        last = rows[limit - 1]._mapping
        nxt = f"c~{last['uscc']}" if limit <= from_codes else f"n~{last['uscc']}~{last['name']}"
    return min(codes + names, COUNT_CAP + 1), [proved(dict(r._mapping), "supervision")
                                                for r in rows[:limit]], nxt

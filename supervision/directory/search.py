"""Public search by code prefix or name part, at a steady cost whatever the directory's size.

Codes: a range on the unique uscc index (the exact code sorts first among its prefixes). Names:
the bigram table (tables.entity_name_grams), each gram's rows kept in registration order
(entity_no): a query's rarest gram (each gram's rows counted up to RARE, a few index-only
probes) is walked in that order, each row's name checked, until the page is full. So a query
costs what its page and its rarest gram's rows cost, never a scan of the directory, on SQLite
and PostgreSQL alike: two-character names included (pg_trgm's trigrams need three). A
two-character query is its gram (holding it is containing it: the walk is index-only), one
character is a name prefix (the gram "^x": as a substring it is in a large share of all names),
a longer query is its rarest gram's rows whose entity holds its next rarest grams too (index
probes) and whose name contains it.

Names come in registration order, earliest first (a new registration never moves an earlier
page). Counts stop at COUNT_CAP (a page says "1000+"): an exact count of a common fragment is a
scan.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from kernel.eventlog import proved
from supervision.directory.tables import entity_name_grams

CODE_LIKE = re.compile(r"^[0-9A-Z]{2,18}$")
COUNT_CAP = 1000
FEW, RARE = 200, 5000   # probe limits: a gram with fewer rows is walked whole at worst
MORE = 3             # more grams of a longer query a row is checked for before its name
MAX_QUERY = 30       # characters of a name query used (a longer one has more grams than needed)
START = "^"          # marks a name's first character: the 1-character prefix query's gram


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


def _ranked(conn: sa.Connection, grams: set[str]) -> list[str]:
    """The grams from the fewest rows to the most: counted up to FEW first, and when every
    gram has that many, up to RARE (two short probes, one statement each)."""
    ordered = sorted(grams)
    counts = _probe(conn, ordered, FEW)
    if len(ordered) > 1 and min(counts) >= FEW:
        counts = _probe(conn, ordered, RARE)
    return [g for _, g in sorted(zip(counts, ordered))]


def _walk(conn: sa.Connection, q: str) -> tuple[int | None, dict[str, str]]:
    """How a name query walks the grams: (how many more of its grams a row must hold, None
    when holding the rarest is the match; the statement's parameters)."""
    grams, pattern = _name_query(q)
    ranked = _ranked(conn, grams)
    if pattern is None:
        return None, {"gram": ranked[0]}
    more = ranked[1:1 + MORE]
    return len(more), {"gram": ranked[0], "pattern": pattern,
                       **{f"h{i}": g for i, g in enumerate(more)}}


@lru_cache(maxsize=16)
def _match(more: int | None) -> str:
    """The rarest gram's rows and their entities; for a longer query, only the rows whose
    entity holds its next rarest grams too (an index-only probe each, tested before the join:
    the entity lookups were most of a query when joined first) and whose name contains it."""
    walk = ("FROM entity_name_grams g JOIN entities e ON e.entity_no = g.entity_no "
            "WHERE g.gram = :gram")
    if more is None:
        return walk
    holds = "".join(f" AND EXISTS (SELECT 1 FROM entity_name_grams h{i} WHERE h{i}.gram = :h{i} "
                    f"AND h{i}.entity_no = g.entity_no)" for i in range(more))
    return f"{walk}{holds} AND e.name LIKE :pattern ESCAPE '\\'"


@lru_cache(maxsize=16)
def _count(more: int | None) -> sa.TextClause:
    """The matches up to COUNT_CAP + 1 (a gram that is the match: from its index alone)."""
    rows = ("SELECT entity_no FROM entity_name_grams g WHERE g.gram = :gram" if more is None
            else f"SELECT g.entity_no {_match(more)}")
    return sa.text(f"SELECT count(*) FROM ({rows} LIMIT {COUNT_CAP + 1}) c")


# keyset paging: after the cursor's entity (by its code; no entity: nothing after it)
_AFTER = "AND g.entity_no > (SELECT entity_no FROM entities WHERE uscc = :au)"
# uscc starting with the code: a range on the unique index (no LIKE: any collation)
_CODE_RANGE = "FROM entities WHERE uscc >= :lo AND uscc < :hi"
_CODE_COUNT = sa.text(f"SELECT count(*) FROM (SELECT entity_no {_CODE_RANGE} "
                      f"LIMIT {COUNT_CAP + 1}) c")


def _columns() -> tuple[sa.Column, ...]:
    from supervision.directory.views import (
        PUBLIC_ENTITY_COLUMNS,  # (views re-exports search)
    )

    return PUBLIC_ENTITY_COLUMNS


@lru_cache(maxsize=256)
def _names_page(limit: int, offset: int, more: int | None, keyed: bool = False) -> sa.TextClause:
    """A page of names as one statement: the gram's walk in registration order (_match)."""
    cols = _columns()
    return sa.text(
        f"SELECT {', '.join('e.' + c.name for c in cols)} {_match(more)} "
        f"{_AFTER if keyed else ''} ORDER BY g.entity_no LIMIT {int(limit)} OFFSET {int(offset)}"
    ).columns(*cols)


def _codes_page(limit: int, offset: int) -> sa.TextClause:
    cols = _columns()
    return sa.text(f"SELECT {', '.join(c.name for c in cols)} {_CODE_RANGE} ORDER BY uscc "
                   f"LIMIT {int(limit)} OFFSET {int(offset)}").columns(*cols)


def _name_query(q: str) -> tuple[set[str], str | None]:
    """(the grams a name must hold, the LIKE pattern its name must match besides, or None when
    holding the gram is the match: a two-character part, a one-character prefix)."""
    if len(q) == 1:
        return {START + q}, None
    q = q[:MAX_QUERY]
    grams = {q[i:i + 2] for i in range(len(q) - 1)}
    return grams, None if len(q) == 2 else "%" + _like(q) + "%"


def name_contains(conn: sa.Connection, q: str, entity_no: sa.ColumnElement,
                  name: sa.ColumnElement) -> sa.ColumnElement:
    """The filter "the entity's name contains q" for a listing (the supervisors' directory, the
    public lists), given the listing's entity number and name columns: the entity numbers under
    the query's rarest gram, and the name matching, so no listing scans every name (PostgreSQL
    keeps no other index on names). One character is a plain LIKE on the name: no gram holds a
    character wherever it stands in a name."""
    if len(q) < 2:
        return name.contains(q, autoescape=True)
    grams, pattern = _name_query(q)
    ranked = _ranked(conn, grams)
    g = entity_name_grams.alias("g")
    rows = sa.select(g.c.entity_no).where(g.c.gram == ranked[0])
    if pattern is None:   # two characters: holding the gram is the match
        return entity_no.in_(rows)
    for gram in ranked[1:1 + MORE]:
        h = entity_name_grams.alias()
        rows = rows.where(sa.exists().where(h.c.gram == gram, h.c.entity_no == g.c.entity_no))
    # the whole query, not its first MAX_QUERY characters: a listing filters exactly
    return sa.and_(entity_no.in_(rows), name.like("%" + _like(q) + "%", escape="\\"))


def search_entities(conn: sa.Connection, q: str, offset: int = 0,
                    limit: int = 20) -> tuple[int, list[dict[str, Any]]]:
    """Public search: matching codes first (the exact code, then code prefixes, ascending),
    then names containing the query (a 1-character query: names starting with it) in
    registration order; (the count up to COUNT_CAP + 1, the page)."""
    q = q.strip()
    if not q:
        return 0, []
    code, rows, codes = q.upper(), [], 0
    if CODE_LIKE.match(code):
        bounds = {"lo": code, "hi": code[:-1] + chr(ord(code[-1]) + 1)}
        codes = conn.execute(_CODE_COUNT, bounds).scalar_one()
        if offset < codes:
            rows = conn.execute(_codes_page(limit, offset), bounds).all()
    more, params = _walk(conn, q)
    names = conn.execute(_count(more), params).scalar_one()
    if len(rows) < limit and names:
        rows += conn.execute(_names_page(limit - len(rows), max(0, offset - codes), more),
                             params).all()
    return min(codes + names, COUNT_CAP + 1), [proved(dict(r._mapping), "supervision")
                                                for r in rows]


# Keyset paging (the search page and API): the cursor names the last row shown, `c~<uscc>` in
# the codes, `n~<uscc>` in the names; the next page starts after it in the same order. (A
# cursor of the name-ordered search before, `n~<uscc>~<name>`, still reads: the name is ignored.)


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
    au = rest.partition("~")[0]
    phase = phase if phase in ("c", "n") and au else ""
    code, rows, codes, from_codes = q.upper(), [], 0, 0
    if CODE_LIKE.match(code):
        bounds = {"lo": code, "hi": code[:-1] + chr(ord(code[-1]) + 1)}
        codes = conn.execute(_CODE_COUNT, bounds).scalar_one()
        if phase != "n" and codes:
            rows = conn.execute(_codes_after(limit + 1, phase == "c"), {**bounds, "au": au}).all()
            from_codes = len(rows)
    more, params = _walk(conn, q)
    params["au"] = au
    names = conn.execute(_count(more), params).scalar_one()
    if len(rows) <= limit and names:
        rows += conn.execute(_names_page(limit + 1 - len(rows), 0, more, phase == "n"),
                             params).all()
    nxt = None
    if len(rows) > limit:
        last = rows[limit - 1]._mapping
        nxt = f"{'c' if limit <= from_codes else 'n'}~{last['uscc']}"
    return min(codes + names, COUNT_CAP + 1), [proved(dict(r._mapping), "supervision")
                                                for r in rows[:limit]], nxt

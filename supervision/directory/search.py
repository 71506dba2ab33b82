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
from supervision.directory.tables import entities, entity_name_grams

CODE_LIKE = re.compile(r"^[0-9A-Z]{2,18}$")
COUNT_CAP = 1000
RARE = 2000          # a gram with fewer rows is walked whole at worst (~1 ms)
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


_PROBE = sa.select(sa.func.count()).select_from(
    sa.select(_g.entity_no).where(_g.gram == sa.bindparam("gram")).limit(RARE).subquery())


def _rarest(conn: sa.Connection, grams: set[str]) -> str:
    """The gram with the fewest rows (counted up to RARE): the shortest walk."""
    best, fewest = "", RARE + 1
    for gram in sorted(grams):
        n = conn.execute(_PROBE, {"gram": gram}).scalar_one()
        if n < fewest:
            best, fewest = gram, n
        if n == 0:
            break
    return best


def _name_query(q: str) -> tuple[set[str], str]:
    """(the grams a name must hold, its LIKE pattern)."""
    if len(q) == 1:
        return {START + q}, _like(q) + "%"
    q = q[:MAX_QUERY]
    return {q[i:i + 2] for i in range(len(q) - 1)}, "%" + _like(q) + "%"


def _code_range(code: str) -> Any:
    """uscc starting with `code`: a range on the unique index (no LIKE: any collation)."""
    return sa.and_(entities.c.uscc >= code,
                   entities.c.uscc < code[:-1] + chr(ord(code[-1]) + 1))


def search_entities(conn: sa.Connection, q: str, offset: int = 0,
                    limit: int = 20) -> tuple[int, list[dict[str, Any]]]:
    """Public search: matching codes first (the exact code, then code prefixes, ascending),
    then names containing the query (a 1-character query: names starting with it) in name
    order; (the count up to COUNT_CAP + 1, the page)."""
    q = q.strip()
    if not q:
        return 0, []
    code = q.upper()
    by_code: list[int] = []
    if CODE_LIKE.match(code):
        by_code = list(conn.scalars(sa.select(entities.c.entity_no).where(_code_range(code))
                                    .order_by(entities.c.uscc).limit(COUNT_CAP + 1)))
    grams, pattern = _name_query(q)
    gram = _rarest(conn, grams)
    match = sa.and_(_g.gram == gram, _g.name.like(pattern, escape="\\"))
    skip = max(0, offset - len(by_code))
    names = list(conn.scalars(sa.select(_g.entity_no).where(match)
                              .order_by(_g.name, _g.entity_no)
                              .offset(skip).limit(limit + len(by_code))))
    found = conn.execute(sa.select(sa.func.count()).select_from(
        sa.select(_g.entity_no).where(match).limit(COUNT_CAP + 1).subquery())).scalar_one()
    code_set = set(by_code)
    page = (by_code[offset:] + [n for n in names if n not in code_set])[:limit]
    return min(len(by_code) + found, COUNT_CAP + 1), _rows(conn, page)


def _rows(conn: sa.Connection, numbers: list[int]) -> list[dict[str, Any]]:
    from supervision.directory.views import PUBLIC_ENTITY_COLUMNS

    if not numbers:
        return []
    rows = {r.entity_no: r for r in conn.execute(
        sa.select(entities.c.entity_no, *PUBLIC_ENTITY_COLUMNS)
        .where(entities.c.entity_no.in_(numbers)))}
    return [proved({k: v for k, v in rows[n]._mapping.items() if k != "entity_no"},
                   "supervision") for n in numbers if n in rows]

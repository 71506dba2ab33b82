"""Public search at 1 M entities on SQLite and PostgreSQL (issue 20: p99 ≤ 20 ms), with a
same-run reference: the bare SQL statements search_entities sends, on the raw DB-API cursor of
the same connection, for the same queries; the ratio is search / bare at p99.

The directory is filled with INSERT … SELECT (the search reads tables, not the log): names of 4
characters from a 40-character alphabet + an industry word + 有限公司, and their bigram rows as
the projection writes them (supervision.directory.search.name_grams). Queries: 3–4 character
fragments cut from stored names, 2-character fragments (substrings), 1-character prefixes and
code prefixes. `python -m bench.search [N] [sqlite|postgres]`.
"""

from __future__ import annotations

import random
import sys
import time

import numpy as np
import sqlalchemy as sa

from bench.common import fresh_platform, pg_reachable
from supervision.directory import search as s
from supervision.directory.search import search_entities

CHARS = "金华婺城兰溪义乌东阳永康浦江武义磐安明辉腾达恒信宏远鑫瑞盛泰丰源博通佳和新星启航卓越祥云"
WORDS = "商贸科技建材食品物流餐饮纺织五金电子农业"   # ten 2-character words
NAME = ("substr(:chars, 1 + (g * 7) % :n, 1) || substr(:chars, 1 + (g * 13 / 3) % :n, 1) "
        "|| substr(:chars, 1 + (g * 31 / 7) % :n, 1) || substr(:chars, 1 + (g / 11) % :n, 1) "
        "|| substr(:words, 1 + (g % 10) * 2, 2) || '有限公司'")
FILL = {
    "postgres": f"""
INSERT INTO entities (entity_no, entity_id, uscc, name, entity_type, region_code, industry_code,
                      registered_on, version, updated_position)
SELECT g, md5(g::text), '91' || lpad(g::text, 16, '0'), {NAME},
       'enterprise', '330702', 'F5211', DATE '2015-03-01', 1, g
FROM generate_series(1, :total) g""",
    "sqlite": f"""
INSERT INTO entities (entity_no, entity_id, uscc, name, entity_type, region_code, industry_code,
                      registered_on, version, updated_position)
WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < :total)
SELECT g, printf('%032d', g), '91' || printf('%016d', g), {NAME},
       'enterprise', '330702', 'F5211', '2015-03-01', 1, g FROM s""",
}
# the grams of every name (name_grams in SQL): its bigrams and "^" + its first character
GRAMS = {
    "postgres": """
INSERT INTO entity_name_grams (gram, entity_no)
SELECT g.gram, e.entity_no
FROM entities e, LATERAL (SELECT substr(e.name, i, 2) AS gram
                          FROM generate_series(1, char_length(e.name) - 1) i
                          UNION SELECT '^' || substr(e.name, 1, 1)) g""",
    "sqlite": """
INSERT OR IGNORE INTO entity_name_grams (gram, entity_no)
WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i WHERE k < 40)
SELECT gram, entity_no FROM (
  SELECT substr(e.name, i.k, 2) AS gram, e.entity_no FROM entities e
  JOIN i ON i.k < length(e.name)
  UNION ALL SELECT '^' || substr(name, 1, 1), entity_no FROM entities)
ORDER BY gram, entity_no""",
}


def _times(run, queries) -> np.ndarray:
    out = []
    for q in queries:
        t = time.perf_counter()
        run(q)
        out.append((time.perf_counter() - t) * 1000)
    return np.array(out)


def _line(label: str, ms: np.ndarray) -> str:
    return (f"{label:<46} p50 {np.percentile(ms, 50):7.2f} ms  p99 {np.percentile(ms, 99):7.2f} ms"
            f"  max {ms.max():7.2f} ms  (n={len(ms)})")


def _fill(platform, backend: str, total: int) -> None:
    t = time.perf_counter()
    with platform.engine.begin() as conn:
        conn.execute(sa.text(FILL[backend]), {"chars": CHARS, "n": len(CHARS), "words": WORDS,
                                              "total": total})
        if backend == "postgres":   # the key is built once, after the rows (as a restore would)
            conn.exec_driver_sql("ALTER TABLE entity_name_grams "
                                 "DROP CONSTRAINT pk_entity_name_grams")
        conn.execute(sa.text(GRAMS[backend]))
        if backend == "postgres":
            conn.exec_driver_sql("ALTER TABLE entity_name_grams ADD CONSTRAINT "
                                 "pk_entity_name_grams PRIMARY KEY (gram, entity_no)")
    with platform.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        visible = _vacuum(conn) if backend == "postgres" else 1.0
        conn.exec_driver_sql("ANALYZE")
        grams = conn.scalar(sa.text("SELECT count(*) FROM entity_name_grams"))
    print(f"search[{backend}]: {total:,} entities, {grams:,} gram rows, filled in "
          f"{time.perf_counter() - t:.1f} s; pages all-visible: {visible:.0%}")


def _vacuum(conn: sa.Connection, tries: int = 12) -> float:
    """VACUUM until the visibility map covers the gram table (what autovacuum does in
    service): an index-only walk reads the heap for every row on a page not marked all-visible.
    A transaction open elsewhere in the database holds the mark back: the share reached is
    printed with the figures."""
    share = 0.0
    for _ in range(tries):
        conn.exec_driver_sql("VACUUM entities, entity_name_grams")
        share = conn.scalar(sa.text(
            "SELECT relallvisible::float / greatest(relpages, 1) FROM pg_class "
            "WHERE oid = 'entity_name_grams'::regclass"))
        if share >= 0.95:
            break
        time.sleep(5)
    return share


def _queries(platform, n: int) -> dict[str, list[str]]:
    rng = random.Random(20)
    with platform.engine.connect() as conn:
        names = list(conn.scalars(sa.text("SELECT name FROM entities WHERE entity_no % 500 = 7")))
        codes = list(conn.scalars(sa.text("SELECT uscc FROM entities WHERE entity_no % 500 = 9")))

    def cut(k: int) -> str:
        name = rng.choice(names)
        i = rng.randrange(0, 6 - k + 1)   # inside the varying part and the word
        return name[i:i + k]

    return {"3-4 chars (name part)": [cut(rng.choice((3, 4))) for _ in range(n)],
            "2 chars (name part)": [cut(2) for _ in range(n)],
            "1 char (name prefix)": [rng.choice(names)[0] for _ in range(n)],
            "code prefix (6-18 chars)": [rng.choice(codes)[:rng.choice((6, 12, 18))]
                                         for _ in range(n)]}


def _bare(conn: sa.Connection, backend: str):
    """The statements search_entities sends, as their SQL text on the raw DB-API cursor."""
    cur = conn.connection.cursor()
    p = "%s" if backend == "postgres" else "?"

    def sql(stmt: sa.TextClause, names: list[str]) -> str:
        text = getattr(stmt, "element", stmt).text
        for name in names:
            text = text.replace(f":{name}", p)
        return text

    code_count = sql(s._CODE_COUNT, ["lo", "hi"])
    codes = sql(s._codes_page(20, 0), ["lo", "hi"])
    # (the placeholders in statement order: the gram, the more grams, the pattern)
    keys = ["gram", *(f"h{i}" for i in range(s.MORE)), "pattern"]
    count = {m: sql(s._count(m), keys) for m in (None, *range(s.MORE + 1))}
    page = {m: sql(s._names_page(20, 0, m), keys) for m in (None, *range(s.MORE + 1))}

    def run(q: str) -> None:
        code, found = q.upper(), 0
        if s.CODE_LIKE.match(code):
            bounds = (code, code[:-1] + chr(ord(code[-1]) + 1))
            cur.execute(code_count, bounds)
            if cur.fetchone()[0]:
                cur.execute(codes, bounds)
                found = len(cur.fetchall())
        grams, pattern = s._name_query(q)
        ordered = sorted(grams)
        counts: tuple = ()
        for limit in (s.FEW, s.RARE):
            probe = "SELECT " + ", ".join(
                f"({s._PROBE.format(i=i, limit=limit).replace(f':g{i}', p)})"
                for i in range(len(ordered)))
            cur.execute(probe, ordered)
            counts = cur.fetchone()
            if len(ordered) == 1 or min(counts) < s.FEW:
                break
        ranked = [g for _, g in sorted(zip(counts, ordered))]
        more = None if pattern is None else len(ranked[1:1 + s.MORE])
        args = (ranked[0],) if more is None else (ranked[0], *ranked[1:1 + s.MORE], pattern)
        cur.execute(count[more], args)
        if cur.fetchone()[0] and found < 20:
            cur.execute(page[more], args)   # (the app's limit is what the page lacks)
            cur.fetchall()

    return run


def run(backend: str, total: int, n: int) -> None:
    with fresh_platform(backend) as platform:
        _fill(platform, backend, total)
        queries = _queries(platform, n)
        with platform.read_engine.connect() as conn:
            bare = _bare(conn, backend)
            for qs in queries.values():   # warm both paths once
                for q in qs[:20]:
                    search_entities(conn, q, 0, 20)
                    bare(q)
            every_app, every_bare = [], []
            for label, qs in queries.items():
                app, ref = _times(lambda q: search_entities(conn, q, 0, 20), qs), _times(bare, qs)
                every_app.append(app)
                every_bare.append(ref)
                print(_line(f"search_entities {label}", app))
                print(_line("  reference: the bare SQL, same queries", ref))
            app, ref = np.concatenate(every_app), np.concatenate(every_bare)
            print(_line(f"[{backend}] all queries: search_entities", app))
            print(_line(f"[{backend}] all queries: bare SQL reference", ref))
            print(f"[{backend}] ratio p99 search/bare: "
                  f"{np.percentile(app, 99) / np.percentile(ref, 99):.2f}")


def main(total: int = 1_000_000, backends: tuple[str, ...] = ("sqlite", "postgres"),
         n: int = 300) -> None:
    for backend in backends:
        if backend == "postgres" and not pg_reachable():
            print("search[postgres]: PostgreSQL not reachable, skipped")
            continue
        run(backend, total, n)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000,
         tuple(sys.argv[2:]) or ("sqlite", "postgres"))

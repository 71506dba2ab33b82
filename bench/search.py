"""Public name search at 1 M entities on PostgreSQL (issue 23: p99 ≤ 20 ms), with a same-run
reference: the bare SQL of the same query on the same connection, and the full scan it replaces
(the search's SQL with the search indexes ignored: `enable_bitmapscan/indexscan = off`).

The directory is filled with INSERT … SELECT (the search reads the table, not the log): names of
2–4 given characters + an industry word + 有限公司, so most 3-character fragments are selective
and the suffix is in every name. Queries: 3–4 character fragments cut from stored names, and
1–2 character queries (prefixes, the documented rule). `python -m bench.search [N]`.
"""

from __future__ import annotations

import random
import sys
import time

import numpy as np
import sqlalchemy as sa

from bench.common import fresh_platform, pg_reachable
from supervision.directory.views import search_entities

CHARS = "金华婺城兰溪义乌东阳永康浦江武义磐安明辉腾达恒信宏远鑫瑞盛泰丰源博通佳和新星启航卓越祥云"
WORDS = ["商贸", "科技", "建材", "食品", "物流", "餐饮", "纺织", "五金", "电子", "农业"]
FILL = """
INSERT INTO entities (entity_no, entity_id, uscc, name, entity_type, region_code, industry_code,
                      registered_on, version, updated_position)
SELECT g, md5(g::text), 'X' || lpad(g::text, 17, '0'),
       substr(:chars, 1 + (g * 7) % :n, 1) || substr(:chars, 1 + (g * 13 / 3) % :n, 1)
       || substr(:chars, 1 + (g * 31 / 7) % :n, 1) || substr(:chars, 1 + (g / 11) % :n, 1)
       || (ARRAY[{words}])[1 + g % 10] || '有限公司',
       'enterprise', '330702', 'F5211', DATE '2015-03-01', 1, g
FROM generate_series(1, :total) g
"""


def _times(run, queries) -> np.ndarray:
    out = []
    for q in queries:
        t = time.perf_counter()
        run(q)
        out.append((time.perf_counter() - t) * 1000)
    return np.array(out)


def _line(label: str, ms: np.ndarray) -> str:
    return (f"{label:<44} p50 {np.percentile(ms, 50):7.2f} ms  p99 {np.percentile(ms, 99):7.2f} ms"
            f"  max {ms.max():7.2f} ms  (n={len(ms)})")


def main(total: int = 1_000_000, n: int = 300) -> None:
    if not pg_reachable():
        print("search: PostgreSQL not reachable, skipped")
        return
    with fresh_platform("postgres") as platform:
        words = ", ".join(f"'{w}'" for w in WORDS)
        with platform.engine.begin() as conn:
            t = time.perf_counter()
            conn.execute(sa.text(FILL.format(words=words)),
                         {"chars": CHARS, "n": len(CHARS), "total": total})
            conn.execute(sa.text("ANALYZE entities"))
            print(f"search: {total:,} entities filled in {time.perf_counter() - t:.1f} s")
        rng = random.Random(23)
        with platform.engine.connect() as conn:
            names = list(conn.scalars(sa.text("SELECT name FROM entities TABLESAMPLE SYSTEM (1) "
                                              "LIMIT 2000")))
        frags = []
        for _ in range(n):
            name, k = rng.choice(names), rng.choice((3, 4))
            i = rng.randrange(0, 4 - (k - 3))
            frags.append(name[i:i + k])
        short = [rng.choice(names)[:rng.choice((1, 2))] for _ in range(n)]
        with platform.engine.connect() as conn:
            # warm both paths once
            for q in frags[:20] + short[:20]:
                search_entities(conn, q, 0, 20)
            for label, queries in (("3-4 chars (substring, trigram)", frags),
                                   ("1-2 chars (prefix, pattern b-tree)", short)):
                app = _times(lambda q: search_entities(conn, q, 0, 20), queries)
                bare = _bare(conn, queries)
                print(_line(f"search_entities {label}", app))
                print(_line("  reference: the bare SQL, same queries", bare))
                print(f"  ratio p99 search/bare: {np.percentile(app, 99) / np.percentile(bare, 99):.2f}")
            conn.exec_driver_sql("SET enable_bitmapscan = off")
            conn.exec_driver_sql("SET enable_indexscan = off")
            scan = _times(lambda q: search_entities(conn, q, 0, 20), frags[:10])
            print(_line("  reference: the same search as a full scan", scan))


def _bare(conn: sa.Connection, queries: list[str]) -> np.ndarray:
    """The two statements search_entities sends (count, page), on the raw cursor."""
    cur = conn.connection.cursor()
    count = "SELECT count(*) FROM entities WHERE name LIKE %s"
    page = ("SELECT uscc, name FROM entities WHERE name LIKE %s "
            "ORDER BY CASE WHEN uscc = %s THEN 0 ELSE 2 END, uscc LIMIT 20")

    def run(q: str) -> None:
        pattern = f"%{q}%" if len(q) >= 3 else f"{q}%"
        cur.execute(count, (pattern,))
        cur.fetchall()
        cur.execute(page, (pattern, q))
        cur.fetchall()

    return _times(run, queries)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)

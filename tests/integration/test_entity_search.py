"""The public search on both backends: codes first, names by any part of two or more characters
(two-character Chinese names included), one character as a prefix, in name order, capped
counts, pages without overlap; the bigram index follows renames and is rebuilt like any read
model (tests/integration/test_rebuild_every_read_table.py); the plans read one gram in name order from the index alone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from supervision.directory import search
from supervision.directory.search import name_grams, search_entities
from supervision.directory.tables import entity_name_grams
from tests.factories import entity, uscc

NAMES = {1: "金华明辉商贸有限公司", 2: "婺城明辉餐饮店", 3: "明辉", 4: "兰溪永康建材有限公司",
         5: "明月食品有限公司", 6: "百分之百_100%有限公司", 7: "辉明科技有限公司"}


def _names(items):
    return [i["name"] for i in items]


@pytest.fixture
def directory(platform):
    platform.supervision.register_entities([entity(i, name=n) for i, n in NAMES.items()])
    platform.settle()
    return platform


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
class TestSearch:
    def test_names_by_any_part_codes_first(self, directory):
        with directory.engine.connect() as conn:
            # a 2-character part anywhere in the name, in name order (by code point)
            total, items = search_entities(conn, "明辉")
            assert total == 3 and _names(items) == sorted([NAMES[1], NAMES[2], NAMES[3]])
            # a 3+ character part must appear whole, not just its bigrams
            assert _names(search_entities(conn, "明辉商贸")[1]) == [NAMES[1]]
            assert search_entities(conn, "辉明辉")[0] == 0
            # one character: names starting with it
            assert _names(search_entities(conn, "明")[1]) == sorted([NAMES[3], NAMES[5]])
            # LIKE's wildcards are plain characters
            assert _names(search_entities(conn, "_100%")[1]) == [NAMES[6]]
            assert search_entities(conn, "%")[0] == 0
            # a code: the exact code first, a prefix lists codes ascending
            assert search_entities(conn, uscc(4))[1][0]["uscc"] == uscc(4)
            total, items = search_entities(conn, uscc(4)[:10].lower())
            assert [i["uscc"] for i in items] == sorted(uscc(i) for i in NAMES)
            assert "entity_no" not in items[0]

    def test_pages_do_not_overlap_and_counts_are_capped(self, directory, monkeypatch):
        directory.supervision.register_entities(
            [entity(100 + i, name=f"金华明辉{i:03d}号") for i in range(45)])
        directory.settle()
        with directory.engine.connect() as conn:
            seen = []
            for offset in (0, 20, 40):
                total, items = search_entities(conn, "明辉", offset, 20)
                seen += _names(items)
            assert total == 48 and len(seen) == len(set(seen)) == 48 and seen == sorted(seen)
            monkeypatch.setattr(search, "COUNT_CAP", 10)
            assert search_entities(conn, "明辉")[0] == 11

    def test_the_index_follows_a_rename_and_a_rebuild(self, directory):
        directory.supervision.change_entity_details(uscc(3), {"name": "明亮照明"})
        directory.settle()
        with directory.engine.connect() as conn:
            assert NAMES[3] not in _names(search_entities(conn, "明辉")[1])
            assert _names(search_entities(conn, "亮照")[1]) == ["明亮照明"]
            stored = conn.execute(sa.select(entity_name_grams.c.gram)
                                  .where(entity_name_grams.c.name == "明亮照明")).scalars().all()
        assert set(stored) == name_grams("明亮照明") == {"^明", "明亮", "亮照", "照明"}

    def test_listing_name_filters_go_through_the_grams(self, directory):
        """The supervisors' directory filter matches a name part anywhere (one character too),
        as LIKE would, with LIKE's special characters taken literally."""
        from supervision.directory.views import list_entities

        with directory.engine.connect() as conn:
            for q in ("明辉", "辉商贸", "明", "辉", "_100%", "%", "有限公司", "不存在"):
                total, rows = list_entities(conn, name=q, limit=100)
                want = sorted(n for n in NAMES.values() if q in n)
                assert total == len(want) and sorted(_names(rows)) == want, q


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_postgres_walks_one_gram_in_name_order_from_the_index(directory):
    with directory.engine.connect() as conn:
        # a table this small is read whole by choice: forbid that to see the indexed plan
        conn.exec_driver_sql("SET enable_seqscan = off")
        plan = "\n".join(conn.exec_driver_sql(
            "EXPLAIN SELECT entity_no FROM entity_name_grams WHERE gram = '明辉' "
            "AND name LIKE '%%明辉%%' ORDER BY name, entity_no LIMIT 21").scalars())
    assert "Index Only Scan" in plan or "Index Scan" in plan, plan
    assert "Sort" not in plan, plan

"""The public search on both backends: codes first, names by any part of two or more characters
(two-character Chinese names included), one character as a prefix, in registration order,
capped counts, pages without overlap; the bigram index follows renames and is rebuilt like any
read model (tests/integration/test_rebuild_every_read_table.py); the plans walk one gram in
registration order from its index, a two-character query from the index alone."""

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
            # a 2-character part anywhere in the name, in registration order
            total, items = search_entities(conn, "明辉")
            assert total == 3 and _names(items) == [NAMES[1], NAMES[2], NAMES[3]]
            # a 3+ character part must appear whole, not just its bigrams
            assert _names(search_entities(conn, "明辉商贸")[1]) == [NAMES[1]]
            assert search_entities(conn, "辉明辉")[0] == 0
            # one character: names starting with it
            assert _names(search_entities(conn, "明")[1]) == [NAMES[3], NAMES[5]]
            # a longer part is matched on the name, wherever its rarest gram is
            limited = [NAMES[i] for i in (1, 4, 5, 6, 7)]
            assert _names(search_entities(conn, "有限公司")[1]) == limited
            assert search_entities(conn, "有限公司")[0] == 5
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
            assert total == 48 and len(seen) == len(set(seen)) == 48
            assert seen == [NAMES[i] for i in (1, 2, 3)] + [f"金华明辉{i:03d}号" for i in range(45)]
            # keyset pages: the same rows in the same order, a longer query too
            for q, want in (("明辉", seen), ("金华明辉", [NAMES[1]] + seen[3:])):
                paged, after = [], None
                while True:
                    total, items, after = search.search_page(conn, q, after, 20)
                    paged += _names(items)
                    if after is None:
                        break
                    assert after.startswith("n~")
                assert paged == want, q
            # a cursor of the name-ordered search before (n~<uscc>~<name>) still reads
            old = f"n~{uscc(3)}~{NAMES[3]}"
            assert _names(search.search_page(conn, "明辉", old, 2)[1]) == seen[3:5]
            monkeypatch.setattr(search, "COUNT_CAP", 10)
            assert search_entities(conn, "明辉")[0] == 11

    def test_the_index_follows_a_rename_and_a_rebuild(self, directory):
        directory.supervision.change_entity_details(uscc(3), {"name": "明亮照明"})
        directory.settle()
        with directory.engine.connect() as conn:
            assert NAMES[3] not in _names(search_entities(conn, "明辉")[1])
            assert _names(search_entities(conn, "亮照")[1]) == ["明亮照明"]
            no = conn.execute(sa.text("SELECT entity_no FROM entities WHERE uscc = :u"),
                              {"u": uscc(3)}).scalar_one()
            stored = conn.execute(sa.select(entity_name_grams.c.gram)
                                  .where(entity_name_grams.c.entity_no == no)).scalars().all()
        assert set(stored) == name_grams("明亮照明") == {"^明", "明亮", "亮照", "照明"}

    def test_the_database_writes_the_grams_name_grams_gives(self, directory):
        """A batch's grams are made in SQL from its registered names: the same set as
        `name_grams` for one-character names, characters beyond the BMP and repeated bigrams,
        also when a name registered in the batch is changed in the same batch."""
        odd = {20: "明", 21: "𠀀𠀁商行", 22: "哈哈哈哈", 23: "A B 商店"}
        directory.supervision.register_entities([entity(i, name=n) for i, n in odd.items()])
        directory.supervision.change_entity_details(uscc(21), {"name": "𠀁𠀀商行"})
        runner = directory.runners["supervision"]
        for r in [runner, *runner.parts]:
            r.reset()   # one catch-up from 0: registration and rename in the same batch
        directory.settle()
        with directory.engine.connect() as conn:
            names = dict(conn.execute(sa.text("SELECT entity_no, name FROM entities")).all())
            stored = set(conn.execute(sa.select(entity_name_grams)).all())
        assert "𠀁𠀀商行" in names.values()
        assert stored == {(g, no) for no, name in names.items() for g in name_grams(name)}

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
def test_postgres_walks_one_gram_in_registration_order_from_the_index(directory):
    with directory.engine.connect() as conn:
        # a table this small is read whole (or through a bitmap, then sorted) by choice:
        # forbid that to see the plan a large table gets (bench.search measures it at 1 M)
        conn.exec_driver_sql("SET enable_seqscan = off")
        conn.exec_driver_sql("SET enable_bitmapscan = off")
        page = search._names_page(21, 0, 1)
        plan = "\n".join(conn.exec_driver_sql(
            "EXPLAIN " + str(page).replace(":gram", "'明辉'").replace(":h0", "'辉商'")
            .replace(":pattern", "'%%明辉商%%'")
        ).scalars())
        count = "\n".join(conn.exec_driver_sql(
            "EXPLAIN " + str(search._count(None)).replace(":gram", "'明辉'")).scalars())
    assert "pk_entity_name_grams" in plan and "Sort" not in plan, plan
    assert "Index Only Scan using pk_entity_name_grams" in count, count

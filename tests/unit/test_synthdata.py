"""Deterministic synthetic province: entities, inspectors, check items, CSV output."""
from __future__ import annotations

import csv
import itertools
from collections import Counter
from datetime import date

import numpy as np
import pytest

from kernel import regions
from kernel.uscc import is_valid_uscc
from opencheck.demo.check_items import (
    CHECK_ITEM_FIELDS,
    DEPARTMENTS,
    generate_check_items,
)
from opencheck.demo.synthdata import (
    _feistel,
    generate_entities,
    generate_inspectors,
    write_csv,
)

ENTITY_KEYS = {"uscc", "name", "entity_type", "legal_representative",
               "legal_representative_id", "region_code",
               "industry_code", "registered_on", "address", "registering_authority"}
KIND_CHAR = {"enterprise": "1", "individual": "2", "cooperative": "3"}
REAL_CODES = {"914403001922038216", "91440300708461136T", "91330100716105852F",
              "91110000802100433B", "91310115MA1K3BTP2B"}


@pytest.fixture(scope="module")
def entities():
    return list(generate_entities(seed=2026, n=50_000))


def test_same_seed_gives_same_rows_and_another_seed_differs():
    first = list(generate_entities(11, 500))
    assert first == list(generate_entities(11, 500))
    assert first != list(generate_entities(12, 500))


def test_a_short_run_is_a_prefix_of_a_longer_one(entities):
    assert list(generate_entities(2026, 9000)) == entities[:9000]  # crosses a chunk boundary


def test_rows_have_exactly_the_directory_fields(entities):
    assert all(set(row) == ENTITY_KEYS for row in entities)


def test_usccs_are_valid_unique_and_match_the_entity_type(entities):
    codes = [row["uscc"] for row in entities]
    assert len(set(codes)) == len(codes)
    assert all(is_valid_uscc(c) for c in codes)
    assert all(row["uscc"][0] == "9" and row["uscc"][1] == KIND_CHAR[row["entity_type"]]
               and row["uscc"][2:8] == row["region_code"] for row in entities)
    assert not REAL_CODES & set(codes)


def test_org_code_bodies_do_not_look_sequential(entities):
    bodies = [row["uscc"][8:16] for row in entities[:200]]
    assert bodies != sorted(bodies)


def test_type_mix_is_two_thirds_individual_thirty_percent_enterprise(entities):
    share = {k: v / len(entities) for k, v in Counter(r["entity_type"] for r in entities).items()}
    assert share["individual"] == pytest.approx(0.67, abs=0.02)
    assert share["enterprise"] == pytest.approx(0.30, abs=0.02)
    assert share["cooperative"] == pytest.approx(0.03, abs=0.01)


def test_region_codes_are_zhejiang_counties_weighted_to_big_cities(entities):
    assert all(regions.is_valid_region_code(r["region_code"]) for r in entities)
    assert all(r["region_code"] in regions.COUNTIES for r in entities)
    per_city = Counter(regions.prefecture_of(r["region_code"]) for r in entities)
    assert per_city["330100"] > 3 * per_city["330900"]  # Hangzhou vs Zhoushan
    assert set(per_city) == set(regions.PREFECTURES)


def test_industries_are_gb4754_with_retail_and_wholesale_dominant(entities):
    sections = Counter(r["industry_code"][0] for r in entities)
    assert all(len(r["industry_code"]) == 5 and r["industry_code"][1:].isdigit() for r in entities)
    assert sections.most_common(1)[0][0] == "F"
    assert {"C", "H", "I"} <= set(sections)
    assert all(r["industry_code"][0] == "A" for r in entities if r["entity_type"] == "cooperative")


def test_registration_dates_span_the_20_years_before_2026(entities):
    days = [date.fromisoformat(r["registered_on"]) for r in entities]
    assert min(days) >= date(2006, 1, 1) and max(days) < date(2026, 1, 1)
    years = Counter(d.year for d in days)
    assert len(years) == 20 and years[2025] > years[2006]
    assert all(date.fromisoformat(r["registered_on"]) >= date(2007, 7, 1)
               for r in entities if r["entity_type"] == "cooperative")


def test_names_follow_the_entity_type(entities):
    by_type = {t: [r for r in entities if r["entity_type"] == t] for t in KIND_CHAR}
    assert all(r["name"].endswith("有限公司") for r in by_type["enterprise"])
    assert all(r["name"].endswith("专业合作社") for r in by_type["cooperative"])
    assert all(not r["name"].endswith(("有限公司", "专业合作社")) for r in by_type["individual"])
    assert all(2 <= len(r["legal_representative"]) <= 4 for r in entities)
    assert all(r["address"].startswith("浙江省" + regions.region_name(r["region_code"], full=True)[3:])
               for r in entities[:2000])


def test_feistel_is_a_bijection():
    keys = np.array([1, 2, 3, 4], dtype=np.uint64)
    out = _feistel(np.arange(100 * 100, dtype=np.uint64), 100, keys)
    assert sorted(out.tolist()) == list(range(100 * 100))


def test_rejects_more_rows_than_unique_codes_can_cover():
    with pytest.raises(ValueError):
        next(generate_entities(1, 10**8 + 1))


def test_check_items_have_every_field_per_department():
    items = generate_check_items(list(DEPARTMENTS))
    assert len({i["code"] for i in items}) == len(items)
    for dept in DEPARTMENTS:
        assert 5 <= sum(i["department"] == dept for i in items) <= 10
    for item in items:
        assert tuple(item) == CHECK_ITEM_FIELDS
        assert all(item[f] not in (None, "") for f in CHECK_ITEM_FIELDS
                   if f != "object_scope_industries")
        assert set(item["object_scope_types"].split(";")) <= set(KIND_CHAR)
        assert item["method"] in {"on_site", "documents", "online"}
        assert item["category"] in {"key", "general"}
        assert 0 < item["default_ratio"] <= 1 and item["frequency_per_year"] >= 1
        assert item["legal_basis"].startswith("《")


def test_inspectors_are_deterministic_unique_and_qualified():
    rows = list(generate_inspectors(5, 3, list(DEPARTMENTS)))
    assert rows == list(generate_inspectors(5, 3, list(DEPARTMENTS)))
    assert len(rows) == 3 * len(DEPARTMENTS) * len(regions.COUNTIES)
    assert len({r["credential_no"] for r in rows}) == len(rows)
    item_dept = {i["code"]: i["department"] for i in generate_check_items()}
    for r in rows:
        assert len(r["credential_no"]) == 14 and r["credential_no"].startswith(r["region_code"])
        assert r["qualifications"] and all(item_dept[q] == r["department"]
                                           for q in r["qualifications"])
        assert r["status"] in {"active", "on_leave", "retired"}
    assert rows[0]["station"] == "杭州市上城区市场监管所"
    assert Counter(r["status"] for r in rows).most_common(1)[0][0] == "active"


def test_inspectors_for_chosen_departments_and_regions():
    rows = list(generate_inspectors(5, 2, ["health"], region_codes=["330782"]))
    assert [r["station"] for r in rows] == ["义乌市卫生监督所"] * 2
    with pytest.raises(ValueError):
        list(generate_inspectors(5, 2, ["police"]))


def test_write_csv_streams_rows_with_header_and_joined_lists(tmp_path):
    path = tmp_path / "inspectors.csv"
    n = write_csv(itertools.islice(generate_inspectors(1, 1, ["market_regulation"]), 10), path)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert n == len(rows) == 10
    assert rows[0]["qualifications"].startswith("SJ-") and ";" in rows[0]["qualifications"]


def test_write_csv_of_entities_round_trips(tmp_path):
    path = tmp_path / "entities.csv"
    expected = list(generate_entities(3, 300))
    assert write_csv(generate_entities(3, 300), path) == 300
    with path.open(encoding="utf-8", newline="") as f:
        assert list(csv.DictReader(f)) == expected

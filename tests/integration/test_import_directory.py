"""Bulk import of check items and inspectors: bad rows reported, good rows kept, reruns idempotent."""

from __future__ import annotations

import csv

import pytest

from opencheck import importing
from opencheck.demo.check_items import generate_check_items
from opencheck.demo.synthdata import generate_inspectors, write_csv
from supervision.directory import views

DEPARTMENTS = ["market_regulation", "health"]
REGIONS = ["330702", "330782"]


def _spoil(path, changes: dict[int, dict[str, str]]) -> None:
    """Overwrite some cells: {data row index (0-based): {column: value}}."""
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for i, cells in changes.items():
        rows[i].update(cells)
    write_csv(rows, path)


class ImportScenario:
    backend = "sqlite"

    def test_check_items_then_inspectors(self, platform, tmp_path):
        items, people = tmp_path / "items.csv", tmp_path / "inspectors.csv"
        n_items = write_csv(generate_check_items(DEPARTMENTS), items)
        n_people = write_csv(generate_inspectors(5, 2, DEPARTMENTS, REGIONS), people)
        _spoil(items, {1: {"department": "tax_bureau"}, 2: {"qualification": "Q-NOPE"},
                       3: {"default_ratio": "ten percent"}})
        _spoil(people, {0: {"region_code": "3307"}, 1: {"qualifications": "SJ-404"},
                        2: {"credential_no": "33070220150001"},
                        3: {"credential_no": "33070220150001"}})

        # check items: three bad rows reported by line and field, the rest kept
        report = importing.import_check_items(platform, items)
        assert report.read == n_items and report.registered == n_items - 3
        assert [(r.line, r.field) for r in report.rejected] == [
            (3, "department"), (4, "qualification"), (5, "default_ratio")]

        # inspectors: bad rows, and the second use of a credential number within the file
        report = importing.import_inspectors(platform, people)
        assert [(r.line, r.field) for r in report.rejected][:3] == [
            (2, "region_code"), (3, "qualifications"), (5, "credential_no")]
        # rows qualified for a check item that was rejected above are rejected too
        assert {r.field for r in report.rejected} == {"region_code", "qualifications",
                                                      "credential_no"}
        kept = report.registered
        assert kept == n_people - len(report.rejected) and kept > 0

        # rerunning both files registers nothing twice
        again = importing.import_check_items(platform, items)
        assert again.registered == 0 and again.already_registered == n_items - 3
        again = importing.import_inspectors(platform, people)
        assert again.registered == 0 and again.already_registered == kept
        platform.catch_up()
        with platform.engine.connect() as conn:
            assert views.list_check_items(conn)[0] == n_items - 3
            assert views.list_inspectors(conn)[0] == kept

    def test_missing_column_is_reported(self, platform, tmp_path):
        path = tmp_path / "bad.csv"
        path.write_text("credential_no,name\n1234,张三\n", encoding="utf-8")
        with pytest.raises(Exception, match="department"):
            importing.import_inspectors(platform, path)


class TestImportOnSQLite(ImportScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestImportOnPostgres(ImportScenario):
    backend = "postgres"

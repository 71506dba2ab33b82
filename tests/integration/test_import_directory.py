"""Bulk import of check items and inspectors: bad rows reported, good rows kept, reruns idempotent."""

from __future__ import annotations

import csv

import pytest
import sqlalchemy as sa

from opencheck import importing
from opencheck.demo.check_items import generate_check_items
from opencheck.demo.synthdata import generate_entities, generate_inspectors, write_csv
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

    def test_entities_in_chunks(self, platform, tmp_path, monkeypatch):
        """Rows streamed in chunks: bad cells named by line and column, a code repeated in
        the same chunk or a later one rejected, a rerun registers nothing twice."""
        monkeypatch.setattr(importing, "ENTITY_CHUNK", 50)
        path = tmp_path / "entities.csv"
        rows = [{**r, "legal_representative_id": ""} for r in generate_entities(3, 120)]
        rows[4]["uscc"] = rows[4]["uscc"][:-1] + ("0" if rows[4]["uscc"][-1] != "0" else "1")
        rows[10]["region_code"] = "33070"
        rows[20]["registered_on"] = "2020-13-01"
        rows[30]["address"] = "测试\x00路"
        rows[40] = dict(rows[35])                 # the same chunk
        rows[110] = dict(rows[2])                 # a later chunk
        write_csv(rows, path)
        report = importing.import_entities(platform, path)
        expected = [(6, "uscc"), (12, "region_code"), (22, "registered_on"), (32, "address"),
                    (42, "uscc"), (112, "uscc")]
        assert [(r.line, r.field) for r in report.rejected] == expected
        assert "earlier in the file" in report.rejected[-1].reason
        assert (report.read, report.registered, report.already_registered) == (120, 114, 0)
        # the same file again: every good row is known, the in-file repeats too
        again = importing.import_entities(platform, path)
        assert (again.registered, again.already_registered) == (0, 115)
        assert [(r.line, r.field) for r in again.rejected] == expected[:5]
        platform.catch_up()
        with platform.engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT count(*) FROM entities")) == 114

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

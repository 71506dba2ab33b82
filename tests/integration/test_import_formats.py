"""Import files as bureaus save them: CSV in UTF-8, UTF-8 with BOM and GB18030 (Excel on Chinese
Windows), and .xlsx; every rejected row named by line, field and a Chinese + English reason;
the API's length limits hold; the CLI exits non-zero when a row was rejected."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
import sqlalchemy as sa

from kernel.import_files import detect_encoding
from opencheck import importing
from opencheck.demo.check_items import generate_check_items
from opencheck.demo.synthdata import generate_entities, generate_inspectors
from supervision.directory import views
from tests.integration.test_cli import _cli

DEPARTMENTS = ["market_regulation", "health"]
REGIONS = ["330702", "330782"]
CHINESE_HEADINGS = {"uscc": "统一社会信用代码", "name": "企业名称", "registered_on": "成立日期"}


def _entity_rows(n: int = 30) -> list[dict]:
    rows = [{**r, "legal_representative_id": ""} for r in generate_entities(11, n)]
    rows[3]["name"] = "长" * 250                        # the API allows 200 characters
    rows[5]["region_code"] = "33070"
    return rows


def _as_cells(rows: list[dict]) -> tuple[list[str], list[list]]:
    header = list(rows[0])
    return header, [[r[c] if not isinstance(r[c], (list, tuple)) else ";".join(r[c])
                     for c in header] for r in rows]


def write_file(path, rows: list[dict], encoding: str, headings: dict | None = None) -> None:
    """rows as CSV in `encoding`, or as .xlsx (encoding 'xlsx': dates as real dates)."""
    header, cells = _as_cells(rows)
    shown = [(headings or {}).get(c, c) for c in header]
    if encoding == "xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(shown)
        for line in cells:
            sheet.append([_typed(c, v) for c, v in zip(header, line)])
        book.save(path)
        return
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(shown)
    w.writerows(cells)
    path.write_bytes(buf.getvalue().encode(encoding))


def _typed(column: str, value):
    """What a clerk's sheet holds: real dates, numeric region codes and ratios."""
    from datetime import date
    if column == "registered_on":
        return date.fromisoformat(value)
    if column in ("region_code", "default_ratio", "frequency_per_year") and value:
        try:
            return float(value) if "." in str(value) else int(value)
        except ValueError:
            return value   # a clerk's typo stays text
    return value


class FormatScenario:
    backend = "sqlite"

    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "xlsx"])
    def test_entities_in_every_format(self, platform, tmp_path, encoding):
        path = tmp_path / ("entities.xlsx" if encoding == "xlsx" else "entities.csv")
        rows = _entity_rows()
        write_file(path, rows, encoding, CHINESE_HEADINGS)
        if encoding != "xlsx":
            with path.open("rb") as f:
                assert detect_encoding(f) == encoding
        report = importing.import_entities(platform, path)
        # the 250-character name and the short region code: rejected by line and field
        assert [(r.line, r.field) for r in report.rejected] == [(5, "name"), (7, "region_code")]
        assert "名称有误" in report.rejected[0].reason
        assert "at most 200 characters" in report.rejected[0].reason
        assert "行政区划代码有误" in report.rejected[1].reason
        assert report.registered == len(rows) - 2
        platform.catch_up()
        with platform.engine.connect() as conn:
            names = set(conn.scalars(sa.text("SELECT name FROM entities")))
        assert rows[0]["name"] in names and any("\u4e00" <= ch for ch in rows[0]["name"])

    @pytest.mark.parametrize("encoding", ["gb18030", "xlsx"])
    def test_check_items_and_inspectors(self, platform, tmp_path, encoding):
        suffix = ".xlsx" if encoding == "xlsx" else ".csv"
        items, people = tmp_path / f"items{suffix}", tmp_path / f"people{suffix}"
        item_rows = list(generate_check_items(DEPARTMENTS))
        item_rows[1] = {**item_rows[1], "legal_basis": "依据" * 300}   # the API allows 500
        write_file(items, item_rows, encoding)
        people_rows = list(generate_inspectors(5, 2, DEPARTMENTS, REGIONS))
        write_file(people, people_rows, encoding)
        report = importing.import_check_items(platform, items)
        assert [(r.line, r.field) for r in report.rejected] == [(3, "legal_basis")]
        assert report.registered == len(item_rows) - 1
        report = importing.import_inspectors(platform, people)
        assert report.registered > 0
        assert report.registered + len(report.rejected) == len(people_rows)
        platform.catch_up()
        with platform.engine.connect() as conn:
            assert views.list_check_items(conn)[0] == len(item_rows) - 1
            assert views.list_inspectors(conn)[0] == report.registered

    def test_neither_utf8_nor_gb18030_is_one_readable_error(self, platform, tmp_path):
        path = tmp_path / "entities.csv"
        path.write_bytes(b"uscc,name\n\x81\x20\xff\xfe,x\n")
        with pytest.raises(Exception, match="neither UTF-8 nor GB18030") as e:
            importing.import_entities(platform, path)
        assert "codec" not in str(e.value)


class TestFormatsOnSQLite(FormatScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestFormatsOnPostgres(FormatScenario):
    backend = "postgres"


@pytest.mark.parametrize("encoding", ["gb18030", "xlsx"])
def test_cli_reports_rejected_rows_and_exits_non_zero(platform, tmp_path, encoding):
    path = tmp_path / ("entities.xlsx" if encoding == "xlsx" else "entities.csv")
    rows = _entity_rows(12)
    write_file(path, rows, encoding, CHINESE_HEADINGS)
    r = _cli(platform.settings, "import", "entities", str(path))
    assert r.returncode == 1, r.stderr
    assert "codec" not in r.stderr and "Traceback" not in r.stderr
    assert "line 5: name: 名称有误" in r.stderr and "line 7: region_code:" in r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("error: 2 row(s) rejected") and "10 good row(s) were imported" in last
    rejects = path.with_name("entities.rejects.csv").read_text(encoding="utf-8-sig")
    assert rejects.splitlines()[1].startswith("5,name,名称有误")
    # a clean file exits 0
    clean = tmp_path / "clean.csv"
    write_file(clean, list(generate_entities(12, 5)), "gb18030")
    r = _cli(platform.settings, "import", "entities", str(clean))
    assert r.returncode == 0, r.stderr
    assert "5 registered" in r.stderr

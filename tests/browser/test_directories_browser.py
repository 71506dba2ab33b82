"""The directory pages in Chromium: a GB18030 CSV of entities and an .xlsx of check items
uploaded, rejected rows listed by line; the add form refuses what the API refuses."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from opencheck.demo.check_items import generate_check_items
from opencheck.demo.synthdata import generate_entities
from tests.integration.test_import_formats import CHINESE_HEADINGS, write_file

pytestmark = pytest.mark.browser


def test_gb18030_entities_upload_lists_rejected_rows_by_line(page, live, tmp_path):
    rows = [{**r, "legal_representative_id": ""} for r in generate_entities(77, 8)]
    rows[2]["name"] = "长" * 250                       # the API allows 200 characters
    rows[4]["registered_on"] = "2020-13-01"
    path = tmp_path / "主体名录.csv"
    write_file(path, rows, "gb18030", CHINESE_HEADINGS)
    page.login("sup")
    page.page.click("text=名录库 Directories")
    page.page.wait_for_selector("#entities-page")
    page.page.set_input_files("#entities-upload input[type=file]", str(path))
    page.page.wait_for_selector("#entities-upload-summary")
    summary = page.page.inner_text("#entities-upload-summary")
    assert "新增 6 registered" in summary and "拒绝 2 rejected" in summary
    cells = page.page.locator("#entities-rejects tbody tr").all_inner_texts()
    assert cells[0].split("\t")[:2] == ["4", "name"] and "名称有误" in cells[0]
    assert cells[1].split("\t")[:2] == ["6", "registered_on"]
    # the grid shows the new rows; its name filter finds one of them
    with live.platform.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM entities WHERE uscc = :u"),
                           {"u": rows[0]["uscc"]}) == 1
    page.page.locator("#entities-grid .ag-floating-filter input").first.fill(rows[0]["uscc"])
    page.page.wait_for_selector(f"#entities-grid .ag-row >> text={rows[0]['name']}")
    assert page.page.locator("#entities-grid .ag-center-cols-container .ag-row").count() == 1
    # a row click fills the edit form; the CSV export holds the filtered row only
    page.page.locator("#entities-grid .ag-center-cols-container .ag-row .ag-cell").first.click()
    page.page.wait_for_function(
        "u => document.getElementById('entities-edit-key').value === u", arg=rows[0]["uscc"])
    with page.page.expect_download() as download:
        page.page.click("#entities-grid-csv")
    exported = download.value.path().read_bytes().decode("utf-8-sig").splitlines()
    assert download.value.suggested_filename.startswith("entities-")
    assert len(exported) == 2 and rows[0]["uscc"] in exported[1]
    page.shot("directories-entities-upload")
    assert page.errors == []


def test_xlsx_check_items_upload_and_the_add_form(page, live, tmp_path):
    items = list(generate_check_items(["market_regulation"]))[:4]
    items = [{**r, "code": f"XL-{i:03d}"} for i, r in enumerate(items, start=1)]
    items[1]["default_ratio"] = "ten percent"
    path = tmp_path / "事项清单.xlsx"
    write_file(path, items, "xlsx")
    page.login("sup")
    page.page.goto(f"{live.base}/dashboard/directory/check-items")
    page.page.wait_for_selector("#check-items-page")
    page.page.set_input_files("#check-items-upload input[type=file]", str(path))
    page.page.wait_for_selector("#check-items-upload-summary")
    assert "新增 3 registered" in page.page.inner_text("#check-items-upload-summary")
    row = page.page.locator("#check-items-rejects tbody tr").first.inner_text()
    assert row.split("\t")[:2] == ["3", "default_ratio"]
    page.page.wait_for_selector("#check-items-grid .ag-row >> text=XL-001")
    page.shot("directories-check-items-upload")
    # the entity add form: a 250-character name is refused as the API refuses it
    page.page.goto(f"{live.base}/dashboard/directory/entities")
    page.page.wait_for_selector("#entities-page")
    good = next(generate_entities(78, 1))
    for name, value in (("uscc", good["uscc"]), ("name", "长" * 250),
                        ("region_code", good["region_code"]),
                        ("industry_code", good["industry_code"]),
                        ("registered_on", good["registered_on"])):
        page.page.fill(f'[id=\'{{"name":"{name}","type":"entities-add"}}\']', value)
    page.page.click("#entities-add")
    page.page.wait_for_selector("#entities-add-error")
    assert "at most 200 characters" in page.page.inner_text("#entities-add-error")
    assert page.errors == []

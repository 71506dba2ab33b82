"""The directory pages' forms: the API's schemas and use cases, errors named in Chinese and English."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dashboard import directory_actions as act
from dashboard import directory_grids
from kernel.clock import today_in_china
from kernel.errors import DomainError
from opencheck.demo.check_items import generate_check_items
from supervision.directory import views
from tests.factories import entity_json


class DirectoryFormsScenario:
    backend = "sqlite"

    def test_add_and_edit_each_directory(self, platform):
        # an entity added, then renamed; the grid finds it by a filtered name
        body = {k: v for k, v in entity_json(1).items() if k != "legal_representative_id"}
        uscc = act.add_entity(platform, body)
        act.change_entity(platform, uscc, {"name": "新名称商贸有限公司", "address": ""})
        platform.catch_up()
        with platform.engine.connect() as conn:
            total, rows = directory_grids.entities_page(conn, {
                "startRow": 0, "endRow": 50,
                "filterModel": {"name": {"filterType": "text", "type": "contains",
                                         "filter": "新名称"}}})
        assert total == 1 and rows[0]["uscc"] == uscc
        # a check item, then its ratio changed; an inspector, then on leave
        item = {k: ";".join(v) if isinstance(v, (list, tuple)) else str(v)
                for k, v in next(iter(generate_check_items(["market_regulation"]))).items()}
        code = act.add_check_item(platform, item)
        act.change_check_item(platform, code, {"default_ratio": "0.1", "name": ""})
        credential = act.add_inspector(platform, {
            "credential_no": "33070220260001", "name": "李四", "department": "market_regulation",
            "region_code": "330702", "station": "婺城区市场监管所", "qualifications": code,
            "status": "active"})
        act.change_inspector(platform, credential, {"status": "on_leave", "reason": "",
                                                    "effective_on": today_in_china().isoformat()})
        platform.catch_up()
        with platform.engine.connect() as conn:
            assert views.list_check_items(conn)[1][0]["default_ratio"] == 0.1
            assert views.list_inspectors(conn)[1][0]["status"] == "on_leave"

    def test_the_api_refusals_in_chinese_and_english(self, platform):
        body = {**entity_json(2), "name": "长" * 250}
        with pytest.raises(ValidationError) as e:
            act.add_entity(platform, body)
        assert act.message_of(e.value).startswith("名称有误 invalid name: String should have "
                                                  "at most 200 characters")
        with pytest.raises(DomainError) as d:
            act.add_entity(platform, {**entity_json(3), "region_code": "33070"})
        assert act.message_of(d.value).startswith("行政区划代码有误 invalid region_code")
        with pytest.raises(DomainError, match="only .csv and .xlsx"):
            act.import_upload(platform, lambda p, path: None, "data:,", "entities.txt")


class TestDirectoryFormsOnSQLite(DirectoryFormsScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestDirectoryFormsOnPostgres(DirectoryFormsScenario):
    backend = "postgres"

"""kernel.i18n: messages Chinese first, English alongside or alone, fields named, ids dropped."""

from __future__ import annotations

import re

import pytest

from kernel import i18n
from kernel.i18n_data import FIELDS, MESSAGES

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("header, lang", [
    (None, "zh"), ("", "zh"), ("zh-CN,zh;q=0.9", "zh"), ("en", "en"), ("en-US,en;q=0.9", "en"),
    ("zh;q=0.4,en;q=0.8", "en"), ("en;q=0.3,zh-TW;q=0.9", "zh"), ("fr-FR", "zh"),
    ("en;q=bogus,zh", "zh"),
])
def test_language_follows_accept_language_with_chinese_by_default(header, lang):
    assert i18n.language(header) == lang


def test_a_domain_message_is_translated_and_its_region_named():
    said = i18n.translated("only 7 inspector(s) in jurisdiction 3309 (10 needed)", None, 409)
    assert said.zh == "辖区 舟山市 3309 仅有 7 名检查人员（需要 10 名）"
    assert said.render("en") == "only 7 inspector(s) in jurisdiction 3309 (10 needed)"
    assert said.render() == f"{said.zh} {said.en}"


def test_the_field_is_named_in_chinese_and_english():
    said = i18n.translated("findings must not be empty", "findings")
    assert said.render() == "检查情况不得为空 findings must not be empty"
    said = i18n.translated("cannot stand on its own", "decision_no", 409)
    assert said.zh == "决定书文号：与当前状态冲突" and said.en == "decision_no: cannot stand on its own"
    assert i18n.field_label("uscc") == "统一社会信用代码 uscc"


def test_an_internal_id_is_left_out():
    said = i18n.translated("no penalty case 0a1b2c3d4e5f60718293a4b5c6d7e8f9", None, 404)
    assert "0a1b2c3d" not in said.render() and said.zh == "没有该处罚案件"
    said = i18n.translated("decision number 罚〔2026〕1号 is already used by case "
                           "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "decision_no", 409)
    assert "0a1b2c3d" not in said.render() and "罚〔2026〕1号" in said.zh


def test_a_bilingual_message_is_split_into_its_halves():
    said = i18n.translated("口令长度不足 password must have at least 8 characters", "password")
    assert said.zh == "口令长度不足" and said.render("en") == "password must have at least 8 characters"
    said = i18n.translated("抽查事项 T-1 已取消 (check item T-1 is withdrawn)")
    assert said.zh == "抽查事项 T-1 已取消" and said.en == "check item T-1 is withdrawn"


def test_pydantic_errors_by_type_with_their_context():
    said = i18n.validation_error({"type": "string_too_short", "loc": ("body", "name"),
                                  "msg": "String should have at least 1 character",
                                  "ctx": {"min_length": 1}})
    assert said.zh == "名称：至少应有 1 个字符"
    assert said.en == "name: String should have at least 1 character"
    said = i18n.validation_error({"type": "missing", "loc": ("body", "kinds", 0), "msg": "x"})
    assert said.zh == "处罚种类：必填"


def test_every_message_template_renders_and_every_field_has_chinese():
    for entry in MESSAGES:
        english = entry[0]
        filled = re.sub(r"\{(\w+)\}", "x", english)
        said = i18n.translated(filled, None, 422)
        assert CJK.search(said.zh), english
    assert all(CJK.search(v) for v in FIELDS.values())


def test_a_message_led_by_a_date_is_still_chinese_first_and_english_with_a_term_gets_a_lead():
    said = i18n.translated("2026-01-05收到的陈述申辩尚未答复，不得作出决定 the statement received on "
                           "2026-01-05 awaits its answer", None, 409)
    assert said.zh.endswith("不得作出决定") and said.en.startswith("the statement")
    said = i18n.translated("a heavier penalty (较重行政处罚, SAMR Order 44 Art 2) is a fine", None, 422)
    assert said.zh == "输入有误" and said.en.startswith("a heavier penalty")


def test_a_configured_code_is_named():
    said = i18n.translated("only market_regulation acts on its own part (谁检查、谁录入、谁公开)",
                           "department", 403, {"market_regulation": "市场监管局 Market regulation"})
    assert said.zh.startswith("只有市场监管局办理本部门的部分")
    assert "market_regulation" in said.en

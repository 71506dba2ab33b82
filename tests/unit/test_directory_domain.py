"""Pure domain of the inspector directory and the check-item list: rules, events, no store."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from credit.rules import DEFAULT_RULES, load_rules
from kernel.errors import Conflict, InvalidInput, NotFound
from kernel.rulebook import InvalidRules
from opencheck.demo.check_items import DEPARTMENTS, generate_check_items
from supervision.directory.check_items import (
    CheckItem,
    CheckList,
    KnownCodes,
    qualifying_codes,
)
from supervision.directory.inspectors import Inspector, inspector_id
from tests.factories import check_item, inspector, known_codes, uscc

TODAY = date(2026, 11, 23)
KNOWN = known_codes()


def test_configured_departments_match_the_synthetic_province():
    rules = DEFAULT_RULES.directory
    assert [d.code for d in rules.departments] == list(DEPARTMENTS)
    assert {d.code: d.name_zh for d in rules.departments} == DEPARTMENTS
    synthetic = {(i["department"], i["qualification"]) for i in generate_check_items()}
    assert synthetic == {(d.code, q) for d in rules.departments for q in d.qualifications}
    assert rules.qualification_codes >= {"Q-MARKET", "market_regulation"}


def test_departments_are_configurable(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("""
[[directory.departments]]
code = "taxation"
name_zh = "税务局"
name_en = "taxation"
qualifications = ["Q-TAX"]
""", encoding="utf-8")
    known = KnownCodes.from_rules(load_rules(path))
    assert known.departments == {"taxation"}
    assert known.qualifications == {"Q-TAX", "taxation"}
    check_item(1, department="taxation", qualification="Q-TAX").validated(known)
    with pytest.raises(InvalidInput):
        check_item(1).validated(known)
    path.write_text("[directory]\ndepartments = [{code='a_b', name_zh='x', name_en='x'},"
                    " {code='a_b', name_zh='y', name_en='y'}]\n", encoding="utf-8")
    with pytest.raises(InvalidRules, match="duplicate department"):
        load_rules(path)


@pytest.mark.parametrize("field,value", [
    ("credential_no", "ab"), ("name", "  "), ("department", "tax_bureau"),
    ("region_code", "12345"), ("region_code", "990101"), ("station", ""),
    ("qualifications", ()), ("qualifications", ("Q-UNKNOWN",)), ("status", "fired"),
])
def test_inspector_rules_name_the_field(field, value):
    with pytest.raises(InvalidInput) as e:
        replace(inspector(1), **{field: value}).validated(KNOWN)
    assert e.value.field == field


def test_inspector_may_hold_check_item_codes_it_is_told_about():
    data = inspector(1, qualifications=("SJ-005", "market_regulation"))
    with pytest.raises(InvalidInput):
        data.validated(KNOWN)
    assert data.validated(KNOWN, {"SJ-005"}).qualifications == ("SJ-005", "market_regulation")


def test_credential_number_is_normalised_and_gives_the_id():
    data = inspector(1, credential_no=" ab-1234 ").validated(KNOWN)
    assert data.credential_no == "AB-1234"
    assert Inspector.register(data, TODAY).id == inspector_id("ab-1234 ")


def test_status_changes_and_retirement_is_final():
    ins = Inspector.register(inspector(1).validated(KNOWN), date(2026, 1, 1))
    with pytest.raises(InvalidInput, match="future"):
        ins.change_status("on_leave", date(2026, 12, 1), "", TODAY)
    with pytest.raises(InvalidInput, match="before"):
        ins.change_status("on_leave", date(2025, 12, 1), "", TODAY)
    with pytest.raises(Conflict):
        ins.change_status("active", TODAY, "", TODAY)
    ins.change_status("retired", TODAY, "退休", TODAY)
    with pytest.raises(Conflict, match="retired"):
        ins.change_status("active", TODAY, "", TODAY)
    assert [type(e).__name__ for e in ins.collect_events()] == ["Registered", "StatusChanged"]


def test_conflicts_declare_withdraw_and_redeclare():
    ins = Inspector.register(inspector(1).validated(KNOWN), TODAY)
    code = uscc(5)
    with pytest.raises(InvalidInput) as e:
        ins.declare_conflict(code, " ", TODAY, None, TODAY)
    assert e.value.field == "reason"
    with pytest.raises(InvalidInput) as e:
        ins.declare_conflict(code, "亲属", TODAY, date(2026, 1, 1), TODAY)
    assert e.value.field == "to_on"
    assert ins.declare_conflict(code, "亲属关系", TODAY, None, TODAY) == 1
    with pytest.raises(Conflict):
        ins.declare_conflict(code, "again", TODAY, None, TODAY)
    assert ins.withdraw_conflict(code, "关系解除", TODAY) == 1
    with pytest.raises(NotFound):
        ins.withdraw_conflict(code, "", TODAY)
    assert ins.declare_conflict(code, "again", TODAY, date(2027, 1, 1), TODAY) == 2
    # once its period is over a declaration is no longer in force
    assert ins.open_conflict(code, date(2027, 1, 2)) is None


@pytest.mark.parametrize("field,value", [
    ("code", "x"), ("name", ""), ("legal_basis", " "), ("department", "tax_bureau"),
    ("object_scope_types", ()), ("object_scope_types", ("company",)),
    ("object_scope_industries", ("Z9",)), ("method", "phone"), ("category", "urgent"),
    ("default_ratio", 0.0), ("default_ratio", 0.5), ("frequency_per_year", 0),
    ("qualification", "Q-NOPE"),
])
def test_check_item_rules_name_the_field(field, value):
    with pytest.raises(InvalidInput) as e:
        replace(check_item(1, category="general"), **{field: value}).validated(KNOWN)
    assert e.value.field == field


def test_key_items_have_no_ratio_cap_and_department_codes_qualify():
    data = check_item(1, category="key", default_ratio=1.0,
                      qualification="market_regulation").validated(KNOWN)
    assert data.default_ratio == 1.0
    assert qualifying_codes(data) == ("T-001", "market_regulation")
    assert qualifying_codes(check_item(2)) == ("T-002", "Q-MARKET", "market_regulation")


def test_check_item_changes_are_validated_and_minimal():
    item = CheckItem.add(check_item(1).validated(KNOWN))
    with pytest.raises(InvalidInput) as e:
        item.change(KNOWN, department="health")
    assert e.value.field == "department"
    with pytest.raises(InvalidInput) as e:
        item.change(KNOWN, qualification="Q-NOPE")
    assert e.value.field == "qualification"
    item.change(KNOWN, name="测试抽查事项1", default_ratio=0.1, object_scope_industries=("F", "h"))
    changed = item.collect_events()[-1]
    assert changed.changes == {"default_ratio": 0.1, "object_scope_industries": ["F", "H"]}
    item.withdraw("取消")
    with pytest.raises(Conflict):
        item.change(KNOWN, name="x")


def test_publishing_snapshots_current_items_and_refuses_an_unchanged_list():
    items = [CheckItem.add(check_item(i).validated(KNOWN)) for i in (1, 2)]
    check_list = CheckList(department="market_regulation")
    for item in items:
        check_list.include(item.code)
    with pytest.raises(InvalidInput):
        check_list.publish(items, date(2026, 12, 1), TODAY)
    check_list.publish(items, TODAY, TODAY)
    assert check_list.published_version == 1
    assert [s["code"] for s in check_list.published] == ["T-001", "T-002"]
    with pytest.raises(Conflict, match="unchanged"):
        check_list.publish(items, TODAY, TODAY)
    items[0].withdraw("取消")
    check_list.publish(items, TODAY, TODAY)
    assert check_list.published_version == 2
    assert [s["code"] for s in check_list.published] == ["T-002"]

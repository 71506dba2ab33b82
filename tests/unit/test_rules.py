import json
from datetime import date
from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from credit.rules import DEFAULT_RULES, Rules, load_rules
from kernel.rulebook import InvalidRules, UnknownResultCode
from supervision.rules import FollowUp, ResultCategory

DOMAIN_RESULT_CODES = ["1", "B", "C", "6", "E", "8", "F", "A", "7", "9", "10", "11", "12"]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def leaf_fields(model: type[BaseModel], prefix=""):
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from leaf_fields(annotation, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", info


def test_defaults_match_the_domain_rulebook():
    r = DEFAULT_RULES
    assert r.publicity.inspection_result_deadline_workdays == 20
    assert r.publicity.penalty_publication_workdays == 20
    assert r.publicity.penalty_withdrawal_workdays == 3
    assert [(v.name, v.effective_from, v.minor_months, v.general_months, v.serious_months)
            for v in r.publicity.penalty_periods] == [
        ("SAMR Order 45", date(2021, 9, 1), 3, 36, 36),
        ("SAMR Order 107", date(2025, 12, 25), 3, 12, 36)]
    assert r.publicity.penalty_publication_deadline() == (7, "NDRC 双公示: 7 working days")
    assert r.publicity.low_fine_threshold_yuan == Decimal(10_000)
    assert r.publicity.double_publicity_workdays == 7
    assert r.abnormal_list.annual_report_due(2025) == date(2025, 6, 30)
    assert r.abnormal_list.listing_deadline_workdays == 10
    assert r.abnormal_list.removal_deadline_workdays == 5
    assert r.abnormal_list.escalation_years == 3
    assert r.serious_list.duration_years == 3
    assert r.serious_list.early_repair_after_years == 1
    assert r.red_list.min_active_years == 2
    assert r.red_list.penalty_lookback_years == 2
    assert r.red_list.exclude_negative_lists is True
    assert r.repair.general_min_wait_months == 3
    assert r.repair.serious_min_wait_months == 12
    assert r.commitment.verification_window_workdays == 30
    assert [r.draw.ratios.for_class(c) for c in "ABCD"] == [0.03, 0.05, 0.20, 1.00]
    assert r.draw.targeted_ratio == 1.0
    assert [r.draw.cooloff_days.for_class(c) for c in "ABCD"] == [365, 0, 0, 0]
    assert r.draw.min_inspectors == 2
    assert r.draw.national_floor_ratio == 0.03
    assert r.risk_scoring.cut_points == (30.0, 60.0, 80.0)


def test_every_rule_number_cites_its_source():
    uncited = [name for name, info in leaf_fields(Rules) if not info.description]
    assert uncited == []
    descriptions = {name: info.description for name, info in leaf_fields(Rules)}
    assert "行政处罚法 Art 42" in descriptions["draw.min_inspectors"]
    assert "企业公示信息抽查办法 Art 4" in descriptions["draw.national_floor_ratio"]
    assert "(local, 广东 2025)" in descriptions["draw.cooloff_days.A"]
    assert "(local, Fujian" in descriptions["publicity.inspection_result_deadline_workdays"]
    assert "SAMR Order 45" in descriptions["publicity.penalty_publication_workdays"]
    assert "assumed" in descriptions["publicity.low_fine_threshold_yuan"]


def test_unknown_class_is_a_key_error():
    with pytest.raises(KeyError):
        DEFAULT_RULES.draw.ratios.for_class("E")


def test_load_without_a_file_gives_the_defaults():
    assert load_rules(None) is DEFAULT_RULES
    assert load_rules() == Rules()


def test_toml_override_deep_merges(tmp_path):
    path = write(tmp_path, "rules.toml", """
[publicity]
inspection_result_deadline_workdays = 15
low_fine_threshold_yuan = 5000

[draw]
min_inspectors = 3

[draw.ratios]
C = 0.35
""")
    rules = load_rules(str(path))
    assert rules.publicity.inspection_result_deadline_workdays == 15
    assert rules.publicity.low_fine_threshold_yuan == Decimal(5000)
    assert rules.draw.min_inspectors == 3
    assert rules.draw.ratios.C == 0.35
    # Untouched siblings keep their defaults at every level.
    assert rules.publicity.penalty_publication_workdays == 20
    assert rules.draw.ratios.A == 0.03
    assert rules.draw.ratios.D == 1.0
    assert rules.draw.targeted_ratio == 1.0
    assert rules.abnormal_list == DEFAULT_RULES.abnormal_list
    assert rules.result("6") == DEFAULT_RULES.result("6")
    # The defaults themselves are untouched.
    assert DEFAULT_RULES.draw.ratios.C == 0.20


def test_json_override_accepts_a_path_object(tmp_path):
    override = {"commitment": {"verification_window_workdays": 20}}
    path = write(tmp_path, "rules.json", json.dumps(override))
    assert load_rules(path).commitment.verification_window_workdays == 20


@pytest.mark.parametrize(
    ("toml", "field"),
    [
        ("[draw]\nmin_inspectors = 1\n", "draw.min_inspectors"),
        ("[draw.ratios]\nC = 1.5\n", "draw.ratios.C"),
        ("[draw.ratios]\nA = -0.1\n", "draw.ratios.A"),
        ("[draw]\ntargeted_ratio = 2\n", "draw.targeted_ratio"),
        ("[draw]\nmin_inspector = 3\n", "draw.min_inspector"),
        ("[publicity]\npenalty_publication_workdays = -1\n",
         "publicity.penalty_publication_workdays"),
        ("[publicity]\npenalty_publication_deadlines = []\n",
         "publicity.penalty_publication_deadlines"),
        ("[publicity]\npenalty_publication_deadlines = [\"one_day\"]\n",
         "publicity.penalty_publication_deadlines"),
        ("[[publicity.penalty_periods]]\nname = \"x\"\n", "publicity.penalty_periods.0"),
        ("[abnormal_list]\nannual_report_due_month = 2\nannual_report_due_day = 30\n",
         "annual_report_due_day=30"),
        ("[risk_scoring]\nc_from = 90\n", "risk_scoring"),
    ],
)
def test_invalid_override_names_the_field(tmp_path, toml, field):
    path = write(tmp_path, "rules.toml", toml)
    with pytest.raises(InvalidRules, match=field.replace(".", r"\.")) as caught:
        load_rules(path)
    assert str(path) in str(caught.value)
    assert isinstance(caught.value.__cause__, ValidationError)


def test_unreadable_override_files_are_reported(tmp_path):
    with pytest.raises(InvalidRules, match="toml or .json"):
        load_rules(write(tmp_path, "rules.yaml", "draw: {}"))
    with pytest.raises(InvalidRules, match="cannot read"):
        load_rules(write(tmp_path, "broken.toml", "[draw\n"))
    with pytest.raises(InvalidRules, match="cannot read"):
        load_rules(tmp_path / "missing.json")
    with pytest.raises(InvalidRules, match="top level"):
        load_rules(write(tmp_path, "list.json", "[1, 2]"))


def test_rules_are_immutable_and_validated_when_built_in_code():
    with pytest.raises(ValidationError):
        DEFAULT_RULES.draw.min_inspectors = 1
    with pytest.raises(ValidationError, match="min_inspectors"):
        Rules(draw={"min_inspectors": 1})


def test_result_catalogue_has_the_domain_codes_in_order():
    assert [c.code for c in DEFAULT_RULES.results.catalogue] == DOMAIN_RESULT_CODES


@pytest.mark.parametrize(
    ("code", "follow_up", "problem_found", "abnormal_ground"),
    [
        ("1", FollowUp.NONE, False, False),
        ("B", FollowUp.ORDER_PUBLICISE, True, False),
        ("C", FollowUp.ORDER_CORRECT, True, True),
        ("6", FollowUp.ABNORMAL_GROUND, True, True),
        ("E", FollowUp.NONE, True, False),
        ("8", FollowUp.PUBLICISE_REFUSAL, True, False),
        ("F", FollowUp.NONE, False, False),
        ("A", FollowUp.MAY_OPEN_PENALTY, True, False),
        ("7", FollowUp.NONE, False, False),
        ("9", FollowUp.TERMINAL_STATUS, False, False),
        ("10", FollowUp.TERMINAL_STATUS, False, False),
        ("11", FollowUp.TERMINAL_STATUS, False, False),
        ("12", FollowUp.TERMINAL_STATUS, False, False),
    ],
)
def test_result_lookup(code, follow_up, problem_found, abnormal_ground):
    category = DEFAULT_RULES.result(code)
    assert category.code == code
    assert category.follow_up is follow_up
    assert category.problem_found is problem_found
    assert category.abnormal_list_ground is abnormal_ground
    assert category.name_zh and category.name_en


def test_result_lookup_by_name():
    assert DEFAULT_RULES.result("6").name_zh == "通过登记的住所（经营场所）无法联系"
    assert DEFAULT_RULES.result(6) == DEFAULT_RULES.result("6")


def test_unknown_result_code():
    with pytest.raises(UnknownResultCode, match="'Z'"):
        DEFAULT_RULES.result("Z")
    with pytest.raises(KeyError):
        DEFAULT_RULES.result("")


def test_catalogue_override_replaces_the_list(tmp_path):
    catalogue = [
        {"code": "01", "name_zh": "未发现问题", "name_en": "no problem found", "problem_found": False},
        {"code": "06", "name_zh": "无法联系", "name_en": "unreachable",
         "follow_up": "abnormal_ground", "problem_found": True, "abnormal_list_ground": True},
    ]
    path = write(tmp_path, "rules.json", json.dumps({"results": {"catalogue": catalogue}}))
    rules = load_rules(path)
    assert rules.result("06").follow_up is FollowUp.ABNORMAL_GROUND
    assert rules.result("01") == ResultCategory(**catalogue[0])
    with pytest.raises(UnknownResultCode):
        rules.result("6")


def test_catalogue_rejects_duplicates_and_bad_follow_ups(tmp_path):
    row = {"code": "1", "name_zh": "x", "name_en": "x", "problem_found": False}
    path = write(tmp_path, "dup.json", json.dumps({"results": {"catalogue": [row, row]}}))
    with pytest.raises(InvalidRules, match="duplicate result codes"):
        load_rules(path)
    bad = dict(row, follow_up="shrug")
    path = write(tmp_path, "bad.json", json.dumps({"results": {"catalogue": [bad]}}))
    with pytest.raises(InvalidRules, match=r"results\.catalogue\.0\.follow_up"):
        load_rules(path)


def _version(name: str, effective_from: str) -> str:
    return (f'[[publicity.penalty_periods]]\nname = "{name}"\nsource = "s"\n'
            f"effective_from = {effective_from}\nminor_months = 3\ngeneral_months = 12\n"
            "serious_months = 36\nrestriction_lengthens = false\n")


@pytest.mark.parametrize("versions", [
    ("2025-12-25", "2021-09-01"),      # not sorted
    ("2021-09-01", "2021-09-01"),      # two on one date
])
def test_publicity_versions_must_be_sorted_without_duplicate_dates(tmp_path, versions):
    path = write(tmp_path, "rules.toml",
                 "".join(_version(f"v{i}", d) for i, d in enumerate(versions)))
    with pytest.raises(InvalidRules, match="sorted by effective_from"):
        load_rules(path)

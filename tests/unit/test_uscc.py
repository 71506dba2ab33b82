"""Unified Social Credit Code: GB 32100-2015 plus the embedded GB 11714 organisation code."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from kernel.uscc import (
    ALPHABET,
    REGISTRATION_AUTHORITIES,
    InvalidUSCC,
    is_valid_uscc,
    make_uscc,
    org_code_check_char,
    uscc_check_char,
    validate_uscc,
)

# Real companies' codes: they live only here, never in generated data.
REAL_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴（中国）网络技术有限公司
    "91110000802100433B",  # 北京百度网讯科技有限公司
    "91310115MA1K3BTP2B",  # post-2015 code with a letter organisation code
]


def with_check_char(first17: str) -> str:
    """Complete 17 characters with a correct 18th so that only the inner checks can fail."""
    return first17 + stdnum_uscc.calc_check_digit(first17)


def reason_of(code: str) -> str:
    with pytest.raises(InvalidUSCC) as exc:
        validate_uscc(code)
    assert not is_valid_uscc(code)
    return exc.value.reason


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass_both_check_characters(code):
    assert validate_uscc(code) == code
    assert org_code_check_char(code[8:16]) == code[16]
    assert is_valid_uscc(code)


@pytest.mark.parametrize("code", REAL_CODES)
def test_make_uscc_rebuilds_real_codes(code):
    assert make_uscc(code[0], code[1], code[2:8], code[8:16]) == code


def test_lower_case_and_surrounding_whitespace_are_normalised():
    assert validate_uscc("  91310115ma1k3btp2b\n") == "91310115MA1K3BTP2B"


@pytest.mark.parametrize("code", ["", "91440300192203821", "9144030019220382160"])
def test_wrong_length_names_the_length_check(code):
    assert "length" in reason_of(code)


@pytest.mark.parametrize("forbidden", "IOZSV")
def test_forbidden_letters_name_the_alphabet_check_and_the_character(forbidden):
    code = "91440300" + forbidden + "922038216"  # position 9 of 914403001922038216
    reason = reason_of(code)
    assert "alphabet" in reason and repr(forbidden) in reason


def test_several_forbidden_characters_are_all_named():
    reason = reason_of("9144030019220382" + "I" + "O")
    assert "'I'" in reason and "'O'" in reason


def test_wrong_18th_character_names_the_check_character():
    reason = reason_of("914403001922038217")
    assert "position 18" in reason and "'6'" in reason


def test_wrong_17th_character_names_the_organisation_code_check():
    # 17th changed and the 18th recomputed, so only the GB 11714 check can catch it.
    code = with_check_char("9144030019220382" + "2")
    reason = reason_of(code)
    assert "organisation code" in reason and "position 17" in reason
    assert stdnum_uscc.is_valid(code)  # stdnum alone would accept it


def test_unknown_registration_authority_is_rejected():
    code = with_check_char("B1440300" + "19220382" + "1")
    assert "registration authority" in reason_of(code)


def test_region_must_be_six_digits():
    code = with_check_char("9144A300" + "19220382" + "1")
    assert "region" in reason_of(code)


def test_letter_authorities_are_accepted_unlike_plain_stdnum():
    code = make_uscc("N", "2", "330782", "MA2EXXB1")
    assert validate_uscc(code) == code
    assert not stdnum_uscc.is_valid(code)


def test_org_code_check_maps_10_to_x_and_11_to_zero():
    # Bodies chosen so that 11 - (sum mod 11) is 10 and 11.
    x_body = next(b for b in (f"{i:08d}" for i in range(1000)) if org_code_check_char(b) == "X")
    zero_body = next(b for b in (f"{i:08d}" for i in range(1000)) if org_code_check_char(b) == "0")
    for body in (x_body, zero_body):
        assert is_valid_uscc(make_uscc("9", "1", "330782", body))


def test_non_string_is_rejected_with_a_reason():
    with pytest.raises(InvalidUSCC):
        validate_uscc(914403001922038216)  # type: ignore[arg-type]


@pytest.mark.parametrize("args", [
    ("B", "1", "330782", "12345678"), ("9", "1", "33078", "12345678"),
    ("9", "1", "330782", "1234567"), ("9", "1", "330782", "1234567O"),
])
def test_make_uscc_rejects_bad_parts(args):
    with pytest.raises(InvalidUSCC):
        make_uscc(*args)


codes = st.builds(
    make_uscc,
    st.sampled_from(sorted(REGISTRATION_AUTHORITIES)),
    st.sampled_from("0123456789"),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(ALPHABET, min_size=8, max_size=8),
)


@given(codes)
def test_make_uscc_always_validates(code):
    assert validate_uscc(code) == code


@given(codes, st.integers(0, 17), st.sampled_from(ALPHABET + "IOZSV"))
def test_any_single_character_change_is_detected(code, position, replacement):
    changed = code[:position] + replacement + code[position + 1:]
    if changed != code:
        assert not is_valid_uscc(changed)


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17))
def test_local_check_character_equals_python_stdnum(first17):
    assert uscc_check_char(first17) == stdnum_uscc.calc_check_digit(first17)

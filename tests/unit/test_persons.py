"""法定代表人: the resident ID number checked (GB 11643), masked and keyed, never kept whole."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import ric

from kernel.errors import InvalidInput
from supervision.directory.entities import MarketEntity
from supervision.directory.persons import PersonKeyer, checked_resident_id, masked
from tests.factories import entity

TODAY = date(2026, 12, 3)


def resident_id(body17: str = "11010519800101123") -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def test_a_valid_number_is_normalised():
    number = resident_id("33070219850607001")
    assert checked_resident_id(f" {number.lower()} ", TODAY) == number


@pytest.mark.parametrize("bad,says", [
    ("1101051980010112", "18"),                        # too short
    ("11010519800101123A", "17"),                      # a letter where a digit belongs
    ("11010519801301123", "出生日期"),                  # month 13 (check digit appended below)
    ("11010520300101123", "出生日期"),                  # born in the future
])
def test_invalid_numbers_are_422_naming_the_field(bad, says):
    number = resident_id(bad) if len(bad) == 17 else bad
    with pytest.raises(InvalidInput) as e:
        checked_resident_id(number, TODAY)
    assert e.value.field == "legal_representative_id" and says in e.value.message


def test_a_wrong_check_digit_is_refused_in_chinese_and_english():
    good = resident_id()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(InvalidInput) as e:
        checked_resident_id(bad, TODAY)
    assert e.value.field == "legal_representative_id"
    assert "校验码" in e.value.message and "check character" in e.value.message
    assert bad not in e.value.message and good[:14] not in e.value.message


def test_the_masked_form_hides_birth_date_and_sequence():
    number = resident_id("11010519800101123")
    assert masked(number) == "110105********" + number[-4:]
    assert "19800101" not in masked(number)


def test_the_person_key_is_stable_keyed_and_reveals_nothing():
    number = resident_id()
    keyer = PersonKeyer(b"deployment-secret")
    assert keyer.key(number) == PersonKeyer(b"deployment-secret").key(number)
    assert keyer.key(number) != PersonKeyer(b"another-secret").key(number)
    assert keyer.key(number) != keyer.key(resident_id("11010519800101124"))
    key = keyer.key(number)
    assert len(key) == 64 and number not in key and number[6:14] not in key
    assert keyer.person("") == ("", "")


def test_registration_keeps_the_key_and_masked_number_never_the_number():
    number = resident_id()
    data = entity(1, legal_representative="李四", legal_representative_id=number).validated(TODAY)
    assert number not in repr(data)
    e = MarketEntity.register(data, PersonKeyer(b"k"))
    event = e.pending_events[0]
    assert event.legal_representative_key == PersonKeyer(b"k").key(number)
    assert event.legal_representative_masked == masked(number)
    assert number not in repr(vars(event)) and number not in repr(vars(e))


def test_an_id_number_needs_a_name_and_a_keyer():
    with pytest.raises(InvalidInput) as e:
        entity(1, legal_representative="", legal_representative_id=resident_id()).validated(TODAY)
    assert e.value.field == "legal_representative"
    with pytest.raises(RuntimeError):
        MarketEntity.register(entity(1, legal_representative_id=resident_id()).validated(TODAY))


def test_a_change_of_representative_is_an_event_from_its_date():
    e = MarketEntity.register(entity(1).validated(TODAY))
    keyer = PersonKeyer(b"k")
    key, mask = keyer.person(resident_id())
    assert e.change_legal_representative("王五", key, mask, date(2024, 5, 6))
    assert not e.change_legal_representative("王五", key, mask, date(2024, 6, 6))  # same person
    assert (e.legal_representative, e.legal_representative_since) == ("王五", date(2024, 5, 6))
    with pytest.raises(InvalidInput) as err:
        e.change_legal_representative("赵六", "", "", date(2024, 1, 1))
    assert err.value.field == "effective_on"

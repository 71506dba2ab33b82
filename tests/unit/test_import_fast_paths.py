"""The import's fast paths give what the plain code gives: the entity id, the person key and
the USCC verdict (kernel.uscc checks all at once, then one by one to name a failure)."""

from __future__ import annotations

import hashlib
import hmac
from uuid import uuid5

from hypothesis import given
from hypothesis import strategies as st

from kernel import uscc as uscc_module
from kernel.uscc import ALPHABET, InvalidUSCC, make_uscc, validate_uscc
from supervision.directory.entities import ENTITY_NAMESPACE, entity_id
from supervision.directory.persons import PersonKeyer


@given(st.text(max_size=30))
def test_entity_id_is_uuid5(text):
    ours, theirs = entity_id(text), uuid5(ENTITY_NAMESPACE, text)
    assert ours == theirs and ours.hex == theirs.hex and str(ours) == str(theirs)
    assert hash(ours) == hash(theirs) and ours.version == 5 and ours.is_safe == theirs.is_safe


@given(st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True))
def test_person_key_is_the_hmac(number):
    keyer = PersonKeyer(b"secret of the deployment")
    assert keyer.key(number) == hmac.new(keyer.secret, number.encode(),
                                         hashlib.sha256).hexdigest()


def _one_by_one(code: str) -> str:
    code = uscc_module.normalise(code)
    for check in uscc_module._CHECKS:
        check(code)
    return code


def _verdict(fn, code):
    try:
        return fn(code)
    except InvalidUSCC as e:
        return e.reason


codes = st.one_of(
    st.text(alphabet=ALPHABET + "IOZSVa中 ", min_size=16, max_size=20),
    st.builds(lambda a, k, r, b: make_uscc(a, k, r, b), st.sampled_from("19ANY"),
              st.sampled_from("123"), st.from_regex(r"[0-9]{6}", fullmatch=True),
              st.text(alphabet=ALPHABET, min_size=8, max_size=8)),
)


@given(codes, st.integers(0, 17), st.sampled_from(ALPHABET))
def test_uscc_fast_path_decides_as_the_checks_one_by_one(code, at, char):
    for candidate in (code, code[:at] + char + code[at + 1:]):
        assert _verdict(validate_uscc, candidate) == _verdict(_one_by_one, candidate)

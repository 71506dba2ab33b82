"""Unified Social Credit Code (统一社会信用代码, GB 32100-2015).

Layout: pos 1 registration authority, pos 2 entity kind, pos 3-8 region, pos 9-17 the
organisation code (GB 11714, with its own check character at pos 17), pos 18 the USCC check
character. `python-stdnum` computes the pos-18 check; it does not check the embedded
organisation code, so that check is added here.

We run the length and alphabet checks ourselves rather than through `stdnum.cn.uscc.validate`:
stdnum also demands digits in positions 1-8, which rejects real codes issued by the letter
authorities (A, N, Y) and reports every such failure as one undifferentiated InvalidFormat.
"""
from __future__ import annotations

from operator import mul

from stdnum.cn import uscc as _stdnum_uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V

# GB 32100-2015 table 1 and its amendments: 1 机构编制, 2 外交, 3 司法行政, 4 文化,
# 5 民政, 6 旅游, 7 宗教, 8 工会, 9 市场监管 (formerly 工商), A 中央军委改革和编制办公室,
# N 农业农村, Y 其他.
REGISTRATION_AUTHORITIES = frozenset("123456789ANY")

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class InvalidUSCC(ValueError):
    """A string that is not a valid USCC; `.reason` names the check that failed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _char_value_gb11714(ch: str) -> int:
    # GB 11714 values digits at face value and letters A=10 ... Z=35 (not the USCC index).
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


_GB11714_VALUE = {c: _char_value_gb11714(c) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_ORG_CHECK = {10: "X", 11: "0"}


def org_code_check_char(body: str) -> str:
    """GB 11714 check character for the 8-character organisation-code body."""
    if len(body) != len(_ORG_WEIGHTS):
        raise ValueError("an organisation-code body has 8 characters")
    try:   # in C, the hot path of an import: map and sum, no Python frame per character
        total = sum(map(mul, map(_GB11714_VALUE.__getitem__, body), _ORG_WEIGHTS))
    except KeyError:
        total = sum(_char_value_gb11714(c) * w for c, w in zip(body, _ORG_WEIGHTS))
    c9 = 11 - total % 11
    return _ORG_CHECK.get(c9, str(c9))


def _check_length(code: str) -> None:
    if len(code) != 18:
        raise InvalidUSCC(f"length is {len(code)}, a USCC must be exactly 18 characters")


_IN_ALPHABET = frozenset(ALPHABET)


def _check_alphabet(code: str) -> None:
    if _IN_ALPHABET.issuperset(code):   # the usual case, in one C call
        return
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        raise InvalidUSCC(f"alphabet: character(s) {', '.join(map(repr, bad))} are not allowed "
                          f"(a USCC uses only {ALPHABET}; I, O, Z, S, V never occur)")


_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {c: i for i, c in enumerate("0123456789ABCDEFGHJKLMNPQRTUWXY")}


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character (position 18) of 17 characters already in the alphabet:
    python-stdnum's `calc_check_digit` without its clean-up pass, which costs an import of a
    million rows more than the arithmetic (tests/unit: equal on every code tried)."""
    total = sum(map(mul, map(_USCC_VALUE.__getitem__, first17), _USCC_WEIGHTS))
    return "0123456789ABCDEFGHJKLMNPQRTUWXY"[(31 - total) % 31]


def _check_uscc_check_char(code: str) -> None:
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise InvalidUSCC(f"check character (position 18) is {code[17]!r}, expected {expected!r}")


def _check_org_code(code: str) -> None:
    expected = org_code_check_char(code[8:16])
    if code[16] != expected:
        raise InvalidUSCC(f"organisation code (GB 11714) check character (position 17) is "
                          f"{code[16]!r}, expected {expected!r}")


def _check_authority(code: str) -> None:
    if code[0] not in REGISTRATION_AUTHORITIES:
        raise InvalidUSCC(f"registration authority (position 1) {code[0]!r} is not a known "
                          f"authority code ({''.join(sorted(REGISTRATION_AUTHORITIES))})")


def _check_region(code: str) -> None:
    # Only the shape: centrally registered entities carry 100000, which is no GB/T 2260 code.
    if not code[2:8].isdigit():
        raise InvalidUSCC(f"region code (positions 3-8) {code[2:8]!r} must be 6 digits")


_CHECKS = (_check_length, _check_alphabet, _check_uscc_check_char, _check_org_code,
           _check_authority, _check_region)


def normalise(code: str) -> str:
    """Strip surrounding whitespace and upper-case."""
    return code.strip().upper()


def validate_uscc(code: str) -> str:
    """Return the normalised code, or raise InvalidUSCC naming the first check that failed."""
    if not isinstance(code, str):
        raise InvalidUSCC(f"a USCC must be a string, got {type(code).__name__}")
    code = normalise(code)
    # every check at once, in the order of _CHECKS (an import's hot path); on a failure, the
    # checks one by one name the first that fails
    if len(code) == 18 and _IN_ALPHABET.issuperset(code) \
            and code[17] == uscc_check_char(code[:17]) \
            and code[16] == org_code_check_char(code[8:16]) \
            and code[0] in REGISTRATION_AUTHORITIES and code[2:8].isdigit():
        return code
    for check in _CHECKS:
        check(code)
    return code


def is_valid_uscc(code: str) -> bool:
    """True if `code` passes every check of `validate_uscc`."""
    try:
        validate_uscc(code)
    except InvalidUSCC:
        return False
    return True


def make_uscc(authority: str, entity_kind: str, region: str, org_body: str) -> str:
    """Build a valid USCC, computing the organisation-code (17th) and USCC (18th) check chars."""
    if authority not in REGISTRATION_AUTHORITIES:
        raise InvalidUSCC(f"registration authority {authority!r} is not a known authority code")
    if len(entity_kind) != 1 or entity_kind not in ALPHABET:
        raise InvalidUSCC(f"entity kind {entity_kind!r} must be one character of the alphabet")
    if len(region) != 6 or not region.isdigit():
        raise InvalidUSCC(f"region code {region!r} must be 6 digits")
    if len(org_body) != 8 or any(c not in ALPHABET for c in org_body):
        raise InvalidUSCC(f"organisation code body {org_body!r} must be 8 characters of {ALPHABET}")
    first17 = authority + entity_kind + region + org_body + org_code_check_char(org_body)
    return first17 + _stdnum_uscc.calc_check_digit(first17)


def checked_uscc(code: str, field: str = "uscc") -> str:
    """The canonical code, or InvalidInput (422) naming `field` and what is wrong with it."""
    from kernel.errors import InvalidInput

    try:
        return validate_uscc(code)
    except InvalidUSCC as e:
        raise InvalidInput(e.reason, field=field) from None

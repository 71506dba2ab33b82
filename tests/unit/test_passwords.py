"""The password policy (kernel.http.passwords) and the mapping of OIDC claims to a user."""

from __future__ import annotations

import pytest
from fastapi import HTTPException

from kernel.errors import InvalidInput
from kernel.http import oidc
from kernel.http.passwords import check_password, common_passwords
from kernel.settings import Settings


@pytest.mark.parametrize("password, reason", [
    ("12345678", "at least 12"), ("short-one", "at least 12"),
    ("123456789abc", "too common"), ("QWERTYUIOP123", "too common"),
    ("zhang.san.2026", "username"), ("Zhang.San.2026 ", "username"),
])
def test_a_password_breaking_the_policy_is_refused_naming_the_field(password, reason):
    with pytest.raises(InvalidInput) as refused:
        check_password(password, "zhang.san.2026", 12)
    assert refused.value.field == "password" and reason in refused.value.message


def test_a_long_uncommon_password_passes_and_the_length_is_configurable():
    check_password("correct horse battery staple", "zhang.san", 12)
    check_password("river-otter", "zhang.san", 8)
    with pytest.raises(InvalidInput):
        check_password("river-otter", "zhang.san", 12)


def test_the_shipped_list_is_the_known_one():
    words = common_passwords()
    assert len(words) == 19_640 and {"123456", "password", "12345678"} <= words


SSO = Settings(oidc_issuer="https://idp", oidc_audience="oc",
               oidc_role_map={"sc-insp": "inspector", "sc-boss": "superuser"})


def test_claims_map_to_role_department_and_inspector_number():
    user = oidc.user_from_claims(SSO, {"iss": "https://idp", "sub": "42", "roles": ["x", "sc-insp"],
                                       "department": "health", "inspector_no": "17"})
    assert (user.username, user.role, user.department, user.inspector_no) == \
        ("42", "inspector", "health", 17)
    assert user.id < 0 and user.id == oidc.subject_id("https://idp", "42")


@pytest.mark.parametrize("roles", [None, [], "x", ["sc-boss"]])   # sc-boss maps to no role
def test_a_role_mapping_to_no_opencheck_role_is_forbidden(roles):
    with pytest.raises(HTTPException) as refused:
        oidc.user_from_claims(SSO, {"iss": "https://idp", "sub": "1", "roles": roles})
    assert refused.value.status_code == 403

"""The password policy (口令复杂度): a minimum length, not a commonly used password, not the
username. Applied wherever a password is set (kernel.http.auth), never at login.

Sources: GB/T 22239-2019 (等保2.0) 8.1.4.1 a) "身份鉴别信息具有复杂度要求" gives no figures;
NIST SP 800-63B §5.1.1.2 asks for at least 8 characters and a check against "passwords obtained
from previous breach corpuses" and "context-specific words, such as the name of the service,
the username", and advises against composition rules (so none here). The length is a setting
(`password_min_length`, 12 by default: assumed, the usual 等保 assessment figure).

common-passwords.txt.gz: 19,640 common passwords (lower-cased), the list Django ships
(django/contrib/auth/common-passwords.txt.gz, BSD-3-Clause), compiled by Royce Williams from
breach corpora: https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from kernel.errors import InvalidInput

COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def check_password(password: str, username: str, min_length: int) -> None:
    """422 naming `password` with the reason if the password breaks the policy."""
    if len(password) < min_length:
        raise InvalidInput(f"口令长度不足 password must have at least {min_length} characters",
                           field="password")
    if password.strip().lower() == username.strip().lower():
        raise InvalidInput("口令不得与用户名相同 password must not be the username",
                           field="password")
    if password.lower() in common_passwords():
        raise InvalidInput("口令过于常见 password is too common (it is on a list of commonly "
                           "used passwords)", field="password")

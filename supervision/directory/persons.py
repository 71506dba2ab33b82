"""法定代表人 Legal representatives: the resident ID number checked, masked and keyed.

The full 居民身份证号码 is personal information (个人信息保护法 Art. 28: sensitive); the directory
never keeps it. What it keeps is a keyed hash (HMAC-SHA256 under a deployment secret), so the
same person is matched across entities, and a masked form for supervisors to tell people apart.
A plain hash would not do: ID numbers have so little entropy (region, birth date, a 3-digit
sequence) that every hash could be reversed by trying them all; without the secret it cannot.
The price: the secret can never change, or stored keys stop matching new ones.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from stdnum.cn import ric

from kernel.errors import InvalidInput

ID_FIELD = "legal_representative_id"


def checked_resident_id(number: str, today: date, field: str = ID_FIELD) -> str:
    """The normalised 18-character number (GB 11643-1999), or 422 naming what is wrong.

    Length, digits, the ISO 7064 MOD 11-2 check character and the birth date are checked; the
    region code is not (python-stdnum's table lags new county codes). Messages never repeat
    the number."""
    number = number or ""
    # python-stdnum's compact (which also folds full-width digits) only when it has work to do:
    # its clean-up pass costs a million-row import more than every other check of the number
    value = number.replace(" ", "").strip().upper() if number.isascii() else ric.compact(number)
    if len(value) != 18:
        raise InvalidInput(f"居民身份证号码应为18位 the resident ID number must have 18 "
                           f"characters, not {len(value)}", field=field)
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise InvalidInput("居民身份证号码前17位应为数字，末位为数字或X the resident ID number must "
                           "be 17 digits and a digit or X", field=field)
    if ric.calc_check_digit(value) != value[17]:
        raise InvalidInput("居民身份证号码校验码错误 the check character (position 18) of the "
                           "resident ID number is wrong (GB 11643)", field=field)
    try:   # positions 7-14 (GB 11643), as ric.get_birth_date reads them
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        born = None
    if born is None or born > today or born.year < 1900:
        raise InvalidInput("居民身份证号码中的出生日期无效 the birth date in the resident ID number "
                           "is not a valid past date", field=field)
    return value


def masked(number: str) -> str:
    """The first 6 (region) and last 4 characters, the birth date and sequence hidden."""
    return number[:6] + "*" * 8 + number[-4:]


@dataclass(frozen=True)
class PersonKeyer:
    """Turns a checked resident ID number into the person key (secret supplied by the root)."""

    secret: bytes

    def key(self, number: str) -> str:
        # hmac.digest: the one-shot C path, the same bytes as hmac.new(...).hexdigest()
        return hmac.digest(self.secret, number.encode(), hashlib.sha256).hex()

    def person(self, number: str) -> tuple[str, str]:
        """(person key, masked number) of a checked number; ("", "") for none given."""
        return (self.key(number), masked(number)) if number else ("", "")

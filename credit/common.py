"""Small checks every credit aggregate applies to what a command carries (pure, no clock)."""

from __future__ import annotations

import unicodedata
from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from kernel.errors import InvalidInput

CREDIT_NAMESPACE = uuid5(NAMESPACE_URL, "https://opencheck.example/credit")


def credit_id(kind: str, key: str) -> UUID:
    """A deterministic aggregate id for a natural key, so a second creation conflicts."""
    return uuid5(CREDIT_NAMESPACE, f"{kind}:{key}")



def document_number(number: str, field: str, max_length: int = 100) -> str:
    """A 文号 (document number) in one canonical spelling: NFKC, no whitespace."""
    canonical = "".join(unicodedata.normalize("NFKC", number).split())
    if not canonical:
        raise InvalidInput(f"{field} must not be empty", field=field)
    if len(canonical) > max_length:
        raise InvalidInput(f"{field} must have at most {max_length} characters", field=field)
    return canonical


def required_text(value: str, field: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput(f"{field} must not be empty", field=field)
    return text


def one_of(value: str, allowed: dict[str, str] | tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise InvalidInput(f"{field} must be one of {', '.join(allowed)}", field=field)
    return value


def past_date(day: date, today: date, field: str, not_before: date | None = None,
              what: str = "") -> date:
    """`day` lies between `not_before` (if given) and `today`, both inclusive."""
    if day > today:
        raise InvalidInput(f"{field} must not be in the future", field=field)
    if not_before is not None and day < not_before:
        raise InvalidInput(f"{field} must not be before {what or not_before.isoformat()} "
                           f"({not_before.isoformat()})", field=field)
    return day

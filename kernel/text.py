"""Text every store can hold: PostgreSQL text refuses NUL (U+0000) and UTF-8 cannot encode a lone
surrogate (U+D800–U+DFFF, which JSON's \\u escapes can carry). Such a character would be recorded
in an event that no projection can ever write, so every boundary (API bodies, paths and queries,
forms, CSV rows, the CLI) refuses it with one validator."""

from __future__ import annotations

import re
from typing import Any

from kernel.errors import InvalidInput

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def first_unstorable(value: Any) -> str | None:
    """The first character no store can hold in `value` (a string, or strings inside lists,
    tuples and dicts), or None."""
    if isinstance(value, str):
        found = _UNSTORABLE.search(value)
        return found.group() if found else None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            if (bad := first_unstorable(item)) is not None:
                return bad
    return None


def unstorable_reason(char: str) -> str:
    return (f"含有无法保存的字符 U+{ord(char):04X} contains a character that cannot be stored "
            f"(U+{ord(char):04X})")


def checked_text(value: Any, field: str) -> Any:
    """`value` unchanged, or InvalidInput (422) naming `field` if it holds such a character."""
    if (bad := first_unstorable(value)) is not None:
        raise InvalidInput(unstorable_reason(bad), field=field)
    return value


def storable(text: str) -> str:
    """`text` with each character no store can hold written as its escape (an error message
    that quotes the offending data, kept for /health)."""
    return _UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)

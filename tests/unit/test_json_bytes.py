"""The public record's JSON (kernel.http.api.json_bytes, orjson) is byte for byte what the
standard library gives with the same conventions (ISO dates, Decimal as a number, keys that are
no string as their text, Chinese unescaped)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest

from kernel.http.api import _json_default, json_bytes

CHINA = timezone(timedelta(hours=8))
VALUES = [
    {"as_of": date(2026, 12, 6), "name": "金华市婺城区测试贸易有限公司", "n": 3, "none": None},
    {"at": datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc),
     "whole": datetime(2026, 1, 2, 3, 4, 5, tzinfo=CHINA), "naive": datetime(2026, 1, 2, 3, 4)},
    {"amount": Decimal("5000.00"), "small": Decimal("0.1"), "f": 0.1, "big": 2**53, 7: "x"},
    [{"nested": [date(2025, 1, 1), {"flag": True, "list": []}]}, "引号\"与\\反斜杠\n"],
]


@pytest.mark.parametrize("value", VALUES)
def test_the_same_bytes_as_the_standard_library(value):
    expected = json.dumps(value, default=_json_default, ensure_ascii=False,
                          separators=(",", ":")).encode()
    assert json_bytes(value) == expected


def test_what_neither_encodes_is_refused():
    with pytest.raises(TypeError):
        json_bytes({"id": UUID(int=1).__class__})

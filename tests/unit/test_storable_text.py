"""Every request body field refuses a character no store can hold (kernel.text), by name."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from pydantic import ValidationError

import credit
import supervision
from kernel.http.api import Body
from kernel.text import checked_text, first_unstorable

for package in (supervision, credit):   # every schemas module, so every Body subclass is known
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if module.name.endswith("schemas"):
            importlib.import_module(module.name)


def _bodies(cls: type = Body) -> list[type]:
    return [c for sub in cls.__subclasses__() for c in (sub, *_bodies(sub))]


# sorted by module too: two schemas modules may name a body alike, and every pytest-xdist
# worker must collect the same tests in the same order
BODIES = sorted(set(_bodies()), key=lambda c: (c.__qualname__, c.__module__))
FIELDS = [(body, name) for body in BODIES for name in body.model_fields]


def test_the_request_bodies_are_found():
    names = {b.__name__ for b in BODIES}
    assert {"EntityCreate", "PlanCreate", "ResultCreate", "PenaltyCreate", "RepairCreate",
            "InspectorCreate", "EntityStatusChange", "ListingNoticeCreate"} <= names
    assert len(FIELDS) > 100


@pytest.mark.parametrize(("body", "field"), FIELDS,
                         ids=[f"{b.__name__}.{f}" for b, f in FIELDS])
@pytest.mark.parametrize("bad", ["名称\x00", "\ud800", ["ok", "a\x00"]], ids=["nul", "surrogate", "list"])
def test_every_body_field_refuses_unstorable_text(body, field, bad):
    with pytest.raises(ValidationError) as caught:
        body.model_validate({field: bad})
    mine = [e for e in caught.value.errors() if e["loc"][:1] == (field,)]
    assert mine and "U+" in mine[0]["msg"] and "cannot be stored" in mine[0]["msg"]


def test_the_validator_finds_nested_text_and_leaves_good_text_alone():
    assert first_unstorable({"a": ["x", {"b": "y\x00"}]}) == "\x00"
    assert first_unstorable(("杭州", 3, None, {"k": "v"})) is None
    assert checked_text("浙江省金华市", "address") == "浙江省金华市"

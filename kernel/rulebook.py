"""The rulebook's base types: a frozen rule section, shared numbers and the override loader.

Each context declares its own sections (`supervision.rules`, `credit.rules`); the composition root
loads the whole tree from one ``rules.toml`` / JSON override (``load_rulebook``).
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

Ratio = Annotated[float, Field(ge=0.0, le=1.0)]
Workdays = Annotated[int, Field(ge=0)]
# 企业信用风险分类 the four internal risk classes (国市监信发〔2022〕6号), low to high.
RISK_CLASSES = ("A", "B", "C", "D")


class RuleSection(BaseModel):
    """A frozen group of rule numbers; unknown keys in an override are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class UnknownResultCode(KeyError):
    """An inspection result code that is not in the configured catalogue."""


class InvalidRules(ValueError):
    """A rules override file that cannot be read or fails validation."""


R = TypeVar("R", bound=RuleSection)


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    # Tables merge key by key; any other value (lists included) replaces the default.
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_override(path: Path) -> dict[str, Any]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            with path.open("rb") as f:
                data = tomllib.load(f)
        elif suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
        else:
            raise InvalidRules(f"{path}: rules file must end in .toml or .json")
    except (OSError, tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise InvalidRules(f"{path}: cannot read rules: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidRules(f"{path}: rules file must hold a table/object at the top level")
    return data


def load_rulebook(defaults: R, path: str | os.PathLike[str] | None = None) -> R:
    """``defaults``, deep-merged with the overrides in a JSON or TOML file if given."""
    if path is None:
        return defaults
    path = Path(path)
    merged = _deep_merge(defaults.model_dump(), _read_override(path))
    try:
        return type(defaults).model_validate(merged)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in err['loc']) or '<root>'}: {err['msg']}"
            for err in exc.errors()
        )
        raise InvalidRules(f"{path}: invalid rules: {problems}") from exc

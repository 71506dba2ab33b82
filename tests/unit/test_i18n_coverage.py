"""Every message a user can see is Chinese first: each literal raise site of a domain error (and
each message of a pydantic validator) yields a real Chinese translation, not the generic lead."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from kernel import i18n
from kernel.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from kernel.i18n_data import STATUS_LEADS

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kernel", "supervision", "credit", "opencheck", "dashboard")
STATUS = {"DomainError": DomainError.status_code, "InvalidInput": InvalidInput.status_code,
          "NotFound": NotFound.status_code, "Conflict": Conflict.status_code,
          "Forbidden": Forbidden.status_code, "TooManyAttempts": 429, "LogTampered": 409,
          "RebuildNotSwitched": 409, "CheckpointInvalid": 400,
          "InvalidUSCC": 422, "UnknownResultCode": 422,   # re-raised as InvalidInput
          "ValueError": 422}   # counted only inside a pydantic validator: 422 at the API
# Messages that never reach a user (file:first words -> why). Keep this short.
EXEMPT: dict[str, str] = {}
SAMPLE = "7"   # what an f-string's slot is filled with
# English left in the Chinese half: two words in a row (`commands` and codes are allowed)
LEFTOVER = re.compile(r"\b[a-z]{3,} [a-z]{3,}\b")


def _sample(node: ast.expr) -> str | None:
    """The message a literal or f-string gives, its slots filled; None when not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else SAMPLE for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _sample(node.left), _sample(node.right)
        return None if left is None or right is None else left + right
    return None


def _in_validators(tree: ast.Module) -> set[ast.AST]:
    inside: set[ast.AST] = set()
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                "validator" in ast.unparse(d) for d in fn.decorator_list):
            inside.update(ast.walk(fn))
    return inside


def _indirect(tree: ast.Module) -> list[tuple[int, str, ast.expr]]:
    """Messages raised through a value: a `conflict=` of a save (409 on a concurrent write) and
    the string a `why_*` function returns (the reason a use case raises as a Conflict)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found += [(node.lineno, "Conflict", k.value) for k in node.keywords
                      if k.arg == "conflict"]
        if isinstance(node, ast.FunctionDef) and node.name.startswith("why_"):
            found += [(r.lineno, "Conflict", r.value) for r in ast.walk(node)
                      if isinstance(r, ast.Return) and r.value is not None
                      and _sample(r.value)]   # the "" of "no reason" is no message
    return found


def raise_sites() -> list[tuple[str, str, str]]:
    """(file:line, error class, message sample) of every literal raise site."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            validators = _in_validators(tree)
            for line, name, value in _indirect(tree):
                message = _sample(value)
                if message is not None:
                    found.append((f"{path.relative_to(ROOT)}:{line}", name, message))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                        and node.exc.args):
                    continue
                func = node.exc.func
                name = getattr(func, "id", None) or getattr(func, "attr", None)
                if name not in STATUS or (name == "ValueError" and node not in validators):
                    continue
                message = _sample(node.exc.args[0])
                if message is not None:
                    found.append((f"{path.relative_to(ROOT)}:{node.lineno}", name, message))
    return found


def test_the_scan_finds_the_raise_sites():
    sites = raise_sites()
    assert len(sites) > 300
    assert {name for _, name, _ in sites} >= {"InvalidInput", "NotFound", "Conflict",
                                              "Forbidden", "ValueError"}


def test_every_raise_site_has_a_real_chinese_translation():
    untranslated = []
    for where, name, message in raise_sites():
        if any(where.startswith(k.split(":")[0]) and message.startswith(k.split(":", 1)[1])
               for k in EXEMPT):
            continue
        said = i18n.translated(message, None, STATUS[name])
        zh = re.sub(r"`[^`]*`", "", said.zh)
        if (said.zh in STATUS_LEADS.values() or not i18n.CJK.search(said.zh)
                or LEFTOVER.search(zh) or not said.en):
            untranslated.append(f"{where} {name}: {message!r} -> {said.zh!r}")
    assert not untranslated, "\n".join(untranslated)


def test_a_template_names_the_thing_and_leaves_internal_ids_out():
    said = i18n.translated("no published plan 0a1b2c3d4e5f60718293a4b5c6d7e8f9", None, 404)
    assert said.zh == "没有该已发布的抽查计划" and "0a1b2c3d" not in said.render()
    said = i18n.translated("unknown department tax; known: customs, market", "department")
    assert said.zh == "未配置的部门 tax；可选：customs, market"
    said = i18n.translated("task is in_progress: too late to withdraw", None, 409)
    assert said.zh == "任务状态为检查中，已不能申请回避"

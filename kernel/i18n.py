"""Messages users see, Chinese first: one translation mechanism for the API's errors and the
dashboard's forms.

A message is given as the domain raised it (English, or already "中文 English"); `translated`
returns its Chinese and English halves. English messages are matched against the data tables
in `kernel.i18n_data` (templates with named slots); a message no entry matches keeps its English
and gets a Chinese lead naming the kind of error and the field. `render` joins the halves for
the language the caller asked for (`Accept-Language`; Chinese with English alongside by default).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from kernel.i18n_data import FIELDS, MESSAGES, PYDANTIC, STATUS_LEADS, VALUES
from kernel.labels import ROLES, region_label

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_LATIN = re.compile(r"[A-Za-z]")
_SLOT = re.compile(r"\{(\w+)\}")
_ID = re.compile(r"^(?:[0-9a-f]{32}|[0-9a-f-]{36}|\d+|\[[\d, ]*\])$")


@dataclass(frozen=True)
class Message:
    zh: str
    en: str

    def render(self, lang: str = "zh") -> str:
        """English alone when asked for; else Chinese with English alongside."""
        if lang == "en":
            return self.en or self.zh
        return f"{self.zh} {self.en}" if self.en and self.en != self.zh else self.zh


def language(accept_language: str | None) -> str:
    """"en" when the caller prefers English to Chinese (RFC 9110 q-values); else "zh"."""
    best, best_q = "zh", -1.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in ("zh", "en") and q > best_q:
            best, best_q = primary, q
    return best


def field_label(field: str | None) -> str:
    """"名称 name": the field's Chinese name with its API name alongside."""
    if not field:
        return ""
    zh = FIELDS.get(field)
    return f"{zh} {field}" if zh else field


def _chinese_first(text: str) -> bool:
    """Written "中文 English" (a date or a number may lead): Chinese before any Latin letter."""
    cjk, latin = CJK.search(text), _LATIN.search(text)
    return cjk is not None and (latin is None or cjk.start() < latin.start())


def _split(text: str) -> Message:
    """A message already written as "中文 English": its halves."""
    last = max(m.end() for m in CJK.finditer(text))
    tail = text[last:].strip(" /:;,，。；")
    if tail.startswith("(") and tail.endswith(")"):
        tail = tail[1:-1]
    if not tail:
        return Message(text, "")
    return Message(text[:last].strip(), tail)


@cache
def _compiled() -> list[tuple[re.Pattern[str], str, str | None]]:
    out = []
    for entry in MESSAGES:
        english, zh, en = (*entry, None) if len(entry) == 2 else entry
        parts = _SLOT.split(english)
        pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)"
                          for i, p in enumerate(parts))
        out.append((re.compile(f"^{pattern}$", re.S), zh, en))
    return out


def _value(name: str, value: str, names: Mapping[str, str]) -> str:
    if name == "region":
        return "全国" if value == "(nationwide)" else region_label(value)
    if name == "field":
        return FIELDS.get(value, value)
    if name == "why":   # a reason inside the message (a staffing shortfall): its Chinese
        inner = _matched(value, names)
        return inner.zh if inner else value
    if name == "role":
        return "或".join(ROLES.get(r, r).split(" ")[0] for r in value.split(" or "))
    bare = value.strip("'\"")
    if bare in names:   # a configured code (a department): its Chinese name
        return names[bare].split(" ")[0]
    return VALUES.get(value, value)


def _matched(text: str, names: Mapping[str, str]) -> Message | None:
    for pattern, zh, en in _compiled():
        m = pattern.match(text)
        if m is None:
            continue
        slots = {k: _value(k, v, names) for k, v in m.groupdict().items()}
        if "key" in slots and _ID.match(m.group("key")):   # an internal id is no use to a user
            slots["key"] = ""
        english = en.format(**slots) if en else text
        return Message(zh.format(**slots).replace("  ", " ").strip(), english.strip())
    return None


def translated(message: str, field: str | None = None, status: int = 422,
               names: Mapping[str, str] | None = None) -> Message:
    """The message in Chinese and English, the field named in both; `names` gives configured
    codes (departments) their Chinese names."""
    text = str(message).strip()
    chinese_first = _chinese_first(text)
    found = None if chinese_first else _matched(text, names or {})
    if found is None:
        # Chinese first: its halves; English (a Chinese term inside, perhaps): a Chinese lead
        found = _split(text) if chinese_first else \
            Message(STATUS_LEADS.get(status, STATUS_LEADS[400]), text)
    if field and FIELDS.get(field) and FIELDS[field] not in found.zh:
        found = Message(f"{FIELDS[field]}：{found.zh}", found.en)
    if field and field not in found.en:
        found = Message(found.zh, f"{field}: {found.en}")
    return found


def validation_error(error: dict[str, Any], names: Mapping[str, str] | None = None) -> Message:
    """One pydantic error (type, loc, msg, ctx) in Chinese and English, the field named."""
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
    field = loc[-1] if loc else None
    if field is not None and field.isdigit() and len(loc) > 1:   # a list item: name the list
        field = loc[-2]
    ctx = {k: v for k, v in (error.get("ctx") or {}).items()}
    template = PYDANTIC.get(error.get("type", ""))
    msg = str(error.get("msg", ""))
    if template is None:
        inner = translated(msg.removeprefix("Value error, "), None, 422, names)
        zh = inner.zh
    else:
        try:
            zh = template.format(**ctx)
        except (KeyError, IndexError):
            zh = template.split("{")[0].strip() or STATUS_LEADS[422]
    where = ".".join(loc)
    if field:
        zh = f"{FIELDS.get(field, field)}：{zh}"
    return Message(zh, f"{where}: {msg}" if where else msg)

"""What the directory pages' forms do: check the form with the API's own schema, then call the
use case the API route calls (supervision.directory.routes / list_routes). No logic of their own."""

from __future__ import annotations

import base64
import binascii
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kernel.clock import today_in_china
from kernel.errors import DomainError, InvalidInput
from kernel.import_files import FIELD_ZH, reason
from kernel.platform import Platform
from kernel.uscc import checked_uscc
from supervision.directory.check_items import KnownCodes
from supervision.directory.schemas import (
    CheckItemChange,
    CheckItemCreate,
    EntityCreate,
    EntityDetailsChange,
    InspectorCreate,
    InspectorStatusChange,
)

LIST_FIELDS = ("qualifications", "object_scope_types", "object_scope_industries")
UPLOAD_SUFFIXES = (".csv", ".xlsx")


def message_of(error: Exception) -> str:
    """One line for the user: the field in Chinese and English, and what is wrong."""
    if isinstance(error, ValidationError):
        parts = []
        for e in error.errors():
            field = str(e["loc"][0]) if e["loc"] else ""
            parts.append(reason(field, e["msg"]) if field in FIELD_ZH else
                         f"{field}: {e['msg']}")
        return "; ".join(parts)
    if isinstance(error, DomainError):
        return reason(error.field or "", error.message) if error.field else error.message
    return str(error)


def _form(values: dict[str, Any], optional: bool = False) -> dict[str, Any]:
    """Form inputs as the API's JSON body: lists split on ';', blanks left out when optional."""
    body: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "") and optional:
            continue
        if name in LIST_FIELDS and isinstance(value, str):
            value = [v.strip() for v in value.replace("；", ";").split(";") if v.strip()]
        body[name] = "" if value is None else value
    return body


def add_entity(p: Platform, values: dict[str, Any]) -> str:
    data = EntityCreate.model_validate(_form(values)).to_data().validated(today_in_china())
    p.supervision.register_entity(data, today_in_china())
    return data.uscc


def change_entity(p: Platform, uscc: str, values: dict[str, Any]) -> str:
    body = EntityDetailsChange.model_validate(_form(values, optional=True))
    if body.effective_on and body.effective_on > today_in_china():
        raise InvalidInput("effective_on must not be in the future", field="effective_on")
    code = checked_uscc(uscc or "")
    p.supervision.change_entity_details(code, body.changes(), today_in_china())
    return code


def add_inspector(p: Platform, values: dict[str, Any]) -> str:
    body = InspectorCreate.model_validate(_form(values))
    p.supervision.register_inspector(body.to_data(), today_in_china(),
                                     KnownCodes.from_rules(p.rules))
    return body.credential_no


def change_inspector(p: Platform, credential_no: str, values: dict[str, Any]) -> str:
    body = InspectorStatusChange.model_validate(_form(values, optional=True))
    p.supervision.change_inspector_status((credential_no or "").strip(), body.status,
                                          body.effective_on, body.reason, today_in_china())
    return credential_no


def add_check_item(p: Platform, values: dict[str, Any]) -> str:
    known = KnownCodes.from_rules(p.rules)
    data = CheckItemCreate.model_validate(_form(values)).to_data().validated(known)
    p.supervision.add_check_item(data, known)
    return data.code


def change_check_item(p: Platform, code: str, values: dict[str, Any]) -> str:
    body = CheckItemChange.model_validate(_form(values, optional=True))
    code = (code or "").strip().upper()
    p.supervision.change_check_item(code, KnownCodes.from_rules(p.rules), body.changes())
    return code


def import_upload(p: Platform, importer: Callable[..., Any], contents: str,
                  filename: str) -> Any:
    """An uploaded file (a data: URL) through the same importer as `opencheck import`."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InvalidInput("只接受 .csv 或 .xlsx 文件 only .csv and .xlsx files are accepted",
                           field="file")
    try:
        data = base64.b64decode((contents or "").split(",", 1)[-1], validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("文件无法读取 the upload could not be read", field="file") from None
    with tempfile.TemporaryDirectory(prefix="oc-upload-") as d:
        path = Path(d) / f"upload{suffix}"
        path.write_bytes(data)
        report = importer(p, path)
    p.settle_all(timeout=60)
    return report

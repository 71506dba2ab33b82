"""公共信用信息报告 The public credit report of one entity: what was public on a day, issued under
a number, with a verification code (the SHA-256 of the report's canonical content).

The content (the public credit record, credit.record.public) is the same for everyone on a day,
so one entity's report of one day and one content is one aggregate: a second download that day
finds it and is served the same number, as-of time and code (and the event log is not a
counter anyone can grow by clicking). The issuance event keeps the number, the entity, the
as-of time and the digest, never the content: the register (`credit_reports`) is its
projection, and the verification page answers from it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from credit.common import credit_id

REPORT_VERSION = "opencheck-credit-report/1"


def _default(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def canonical(value: Any) -> bytes:
    """The canonical JSON bytes a digest is taken of (sorted keys, no spaces, UTF-8)."""
    return json.dumps(value, default=_default, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()


def content_digest(record: dict[str, Any]) -> str:
    """SHA-256 of the public record's content (the as-of time and number left out)."""
    return hashlib.sha256(canonical(record)).hexdigest()


def report_digest(report_no: str, uscc: str, as_of: datetime, record: dict[str, Any]) -> str:
    """校验码 The verification code: SHA-256 of the whole report (version, number, entity,
    as-of time and content), as anyone can recompute it from the report's data."""
    return hashlib.sha256(canonical({"version": REPORT_VERSION, "report_no": report_no,
                                     "uscc": uscc, "as_of": as_of, "record": record})
                          ).hexdigest()


def report_number(uscc: str, day: date, content: str) -> str:
    """报告编号 XYBG + the day + 12 characters of the content digest's key (unique per entity,
    day and content)."""
    key = hashlib.sha256(f"{uscc}:{day.isoformat()}:{content}".encode()).hexdigest()
    return f"XYBG{day:%Y%m%d}{key[:12].upper()}"


def report_id(report_no: str) -> UUID:
    return credit_id("credit-report", report_no)


class CreditReport(Aggregate):
    """One issued report (its number, entity, as-of time and verification code)."""

    @event("Issued")
    def __init__(self, id: UUID, report_no: str, uscc: str, as_of: datetime,  # noqa: A002
                 digest: str, version: str) -> None:
        self.report_no, self.uscc, self.as_of = report_no, uscc, as_of
        self.digest, self.version = digest, version

    @classmethod
    def issue(cls, report_no: str, uscc: str, as_of: datetime, digest: str) -> CreditReport:
        return cls(id=report_id(report_no), report_no=report_no, uscc=uscc, as_of=as_of,
                   digest=digest, version=REPORT_VERSION)

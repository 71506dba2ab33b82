"""Read side of the report register: is a report number with this code genuine?"""

from __future__ import annotations

import hmac
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from credit.reports.tables import credit_reports
from kernel.eventlog import proved
from supervision.directory.views import entities


def verify_report(conn: sa.Connection, report_no: str, code: str) -> dict[str, Any]:
    """报告核验 {genuine, report_no, and when the number is known: the entity, the as-of time
    and whether the code matches}. The entity is named only to a caller holding the right code:
    a number alone discloses nothing."""
    r = credit_reports.c
    row = conn.execute(sa.select(r.report_no, r.uscc, r.as_of, r.digest, r.version,
                                 r.updated_position, entities.c.name)
                       .join(entities, entities.c.uscc == r.uscc, isouter=True)
                       .where(r.report_no == report_no)).first()
    if row is None:
        return {"genuine": False, "report_no": report_no, "known_number": False,
                "reason": "无此报告编号 no report was issued under this number"}
    if not hmac.compare_digest(row.digest, code.strip().lower()):
        return {"genuine": False, "report_no": report_no, "known_number": True,
                "reason": "校验码不符 the verification code does not match this report: "
                          "the document was altered or mistyped"}
    return proved({"genuine": True, "report_no": report_no, "known_number": True,
                   "reason": "报告真实 genuine: issued by this platform with this content",
                   "uscc": row.uscc, "entity_name": row.name, "as_of": _utc(row.as_of),
                   "version": row.version, "updated_position": row.updated_position}, "credit")


def _utc(at: datetime) -> datetime:
    """SQLite keeps no zone: the register stores UTC."""
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)

"""审计 Which reads are audited (the one place that says so), the admin's CSV export of the
trail, and the retention job.

Not audited: the public routes (一公开, no login), the health and probe routes, and the
inspector's own tasks. Audited: what the credit context keeps internal (the credit file, the
A–D class), an objection (its objector's contact), the draw's full inputs (the archive, the
auditor's recomputation), and exports.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query
from fastapi.responses import StreamingResponse

from kernel import audit
from kernel.clock import CHINA
from kernel.errors import InvalidInput
from kernel.http.api import PlatformDep, errors
from kernel.http.audit import Audited, AuditedReads
from kernel.http.auth import Admin

API = "/api/v1"
AUDITED: dict[str, Audited] = {
    f"{API}/entities/{{uscc}}/credit": Audited("credit_file", "uscc"),
    f"{API}/entities/{{uscc}}/credit/timeline": Audited("credit_file", "uscc"),
    f"{API}/entities/{{uscc}}/risk-class": Audited("risk_class", "uscc"),
    f"{API}/plans/{{plan_id}}/commitments/{{commitment_no}}/archive":
        Audited("draw_archive", "plan_id"),
    f"{API}/plans/{{plan_id}}/draw/verification": Audited("draw_verification", "plan_id"),
    f"{API}/audit/export": Audited("audit_export"),
    # 异议: the objector's contact is personal data (revealed to the responsible department)
    f"{API}/objections/{{objection_id}}": Audited("objection", "objection_id"),
    # 联合惩戒 batch lookup: the subject is the query string (the codes asked for)
    f"{API}/credit/batch-lookup": Audited("batch_lookup"),
}
# 主体档案 the dashboard's entity file is recorded by its page (dashboard.pages.entity)
DASHBOARD_ENTITY_FILE = "entity_file"

router = APIRouter(tags=["audit"], responses=errors(401, 403))
Day = Annotated[date | None, Query(ge=date(2000, 1, 1), le=date(2100, 12, 31))]


def period(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """China calendar days, both included, as UTC-comparable moments [since, until + 1 day)."""
    if since and until and until < since:
        raise InvalidInput("截止日期早于起始日期 until is before since", field="until")
    start = datetime.combine(since, time(0), CHINA) if since else None
    end = datetime.combine(until + timedelta(days=1), time(0), CHINA) if until else None
    return start, end


def export_lines(engine, since: date | None, until: date | None) -> Iterator[str]:  # noqa: ANN001
    """The trail between two days as CSV text (with a BOM, for Chinese Excel)."""
    start, end = period(since, until)
    yield "\ufeff"
    with engine.connect() as conn:
        yield from audit.csv_lines(audit.rows(conn, start, end))


@router.get("/audit/export", response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}}}})
def export_audit(p: PlatformDep, _: Admin, since: Day = None,
                 until: Day = None) -> StreamingResponse:
    """审计日志导出 The audit trail of non-public reads between two days (China time, both
    included) as CSV. Admins only; this export is itself recorded."""
    period(since, until)   # a 422 before the answer starts
    name = f"audit-{since or 'start'}-{until or 'now'}.csv"
    return StreamingResponse(export_lines(p.engine, since, until),
                             media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


def prune_audit(platform, today: date) -> str:  # noqa: ANN001
    """The retention job: records older than the configured retention are deleted."""
    at = datetime.combine(today, time(0), CHINA)
    deleted = audit.prune(platform.engine, at, platform.settings.audit_retention_days)
    return f"{deleted} audit record(s) older than {platform.settings.audit_retention_days} days"


def install(app: FastAPI) -> None:
    app.include_router(router, prefix=API)
    app.add_middleware(AuditedReads, routes=AUDITED)

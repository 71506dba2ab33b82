"""联合惩戒 Batch lookup: other departments check up to N codes at once against the public credit
record (signed-in users; each answer audited, opencheck.audited)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from credit.record.public import RECORD, public_record_of, record_params
from credit.record.public_routes import CreditRecordPublic
from kernel.clock import today_in_china
from kernel.errors import InvalidInput
from kernel.http.api import PlatformDep, ReadConn, errors
from kernel.http.auth import CurrentUser
from kernel.uscc import InvalidUSCC, validate_uscc

router = APIRouter(tags=["credit"], responses=errors(401))


class LookupSummary(BaseModel):
    """What a joint-punishment check looks at first."""

    serious: bool
    abnormal: bool
    red: bool
    penalties_in_publicity: int
    false_commitments: int
    licences_valid: int = 0          # 行政许可 published and in force today
    commitments: int = 0             # 信用承诺 on the public record (kept, awaiting or false)
    objections_under_review: int = 0   # 异议处理中: records of this entity under objection


class LookupResult(BaseModel):
    code: str
    status: Literal["found", "not_found", "invalid"]
    reason: str | None = None
    uscc: str | None = None
    summary: LookupSummary | None = None
    record: CreditRecordPublic | None = None


class BatchLookupPublic(BaseModel):
    as_of: str
    limit: int
    results: list[LookupResult]


def split_codes(codes: list[str]) -> list[str]:
    """Codes as given: repeated parameters and/or comma-separated, blanks dropped."""
    return [c.strip() for value in codes for c in value.split(",") if c.strip()]


@router.get("/credit/batch-lookup", response_model=BatchLookupPublic)
def batch_lookup(p: PlatformDep, conn: ReadConn, _: CurrentUser,
                 codes: Annotated[list[str], Query(
                     description="统一社会信用代码, repeated or comma-separated")]) -> dict:
    """批量查询 The public credit record of each code (found, not found or invalid), in order."""
    wanted, limit = split_codes(codes), p.rules.joint_punishment.batch_lookup_max_codes
    if not wanted:
        raise InvalidInput("请提供至少一个代码 give at least one code", field="codes")
    if len(wanted) > limit:
        raise InvalidInput(f"一次最多查询{limit}个代码，本次{len(wanted)}个 at most {limit} codes "
                           f"per request, {len(wanted)} given (rules: joint_punishment."
                           f"batch_lookup_max_codes)", field="codes")
    today, seen, results = today_in_china(), {}, []
    for code in wanted:
        try:
            uscc = validate_uscc(code)
        except InvalidUSCC as e:
            results.append({"code": code, "status": "invalid", "reason": e.reason})
            continue
        if uscc not in seen:
            seen[uscc] = public_record_of(RECORD.run(conn, record_params(uscc, today, p.rules)),
                                         today)[0]
        record = seen[uscc]
        if record is None:
            results.append({"code": code, "status": "not_found", "uscc": uscc,
                            "reason": "未找到该市场主体 no market entity with this code"})
            continue
        on = {entry["list"] for entry in record["lists"]}
        results.append({"code": code, "status": "found", "uscc": uscc, "record": record,
                        "summary": {"serious": "serious" in on, "abnormal": "abnormal" in on,
                                    "red": "red" in on,
                                    "penalties_in_publicity": len(record["penalties"]),
                                    "false_commitments": len(record["false_commitments"]),
                                    "licences_valid": sum(1 for x in record["licences"]
                                                          if x["valid"]),
                                    "commitments": len(record["commitments"]),
                                    "objections_under_review":
                                        record["objections_under_review"]}})
    return {"as_of": today.isoformat(), "limit": limit, "results": results}

"""异议 rule numbers and codes (a section of ``credit.rules.Rules``): which public records an
objection may concern, how long the responsible department has to handle it, the outcomes."""

from __future__ import annotations

from pydantic import Field

from kernel.rulebook import RuleSection, Workdays

# What an objection may concern: a record on the public credit record, named by a key the
# public output shows (credit.objections.views.public_record_ref).
RECORD_KINDS = {
    "penalty": "行政处罚 penalty (key: 决定书文号 decision number)",
    "licence": "行政许可 licensing decision (key: 决定文书号 decision number)",
    "list": "名单 list entry (key: abnormal, serious or red)",
    "commitment": "信用承诺 commitment (key: its id)",
    "inspection": "抽查结果 published inspection result (key: plan id:department)",
}
OUTCOMES = {
    "corrected": "信息已更正 record corrected",
    "withdrawn": "异议已撤回 objection withdrawn by the objector",
    "upheld": "维持原记录 record upheld (objection not founded)",
}
STATUSES = {"open": "异议处理中 Objection under review", **OUTCOMES}


class ObjectionRules(RuleSection):
    """异议处理 Objections to public credit records."""

    handling_workdays: Workdays = Field(
        10,
        description="The responsible department handles an objection within N working days of "
        "filing (assumed default: 企业信息公示暂行条例 (2024) Art 13 and provincial credit "
        "regulations, e.g. 上海市社会信用条例 Art 38 (5 working days to verify), set 5–15; "
        "configure the province's number).",
    )
    max_open_per_record: int = Field(
        20, ge=1, le=1000,
        description="Open objections one record may hold at once; more are refused with 409 "
        "(assumed: a guard against flooding a public route, not a legal limit).",
    )

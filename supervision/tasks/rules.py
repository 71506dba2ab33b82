"""Rules an inspection task's commands check (pure, no clock): text, dates, signatures."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from kernel.errors import InvalidInput
from kernel.rulebook import UnknownResultCode
from supervision.rules import FollowUp, ResultCategory

MIN_SIGNATURES = 2            # 行政处罚法 Art 42: enforcement needs at least two officers
FOLLOW_UP_ORDERS = (FollowUp.ORDER_PUBLICISE.value, FollowUp.ORDER_CORRECT.value)
OUTCOMES = ("satisfied", "overdue")
MAX_TEXT = 4000


def text(value: str, field: str, required: bool = True) -> str:
    stripped = value.strip()
    if required and not stripped:
        raise InvalidInput(f"{field} must not be empty", field=field)
    if len(stripped) > MAX_TEXT:
        raise InvalidInput(f"{field} must have at most {MAX_TEXT} characters", field=field)
    return stripped


def one_of(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise InvalidInput(f"{field} must be one of {', '.join(allowed)}", field=field)
    return value


def inspection_day(inspected_on: date, assigned_on: date, today: date) -> date:
    """The inspection ended between the assignment and today."""
    if inspected_on > today:
        raise InvalidInput("inspected_on must not be in the future", field="inspected_on")
    if inspected_on < assigned_on:
        raise InvalidInput(f"inspected_on must not be before the task was assigned "
                           f"({assigned_on.isoformat()})", field="inspected_on")
    return inspected_on


def signers(signatures: list[int], team: list[int], recorder: int,
            names: Mapping[int, str] | None = None) -> list[int]:
    """≥ 2 distinct officers, all on the team, the recorder among them (行政处罚法 Art 42);
    `names` names the officers not on the team."""
    distinct = list(dict.fromkeys(signatures))
    if len(distinct) < MIN_SIGNATURES:
        raise InvalidInput(f"a result needs the signatures of at least {MIN_SIGNATURES} "
                           "inspectors on the team (行政处罚法 Art 42)", field="signatures")
    strangers = [s for s in distinct if s not in team]
    if strangers:
        who = "、".join((names or {}).get(s, f"No. {s}") for s in strangers)
        raise InvalidInput(f"inspector(s) {who} are not on this task's team",
                           field="signatures")
    if recorder not in distinct:
        raise InvalidInput("the recording inspector must sign the result", field="signatures")
    return distinct


def item_results(items: list[dict], task_items: list[str],
                 catalogue: Callable[[str], ResultCategory]) -> list[dict]:
    """逐项检查结果 One outcome per check item of the task (result codes of the catalogue,
    DOMAIN §4), each item at most once; findings required where a problem was found."""
    seen: set[str] = set()
    out = []
    for i, item in enumerate(items):
        code, where = str(item.get("check_item", "")), f"items[{i}]"
        if code not in task_items:
            raise InvalidInput(f"检查事项不属于本任务 check item {code!r} is not one of this "
                               f"task's items ({', '.join(task_items)})", field=where)
        if code in seen:
            raise InvalidInput(f"检查事项重复 check item {code!r} is given twice", field=where)
        seen.add(code)
        try:
            category = catalogue(str(item.get("result_code", "")))
        except UnknownResultCode as e:
            raise InvalidInput(str(e.args[0]), field=f"{where}.result_code") from None
        out.append({"check_item": code, "result_code": category.code,
                    "result_name_zh": category.name_zh, "result_name_en": category.name_en,
                    "problem_found": category.problem_found,
                    "findings": text(str(item.get("findings") or ""), f"{where}.findings",
                                     required=category.problem_found)})
    return out


def overall_code(items: list[dict]) -> str:
    """The department's result when only items were given: the first item that found a
    problem, else the first item (a part's category must answer for every item it covers)."""
    if not items:
        raise InvalidInput("给出结果类别或逐项结果 give result_code or the items' results",
                           field="result_code")
    return next((i for i in items if i["problem_found"]), items[0])["result_code"]


def attachment_refs(attachments: list[dict], max_per_result: int) -> list[dict]:
    """Files already stored (supervision.tasks.attachments): distinct hashes, within the limit."""
    if len(attachments) > max_per_result:
        raise InvalidInput(f"附件过多 at most {max_per_result} attachments per result",
                           field="attachments")
    hashes = [a["sha256"] for a in attachments]
    if len(set(hashes)) != len(hashes):
        raise InvalidInput("附件重复 the same file is attached twice", field="attachments")
    return [{"sha256": a["sha256"], "media_type": a["media_type"], "size": int(a["size"]),
             "filename": a["filename"]} for a in attachments]

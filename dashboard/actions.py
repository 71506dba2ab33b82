"""What the dashboard's forms do: check the form as the API's schema does, then make one call
into the context's application (the same use case the API route calls).

No use-case logic lives here. Read-your-writes comes from `dashboard.session.guarded`: every
callback runs in a command scope (kernel.http.read_your_writes), so a save waits for the read
models before the page reads them. Domain errors propagate as ``DomainError`` and input errors
as ``ValidationError``, which ``message_of`` turns into one readable line.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from credit.lists.schemas import CommendationCreate, CommendationRevocationCreate
from credit.repair.schemas import RepairDecisionCreate
from kernel import i18n
from kernel.clock import china_date, today_in_china
from kernel.errors import DomainError, Forbidden
from kernel.http.auth import User
from kernel.platform import Platform
from kernel.text import checked_text
from supervision.plans.schemas import PlanCreate, RandomnessIn


def message_of(error: Exception, names: dict[str, str] | None = None) -> str:
    """One line for the user, Chinese with English alongside: which field and what is wrong
    (the API's own translation, kernel.i18n; `names`: departments by their Chinese names)."""
    if isinstance(error, ValidationError):
        return "；".join(i18n.validation_error(e, names).render() for e in error.errors())
    if isinstance(error, DomainError):
        return i18n.translated(error.message, error.field, error.status_code, names).render()
    return str(error)


# -- plans ------------------------------------------------------------------------------------------
def draft_plan(p: Platform, user: User, form: dict[str, Any]) -> str:
    """Validate the form as the API's PlanCreate does, draft the plan; its id (hex)."""
    body = PlanCreate.model_validate(form)
    return p.supervision.draft_plan(body.to_terms(p.rules.draw), china_date(p.clock()),
                                    user.username, set(p.rules.directory.department_codes)).hex


def publish_plan(p: Platform, user: User, plan_id: str) -> dict[str, Any]:
    """Publish: freeze the pool and commit to a future random value; the commitment."""
    return p.supervision.publish_plan(UUID(plan_id), p.clock(), user.username)


def commitment_of(p: Platform, plan_id: str) -> dict[str, Any]:
    """The commitment the plan's next draw must use."""
    return p.supervision.get_plan(UUID(plan_id)).commitment


def enter_value(p: Platform, user: User, plan_id: str, value: str | None) -> None:
    p.supervision.enter_random_value(UUID(plan_id), checked_text(value or "", "value"),
                                     p.clock(), user.username)


def confirm_value(p: Platform, user: User, plan_id: str, value: str | None) -> None:
    p.supervision.confirm_random_value(UUID(plan_id), checked_text(value or "", "value"),
                                       p.clock(), user.username)


def draw_plan(p: Platform, user: User, plan_id: str, signature: str | None,
              accept_shortfall: bool = False) -> dict[str, Any]:
    """双随机 Draw with the committed value: a drand plan's round signature, or a lottery
    plan's confirmed result; the draw record."""
    committed = commitment_of(p, plan_id)
    proof = {}
    if committed["source"] == "drand":
        proof = {"round_no": committed["round"],
                 "signature": checked_text((signature or "").strip().lower(), "signature")}
    return p.supervision.draw(UUID(plan_id), p.clock(), user.username,
                              accept_shortfall=accept_shortfall, **proof)


def redraw_plan(p: Platform, user: User, plan_id: str, reason: str | None, issue: str | None,
                draw_date: str | None) -> dict[str, Any]:
    """Supersede the draw for a reason; a lottery plan names its new issue and date."""
    source, committed = None, commitment_of(p, plan_id)
    if committed["source"] == "lottery":
        body = RandomnessIn.model_validate({
            "source": "lottery", "lottery": committed["lottery"],
            "issue": checked_text(issue or "", "issue"), "draw_date": draw_date or None})
        source = body.to_source()
    return p.supervision.redraw(UUID(plan_id), checked_text(reason or "", "reason"), p.clock(),
                                user.username, source)


def verify_draw(p: Platform, plan_id: str) -> dict[str, Any]:
    """The auditor's full recomputation of the latest draw."""
    return p.supervision.verify_draw(UUID(plan_id))


# -- the inspector's task ---------------------------------------------------------------------------
def _inspector_no(user: User) -> int:
    if user.inspector_no is None:
        raise Forbidden("this account is not linked to an inspector record", field="inspector_no")
    return user.inspector_no


def acknowledge_task(p: Platform, user: User, task_id: str) -> None:
    """签收 Acknowledge the assignment."""
    p.supervision.acknowledge_task(UUID(task_id), _inspector_no(user), today_in_china())


def start_task(p: Platform, user: User, task_id: str) -> None:
    """开始检查 Start the inspection (every team member has acknowledged)."""
    p.supervision.start_task(UUID(task_id), _inspector_no(user), today_in_china())


def record_result(p: Platform, user: User, task_id: str, code: str, findings: str,
                  inspected_on: date, co_signers: list[int], items: list[dict] | None = None,
                  attachments: list[dict] | None = None) -> None:
    """谁检查、谁录入 Record the department's result (per check item, with attachments already
    stored by hash), signed by the recorder and co-signers."""
    me = _inspector_no(user)
    code, findings = checked_text(code or "", "result_code"), checked_text(findings or "",
                                                                           "findings")
    items = [{k: checked_text(str(v), f"items.{k}") for k, v in i.items()} for i in items or []]
    p.supervision.record_result(UUID(task_id), me, code, findings, inspected_on,
                                [me, *co_signers], today_in_china(), p.rules, items,
                                attachments or [])


def recuse(p: Platform, user: User, task_id: str, reason: str) -> bool:
    """回避 Withdraw from the task; True if a replacement was drawn."""
    return p.supervision.recuse(UUID(task_id), _inspector_no(user),
                                checked_text(reason or "", "reason"), today_in_china())


def staff_task(p: Platform, user: User, task_id: str) -> None:
    """补充抽取 Draw again for the oldest place a recusal left empty (409 with the reason)."""
    p.supervision.refill(UUID(task_id), today_in_china())


# -- commendations ----------------------------------------------------------------------------------
def grant_commendation(p: Platform, user: User, form: dict[str, Any]) -> None:
    """诚信典型 Record a commendation, validated as the API's CommendationCreate."""
    body = CommendationCreate.model_validate(form)
    p.credit.grant_commendation(body.to_data(), today_in_china(), actor=user)


def revoke_commendation(p: Platform, user: User, document_no: str | None,
                        form: dict[str, Any]) -> None:
    """撤销荣誉 Revoke a commendation from a day on."""
    body = CommendationRevocationCreate.model_validate(form)
    p.credit.revoke_commendation(document_no or "", body.revoked_on, body.reason,
                                 today_in_china(), actor=user)


# -- credit repair ----------------------------------------------------------------------------------
def decide_repair(p: Platform, user: User, repair_id: str, form: dict[str, Any]) -> None:
    """Approve (the record leaves the public record) or reject a repair application."""
    body = RepairDecisionCreate.model_validate(form)
    p.credit.decide_repair(UUID(repair_id), body.approve, body.decided_on, user.username,
                           body.reason, today_in_china(), actor=user)


# -- complaints (投诉举报) ---------------------------------------------------------------------------
def record_complaint(p: Platform, user: User, form: dict[str, Any]) -> None:
    """Record a complaint or report (the API's ComplaintCreate and the same authority rules)."""
    from credit.risk.schemas import ComplaintCreate

    body = ComplaintCreate.model_validate(form)
    p.credit.record_complaint(body.to_data(), today_in_china(), actor=user)

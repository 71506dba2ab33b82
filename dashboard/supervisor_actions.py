"""What the supervisor pages' forms do: validate as the API's schema does, then one call into the
same use case the API route calls (see dashboard.actions). Days default to today in China."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from credit.commitments.schemas import CommitmentCreate, VerificationCreate
from credit.lists.schemas import (
    ListingDecisionCreate,
    ListingNoticeCreate,
    ListingStatementCreate,
    StatementAnswerCreate,
)
from credit.penalties.schemas import (
    PenaltyCreate,
    PenaltyDecisionCreate,
    PublicationCreate,
    RevocationCreate,
)
from kernel.clock import china_date, today_in_china
from kernel.errors import InvalidInput
from kernel.http import auth
from kernel.http.auth import User
from kernel.platform import Platform
from kernel.uscc import checked_uscc
from supervision.tasks.schemas import FollowUpCreate, FollowUpOutcomeCreate
from supervision.tasks.schemas import PublicationCreate as ResultPublication


def _acting(user: User) -> str | None:
    """The department a supervisor acts for (谁公开); admins act for any (as the API)."""
    return None if user.role == "admin" else user.department


def _chosen(value: str | None, field: str) -> str:
    if not value:
        raise InvalidInput(f"{field} must not be empty", field=field)
    return value


# -- 一公开 results and their follow-ups --------------------------------------------------------
def publish_result(p: Platform, user: User, key: str | None) -> None:
    """Publish one department's result (the queue's row is TASK:DEPARTMENT)."""
    task_id, _, department = _chosen(key, "task_id").partition(":")
    body = ResultPublication.model_validate({"department": department or None})
    p.supervision.publish_result(UUID(task_id), body.department, today_in_china(),
                                 user.username, _acting(user))


def order_follow_up(p: Platform, user: User, key: str | None, form: dict[str, Any]) -> None:
    """责令公示 / 责令改正 with a deadline in working days."""
    task_id, _, department = _chosen(key, "task_id").partition(":")
    body = FollowUpCreate.model_validate({**form, "department": department or None})
    p.supervision.order_follow_up(UUID(task_id), body.department, body.kind,
                                  body.deadline_workdays, body.note, today_in_china(),
                                  user.username, _acting(user))


def follow_up_outcome(p: Platform, user: User, key: str | None, form: dict[str, Any]) -> None:
    """The open follow-up was satisfied, or is overdue after its deadline."""
    task_id, _, department = _chosen(key, "task_id").partition(":")
    body = FollowUpOutcomeCreate.model_validate({**form, "department": department or None})
    p.supervision.record_follow_up_outcome(UUID(task_id), body.department, body.outcome,
                                           body.on, body.note, today_in_china(),
                                           user.username, _acting(user))


def close_plan(p: Platform, user: User, plan_id: str | None) -> None:
    p.supervision.close_plan(UUID(_chosen(plan_id, "plan_id")), china_date(p.clock()),
                             user.username)


# -- penalties (SAMR Order 45) -------------------------------------------------------------------
def open_penalty(p: Platform, user: User, form: dict[str, Any]) -> str:
    body = PenaltyCreate.model_validate(form)
    return p.credit.open_penalty(body.uscc, body.department, body.opened_on, today_in_china(),
                                 body.inspection_task_id, body.notes, body.case_no,
                                 actor=user).hex


def decide_penalty(p: Platform, user: User, case_id: str | None, form: dict[str, Any]) -> None:
    body = PenaltyDecisionCreate.model_validate(form)
    p.credit.decide_penalty(UUID(_chosen(case_id, "case_id")), body.to_decision(),
                            today_in_china(), actor=user)


def publish_penalty(p: Platform, user: User, case_id: str | None, form: dict[str, Any]) -> None:
    body = PublicationCreate.model_validate(form)
    p.credit.publish_penalty(UUID(_chosen(case_id, "case_id")), body.published_on,
                             today_in_china(), actor=user)


def revoke_penalty(p: Platform, user: User, case_id: str | None, form: dict[str, Any]) -> None:
    body = RevocationCreate.model_validate(form)
    p.credit.revoke_penalty(UUID(_chosen(case_id, "case_id")), body.ground, body.effective_on,
                            body.reason, today_in_china(), body.withdrawn_on, actor=user)


# -- 严重违法失信名单 the serious-list procedure (SAMR Order 44) -----------------------------------
def give_listing_notice(p: Platform, user: User, uscc: str | None, form: dict[str, Any]) -> None:
    code = checked_uscc(_chosen(uscc, "uscc"))
    body = ListingNoticeCreate.model_validate(form)
    p.credit.give_listing_notice(code, body.to_notice(), today_in_china(), actor=user)


def record_statement(p: Platform, user: User, uscc: str | None, form: dict[str, Any]) -> None:
    body = ListingStatementCreate.model_validate(form)
    p.credit.record_listing_statement(checked_uscc(_chosen(uscc, "uscc")), body.received_on,
                                      body.statement, body.hearing_requested, today_in_china(),
                                      actor=user)


def answer_statement(p: Platform, user: User, uscc: str | None, form: dict[str, Any]) -> None:
    body = StatementAnswerCreate.model_validate(form)
    p.credit.answer_listing_statement(checked_uscc(_chosen(uscc, "uscc")), body.answered_on,
                                      body.reply, body.adopted, today_in_china(), actor=user)


def decide_listing(p: Platform, user: User, uscc: str | None, form: dict[str, Any]) -> None:
    body = ListingDecisionCreate.model_validate(form)
    p.credit.decide_listing(checked_uscc(_chosen(uscc, "uscc")), body.listed, body.decision_no,
                            body.decided_on, body.reason, today_in_china(), actor=user)


# -- 告知承诺 commitments --------------------------------------------------------------------------
def accept_commitment(p: Platform, user: User, form: dict[str, Any]) -> str:
    body = CommitmentCreate.model_validate(form)
    return p.credit.accept_commitment(body.to_data(), today_in_china(), actor=user).hex


def verify_commitment(p: Platform, user: User, commitment_id: str | None,
                      form: dict[str, Any]) -> None:
    """核查 fulfilled, or 虚假承诺 false (the note is then required)."""
    body = VerificationCreate.model_validate(form)
    p.credit.verify_commitment(UUID(_chosen(commitment_id, "commitment_id")), body.outcome,
                               body.verified_on, body.method, body.note, today_in_china(),
                               actor=user)


# -- users (administrators) ----------------------------------------------------------------------
def add_user(p: Platform, form: dict[str, Any]) -> None:
    from kernel.http.login import UserCreate  # the API's schema for the same command

    body = UserCreate.model_validate(form)
    auth.add_user(p.engine, body.username, body.password, body.role,
                  display_name=body.display_name, department=body.department,
                  inspector_no=body.inspector_no,
                  min_password_length=p.settings.password_min_length)


def set_active(p: Platform, admin: User, username: str | None, active: bool) -> None:
    from kernel.http.login import set_user_active

    set_user_active(p, admin, _chosen(username, "username"), active)


def reset_password(p: Platform, username: str | None, password: str | None) -> None:
    from kernel.http.login import PasswordReset

    body = PasswordReset.model_validate({"password": password or ""})
    auth.set_password(p.engine, _chosen(username, "username"), body.password,
                      min_password_length=p.settings.password_min_length)

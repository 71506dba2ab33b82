"""Routes of sign-in and accounts: the OAuth2 password flow (throttled), a password change,
and the administrator's user management (create, deactivate, reactivate)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from kernel.errors import Forbidden, NotFound
from kernel.http import auth, throttle
from kernel.http.api import Body, ErrorPublic, PlatformDep, errors
from kernel.platform import Platform

router = APIRouter(tags=["auth"])
TOO_MANY = {429: {"model": ErrorPublic, "description": "Too many failed logins (Retry-After)"}}
INVALID = {422: {"description": "The password breaks the policy (loc names `password`)"}}


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"
    role: str


class PasswordChange(Body):
    current_password: str = Field(max_length=200)
    new_password: str = Field(max_length=200)


class UserCreate(Body):
    username: str = Field(max_length=100)
    password: str = Field(max_length=200)
    role: str = Field(max_length=20)
    display_name: str = Field("", max_length=100)
    department: str | None = Field(None, max_length=50)
    inspector_no: int | None = Field(None, ge=1, le=2**62)


class PasswordReset(Body):
    password: str = Field(max_length=200)


class UserPublic(BaseModel):
    username: str
    role: str
    active: bool


def _address(request: Request) -> str | None:
    # behind a reverse proxy, uvicorn's --proxy-headers (trusted --forwarded-allow-ips) puts the
    # client's address here; without it every client shares the proxy's address
    return request.client.host if request.client else None


def _sign_in(p: Platform, request: Request, username: str, password: str) -> auth.User:
    user = throttle.attempt_login(p.engine, p.settings, p.clock, username, password,
                                  _address(request))
    if user is None:
        raise HTTPException(401, "用户名或密码错误 wrong username or password",
                            headers={"WWW-Authenticate": "Bearer"})
    return user


@router.post("/auth/token", response_model=TokenPublic,
             responses={401: {"model": ErrorPublic}, **TOO_MANY})
def login(p: PlatformDep, request: Request,
          form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenPublic:
    """OAuth2 password flow: exchange username and password for a bearer token."""
    user = _sign_in(p, request, form.username, form.password)
    return TokenPublic(access_token=auth.issue_token(p.settings, user), role=user.role)


class MePublic(BaseModel):
    username: str
    role: str
    display_name: str
    department: str | None
    inspector_no: int | None
    single_sign_on: bool


@router.get("/auth/me", response_model=MePublic, responses=errors(401, 403))
def me(user: auth.CurrentUser) -> MePublic:
    """Who the token names, as OpenCheck sees them (local or single sign-on)."""
    return MePublic(username=user.username, role=user.role, display_name=user.display_name,
                    department=user.department, inspector_no=user.inspector_no,
                    single_sign_on=user.id < 0)


@router.post("/auth/password", response_model=TokenPublic,
             responses={**errors(401, 403), **TOO_MANY, **INVALID})
def change_password(p: PlatformDep, request: Request, user: auth.CurrentUser,
                    body: PasswordChange) -> TokenPublic:
    """Change one's own password; every token issued before stops working (a new one is returned)."""
    if user.id < 0:
        raise Forbidden("口令由身份提供方管理 the identity provider manages this password",
                        field="current_password")
    if throttle.attempt_login(p.engine, p.settings, p.clock, user.username,
                              body.current_password, _address(request)) is None:
        raise Forbidden("当前口令错误 the current password is wrong", field="current_password")
    auth.set_password(p.engine, user.username, body.new_password,
                      min_password_length=p.settings.password_min_length)
    user = auth.active_user(p.engine, user.username)
    return TokenPublic(access_token=auth.issue_token(p.settings, user), role=user.role)


@router.post("/users", response_model=UserPublic, status_code=201,
             responses={**errors(401, 403, 409), **INVALID})
def create_user(p: PlatformDep, _: auth.Admin, body: UserCreate) -> UserPublic:
    """Create a user (administrators); the password policy applies."""
    auth.add_user(p.engine, body.username, body.password, body.role,
                  display_name=body.display_name, department=body.department,
                  inspector_no=body.inspector_no,
                  min_password_length=p.settings.password_min_length)
    return UserPublic(username=body.username, role=body.role, active=True)


@router.post("/users/{username}/deactivate", response_model=UserPublic,
             responses=errors(401, 403, 404))
def deactivate_user(p: PlatformDep, admin: auth.Admin, username: str) -> UserPublic:
    """Deactivate a user: login refused and every token of theirs refused at once."""
    return set_user_active(p, admin, username, False)


@router.post("/users/{username}/reactivate", response_model=UserPublic,
             responses=errors(401, 403, 404))
def reactivate_user(p: PlatformDep, admin: auth.Admin, username: str) -> UserPublic:
    """Reactivate a user (they sign in again; old tokens stay revoked)."""
    return set_user_active(p, admin, username, True)


@router.post("/users/{username}/password", response_model=UserPublic,
             responses={**errors(401, 403, 404), **INVALID})
def reset_password(p: PlatformDep, _: auth.Admin, username: str,
                   body: PasswordReset) -> UserPublic:
    """Set a user's password (administrators): the policy applies, their tokens stop working."""
    auth.set_password(p.engine, username, body.password,     # 404 for an unknown name
                      min_password_length=p.settings.password_min_length)
    for active in (True, False):
        try:
            user = auth.active_user(p.engine, username, active=active)
        except NotFound:
            continue
        return UserPublic(username=username, role=user.role, active=active)
    raise NotFound(f"no user {username}", field="username")


def set_user_active(p: Platform, admin: auth.User, username: str, active: bool) -> UserPublic:
    """The use case behind deactivate/reactivate (the API and the dashboard)."""
    if not active and username == admin.username:
        raise Forbidden("不能停用自己 administrators cannot deactivate themselves",
                        field="username")
    auth.set_active(p.engine, username, active)
    user = auth.active_user(p.engine, username, active=active)
    return UserPublic(username=username, role=user.role, active=active)

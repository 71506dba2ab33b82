"""Users, roles and tokens: argon2 password hashes, OAuth2 password flow, signed JWTs."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated

import jwt
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer

from kernel.db import users
from kernel.errors import Conflict, InvalidInput, NotFound
from kernel.http.passwords import check_password
from kernel.settings import Settings
from kernel.text import checked_text, first_unstorable

ROLES = ("inspector", "supervisor", "admin", "auditor")   # auditor: read-only draw checks
ALGORITHM = "HS256"
_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = Settings.model_fields["password_min_length"].default
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    display_name: str
    department: str | None
    inspector_no: int | None
    token_version: int = 0


def signing_key(settings: Settings) -> str:
    """The configured key, or one generated once and kept beside the embedded store."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.var_dir) / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def add_user(engine: sa.Engine, username: str, password: str, role: str, *,
             display_name: str = "", department: str | None = None,
             inspector_no: int | None = None,
             min_password_length: int = MIN_PASSWORD_LENGTH) -> int:
    """Create a user; 422 for an unknown role or a password the policy refuses
    (kernel.http.passwords), 409 if the name is taken."""
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}", field="role")
    if not username.strip():
        raise InvalidInput("username must not be empty", field="username")
    for field, value in (("username", username), ("display_name", display_name),
                         ("department", department or ""), ("password", password)):
        checked_text(value, field)
    check_password(password, username, min_password_length)
    with engine.begin() as conn:
        if conn.execute(sa.select(users.c.id).where(users.c.username == username)).first():
            raise Conflict(f"user {username} already exists", field="username")
        return conn.execute(users.insert().values(
            username=username, password_hash=_hasher.hash(password), role=role,
            display_name=display_name or username, department=department,
            inspector_no=inspector_no, active=True, created_at=datetime.now(timezone.utc),
        )).inserted_primary_key[0]


def set_password(engine: sa.Engine, username: str, password: str, *,
                 min_password_length: int = MIN_PASSWORD_LENGTH) -> None:
    """Change a password (policy applies); every token issued before stops working."""
    checked_text(password, "password")
    check_password(password, username, min_password_length)
    _update(engine, username, password_hash=_hasher.hash(password))


def set_active(engine: sa.Engine, username: str, active: bool) -> None:
    """Deactivate (tokens stop working at once, login refused) or reactivate a user; a
    reactivated user signs in again: tokens from before the deactivation stay revoked."""
    _update(engine, username, active=active)


def active_user(engine: sa.Engine, username: str, active: bool = True) -> User:
    """The user of this name (active, or deactivated with active=False); 404 if none."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.username == username,
                                                  users.c.active.is_(active))).first()
    if row is None:
        raise NotFound(f"no user {username}", field="username")
    return _user(row)


def _update(engine: sa.Engine, username: str, **values: object) -> None:
    with engine.begin() as conn:
        done = conn.execute(users.update().where(users.c.username == username).values(
            token_version=users.c.token_version + 1, **values)).rowcount
    if not done:
        raise NotFound(f"no user {username}", field="username")


def _user(row: sa.Row) -> User:
    return User(row.id, row.username, row.role, row.display_name, row.department, row.inspector_no,
                row.token_version)


def authenticate(engine: sa.Engine, username: str, password: str) -> User | None:
    if first_unstorable(username) is not None:   # no such user can exist (kernel.text)
        _hasher.hash(password)
        return None
    with engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.username == username,
                                                  users.c.active.is_(True))).first()
    if row is None:
        _hasher.hash(password)  # same cost whether or not the user exists
        return None
    try:
        _hasher.verify(row.password_hash, password)
    except VerificationError:
        return None
    return _user(row)


def issue_token(settings: Settings, user: User) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": user.username, "uid": user.id, "role": user.role, "iat": now,
              "ver": user.token_version,
              "exp": now + timedelta(minutes=settings.token_ttl_minutes)}
    return jwt.encode(claims, signing_key(settings), algorithm=ALGORITHM)


def user_of_local_token(engine: sa.Engine, settings: Settings, token: str) -> User | None:
    """The active user a token of ours names, if its version is still the user's (a password
    change or a deactivation raises it); one primary-key lookup."""
    try:
        claims = jwt.decode(token, signing_key(settings), algorithms=[ALGORITHM])
    except jwt.PyJWTError:
        return None
    with engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.id == claims.get("uid"),
                                                  users.c.active.is_(True))).first()
    if (row is None or row.username != claims.get("sub")
            or claims.get("ver", 0) != row.token_version):
        return None
    return _user(row)


def user_from_token(request: Request, token: str) -> User:
    platform = request.app.state.platform
    unauthorized = HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or expired token",
                                 headers={"WWW-Authenticate": "Bearer"})
    settings = platform.settings
    if settings.oidc_issuer:
        from kernel.http import oidc  # imports this module

        if oidc.is_from(settings, token):
            return oidc.user_of(request.app, settings, token, unauthorized)
    user = user_of_local_token(platform.engine, settings, token)
    if user is None:
        raise unauthorized
    return user


def current_user(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> User:
    if not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "not authenticated",
                            headers={"WWW-Authenticate": "Bearer"})
    return user_from_token(request, token)


def require(*roles: str):
    """Dependency: the caller must hold one of these roles (admin may do what a supervisor may)."""
    allowed = set(roles) | ({"admin"} if "supervisor" in roles else set())

    def check(user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in allowed:
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                f"this needs the role {' or '.join(sorted(allowed))}")
        return user

    return check


CurrentUser = Annotated[User, Depends(current_user)]
Supervisor = Annotated[User, Depends(require("supervisor"))]
Inspector = Annotated[User, Depends(require("inspector"))]
Admin = Annotated[User, Depends(require("admin"))]
# 审计 the read-only auditor re-runs draws in full (classes included); supervisors may too
Auditor = Annotated[User, Depends(require("auditor", "supervisor"))]

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
from kernel.errors import Conflict, InvalidInput
from kernel.settings import Settings
from kernel.text import checked_text, first_unstorable

ROLES = ("inspector", "supervisor", "admin", "auditor")   # auditor: read-only draw checks
ALGORITHM = "HS256"
_hasher = PasswordHasher()
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    display_name: str
    department: str | None
    inspector_no: int | None


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
             inspector_no: int | None = None) -> int:
    """Create a user; 422 for an unknown role or short password, 409 if the name is taken."""
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}", field="role")
    if len(password) < 8:
        raise InvalidInput("password must have at least 8 characters", field="password")
    if not username.strip():
        raise InvalidInput("username must not be empty", field="username")
    for field, value in (("username", username), ("display_name", display_name),
                         ("department", department or ""), ("password", password)):
        checked_text(value, field)
    with engine.begin() as conn:
        if conn.execute(sa.select(users.c.id).where(users.c.username == username)).first():
            raise Conflict(f"user {username} already exists", field="username")
        return conn.execute(users.insert().values(
            username=username, password_hash=_hasher.hash(password), role=role,
            display_name=display_name or username, department=department,
            inspector_no=inspector_no, active=True, created_at=datetime.now(timezone.utc),
        )).inserted_primary_key[0]


def set_password(engine: sa.Engine, username: str, password: str) -> None:
    if len(password) < 8:
        raise InvalidInput("password must have at least 8 characters", field="password")
    with engine.begin() as conn:
        done = conn.execute(users.update().where(users.c.username == username)
                            .values(password_hash=_hasher.hash(password))).rowcount
    if not done:
        raise InvalidInput(f"no user {username}", field="username")


def _user(row: sa.Row) -> User:
    return User(row.id, row.username, row.role, row.display_name, row.department, row.inspector_no)


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
              "exp": now + timedelta(minutes=settings.token_ttl_minutes)}
    return jwt.encode(claims, signing_key(settings), algorithm=ALGORITHM)


def user_from_token(request: Request, token: str) -> User:
    platform = request.app.state.platform
    unauthorized = HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or expired token",
                                 headers={"WWW-Authenticate": "Bearer"})
    try:
        claims = jwt.decode(token, signing_key(platform.settings), algorithms=[ALGORITHM])
    except jwt.PyJWTError:
        raise unauthorized from None
    with platform.engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.id == claims.get("uid"),
                                                  users.c.active.is_(True))).first()
    if row is None or row.username != claims.get("sub"):
        raise unauthorized
    return _user(row)


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

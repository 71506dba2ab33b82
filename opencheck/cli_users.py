"""User commands (`opencheck users …`): add, change a password, deactivate, reactivate."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.console import Console

users_app = typer.Typer(help="Manage users and roles.", no_args_is_help=True)
console = Console(stderr=True)


@users_app.command("add")
def users_add(name: str, role: Annotated[str, typer.Option(help="inspector | supervisor | admin | auditor")],
              password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
              department: Optional[str] = None, inspector_no: Optional[int] = None) -> None:
    """Create a user with a role."""
    from kernel.http import auth
    from opencheck.cli import _platform

    platform = _platform()
    try:
        auth.add_user(platform.engine, name, password, role, department=department,
                      inspector_no=inspector_no,
                      min_password_length=platform.settings.password_min_length)
    finally:
        platform.close()
    console.print(f"user {name} ({role}) created")


@users_app.command("password")
def users_password(name: str, password: Annotated[str, typer.Option(prompt=True, hide_input=True,
                                                                      confirmation_prompt=True)]) -> None:
    """Change a user's password."""
    from kernel.http import auth
    from opencheck.cli import _platform

    platform = _platform()
    try:
        auth.set_password(platform.engine, name, password,
                          min_password_length=platform.settings.password_min_length)
    finally:
        platform.close()
    console.print(f"password of {name} changed; tokens issued before no longer work")


@users_app.command("deactivate")
def users_deactivate(name: str) -> None:
    """Deactivate a user: login refused, every token of theirs refused at once."""
    _set_active(name, False)
    console.print(f"user {name} deactivated; their tokens no longer work")


@users_app.command("reactivate")
def users_reactivate(name: str) -> None:
    """Reactivate a user (they sign in again; tokens from before stay revoked)."""
    _set_active(name, True)
    console.print(f"user {name} reactivated")


def _set_active(name: str, active: bool) -> None:
    from kernel.http import auth
    from opencheck.cli import _platform

    platform = _platform()
    try:
        auth.set_active(platform.engine, name, active)
    finally:
        platform.close()

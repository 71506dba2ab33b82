"""Programmatic alembic: `opencheck migrate` and the test fixtures use the same code path.

Each bounded context has its own branch of revisions (supervision: 0001, 0002, …; credit:
c001, c002, … branching from 0001), so `upgrade` goes to every head.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

import migrations
from kernel import pglocks
from kernel.settings import Settings

SCRIPT_LOCATION = str(Path(migrations.__file__).parent)


def alembic_config(settings: Settings) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    cfg.attributes["settings"] = settings
    return cfg


def upgrade(settings: Settings, revision: str = "heads") -> None:
    """Upgrade under the setup lock: processes starting together migrate one after another."""
    with pglocks.exclusive(settings):
        command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str) -> None:
    command.downgrade(alembic_config(settings), revision)

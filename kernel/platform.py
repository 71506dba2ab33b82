"""The platform as the contexts see it: a port the composition root (`opencheck.bootstrap`)
implements, so routes and pages reach the wired applications without importing the root."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Protocol

import numpy as np
import sqlalchemy as sa

from kernel.settings import Settings


class Platform(Protocol):
    """Settings, rules, the read-model engine, the applications and read-your-writes."""

    settings: Settings
    rules: Any
    engine: sa.Engine
    read_engine: sa.Engine   # the read replica's (OPENCHECK_READ_DATABASE_URL), else `engine`
    supervision: Any
    credit: Any
    runners: dict[str, Any]
    risk_classes: Callable[[np.ndarray], np.ndarray]
    clock: Callable[[], datetime]   # the moment commands act at (UTC-aware)

    def settle(self, *runners: str, timeout: float = 5.0) -> bool:
        """Wait until these runners (default the supervision runner) reflect their whole log;
        False on timeout or if one of them fails."""
        ...

    def settle_all(self, names: Iterable[str] | None = None, timeout: float = 5.0) -> bool:
        """Wait until the read models of these runners (default all) reflect everything
        recorded so far, including what reactions recorded meanwhile; False on timeout."""
        ...

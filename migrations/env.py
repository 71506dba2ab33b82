"""Alembic environment: read-model tables only; the event store's tables are not ours."""

from __future__ import annotations

from alembic import context

import credit.commitments.tables  # noqa: F401  (register tables on the metadata)
import credit.lists.tables  # noqa: F401
import credit.penalties.tables  # noqa: F401
import credit.persons.tables  # noqa: F401
import credit.rating.tables  # noqa: F401
import credit.repair.tables  # noqa: F401
import dashboard.tables  # noqa: F401
import kernel.eventlog  # noqa: F401
import kernel.http.idempotency  # noqa: F401
import supervision.directory.tables  # noqa: F401
import supervision.plans.tables  # noqa: F401
import supervision.tasks.tables  # noqa: F401
from kernel.db import create_engine, metadata
from kernel.settings import Settings
from migrations.env_filters import include_object

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.attributes.get("settings") or Settings())
        with engine.begin() as conn:
            _run(conn)
        engine.dispose()
    else:
        _run(connection)


def _run(connection) -> None:  # noqa: ANN001
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=True, include_object=include_object,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

"""What alembic compares: our read-model tables, never the event store's."""

from __future__ import annotations


def include_object(obj, name, type_, reflected, compare_to):  # noqa: ANN001
    # Autogenerate would propose dropping the event store's tables (alembic #596): skip them.
    if type_ == "table" and reflected and compare_to is None:
        return False
    # An index declared for one dialect only (`.ddl_if(dialect=…)`, e.g. the pg_trgm name
    # index) is absent elsewhere by design; alembic does not read ddl_if itself.
    if type_ == "index" and not reflected and compare_to is None \
            and getattr(getattr(obj, "_ddl_if", None), "dialect", None):
        return False
    return True

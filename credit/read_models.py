"""What the credit sub-domains' projections and views share: keyed updates, version stamps and
pages of a read-model table."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def keyed_update(table: sa.Table, keys: tuple[str, ...], *columns: str,
                 versioned: bool = True) -> Any:
    """A prebuilt UPDATE keyed by `b_<key>` parameters, setting `columns` (and the version)."""
    names = columns + (("version", "updated_position") if versioned else ())
    return (table.update().where(*[table.c[k] == sa.bindparam(f"b_{k}") for k in keys])
            .values({n: sa.bindparam(n) for n in names}))


def stamp(e: Any, position: int) -> dict[str, Any]:
    """The version and log position a projected row was last changed by."""
    return {"version": e.originator_version, "updated_position": position}


def paged(conn: sa.Connection, table: sa.Table, where: list, order: list, offset: int,
          limit: int) -> tuple[int, list[sa.Row]]:
    """(rows matching `where` in all, one page of them in `order`)."""
    total = conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()
    rows = conn.execute(sa.select(table).where(*where).order_by(*order).offset(offset).limit(limit))
    return total, list(rows)

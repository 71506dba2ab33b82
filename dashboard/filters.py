"""The overview's filter bar as query conditions: region, department, industry, period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from kernel.labels import SECTION_LETTERS
from supervision.directory.views import entities, entity_pool


@dataclass(frozen=True)
class Filters:
    """What the overview's filter bar selects; every section applies what concerns it."""

    region_prefix: str = ""           # GB/T 2260 prefix: "3307" a city, "330702" a county
    department: str | None = None
    industry: str | None = None       # GB/T 4754 section letter
    date_from: date | None = None
    date_to: date | None = None

    def region_int_range(self) -> tuple[int, int] | None:
        if not self.region_prefix:
            return None
        span = 10 ** (6 - len(self.region_prefix))
        return int(self.region_prefix) * span, int(self.region_prefix) * span + span - 1

    def region_group(self, region_int: int) -> str:
        """Rows grouped one level below the filter: cities for a province, counties for a city."""
        code = f"{region_int:06d}"
        return code if len(self.region_prefix) >= 4 else code[:4] + "00"

    def within(self, column: sa.ColumnElement) -> list[sa.ColumnElement]:
        out = []
        if self.date_from:
            out.append(column >= self.date_from)
        if self.date_to:
            out.append(column <= self.date_to)
        return out


def pool_scope(f: Filters) -> list[sa.ColumnElement]:
    where = []
    if (span := f.region_int_range()) is not None:
        where.append(entity_pool.c.region_int.between(*span))
    if f.industry:
        where.append(entity_pool.c.industry_section == SECTION_LETTERS.index(f.industry))
    return where


def entity_scope(f: Filters) -> list[sa.ColumnElement]:
    """The same scope through the directory (ranges, so the region index can serve them)."""
    where = []
    if f.region_prefix:
        where += [entities.c.region_code >= f.region_prefix,
                  entities.c.region_code < _successor(f.region_prefix)]
    if f.industry:
        where += [entities.c.industry_code >= f.industry,
                  entities.c.industry_code < _successor(f.industry)]
    return where


def _successor(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def by_uscc(table: sa.Table, f: Filters) -> list[sa.ColumnElement]:
    """Rows of a USCC-keyed table whose entity is in scope: one index lookup per row, so a
    small credit table is never joined by scanning the whole directory."""
    scope = entity_scope(f)
    if not scope:
        return []
    return [sa.exists(sa.select(entities.c.entity_no)
                      .where(entities.c.uscc == table.c.uscc, *scope).correlate(table))]

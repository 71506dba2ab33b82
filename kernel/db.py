"""Read-model database: one SQLAlchemy metadata (owned by alembic), engine factory, shared tables."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from itertools import chain
from typing import Any

import numpy as np
import psycopg
import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.sql import operators as sa_operators
from sqlalchemy.sql.util import find_tables

from kernel.settings import Settings

# A naming convention from the first migration on, so SQLite batch migrations can name constraints.
metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

projection_tracking = sa.Table(
    "projection_tracking",
    metadata,
    sa.Column("projection", sa.String(100), primary_key=True),
    sa.Column("application", sa.String(50), nullable=False),
    sa.Column("position", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
)

# Parallel catch-up (kernel.segments): the position of each segment of originators of a
# segmentable projection, run by its own worker; the projection's row above then holds the
# lowest of them (what readers wait for), moved in each segment's batch transaction.
projection_segments = sa.Table(
    "projection_segments",
    metadata,
    sa.Column("projection", sa.String(100), primary_key=True),
    sa.Column("segment", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("segments", sa.Integer, nullable=False),
    sa.Column("position", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
)

# A runner whose batch keeps failing, as `/api/v1/health` reports it (written by the runner that
# failed, in its own transaction after the batch rolled back; deleted by its next good batch).
# Operational state, not a read model: a rebuild leaves it.
projection_failures = sa.Table(
    "projection_failures",
    metadata,
    sa.Column("runner", sa.String(50), primary_key=True),
    sa.Column("application", sa.String(50), nullable=False),
    sa.Column("projection", sa.String(100), nullable=True),   # NULL: before any handler ran
    sa.Column("position", sa.BigInteger, nullable=True),      # the event that could not be applied
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("since", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
)

# Scheduler leadership's fencing token: each new leader raises `epoch`; a job writes only while
# it holds this row (FOR SHARE) at its own epoch (opencheck.scheduler). Operational state.
scheduler_leadership = sa.Table(
    "scheduler_leadership",
    metadata,
    sa.Column("name", sa.String(50), primary_key=True),
    sa.Column("epoch", sa.BigInteger, nullable=False),
    sa.Column("holder", sa.String(200), nullable=False),
    sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(100), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("display_name", sa.String(100), nullable=False, server_default=""),
    sa.Column("department", sa.String(50), nullable=True),
    sa.Column("inspector_no", sa.BigInteger, nullable=True),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # raised by a password change or a deactivation: tokens carrying an older one stop working
    sa.Column("token_version", sa.Integer, nullable=False, server_default="0"),
)

# Failed logins per key ("user:NAME" or "addr:IP"), shared by every API process (kernel.http.
# throttle). Times are seconds since the epoch, so the same SQL compares them on both backends.
login_throttle = sa.Table(
    "login_throttle",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("window_start", sa.Float, nullable=False),
    sa.Column("blocked_until", sa.Float, nullable=True),
)


# 审计 Who read what non-public record when (kernel.audit): append-only, a trigger refuses every
# UPDATE and any DELETE of a row younger than the legal floor (migration 0010).
audit_reads = sa.Table(
    "audit_reads",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True,
              autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("username", sa.String(100), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("route", sa.String(200), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=True),
)


# The page cache a projection batch's SQLite connection works with (SQLite's default is 2 MB): a
# long catch-up writes indexes keyed in random order (uscc, entity ids, name grams), and with
# 2 MB most of its inserts re-read a page from the OS. Set by the runner on the connection it
# holds (kernel.projections); other connections keep the default (a reader scans little).
SQLITE_BATCH_CACHE = "PRAGMA cache_size=-131072"   # KiB: 128 MB, allocated as pages are used


def create_engine(settings: Settings) -> sa.Engine:
    """Engine for the read models: WAL + busy timeout on SQLite, schema search path on PostgreSQL."""
    url = settings.sqlalchemy_url()
    if not settings.is_postgres:
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        # Pool as large as the thread pool's usual concurrency: an overflow connection is closed
        # on return, and reopening one (with the pragmas below) costs more than most reads.
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                                  pool_size=20, max_overflow=30)

        @sa_event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    connect_args = {}
    if settings.database_schema:
        connect_args["options"] = f"-csearch_path={settings.database_schema}"
    # Small on purpose: connections are a budget shared by every process (docs/DEPLOYMENT.md)
    return sa.create_engine(url, connect_args=connect_args, pool_size=settings.db_pool_size,
                            max_overflow=settings.db_pool_max_overflow, pool_pre_ping=True)


def read_model_tables(projection_names: set[str] | None = None) -> list[sa.Table]:
    """Tables owned by projections (tagged with info['projection']), optionally for some only."""
    return [
        t for t in metadata.sorted_tables
        if "projection" in t.info and (projection_names is None or t.info["projection"] in projection_names)
    ]


def fetch_ints(conn: sa.Connection, stmt: sa.Select, ncols: int) -> np.ndarray:
    """Run `stmt` on the raw DB-API cursor (same transaction) into an (n, ncols) int64 array:
    no per-row Python objects beyond the driver's tuples (the drawer's and the scorer's loads)."""
    # executed by SQLAlchemy, so its compiled form is cached (a rescoring runs the same few
    # statements per event: compiling them each time was most of a reactive rescoring), then
    # read straight off the DB-API cursor (the columns are integers: nothing to convert)
    result = conn.execute(stmt)
    try:
        flat = np.fromiter(chain.from_iterable(result.cursor), dtype=np.int64)
    finally:
        result.close()
    return flat.reshape(-1, ncols)


def _slot_type(column: Any) -> sa.types.TypeEngine:
    """The slot type a selected column travels in (one per Python type)."""
    python_type = column.type.python_type
    for kind, slot in ((bool, sa.Boolean()), (datetime, sa.DateTime(timezone=True)),
                       (date, sa.Date()), (int, sa.BigInteger()),
                       (Decimal, sa.Numeric(asdecimal=False)), (float, sa.Float()),
                       (str, sa.String())):
        if issubclass(python_type, kind):
            return slot
    raise TypeError(f"no slot type for column {column.key} ({python_type.__name__})")


def positions_of(*selects: sa.Select) -> tuple[sa.Select, tuple]:
    """A OneTrip section of one row: where the projections that write the tables `selects` read
    stand, the basis of an answer's cache validators (kernel.http.public.validators): the
    answer changes only when one of them moves. `basis` names each projection's position and
    when it moved (a segmented projection's position waits for its slowest segment while the
    others move on, kernel.segments); `moved` is the latest move. (Every projection's row was 35
    rows a lookup; one row per projection still cost a fifth of a lookup's database time.)"""
    names = sorted({t.info["projection"] for select in selects
                    for t in find_tables(select, include_joins=True, include_aliases=True,
                                         include_selects=True)
                    if "projection" in getattr(t, "info", {})})
    if not names:
        raise ValueError("the selects read no projection's table")
    c = projection_tracking.c
    each = (c.projection + sa.literal_column("'='") + sa.cast(c.position, sa.String)
            + sa.literal_column("'@'")
            + sa.func.coalesce(sa.cast(c.updated_at, sa.String), sa.literal_column("''")))
    # in the order the rows come (a different order is a different basis, never a wrong one)
    return (sa.select(sa.func.aggregate_strings(each, sa.literal_column("';'")).label("basis"),
                      sa.func.max(c.updated_at).label("moved"))
            .where(c.projection.in_([sa.literal_column(f"'{n}'") for n in names])), ())


_PYFORMAT = re.compile(r"%\((\w+)\)s|%%")


def _dollar_form(sql: str) -> tuple[str, list[str]]:
    """A statement in psycopg's `%(name)s` form as PostgreSQL's `$n` form (a name used twice is
    one parameter) and the names in `$n` order."""
    names: list[str] = []

    def number(match: re.Match) -> str:
        name = match.group(1)
        if name is None:
            return "%"
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _PYFORMAT.sub(number, sql), names


def _sort_key(expression: Any) -> tuple[str, bool]:
    """(column key, descending) of an ORDER BY term: a column or column.desc()."""
    if getattr(expression, "modifier", None) is sa_operators.desc_op:
        return expression.element.key, True
    return expression.key, False


class OneTrip:
    """Several small selects sent as one statement (one round trip, one statement overhead).

    Each section is an unordered select plus its ordering (columns or column.desc(), all among
    the selected columns). The sections become branches of a UNION ALL: a section-name column
    and the columns laid into typed slots (NULL where a section has fewer), so the result types
    are the same on SQLite and PostgreSQL. The few rows of each section are sorted here: a row
    number per branch made SQLite sort every branch, 4x the cost of the reads (147 vs 37 µs).
    NULLs sort last in either direction. `run` returns {section: [row dicts in the section's
    order]}. Bind parameters are shared by name across sections.
    """

    def __init__(self, **sections: tuple[sa.Select, tuple]) -> None:
        slots: list[sa.types.TypeEngine] = []
        layouts: dict[str, list[tuple[str, int]]] = {}
        self.orders: dict[str, list[tuple[str, bool]]] = {}
        for name, (select, order_by) in sections.items():
            self.orders[name] = [_sort_key(term) for term in reversed(order_by)]
            missing = {k for k, _ in self.orders[name]} - set(select.selected_columns.keys())
            if missing:
                raise ValueError(f"section {name} orders by unselected columns {missing}")
            used: set[int] = set()
            layout = []
            for column in select.selected_columns:
                slot_type = _slot_type(column)
                free = next((i for i, t in enumerate(slots)
                             if i not in used and type(t) is type(slot_type)), None)
                if free is None:
                    slots.append(slot_type)
                    free = len(slots) - 1
                used.add(free)
                layout.append((column.key, free))
            layouts[name] = layout
        branches = []
        for name, (select, _) in sections.items():
            select = select.order_by(None)
            by_slot = {slot: column for (_, slot), column in zip(layouts[name],
                                                                 select.selected_columns)}
            branches.append(select.with_only_columns(
                sa.literal_column(f"'{name}'", sa.String()).label("section"),
                *[sa.type_coerce(by_slot[i], t).label(f"s{i}") if i in by_slot
                  else sa.cast(sa.null(), t).label(f"s{i}") for i, t in enumerate(slots)],
                maintain_column_froms=True))
        self.statement = sa.union_all(*branches)
        self.layouts = layouts
        self.slot_types = slots
        self._compiled: dict[str, tuple] = {}
        self._results: dict[str, list] = {}
        self._raw: dict[str, tuple[bytes, list[str]]] = {}

    def _compile(self, dialect: sa.Dialect) -> tuple:
        """(SQL, parameter order or None if named, literal values, bind processors)."""
        compiled = self.statement.compile(dialect=dialect)
        binds = {name: p.type.dialect_impl(dialect).bind_processor(dialect)
                 for name, p in compiled.binds.items()}
        order = list(compiled.positiontup) if compiled.positional else None
        return str(compiled), order, compiled.params, {k: f for k, f in binds.items() if f}

    def _result_processors(self, dialect: sa.Dialect, description: Any) -> list:
        """Per slot, the dialect's conversion of what the driver returns (or None)."""
        return [t.dialect_impl(dialect).result_processor(dialect, d[1])
                for t, d in zip(self.slot_types, description[1:])]

    def run(self, conn: sa.Connection, params: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        """Run on the connection's DB-API cursor (same transaction), with the statement compiled
        once per dialect: through `conn.execute`, building SQLAlchemy's cache key for this
        statement on every call cost as much as SQLite running it (7 % of a lookup each)."""
        sql, args = self._prepare(conn.dialect, params)
        cursor = conn.connection.cursor()
        try:
            cursor.execute(sql, args)
            rows, description = cursor.fetchall(), cursor.description
        finally:
            cursor.close()
        return self._collect(conn.dialect, rows, lambda: description)

    async def run_async(self, conn: Any, dialect: sa.Dialect,
                        params: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        """The same on a psycopg AsyncConnection (PostgreSQL), compiled for `dialect`, sent in
        the server's own `$n` form through a raw cursor: psycopg parses `%(name)s` placeholders
        on every call for a statement longer than its 4,096-character cache (a public record's
        is ~9,000), which was a tenth of a lookup's time. Sent as bytes encoded once (psycopg
        encodes and hashes a str query on every call), and the cursor's description (a column
        object per slot) is read only the first time, for the result processors."""
        sql, args = self._prepare(dialect, params)
        raw = self._raw.get(sql)
        if raw is None:
            text, names = _dollar_form(sql)
            raw = self._raw[sql] = (text.encode(), names)
        text, names = raw
        async with psycopg.AsyncRawCursor(conn) as cursor:
            await cursor.execute(text, [args[n] for n in names])
            rows = await cursor.fetchall()
            return self._collect(dialect, rows, lambda: cursor.description)

    def _prepare(self, dialect: sa.Dialect, params: dict[str, Any]) -> tuple[str, Any]:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = self._compile(dialect)
        sql, order, literals, binds = compiled
        values = {k: binds[k](v) if k in binds else v for k, v in {**literals, **params}.items()}
        return sql, tuple(values[k] for k in order) if order is not None else values

    def _collect(self, dialect: sa.Dialect, rows: list, description: Callable[[], Any]
                 ) -> dict[str, list[dict[str, Any]]]:
        results = self._results.get(dialect.name)
        if results is None:
            results = self._results[dialect.name] = self._result_processors(dialect,
                                                                             description())
        out: dict[str, list[dict[str, Any]]] = {name: [] for name in self.layouts}
        for row in rows:
            out[row[0]].append({key: results[slot](row[1 + slot]) if results[slot]
                                else row[1 + slot] for key, slot in self.layouts[row[0]]})
        for name, section in out.items():
            if len(section) > 1:
                for key, descending in self.orders[name]:  # least significant first (stable)
                    section.sort(key=lambda r, k=key: (r[k] is not None, r[k]) if descending
                              else (r[k] is None, r[k]), reverse=descending)
        return out

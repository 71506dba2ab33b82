"""The writes of one batch, grouped so each statement goes out as few executemany calls
as the order of the batch allows.

A write joins the earlier run of the same statement (and key set) when every write queued after
that run touches other tables: writes to disjoint tables commute, so grouping them per table
across the batch changes nothing a reader of the committed batch can see, and a batch whose events
alternate tables (a credit case's penalty row, then its list row, then the next case's penalty
row…) costs one round trip per statement instead of one per event. A write to a table already
written by a later run starts a new run (order within a table is kept), and `query` flushes all.

A table whose key arrives in random order (`info["insert_order"]`: the leading columns of its
clustered key) gets each long run of plain INSERTs sorted by them before it goes out: the B-tree
is then written page after page instead of one random page per row (SQLite's WITHOUT ROWID
search grams, sorted by gram: ~2x for that table). Rows of one plain INSERT run commute, so the
order is free.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from datetime import date
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from psycopg.generators import send
from sqlalchemy.dialects.sqlite.base import DATE as SQLITE_DATE
from sqlalchemy.sql.util import find_tables

SORT_MIN = 1_000   # rows in a run from which a random-keyed table's inserts are sorted


class Unit:
    """The writes of one batch, as runs of one statement each executed with one executemany."""

    def __init__(self, conn: sa.Connection, copy: bool = False) -> None:
        self.conn, self.dialect = conn, conn.dialect
        # PostgreSQL, the bulk path (a rebuild's new generation): runs of a plain INSERT go
        # out as one COPY each (the same rows, ~2.7x faster than batched INSERTs)
        self.copy = copy and self.dialect.name == "postgresql"
        # runs in order: [statement, key set, tables it touches, params]
        self._runs: list[list[Any]] = []
        # (statement, key set) -> index of its newest run; table -> index of the newest run
        # touching it; the newest run touching every table (a statement whose tables are unknown)
        self._open: dict[tuple[Any, frozenset[str]], int] = {}
        self._touched: dict[str, int] = {}
        self._barrier = -1
        # how many times the queued writes went out: a queued row's parameters may still be
        # changed (folded) while this has not moved since it was queued
        self.flushes = 0

    def execute(self, stmt: Any, params: dict[str, Any]) -> None:
        self._run_for(stmt, frozenset(params)).append(params)

    def execute_many(self, stmt: Any, params: list[dict[str, Any]]) -> None:
        """Queue several writes of one statement (all with the same keys) at once."""
        if params:
            self._run_for(stmt, frozenset(params[0])).extend(params)

    def _run_for(self, stmt: Any, keys: frozenset[str]) -> list[dict[str, Any]]:
        """The parameter list of the run a write of `stmt` with `keys` joins (a new one if no
        earlier run of it may take it: a later run touched one of its tables)."""
        runs, key = self._runs, (stmt, keys)
        i = self._open.get(key)
        if i is not None:
            run = runs[i]
            tables = run[2]
            if i == len(runs) - 1 or (tables is not None and i > self._barrier and (
                    self._touched[tables[0]] == i if len(tables) == 1 else
                    all(self._touched[t] == i for t in tables))):
                return run[3]
        tables = _tables(stmt)
        i = len(runs)
        runs.append([stmt, keys, tables, []])
        self._open[key] = i
        if tables is None:
            self._barrier = i
        else:
            for t in tables:
                self._touched[t] = i
        return runs[i][3]

    def query(self, stmt: Any, params: dict[str, Any] | None = None) -> sa.CursorResult:
        """Read (or write at once) inside the batch: sees every write queued so far."""
        self.flush()
        return self.conn.execute(stmt, params or {})

    def flush(self) -> None:
        conn = self.conn
        self.flushes += 1
        runs, self._runs = self._runs, []
        self._open, self._touched, self._barrier = {}, {}, -1
        pipe = _Pipe(conn) if len(runs) > 1 and self.dialect.name == "postgresql" else None
        try:
            for stmt, _, _, params in runs:
                self._run(stmt, params, pipe)
        except BaseException:
            if pipe is not None:
                pipe.abandon()
            raise
        if pipe is not None:
            pipe.close()

    def _run(self, stmt: Any, params: list[dict[str, Any]], pipe: _Pipe | None = None) -> None:
        if len(params) >= SORT_MIN and type(stmt) is sa.Insert:
            order = getattr(stmt.table, "info", {}).get("insert_order")
            if order and not (stmt._post_values_clause or stmt._values):
                params.sort(key=itemgetter(*order))
        if self.copy and len(params) >= COPY_MIN:
            columns = _copy_form(self.dialect, stmt, params[0])
            if columns is not None:
                if pipe is not None:   # no COPY in pipeline mode
                    pipe.close()
                self._copy(stmt.table.name, columns, params)
                return
        raw = _raw_form(self.dialect, stmt, params[0])
        if raw is None:
            if pipe is not None:   # SQLAlchemy reads each statement's outcome
                pipe.close()
            self.conn.execute(stmt, params)
            return
        if pipe is not None:
            pipe.open()
        sql, bind = raw
        cursor = self.conn.connection.cursor()
        try:
            if len(params) == 1:
                cursor.execute(sql, bind(params[0]))
            else:
                cursor.executemany(sql, map(bind, params))
        finally:
            cursor.close()

    def _copy(self, table: str, columns: Any, params: list[dict[str, Any]]) -> None:
        names = ", ".join(f'"{c}"' for c, _ in columns)
        cursor = self.conn.connection.cursor()
        try:
            row = _row_getter([c for c, _ in columns], [f for _, f in columns])
            with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                tx = getattr(copy.formatter, "transformer", None)
                if _format_row_text is None or tx is None:
                    for p in params:
                        copy.write_row(row(p))
                    return
                # psycopg's own row formatter (C), called here without write_row's two Python
                # layers per row; the text goes out in blocks of COPY_BLOCK bytes
                out = bytearray()
                for p in params:
                    _format_row_text(row(p), tx, out)
                    if len(out) > COPY_BLOCK:
                        copy.write(out)
                        out = bytearray()
                if out:
                    copy.write(out)
        finally:
            cursor.close()


class _Pipe:
    """psycopg's pipeline mode across a flush's runs on PostgreSQL: each statement is sent
    without waiting for the one before (one statement per run where a batch alternates writes
    to one table, e.g. a task's INSERT, then its UPDATEs: a round trip each was 125-200 µs a
    row), the results read at the end; left before a COPY or a statement SQLAlchemy executes
    (neither runs in pipeline mode). A failed statement fails the flush when the pipeline is
    left: the batch rolls back as before."""

    def __init__(self, conn: sa.Connection) -> None:
        self.driver = conn.connection.driver_connection
        self.pipeline: Any = None

    def open(self) -> None:
        if self.pipeline is None:
            self.pipeline = self.driver.pipeline()
            self.pipeline.__enter__()

    def close(self) -> None:
        if self.pipeline is not None:
            pipeline, self.pipeline = self.pipeline, None
            # the whole output sent before the Sync, as kernel.eventstore.SocketSafeRecorder
            # does: the same psycopg path hung the event store's big saves on a Unix socket.
            # Not reproduced for pipelined flushes (their socket test passes without it); kept
            # as that fix's insurance: one flush of what is already queued.
            self.driver.wait(send(self.driver.pgconn))
            pipeline.__exit__(None, None, None)

    def abandon(self) -> None:
        """Leave pipeline mode after an error (the error raised is the one to report)."""
        if self.pipeline is not None:
            pipeline, self.pipeline = self.pipeline, None
            with contextlib.suppress(Exception):
                pipeline.__exit__(*sys.exc_info())


try:   # the C row formatter psycopg's Copy.write_row uses (psycopg[binary]); else write_row
    from psycopg._copy_base import format_row_text as _format_row_text
except ImportError:   # pragma: no cover
    _format_row_text = None
COPY_BLOCK = 1 << 20
COPY_MIN = 50   # fewer rows: the INSERT's round trip costs no more than the COPY's
_TABLES: dict[Any, tuple[str, ...] | None] = {}


def _tables(stmt: Any) -> tuple[str, ...] | None:
    """The tables a prebuilt INSERT/UPDATE/DELETE reads or writes; None for anything else (it
    then never moves past another write)."""
    if stmt not in _TABLES:
        if len(_TABLES) > 10_000:   # statements built per call would grow it without end
            _TABLES.clear()
        if isinstance(stmt, (sa.Insert, sa.Update, sa.Delete)):
            found = find_tables(stmt, include_crud=True, include_joins=True, include_aliases=True)
            _TABLES[stmt] = tuple(sorted({getattr(t, "fullname", str(t)) for t in found})) or None
        else:
            _TABLES[stmt] = None
    return _TABLES[stmt]


_RAW_FORMS: dict[tuple[Any, str, tuple[str, ...]], Any] = {}


def _raw_form(dialect: Any, stmt: Any, params: dict[str, Any]) -> Any:
    """SQLAlchemy's own compiled SQL of a prebuilt INSERT/UPDATE/DELETE and a function binding
    one row with SQLAlchemy's own bind processors, cached per statement and key set, so a write
    runs on the DB-API cursor without SQLAlchemy's per-call overhead (~20 µs, most of a batch
    when statements alternate); None when not eligible (expanding or literal parameters)."""
    if not isinstance(stmt, (sa.Insert, sa.Update, sa.Delete)):
        return None
    key = (stmt, dialect.name, tuple(sorted(params)))
    if key not in _RAW_FORMS:
        if len(_RAW_FORMS) > 10_000:   # statements built per call would grow it without end
            _RAW_FORMS.clear()
        compiled = stmt.compile(dialect=dialect, column_keys=list(key[2]))
        if compiled.literal_execute_params or compiled.post_compile_params:
            _RAW_FORMS[key] = None
        else:
            _RAW_FORMS[key] = (str(compiled), _binder(compiled, set(key[2])))
    return _RAW_FORMS[key]


_COPY_FORMS: dict[tuple[Any, str, tuple[str, ...]], Any] = {}


def _copy_form(dialect: Any, stmt: Any, params: dict[str, Any]) -> Any:
    """(column, bind processor) pairs for a COPY of a plain `table.insert()` whose parameters
    name its columns and whose other columns have no Python-side default (the server's apply to
    COPY as to INSERT); None for anything else (upserts, INSERT … SELECT, RETURNING)."""
    if type(stmt) is not sa.Insert or not isinstance(stmt.table, sa.Table):
        return None
    key = (stmt, dialect.name, tuple(sorted(params)))
    if key not in _COPY_FORMS:
        if len(_COPY_FORMS) > 10_000:
            _COPY_FORMS.clear()
        table, form = stmt.table, None
        plain = not (stmt._post_values_clause or stmt._returning or stmt._values
                     or stmt._multi_values or getattr(stmt, "select", None) is not None)
        if plain and set(key[2]) <= set(table.c.keys()) and all(
                c.key in params or (c.default is None and c.onupdate is None)
                for c in table.columns):
            form = tuple((c.key, c.type._cached_bind_processor(dialect))
                         for c in table.columns if c.key in params)
            if any(table.c[k].name != k for k, _ in form):
                form = None
        _COPY_FORMS[key] = form
    return _COPY_FORMS[key]


def _iso_date(value: Any) -> str | None:
    """SQLite's DATE bind processor in its default storage format (YYYY-MM-DD; a datetime's
    date part), by the C isoformat: a third of the time of SQLAlchemy's %-formatting."""
    return None if value is None else _date_iso(value)


_date_iso = date.isoformat


def _processor(compiled: Any, name: str) -> Any:
    f = compiled._bind_processors.get(name)
    if f is not None and compiled.dialect.name == "sqlite":
        impl = compiled.binds[name].type.dialect_impl(compiled.dialect)
        if isinstance(impl, SQLITE_DATE) and impl._storage_format == SQLITE_DATE._storage_format:
            return _iso_date
    return f


def _binder(compiled: Any, keys: set[str]) -> Callable[[dict[str, Any]], Any]:
    names = (tuple(compiled.positiontup) if compiled.positional
             else tuple(compiled.bind_names.values()))
    steps = [(n, _processor(compiled, n)) for n in names]
    direct = set(names) <= keys   # bind names are the parameter keys: no mapping needed

    if compiled.positional and direct:
        return _row_getter(names, [f for _, f in steps])

    def values(params: dict[str, Any]) -> list[Any]:
        src = params if direct else compiled.construct_params(params)
        return [src[n] if f is None else f(src[n]) for n, f in steps]

    if compiled.positional:
        return lambda params: tuple(values(params))
    escaped = [compiled.escaped_bind_names.get(n, n) for n in names]
    return lambda params: dict(zip(escaped, values(params)))


def _row_getter(names: Any, processors: list[Any]) -> Callable[[dict[str, Any]], tuple]:
    """A row's values in `names` order, each through its bind processor (None: as it is): one
    C-level itemgetter, then only the processed columns in Python (most have none)."""
    names = tuple(names)
    get = itemgetter(*names) if len(names) > 1 else (lambda p, n=names[0]: (p[n],))
    steps = [(i, f) for i, f in enumerate(processors) if f is not None]
    if not steps:
        return get

    def row(params: dict[str, Any]) -> tuple:
        values = list(get(params))
        for i, f in steps:
            values[i] = f(values[i])
        return tuple(values)

    return row

"""Read-model database: one SQLAlchemy metadata (owned by alembic), engine factory, shared tables."""

from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy import event as sa_event

from opencheck.settings import Settings

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
)


def create_engine(settings: Settings) -> sa.Engine:
    """Engine for the read models: WAL + busy timeout on SQLite, schema search path on PostgreSQL."""
    url = settings.sqlalchemy_url()
    if not settings.is_postgres:
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

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
    return sa.create_engine(url, connect_args=connect_args, pool_size=10, max_overflow=20,
                            pool_pre_ping=True)


def read_model_tables(projection_names: set[str] | None = None) -> list[sa.Table]:
    """Tables owned by projections (tagged with info['projection']), optionally for some only."""
    return [
        t for t in metadata.sorted_tables
        if "projection" in t.info and (projection_names is None or t.info["projection"] in projection_names)
    ]


def fetch_ints(conn: sa.Connection, stmt: sa.Select, ncols: int) -> np.ndarray:
    """Run `stmt` on the raw DB-API cursor (same transaction) into an (n, ncols) int64 array:
    no per-row Python objects beyond the driver's tuples (the drawer's and the scorer's loads)."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    args: Any = tuple(params[k] for k in compiled.positiontup) if compiled.positional else params
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), args)
        flat = np.fromiter(chain.from_iterable(cursor), dtype=np.int64)
    finally:
        cursor.close()
    return flat.reshape(-1, ncols)

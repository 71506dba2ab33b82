"""The reference for bench/lookup.py: the same public profile row by one raw SQL query, no more
(SQLite by default; PostgreSQL when BARE_PG_URL is set)."""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import date

from fastapi import FastAPI
from fastapi.responses import JSONResponse

PG_URL, PG_SCHEMA = os.environ.get("BARE_PG_URL"), os.environ.get("BARE_PG_SCHEMA")
SQL = ("SELECT uscc, name, entity_type, region_code, industry_code, registered_on, address, "
       "registering_authority, status, status_since FROM entities WHERE uscc = ?")
COLUMNS = [c.strip() for c in SQL[len("SELECT "):SQL.index(" FROM")].split(",")]
_local = threading.local()
app = FastAPI()


def _conn():  # noqa: ANN202
    """One connection per thread: SQLite file, or PostgreSQL in autocommit (no pool, no ORM)."""
    if not hasattr(_local, "conn"):
        if PG_URL:
            import psycopg

            _local.conn = psycopg.connect(PG_URL, autocommit=True,
                                          options=f"-csearch_path={PG_SCHEMA}")
        else:
            _local.conn = sqlite3.connect(os.environ["BARE_SQLITE_PATH"], check_same_thread=False)
    return _local.conn


@app.get("/bare/{uscc}")
def bare(uscc: str) -> JSONResponse:
    conn = _conn()
    row = conn.execute(SQL.replace("?", "%s") if PG_URL else SQL, (uscc,)).fetchone()
    if row is None:
        return JSONResponse({"detail": "not found"}, status_code=404)
    return JSONResponse({k: v.isoformat() if isinstance(v, date) else v   # PostgreSQL dates
                         for k, v in zip(COLUMNS, row)})

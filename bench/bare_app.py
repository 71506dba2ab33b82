"""The reference for bench/lookup.py: the same public profile row by one raw SQL query, no more."""

from __future__ import annotations

import os
import sqlite3
import threading

from fastapi import FastAPI
from fastapi.responses import JSONResponse

DB = os.environ["BARE_SQLITE_PATH"]
SQL = ("SELECT uscc, name, entity_type, region_code, industry_code, registered_on, address, "
       "registering_authority, status, status_since FROM entities WHERE uscc = ?")
COLUMNS = [c.strip() for c in SQL[len("SELECT "):SQL.index(" FROM")].split(",")]
_local = threading.local()
app = FastAPI()


def _conn() -> sqlite3.Connection:
    if not hasattr(_local, "conn"):
        _local.conn = sqlite3.connect(DB, check_same_thread=False)
    return _local.conn


@app.get("/bare/{uscc}")
def bare(uscc: str) -> JSONResponse:
    row = _conn().execute(SQL, (uscc,)).fetchone()
    if row is None:
        return JSONResponse({"detail": "not found"}, status_code=404)
    return JSONResponse(dict(zip(COLUMNS, row)))

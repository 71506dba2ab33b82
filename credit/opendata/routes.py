"""开放数据 Public routes: the list of daily dumps and their files (no login)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse
from pydantic import BaseModel

from credit.opendata.dumps import dump_file, list_dumps
from kernel.errors import NotFound
from kernel.http.api import ERRORS, PlatformDep

public_router = APIRouter(tags=["public"])
MEDIA = {".csv": "text/csv; charset=utf-8", ".jsonl": "application/x-ndjson",
         ".json": "application/json"}


class DatasetSummary(BaseModel):
    title: str
    rows: int
    added: int
    changed: int
    removed: int
    files: dict[str, str]


class DumpPublic(BaseModel):
    """One day's dump: the full datasets and the delta against `previous`."""

    date: str
    generated_at: str
    previous: str | None
    schema_version: int
    manifest: str
    datasets: dict[str, DatasetSummary]


@public_router.get("/open-data", response_model=list[DumpPublic])
def open_data(p: PlatformDep) -> list[dict[str, Any]]:
    """开放数据 The daily dumps, newest first, with links to every file and the manifest."""
    return list_dumps(p.settings)


@public_router.get("/open-data/{day}/{name}", response_class=FileResponse,
                   responses={404: ERRORS[404], 200: {"content": {"text/csv": {},
                                                                  "application/x-ndjson": {}}}})
def open_data_file(p: PlatformDep,
                   day: str = Path(max_length=10, description="the dump's day, YYYY-MM-DD"),
                   name: str = Path(max_length=100, description="a file its manifest lists")
                   ) -> FileResponse:
    """One file of a dump (a dataset, a delta or the manifest)."""
    path = dump_file(p.settings, day, name)
    if path is None or not path.is_file():
        raise NotFound(f"无此开放数据文件 no open-data file {name!r} on {day!r}", field="name")
    return FileResponse(path, media_type=MEDIA.get(path.suffix, "application/octet-stream"),
                        filename=f"opencheck-{day}-{name}")

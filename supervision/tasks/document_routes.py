"""HTTP routes of a task's files: attachments (upload, download) and the printable documents
(检查通知书 inspection notice, 检查记录表 inspection record) as PDF.

Only the task's team and supervisors see them (403 otherwise); an attachment is served only if
a result of that task records its hash.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Path, UploadFile
from fastapi.responses import Response

from kernel.clock import today_in_china
from kernel.errors import InvalidInput, NotFound
from kernel.http.api import PlatformDep, errors
from kernel.http.auth import CurrentUser, Inspector, User
from kernel.platform import Platform
from supervision.tasks import documents
from supervision.tasks import views as task_views
from supervision.tasks.attachments import AttachmentStore
from supervision.tasks.routes import _require_member
from supervision.tasks.schemas import AttachmentStored

router = APIRouter(tags=["inspection tasks"], responses=errors(401, 403, 404))
Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]
DOCUMENTS = {"notice": (documents.inspection_notice, "检查通知书"),
             "record": (documents.inspection_record, "检查记录表")}


def store_of(p: Platform) -> AttachmentStore:
    return AttachmentStore(p.settings.attachments_path)


def _may_see(p: Platform, task_id: UUID, user: User) -> None:
    with p.engine.connect() as conn:
        if user.role in ("supervisor", "admin"):
            if not task_views.task_exists(conn, task_id.hex):
                raise NotFound(f"no inspection task {task_id}", field="task_id")
            return
        _require_member(conn, task_id, user)


def disposition(filename: str, inline: bool = False) -> str:
    """RFC 6266 with an RFC 5987 UTF-8 name (Chinese file names survive)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


@router.post("/tasks/{task_id}/attachments", status_code=201, response_model=AttachmentStored)
async def upload_attachment(task_id: UUID, file: UploadFile, p: PlatformDep,
                            user: Inspector) -> dict:
    """Upload a photo (JPEG, PNG) or PDF for the caller's result; stored by its SHA-256."""
    _may_see(p, task_id, user)
    limit = p.rules.attachments.max_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"附件过大 {file.filename!r} has more than {limit:,} bytes",
                           field="attachments")
    return store_of(p).put(data, file.filename or "", p.rules.attachments).as_event()


@router.get("/tasks/{task_id}/attachments/{sha256}", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}, "image/png": {},
                                         "application/pdf": {}}}})
def download_attachment(task_id: UUID, sha256: Sha256, p: PlatformDep,
                        user: CurrentUser) -> Response:
    """An attached file, for the task's team and supervisors only."""
    _may_see(p, task_id, user)
    with p.engine.connect() as conn:
        found = task_views.attachment(conn, task_id.hex, sha256)
    if found is None:
        raise NotFound("no such attachment on this task", field="sha256")
    data = store_of(p).read(sha256, found["media_type"])
    return Response(data, media_type=found["media_type"], headers={
        "Content-Disposition": disposition(found["filename"], inline=True),
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=0"})


@router.get("/tasks/{task_id}/documents/{kind}.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def document(task_id: UUID, kind: Literal["notice", "record"], p: PlatformDep,
             user: CurrentUser) -> Response:
    """检查通知书 (notice) or 检查记录表 (record) of the task, as PDF."""
    _may_see(p, task_id, user)
    make, title = DOCUMENTS[kind]
    with p.engine.connect() as conn:
        pdf = make(conn, task_id.hex, p.rules, today_in_china())
    if pdf is None:
        raise NotFound(f"no inspection task {task_id}", field="task_id")
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": disposition(f"{title}-{task_id.hex[:8]}.pdf"),
        "Cache-Control": "private, max-age=0"})

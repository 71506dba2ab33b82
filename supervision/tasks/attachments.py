"""检查附件 Attachments of an inspection result: photos (JPEG, PNG) and PDF documents.

The type is read from the file's first bytes (its magic number), never from its name or the
type a browser claims; size and accepted types are rules (``rules.attachments``). A file is
stored once under its SHA-256 (content addressing: the same photo twice is one file, and the
hash the result event records proves which bytes were attached), in a directory of the
settings (``OPENCHECK_ATTACHMENTS_DIR``). Serving checks who may see it (routes).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kernel.errors import InvalidInput, NotFound
from kernel.text import checked_text
from supervision.rules import AttachmentRules

MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
SUFFIX = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
LABELS = {"image/jpeg": "JPEG 照片", "image/png": "PNG 图片", "application/pdf": "PDF 文件"}
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_NAME = 200


@dataclass(frozen=True)
class Attachment:
    """What a result event records of one attached file."""

    sha256: str
    media_type: str
    size: int
    filename: str

    def as_event(self) -> dict[str, object]:
        return {"sha256": self.sha256, "media_type": self.media_type, "size": self.size,
                "filename": self.filename}


def media_type_of(data: bytes) -> str | None:
    """The type the first bytes announce, or None."""
    return next((kind for magic, kind in MAGIC if data.startswith(magic)), None)


def checked(data: bytes, filename: str, rules: AttachmentRules) -> Attachment:
    """422 unless the bytes are of an accepted type and within the size limit."""
    name = (filename or "").strip().replace("\\", "/").rsplit("/", 1)[-1][:MAX_NAME] or "附件"
    name = checked_text(name, "attachments")   # the name goes into an event: no NUL
    if not data:
        raise InvalidInput(f"附件为空 the attachment {name!r} is empty", field="attachments")
    if len(data) > rules.max_bytes:
        raise InvalidInput(f"附件过大 {name!r} has {len(data):,} bytes; at most "
                           f"{rules.max_bytes:,} are accepted", field="attachments")
    kind = media_type_of(data)
    if kind is None or kind not in rules.media_types:
        accepted = "、".join(LABELS.get(t, t) for t in rules.media_types)
        raise InvalidInput(f"附件类型不允许：{name!r}（按文件内容识别），可接受：{accepted} "
                           f"{name!r} is not an accepted file: its content is "
                           f"{'of an unknown type' if kind is None else kind} "
                           "(recognised by content, not by name)",
                           field="attachments")
    return Attachment(hashlib.sha256(data).hexdigest(), kind, len(data), name)


class AttachmentStore:
    """Files under ``root/ab/abcdef….ext``, written atomically, never overwritten."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_of(self, sha256: str, media_type: str) -> Path:
        if not SHA256.match(sha256):
            raise NotFound("no such attachment", field="sha256")
        return self.root / sha256[:2] / f"{sha256}{SUFFIX.get(media_type, '')}"

    def put(self, data: bytes, filename: str, rules: AttachmentRules) -> Attachment:
        """Check and store; the same bytes again are stored once."""
        found = checked(data, filename, rules)
        target = self.path_of(found.sha256, found.media_type)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        return found

    def read(self, sha256: str, media_type: str) -> bytes:
        """The stored bytes, checked against their hash (404 if missing or altered)."""
        path = self.path_of(sha256, media_type)
        if not path.is_file():
            raise NotFound("附件文件不存在 the attachment's file is missing", field="sha256")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise NotFound("附件文件与记录的哈希不符 the stored file does not match its recorded "
                           "hash", field="sha256")
        return data

    def stored(self, sha256: str, filename: str) -> Attachment:
        """An uploaded file named by its hash, as a result records it (422 if never uploaded)."""
        for kind in SUFFIX:
            if self.path_of(sha256, kind).is_file():
                data = self.read(sha256, kind)
                name = checked_text((filename or "").strip()[:MAX_NAME], "attachments") \
                    or f"{sha256[:12]}{SUFFIX[kind]}"
                return Attachment(sha256, kind, len(data), name)
        raise InvalidInput(f"附件未上传 no uploaded file has the hash {sha256}; upload it first",
                           field="attachments")

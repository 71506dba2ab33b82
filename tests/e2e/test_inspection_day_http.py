"""The inspector's day over HTTP: partners named in the acknowledgement error, results per check
item, attachments (type by content, size limit, stored by SHA-256, the hash in the event, served
only to the team and supervisors), and the printed notice and record (PDF with Chinese text)."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from supervision.directory.tables import inspectors
from tests.e2e.test_tasks_http import _result, world  # noqa: F401 - the fixture

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64


def png(width: int = 2) -> bytes:
    """A real, tiny PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(width))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, width, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def day(client, world, platform, tmp_path):  # noqa: F811
    platform.settings.attachments_dir = str(tmp_path / "attachments")
    return world


def _ack(client, w, who: str) -> None:
    tid = w["task"]["task_id"]
    r = client.post(f"/api/v1/tasks/{tid}/acknowledgement", headers=w[who][0])
    assert r.status_code == 200, r.text


def _upload(client, w, data: bytes, name: str, who: str = "a"):
    return client.post(f"/api/v1/tasks/{w['task']['task_id']}/attachments", headers=w[who][0],
                       files={"file": (name, data, "application/octet-stream")})


def _name_of(platform, number: int) -> str:
    with platform.engine.connect() as conn:
        return conn.execute(sa.select(inspectors.c.name)
                            .where(inspectors.c.inspector_no == number)).scalar_one()


class TestInspectionDay:
    def test_a_start_before_the_partner_acknowledged_names_the_partner(self, client, day,
                                                                         platform):
        w, tid = day, day["task"]["task_id"]
        _ack(client, w, "a")
        r = client.post(f"/api/v1/tasks/{tid}/start", headers=w["a"][0])
        assert r.status_code == 409
        body = r.json()
        text = str(body)
        partner = [m["inspector_no"] for m in w["task"]["team"]][1]
        assert _name_of(platform, partner) in text and "尚未签收" in text
        assert f"[{partner}]" not in text

    def test_results_per_check_item_with_an_attachment(self, client, day, platform):
        w, tid = day, day["task"]["task_id"]
        for who in ("a", "b"):
            _ack(client, w, who)
        assert client.post(f"/api/v1/tasks/{tid}/start", headers=w["a"][0]).status_code == 200
        # upload: a photo, stored under its hash; the same bytes again are the same file
        photo = png()
        r = _upload(client, w, photo, "现场照片.png")
        assert r.status_code == 201, r.text
        stored = r.json()
        digest = hashlib.sha256(photo).hexdigest()
        assert stored == {"sha256": digest, "media_type": "image/png", "size": len(photo),
                          "filename": "现场照片.png"}
        path = platform.settings.attachments_path / digest[:2] / f"{digest}.png"
        assert path.read_bytes() == photo
        assert _upload(client, w, photo, "again.png").json()["sha256"] == digest
        # an item not on the task, and a problem without findings, are refused by field
        bad = client.post(f"/api/v1/tasks/{tid}/result", headers=w["a"][0], json=_result(
            w, result_code="", findings="", items=[{"check_item": "X-999", "result_code": "1"}]))
        assert bad.status_code == 422 and "items[0]" in bad.text, bad.text
        bad = client.post(f"/api/v1/tasks/{tid}/result", headers=w["a"][0], json=_result(
            w, result_code="", findings="", items=[{"check_item": "T-001", "result_code": "C"}]))
        assert bad.status_code == 422 and "items[0].findings" in bad.text, bad.text
        # the result: one outcome per item, the department's code derived from the items
        r = client.post(f"/api/v1/tasks/{tid}/result", headers=w["a"][0], json=_result(
            w, result_code="", findings="", items=[
                {"check_item": "T-001", "result_code": "C", "findings": "年报从业人数虚报"}],
            attachments=[{"sha256": digest, "filename": "现场照片.png"}]))
        assert r.status_code == 201, r.text
        part = r.json()["results"][0]
        assert part["result_code"] == "C" and "年报从业人数虚报" in part["findings"]
        assert part["items"] == [{"check_item": "T-001", "result_code": "C",
                                  "result_name_zh": part["items"][0]["result_name_zh"],
                                  "result_name_en": part["items"][0]["result_name_en"],
                                  "problem_found": True, "findings": "年报从业人数虚报"}]
        assert part["attachments"] == [stored]
        # the event records the hash
        recorded = [n for n in platform.supervision.recorder.select_notifications(
            start=1, limit=10_000) if n.topic.endswith("InspectionTask.ResultRecorded")]
        state = platform.supervision.mapper.to_domain_event(recorded[-1])
        assert state.attachments == [stored]
        assert state.item_results[0]["check_item"] == "T-001"
        # served to the team and supervisors, never to another inspector
        url = f"/api/v1/tasks/{tid}/attachments/{digest}"
        got = client.get(url, headers=w["b"][0])
        assert got.status_code == 200 and got.content == photo
        assert got.headers["content-type"] == "image/png"
        assert client.get(url, headers=w["sup"]).status_code == 200
        assert client.get(url, headers=w["out"][0]).status_code == 403
        assert client.get(url.replace(digest, "0" * 64), headers=w["a"][0]).status_code == 404
        # the printed record carries the title, the item and the hash
        pdf = client.get(f"/api/v1/tasks/{tid}/documents/record.pdf", headers=w["a"][0])
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "检查记录表" in text and "T-001" in text and digest[:16] in text.replace("\n", "")
        notice = client.get(f"/api/v1/tasks/{tid}/documents/notice.pdf", headers=w["b"][0])
        assert "检查通知书" in PdfReader(io.BytesIO(notice.content)).pages[0].extract_text()
        assert client.get(f"/api/v1/tasks/{tid}/documents/notice.pdf",
                          headers=w["out"][0]).status_code == 403

    def test_attachments_are_checked_by_content_and_size(self, client, day, platform,
                                                         monkeypatch):
        w = day
        # a text file named .jpg is refused: the type comes from the bytes
        r = _upload(client, w, b"just some text pretending", "photo.jpg")
        assert r.status_code == 422 and "attachments" in r.text, r.text
        assert "附件类型不允许" in r.text
        # a real JPEG named .txt is accepted as a JPEG
        r = _upload(client, w, JPEG, "scan.txt")
        assert r.status_code == 201 and r.json()["media_type"] == "image/jpeg"
        pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        assert _upload(client, w, pdf, "记录.pdf").json()["media_type"] == "application/pdf"
        # the size limit is a rule
        # (a copy of the rules for this platform: the defaults are shared by every test)
        small = platform.rules.attachments.model_copy(update={"max_bytes": 100})
        monkeypatch.setattr(platform, "rules",
                            platform.rules.model_copy(update={"attachments": small}))
        r = _upload(client, w, JPEG + b"\x00" * 200, "big.jpg")
        assert r.status_code == 422 and "附件过大" in r.text
        # an outsider cannot upload to the task
        assert _upload(client, w, JPEG, "x.jpg", who="out").status_code == 403
        # a result naming a hash never uploaded is refused
        tid = w["task"]["task_id"]
        for who in ("a", "b"):
            _ack(client, w, who)
        client.post(f"/api/v1/tasks/{tid}/start", headers=w["a"][0])
        r = client.post(f"/api/v1/tasks/{tid}/result", headers=w["a"][0],
                        json=_result(w, attachments=[{"sha256": "ab" * 32}]))
        assert r.status_code == 422 and "附件未上传" in r.text


@pytest.mark.postgres
class TestInspectionDayOnPostgres(TestInspectionDay):
    backend = "postgres"

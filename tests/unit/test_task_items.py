"""Results per check item, attachment references, partners named in the start error, and
ResultRecorded events recorded before items existed still replay."""

from __future__ import annotations

from datetime import date

import pytest

from credit.rules import DEFAULT_RULES
from kernel import i18n
from kernel.errors import Conflict, InvalidInput
from supervision.rules import AttachmentRules
from supervision.tasks.attachments import checked, media_type_of
from supervision.tasks.task import InspectionTask
from tests.unit.test_tasks import ASSIGNED, started, task

DAY = date(2025, 9, 26)


def _record(t: InspectionTask, code: str = "", items=None, attachments=None) -> None:
    t.record_result(11, code, "", DAY, [11, 12], DAY, DEFAULT_RULES.result,
                    DEFAULT_RULES.publicity.inspection_result_deadline_workdays, items,
                    attachments, DEFAULT_RULES.attachments.max_per_result)


def test_the_start_names_the_partner_who_has_not_signed():
    t = task()
    t.acknowledge(11, ASSIGNED)
    with pytest.raises(Conflict) as e:
        t.start(11, ASSIGNED, {12: "王小明"})
    said = i18n.translated(e.value.message, e.value.field, 409)
    assert said.zh.startswith("检查组成员王小明尚未签收任务") and "王小明" in said.en
    assert "12" not in said.render()


def test_a_signer_off_the_team_is_named_not_numbered():
    t = started(task())
    with pytest.raises(InvalidInput) as e:
        t.record_result(11, "1", "", DAY, [11, 99], DAY, DEFAULT_RULES.result,
                        DEFAULT_RULES.publicity.inspection_result_deadline_workdays,
                        names={99: "李大为"})
    said = i18n.translated(e.value.message, e.value.field)
    assert said.zh == "签名人：检查人员李大为不是本任务检查组成员" and "99" not in said.render()


def test_items_are_checked_and_the_department_code_follows_them():
    t = started(task())
    with pytest.raises(InvalidInput) as e:
        _record(t, items=[{"check_item": "X-1", "result_code": "1"}])
    assert e.value.field == "items[0]"
    with pytest.raises(InvalidInput) as e:
        _record(t, items=[{"check_item": "T-001", "result_code": "1"},
                          {"check_item": "T-001", "result_code": "1"}])
    assert e.value.field == "items[1]"
    with pytest.raises(InvalidInput) as e:
        _record(t, items=[{"check_item": "T-001", "result_code": "ZZ"}])
    assert e.value.field == "items[0].result_code"
    with pytest.raises(InvalidInput) as e:   # a problem found needs its findings
        _record(t, items=[{"check_item": "T-001", "result_code": "C"}])
    assert e.value.field == "items[0].findings"
    with pytest.raises(InvalidInput) as e:   # neither a code nor items
        _record(t)
    assert e.value.field == "result_code"
    _record(t, items=[{"check_item": "T-001", "result_code": "C", "findings": "虚报从业人数"}])
    part = t.parts["market_regulation"]
    assert part["result_code"] == "C" and part["problem_found"]


def test_attachments_are_distinct_and_limited():
    t = started(task())
    ref = {"sha256": "a" * 64, "media_type": "image/png", "size": 10, "filename": "x.png"}
    with pytest.raises(InvalidInput, match="twice"):
        _record(t, "1", attachments=[ref, ref])
    with pytest.raises(InvalidInput, match="at most"):
        _record(t, "1", attachments=[{**ref, "sha256": f"{i:064x}"} for i in range(11)])
    _record(t, "1", attachments=[ref])
    event = next(e for e in t.collect_events() if isinstance(e, InspectionTask.ResultRecorded))
    assert event.attachments == [ref]


def test_a_result_event_recorded_before_items_existed_still_replays():
    t = started(task())
    _record(t, "1")
    events = t.collect_events()
    old = events[-1]
    # as the store decodes an old event: its state simply has no such keys
    del old.__dict__["item_results"], old.__dict__["attachments"]
    again = None
    for e in events:
        again = e.mutate(again)
    assert again.parts["market_regulation"]["result_code"] == "1"
    assert getattr(old, "item_results", None) is None


def test_the_type_comes_from_the_content_and_the_size_is_a_rule():
    rules = AttachmentRules(max_bytes=100)
    assert media_type_of(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert media_type_of(b"%PDF-1.7") == "application/pdf"
    assert media_type_of(b"GIF89a") is None
    with pytest.raises(InvalidInput, match="附件类型不允许"):
        checked(b"hello", "photo.jpg", rules)
    with pytest.raises(InvalidInput, match="附件过大"):
        checked(b"%PDF-" + b"0" * 200, "big.pdf", rules)
    with pytest.raises(InvalidInput, match="附件类型不允许"):   # PDF not accepted by this rule
        checked(b"%PDF-1.4", "a.pdf", AttachmentRules(media_types=("image/png",)))
    found = checked(b"%PDF-1.4", "C:\\scans\\记录.pdf", rules)
    assert found.media_type == "application/pdf" and found.filename == "记录.pdf"


def test_a_file_name_no_store_can_hold_is_refused():
    with pytest.raises(InvalidInput) as e:
        checked(b"%PDF-1.4", "bad\x00name.pdf", AttachmentRules())
    assert e.value.field == "attachments"

"""The pure domain of 双公示 licensing decisions and objections: deadlines in working days,
late publication and handling recorded as late, the overdue flag once, ended decisions final."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from credit.licensing.aggregate import LicensingDecision, licence_id
from credit.licensing.rules import LicensingRules
from credit.objections.aggregate import Objection, RecordRef
from credit.objections.rules import ObjectionRules
from credit.objections.views import mask_contact, mask_name
from credit.publicity_rules import PublicityRules
from kernel.errors import Conflict, InvalidInput
from tests.factories import licence

TODAY = date(2026, 6, 1)


def _grant(rules: LicensingRules | None = None, **over) -> LicensingDecision:
    return LicensingDecision.grant(licence(1, **over), "市场监管局", rules or LicensingRules(),
                                   PublicityRules(), TODAY)


def test_the_deadline_is_the_double_publicity_rule_unless_overridden():
    d = _grant()
    assert d.publication_due_on == date(2026, 3, 11) and d.id == licence_id(licence(1).decision_no)
    assert _grant(LicensingRules(publication_workdays=20)).publication_due_on == date(2026, 3, 30)
    faster = LicensingDecision.grant(licence(1), "x", LicensingRules(),
                                     PublicityRules(double_publicity_workdays=5), TODAY)
    assert faster.publication_due_on == date(2026, 3, 9)


def test_publication_late_flag_once_and_ended_is_final():
    d = _grant()
    assert not d.flag_publication_overdue(date(2026, 3, 11))
    assert d.flag_publication_overdue(date(2026, 3, 12))
    assert not d.flag_publication_overdue(date(2026, 3, 13))
    with pytest.raises(InvalidInput):
        d.publish(date(2026, 3, 1), TODAY)            # before the decision
    d.publish(date(2026, 3, 12), TODAY)
    assert d.status == "published" and d.collect_events()[-1].late is True
    with pytest.raises(Conflict):
        d.publish(date(2026, 3, 13), TODAY)
    d.end("revoked", date(2026, 4, 1), "以欺骗手段取得", TODAY)
    assert d.status == "revoked"
    for act in (lambda: d.change("x", None, date(2026, 4, 2), "r", TODAY),
                lambda: d.end("cancelled", date(2026, 4, 2), "r", TODAY)):
        with pytest.raises(Conflict):
            act()


def test_terms_are_checked():
    for over, field in (({"category": "nonsense"}, "category"),
                        ({"valid_from": date(2026, 3, 1)}, "valid_from"),
                        ({"decided_on": date(2026, 7, 1)}, "decided_on"),
                        ({"content": "  "}, "content"), ({"uscc": "123"}, "uscc")):
        with pytest.raises(InvalidInput) as e:
            _grant(**over)
        assert e.value.field == field, over


def test_an_objection_is_handled_once_late_ones_recorded_and_flagged_once():
    ref = RecordRef("penalty", licence(1).uscc, " 婺市监处罚〔2026〕1号 ").validated()
    assert ref.key == "婺市监处罚〔2026〕1号"
    o = Objection.file(uuid4(), ref, "market_regulation", "错误", "赵六六", "13800001111",
                       date(2026, 3, 4), ObjectionRules())
    assert o.handle_by == date(2026, 3, 18)
    assert not o.flag_overdue(date(2026, 3, 18)) and o.flag_overdue(date(2026, 3, 19))
    assert not o.flag_overdue(date(2026, 3, 20))
    with pytest.raises(InvalidInput):
        o.handle("deleted", date(2026, 3, 20), "li", "x", TODAY)
    o.handle("corrected", date(2026, 3, 20), "li", "更正", TODAY)
    assert o.status == "corrected" and o.collect_events()[-1].late is True
    with pytest.raises(Conflict):
        o.handle("upheld", date(2026, 3, 20), "li", "x", TODAY)
    with pytest.raises(InvalidInput):
        RecordRef("risk_class", licence(1).uscc, "A").validated()


def test_contacts_are_masked():
    assert mask_contact("13800001111") == "138****11"
    assert mask_contact("li.si@example.cn") == "l***@example.cn"
    assert mask_contact("12345") == "*****"
    assert mask_name("赵六六") == "赵**" and mask_name("赵") == "赵*"

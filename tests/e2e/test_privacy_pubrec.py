"""The objector's contact and every unpublished or internal licensing fact stay off every public
response and page; positive controls prove the pages show what is public (the pattern of
test_privacy.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from credit.objections.aggregate import RecordRef
from kernel.clock import today_in_china
from tests.factories import commitment, decision, entity, licence, uscc

SECRETS = ("OBJECTOR-赵六六", "13912345678", "objector@example.cn", "CHANGE-REASON-SECRET",
           "END-REASON-SECRET", "OBJECTION-REASON-SECRET", "OUTCOME-SECRET", "CONTENT-SECRET")
UNPUBLISHED = ("婺市监许〔2026〕901号", "婺市监许〔2026〕902号")
SHOWN = ("婺市监许〔2026〕903号", "婺市监许〔2026〕904号")


def _build(platform) -> str:
    t, credit, code = today_in_china(), platform.credit, uscc(1)
    platform.supervision.register_entities([entity(i) for i in range(1, 3)])
    platform.settle()

    def grant(no: int, days_ago: int):
        return credit.grant_licence(licence(1, decision_no=f"婺市监许〔2026〕{no}号",
                                            decided_on=t - timedelta(days=days_ago),
                                            valid_from=t - timedelta(days=days_ago)), t)

    grant(901, 30)                                    # unpublished, overdue
    ended = grant(902, 20)                            # ended before publication: never public
    credit.end_licence(ended, "withdrawn", t - timedelta(days=10), "END-REASON-SECRET", t)
    changed = grant(903, 20)                          # published, then changed
    credit.publish_licence(changed, t - timedelta(days=15), t)
    credit.change_licence(changed, "变更后的许可内容", None, t - timedelta(days=5),
                          "CHANGE-REASON-SECRET", t)
    shown = grant(904, 10)
    credit.publish_licence(shown, t - timedelta(days=8), t)
    credit.accept_commitment(commitment(1, content="CONTENT-SECRET 承诺内容",
                                        committed_on=t - timedelta(days=3)), t)
    case = credit.open_penalty(code, "market_regulation", t - timedelta(days=20), t)
    credit.decide_penalty(case, decision(1, decided_on=t - timedelta(days=10)), t)
    credit.publish_penalty(case, t - timedelta(days=5), t)
    platform.catch_up()
    # two objections: one open, one handled
    for key, kind in ((decision(1).decision_no, "penalty"), (SHOWN[1], "licence")):
        credit.file_objection(RecordRef(kind, code, key), "OBJECTION-REASON-SECRET",
                              "OBJECTOR-赵六六", "13912345678", t)
    handled = credit.file_objection(RecordRef("licence", code, SHOWN[0]), "OBJECTION-REASON-SECRET",
                                    "OBJECTOR-赵六六", "objector@example.cn", t)
    credit.handle_objection(handled, "withdrawn", t, "OUTCOME-SECRET", t)
    platform.catch_up()
    return code


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_objectors_and_unpublished_licences_never_reach_the_public(client, platform):
    code = _build(platform)
    with platform.engine.connect() as conn:
        from credit.objections.views import list_objections

        ids = [o["id"] for o in list_objections(conn, today=today_in_china())[1]]
    paths = [f"/api/v1/public/credit/{code}", f"/entity/{code}", "/api/v1/public/licences",
             f"/api/v1/public/licences?uscc={code}", "/licences", f"/licences?uscc={code}",
             "/licences?q=婺市监许", "/api/v1/public/commitments", f"/commitments?uscc={code}",
             "/commitments", "/objections/new", f"/api/v1/public/search?q={code}",
             *[f"/api/v1/public/objections/{i}" for i in ids]]
    pages = {path: client.get(path) for path in paths}
    for path, r in pages.items():
        assert r.status_code == 200, (path, r.text)
        for secret in SECRETS + UNPUBLISHED:
            assert secret not in r.text, (path, secret)
        for word in ("contact", "change_reason", "end_reason", "outcome_reasons",
                     "publication_due", "handler"):
            assert word not in r.text or path == "/objections/new", (path, word)
    # positive controls: the published decisions and the marker are shown
    for path in ("/api/v1/public/licences", "/licences"):
        for number in SHOWN:
            assert number in pages[path].text, (path, number)
    assert "变更后的许可内容" in pages["/licences"].text
    marked = {i["decision_no"]: i["objection_under_review"]
              for i in pages["/api/v1/public/licences"].json()["items"]}
    assert marked == {SHOWN[0]: False, SHOWN[1]: True}
    record = pages[f"/api/v1/public/credit/{code}"].json()
    assert record["penalties"][0]["objection_under_review"] is True
    assert "异议处理中 Objection under review" in pages[f"/entity/{code}"].text
    # the filing answer and the form's receipt carry no contact either
    r = client.post("/api/v1/public/objections", json={
        "record_kind": "licence", "uscc": code, "record_key": SHOWN[1], "reason": "再次异议",
        "contact_name": "OBJECTOR-赵六六", "contact": "13912345678"})
    assert r.status_code == 201 and not any(s in r.text for s in SECRETS), r.text
    # an unpublished decision is no public record: an objection to it finds nothing
    r = client.post("/api/v1/public/objections", json={
        "record_kind": "licence", "uscc": code, "record_key": UNPUBLISHED[0], "reason": "x",
        "contact_name": "n", "contact": "13912345678"})
    assert r.status_code == 404

"""法定代表人 over HTTP: registered with an ID number that no response ever shows whole; the
search by person (name or number) finds every company of the person, masked."""

from __future__ import annotations

import pytest
from stdnum.cn import ric

from tests.e2e.conftest import token
from tests.factories import entity_json

BODY17 = "33070219800101123"
NUMBER = BODY17 + ric.calc_check_digit(BODY17 + "0")
MASKED = "330702********" + NUMBER[-4:]


def _secret_free(r) -> None:
    for hidden in (NUMBER, NUMBER[6:14] + NUMBER[14:17]):
        assert hidden not in r.text, r.request.url


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_search_by_person_shows_both_companies_masked(client, platform):
    h = token(client, "supervisor")
    responses = []
    for i in (1, 2):
        body = entity_json(i, legal_representative="李四", legal_representative_id=NUMBER)
        r = client.post("/api/v1/entities", json=body, headers=h)
        assert r.status_code == 201, r.text
        assert r.json()["legal_representative_masked"] == MASKED
        responses.append(r)
    x, y = (entity_json(i)["uscc"] for i in (1, 2))
    responses.append(client.get(f"/api/v1/entities/{x}", headers=h))
    responses.append(client.get("/api/v1/entities", headers=h))
    # by ID number (in the body: never in a URL) and by part of the name
    for query in ({"id_number": NUMBER}, {"id_number": NUMBER.lower()}, {"name": "李"}):
        r = client.post("/api/v1/persons/search", json=query, headers=h)
        assert r.status_code == 200, r.text
        [person] = r.json()
        assert (person["name"], person["id_masked"], person["identified"]) == \
            ("李四", MASKED, True)
        assert {e["uscc"] for e in person["entities"]} == {x, y}
        assert all(e["current"] and not e["serious_listed"] for e in person["entities"])
        responses.append(r)
    # inspectors may not search persons
    assert client.post("/api/v1/persons/search", json={"name": "李"},
                       headers=token(client, "inspector")).status_code == 403
    # public pages: the name as registered, nothing of the number
    public = [client.get(path) for path in (
        f"/api/v1/public/entities/{x}", f"/api/v1/public/credit/{x}", f"/entity/{x}",
        f"/api/v1/public/search?q={x}")]
    assert all(r.status_code == 200 for r in public), [r.text for r in public]
    assert public[0].json()["legal_representative"] == "李四"
    assert "李四" in public[2].text and MASKED not in public[2].text
    for r in public:
        assert MASKED not in r.text and "person_key" not in r.text
    for r in responses + public:
        _secret_free(r)


def test_a_wrong_check_digit_is_422_naming_the_field(client):
    h = token(client, "supervisor")
    wrong = NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1")
    r = client.post("/api/v1/entities", headers=h,
                    json=entity_json(1, legal_representative="李四", legal_representative_id=wrong))
    assert r.status_code == 422, r.text
    detail = r.json()["detail"][0]
    assert "legal_representative_id" in detail["loc"] and "校验码" in detail["msg"]
    assert wrong not in r.text
    r = client.post("/api/v1/persons/search", json={"id_number": wrong}, headers=h)
    assert r.status_code == 422 and "id_number" in r.json()["detail"][0]["loc"]
    assert wrong not in r.text
    assert client.post("/api/v1/persons/search", json={}, headers=h).status_code == 422


def test_a_change_of_representative_closes_the_period(client):
    h = token(client, "supervisor")
    body = entity_json(1, legal_representative="李四", legal_representative_id=NUMBER)
    assert client.post("/api/v1/entities", json=body, headers=h).status_code == 201
    other17 = "33070219900202456"
    other = other17 + ric.calc_check_digit(other17 + "0")
    r = client.patch(f"/api/v1/entities/{body['uscc']}", headers=h, json={
        "legal_representative": "王五", "legal_representative_id": other,
        "effective_on": "2024-05-06"})
    assert r.status_code == 200, r.text
    assert r.json()["legal_representative"] == "王五" and other not in r.text
    [li] = client.post("/api/v1/persons/search", json={"id_number": NUMBER}, headers=h).json()
    assert li["entities"][0]["to_on"] == "2024-05-06" and not li["entities"][0]["current"]

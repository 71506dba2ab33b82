"""Public lookup over HTTP: codes 404/422/429, cache validators, search ranking, web pages."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from opencheck.app import create_app
from opencheck.bootstrap import bootstrap
from opencheck.migrate import upgrade
from tests.conftest import make_settings
from tests.factories import entity, uscc

TODAY = date(2026, 3, 2)


def _seed(platform, n=30):
    platform.supervision.register_entities(
        [entity(i, name=f"金华测试{i}号贸易有限公司") for i in range(n)])
    platform.settle()


def test_credit_record_codes_and_validators(client, platform):
    _seed(platform)
    code = uscc(3)
    r = client.get(f"/api/v1/public/credit/{code}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["entity"]["uscc"] == code and body["lists"] == [] and body["penalties"] == []
    assert r.headers["etag"] and r.headers["last-modified"]
    # the same answer again: 304 without a body
    again = client.get(f"/api/v1/public/credit/{code}", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    # a new event moves a projection, so the validator changes
    platform.supervision.register_entities([entity(99)])
    platform.settle()
    assert client.get(f"/api/v1/public/credit/{code}").headers["etag"] != r.headers["etag"]
    assert client.get(f"/api/v1/public/credit/{uscc(500)}").status_code == 404
    bad = client.get("/api/v1/public/credit/91330702ABCDEFGH5Y")
    assert bad.status_code == 422 and "check" in bad.json()["detail"][0]["msg"].lower()


def test_search_ranks_the_exact_code_first(client, platform):
    _seed(platform)
    code = uscc(7)
    r = client.get("/api/v1/public/search", params={"q": code})
    assert r.json()["items"][0]["uscc"] == code
    r = client.get("/api/v1/public/search", params={"q": "测试1", "limit": 5})
    assert r.json()["total"] == 11 and len(r.json()["items"]) == 5  # 1, 10..19
    assert client.get("/api/v1/public/search", params={"q": ""}).status_code == 422


def test_web_pages_search_and_record(client, platform):
    _seed(platform)
    r = client.get("/", params={"q": "测试2"})
    assert r.status_code == 200 and "金华测试2号贸易有限公司" in r.text
    page = client.get(f"/entity/{uscc(2)}")
    assert page.status_code == 200 and "统一社会信用代码 Credit code" in page.text
    assert "Not on any list" in page.text and "Timeline" in page.text
    assert client.get(f"/entity/{uscc(700)}").status_code == 404
    assert client.get("/entity/XYZ").status_code == 422


def test_public_endpoints_are_rate_limited_per_client(tmp_path):
    s = make_settings("sqlite", tmp_path, public_rate_limit_per_minute=5)
    upgrade(s)
    platform = bootstrap(s)
    try:
        with TestClient(create_app(platform=platform)) as c:
            codes = [c.get("/api/v1/public/search", params={"q": "x"}).status_code for _ in range(7)]
            assert codes[:5] == [200] * 5 and codes[5] == 429
            limited = c.get("/api/v1/public/search", params={"q": "x"})
            assert int(limited.headers["retry-after"]) >= 1
            assert c.get("/api/v1/health").status_code == 200   # internal API is not limited
    finally:
        platform.close()


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_database_not_answering_is_a_503_not_a_500(client, monkeypatch):
    from psycopg_pool import AsyncConnectionPool

    from kernel.http import api

    async def unreachable(settings):  # noqa: ANN001, ANN202
        pool = AsyncConnectionPool("postgresql://postgres@127.0.0.1:1/test", min_size=0,
                                   max_size=1, open=False)
        await pool.open()
        return pool

    monkeypatch.setattr(api, "_open_pool", unreachable)
    monkeypatch.setattr(api, "READ_POOL_WAIT", 0.5)
    r = client.get(f"/api/v1/public/credit/{uscc(1)}")
    assert r.status_code == 503 and r.headers["retry-after"] == "5", r.text
    assert "database" in r.json()["detail"]


def test_validators_move_with_a_segment_that_moves_on():
    """A segmented projection's tracked position waits for its slowest segment; the other
    segments' progress moves its `updated_at`, and so the validator."""
    from datetime import date, datetime, timezone

    from kernel.http.public import validators

    at = datetime(2026, 12, 6, 4, 0, tzinfo=timezone.utc)
    row = {"basis": f"entity_directory=100@{at}", "moved": at}
    later = {"basis": "entity_directory=100@2026-12-06 04:01:00+00:00", "moved": at}
    day = date(2026, 12, 6)
    assert validators([row], "/x", day) == validators([dict(row)], "/x", day)
    assert validators([later], "/x", day)[0] != validators([row], "/x", day)[0]
    assert validators([row], "/y", day)[0] != validators([row], "/x", day)[0]
    assert validators([row], "/x", day)[1] == "Sun, 06 Dec 2026 04:00:00 GMT"

def test_the_record_route_is_served_plainly_and_still_described(client, platform):
    """The public record is served by a plain route ahead of FastAPI's (public_routes.
    served_plainly): same answers and errors, still in the OpenAPI description, and counted
    under its route template."""
    from tests.e2e.test_observability_http import sample

    _seed(platform, 3)
    assert client.app.router.routes[0].path == "/api/v1/public/credit/{uscc}"
    spec = client.get("/openapi.json").json()
    assert "get" in spec["paths"]["/api/v1/public/credit/{uscc}"]
    series = ('opencheck_http_responses_total{method="GET",route="/api/v1/public/credit/{uscc}",'
              'status="%s"}')
    before = client.get("/metrics").text
    assert client.get(f"/api/v1/public/credit/{uscc(1)}").status_code == 200
    missing = client.get(f"/api/v1/public/credit/{uscc(500)}")
    assert missing.status_code == 404 and missing.json()["field"] == "uscc"
    bad = client.get("/api/v1/public/credit/91330702ABCDEFGH5Y")
    assert bad.status_code == 422 and bad.json()["field"] == "uscc", bad.text
    assert "校验码" in bad.json()["detail"][0]["msg_zh"]
    assert client.post(f"/api/v1/public/credit/{uscc(1)}").status_code == 405
    after = client.get("/metrics").text
    for status, n in (("200", 1), ("404", 1), ("422", 1)):
        assert sample(after, series % status) - sample(before, series % status) == n, status

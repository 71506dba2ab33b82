"""/docs and /redoc work with no internet: every asset they reference is served by the app."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_reference_only_local_assets_and_they_are_served(client, path):
    page = client.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']|url: ?["']([^"']+)["']|spec-url=["']([^"']+)""",
                      page.text)
    urls = {u for group in urls for u in group if u}
    assert urls, page.text
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), (path, url)
    assert not re.search(r"https?://", page.text.replace("http://www.w3.org", "")), page.text
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, url
        if url.endswith(".js"):
            assert len(r.content) > 100_000 and "javascript" in r.headers["content-type"]
        if url == "/openapi.json":
            assert r.json()["info"]["title"].startswith("OpenCheck")

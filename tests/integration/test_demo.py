"""The demo data set answers the lookup the README promises, and its users can log in."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient
from rich.progress import Progress

from credit.lists.red_list import candidates, eligible
from credit.lists.tables import abnormal_listings, serious_listings
from credit.rating.facts import load_facts
from credit.rating.tables import red_list
from kernel.clock import today_in_china
from opencheck import demo
from opencheck.app import create_app

README = Path(__file__).parents[2] / "README.md"


def test_readme_demo_lookup_answers(platform):
    with Progress(disable=True) as bar:
        assert demo.load_if_empty(platform, "small", bar)
        assert not demo.load_if_empty(platform, "small", bar)  # a second run leaves the store alone
    # calibrated to DOMAIN §12 (Hunan 2019: ~92 k of several million enterprises abnormal; the
    # Sichuan spot check put 7.88 % on the list): a few percent on the abnormal list, not most
    with platform.engine.connect() as conn:
        listed = conn.scalar(sa.select(sa.func.count()).select_from(abnormal_listings)
                             .where(abnormal_listings.c.status == "listed"))
        red = conn.scalar(sa.select(sa.func.count()).select_from(red_list)
                          .where(red_list.c.until.is_(None)))
        serious = conn.scalar(sa.select(sa.func.count()).select_from(serious_listings)
                              .where(serious_listings.c.status == "listed"))
    assert 0.01 * demo.SIZES["small"] < listed < 0.15 * demo.SIZES["small"], listed
    # red and black lists of the Hezhou proportion (2020: 1,088 red-listed and 3,456 blacklisted
    # of ≈ 363 k records, 0.3 % and 0.95 %)
    assert 0.001 * demo.SIZES["small"] <= red <= 0.006 * demo.SIZES["small"], red
    assert 0.004 * demo.SIZES["small"] <= serious <= 0.015 * demo.SIZES["small"], serious
    # the daily job reads only the commended and the members; it decides as a full read would
    today = today_in_china()
    with platform.engine.connect() as conn:
        everyone = load_facts(conn, platform.rules)
        few = load_facts(conn, platform.rules, among=candidates(platform.rules.red_list, today,
                                                                today))
    assert few.size < everyone.size / 20
    assert set(few.entity_no[eligible(few, platform.rules.red_list, today)].tolist()) == \
        set(everyone.entity_no[eligible(everyone, platform.rules.red_list, today)].tolist())
    # 双公示: the commitments' licences, most published, some open objections (opencheck.demo)
    from credit.licensing.views import public_licences
    from credit.objections.views import list_objections

    with platform.engine.connect() as conn:
        shown = public_licences(conn, today=today)[0]
        open_ = list_objections(conn, today=today, status="open")[0]
    assert shown > 50 and open_ >= 1, (shown, open_)
    path = re.search(r"curl http://127\.0\.0\.1:8000(/api/v1/public/entities/\w+)", README.read_text())
    with TestClient(create_app(platform=platform)) as client:
        r = client.get(path.group(1))
        assert r.status_code == 200, r.text
        for username, password, role, _ in demo.DEMO_USERS:
            assert re.search(rf"`{username}` \| `{password}` \| {role}", README.read_text())
            r = client.post("/api/v1/auth/token", data={"username": username, "password": password})
            assert r.status_code == 200 and r.json()["role"] == role

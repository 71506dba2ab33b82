"""The demo data set answers the lookup the README promises, and its users can log in."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient
from rich.progress import Progress

from credit.lists.red_list import candidates, eligible
from credit.lists.tables import abnormal_listings, serious_listings
from credit.rating.facts import load_facts
from credit.rating.tables import red_list
from credit.repair.tables import repair_applications
from dashboard import inbox
from kernel.clock import today_in_china
from kernel.db import users
from opencheck import demo
from opencheck.app import create_app
from opencheck.demo import story
from supervision.plans.tables import plan_draws, plans
from supervision.tasks.tables import task_item_results, task_results

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
    _the_story_is_told(platform, today)
    _every_event_decodes_as_the_mapper_decodes(platform)
    path = re.search(r"curl http://127\.0\.0\.1:8000(/api/v1/public/entities/\w+)", README.read_text())
    with TestClient(create_app(platform=platform)) as client:
        r = client.get(path.group(1))
        assert r.status_code == 200, r.text
        for username, password, role, _ in demo.DEMO_USERS:
            assert re.search(rf"`{username}` \| `{password}` \| {role}", README.read_text())
            r = client.post("/api/v1/auth/token", data={"username": username, "password": password})
            assert r.status_code == 200 and r.json()["role"] == role
        for username, password in demo.DEMO_PARTNERS:
            assert re.search(rf"`{username}` \| `{password}` \| inspector", README.read_text())
            r = client.post("/api/v1/auth/token", data={"username": username, "password": password})
            assert r.status_code == 200 and r.json()["role"] == "inspector"


def _every_event_decodes_as_the_mapper_decodes(platform) -> None:
    """The runners' decoder (kernel.decoding) builds the library mapper's very events, for every
    event class the demo records."""
    from kernel.decoding import EventDecoder

    classes = set()
    for app in (platform.supervision, platform.credit):
        fast = EventDecoder(app.mapper)
        for n in app.recorder.select_notifications(start=1, limit=10**9):
            mine, theirs = fast(n), app.mapper.to_domain_event(n)
            assert type(mine) is type(theirs) and mine.__dict__ == theirs.__dict__, n.topic
            classes.add(type(mine))
    assert len(classes) > 40, len(classes)


def _the_story_is_told(platform, today) -> None:
    """Classes shape the historical draws; the README's entity and the demo inspector's day are
    there on purpose."""
    with platform.engine.connect() as conn:
        draws = conn.execute(sa.select(plans.c.name, plan_draws.c.drawn_on, plan_draws.c.record)
                             .join(plans, plans.c.plan_id == plan_draws.c.plan_id)
                             .where(plan_draws.c.drawn_on < date(2026, 6, 1))
                             .order_by(plan_draws.c.drawn_on, plans.c.name)).all()
        assert len(draws) == 4
        mix = {}
        for name, drawn_on, record in draws:
            population = {k: s["population"] for k, s in record["strata"].items()
                          if k in "ABCD"}
            # not everyone in class B: the classes as of the draw set its ratios
            assert sum(1 for n in population.values() if n) >= 2, (name, population)
            mix.setdefault(name.split(":", 1)[1], []).append(population)
        assert all(a != b for a, b in mix.values())   # a year later the classes moved
        # the README's entity: a pending repair, a published per-item result with a photo
        sample = story.SAMPLE_USCC
        pending = conn.execute(sa.select(sa.func.count()).select_from(repair_applications)
                               .where(repair_applications.c.uscc == sample,
                                      repair_applications.c.status == "pending")).scalar_one()
        assert pending == 1
        items = conn.execute(sa.select(task_item_results.c.check_item,
                                       task_item_results.c.result_code)
                             .join(task_results, sa.and_(
                                 task_results.c.task_id == task_item_results.c.task_id,
                                 task_results.c.department == task_item_results.c.department))
                             .where(task_results.c.uscc == sample,
                                    task_results.c.published_on.is_not(None))).all()
        assert sorted(items) == [("SJ-002", "E"), ("SJ-005", "1")]
        # a serious-list procedure in progress; the demo inspector's overdue tasks
        noticed = conn.execute(sa.select(sa.func.count()).select_from(serious_listings)
                               .where(serious_listings.c.status == "noticed")).scalar_one()
        assert noticed >= 1
        me = conn.execute(sa.select(users.c.inspector_no)
                          .where(users.c.username == "inspector")).scalar_one()
        counts = inbox.queue_counts(conn, me, today)
        assert counts["overdue"] >= 4 and counts["partner"] >= 1 and counts["today"] >= 1
        total, rows = inbox.queue_page(conn, me, "overdue", today, None)
        assert total == counts["overdue"] and rows and all(r["overdue"] for r in rows)

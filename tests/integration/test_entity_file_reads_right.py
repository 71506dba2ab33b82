"""The entity file reads right: same-day events in the order they happened, the reasons for the
class and a serious-list procedure in progress on the record; the overview's list trend has
every month in order, empty months included."""

from __future__ import annotations

from datetime import timedelta

import pytest

from credit.jobs import reclassify
from credit.lists.serious import ListingNotice
from dashboard import entity_file, figures
from dashboard.pages.entity import _serious_procedure
from kernel.clock import today_in_china
from tests.factories import decision, entity


class TestEntityFile:
    def test_same_day_events_in_order_and_the_class_with_its_reasons(self, platform):
        today = today_in_china()
        day = today - timedelta(days=40)
        uscc = entity(1).uscc
        platform.supervision.register_entities([entity(1)])
        platform.settle("supervision")
        credit = platform.credit
        # opened, decided and published on one day; then the prior notice of listing
        case = credit.open_penalty(uscc, "market_regulation", day, day)
        credit.decide_penalty(case, decision(3, decided_on=day, heavier_penalty=True), day)
        credit.publish_penalty(case, day, day)
        credit.give_listing_notice(uscc, ListingNotice(
            "浙市监失信告〔2026〕1号", "heavier_penalty", "情节严重 serious", today, case), today)
        platform.catch_up()
        reclassify(platform, today)
        platform.catch_up()
        with platform.engine.connect() as conn:
            found = entity_file.entity_file(conn, uscc, today, platform.rules)
        on_day = [e["detail"] for e in found["timeline"] if e["date"] == day.isoformat()]
        # newest first: within the day the latest step first (a class the penalty changed that
        # day comes after it)
        assert [d.split(" ", 1)[0] for d in on_day if not d.startswith("信用风险分类")] == \
            ["公示", "处罚决定", "立案"], on_day
        assert on_day.index(next(d for d in on_day if d.startswith("公示"))) <= 1
        assert found["risk"]["reasons"], found["risk"]
        assert "陈述申辩期内 statement period open" in _serious_procedure(found)


@pytest.mark.postgres
class TestEntityFileOnPostgres(TestEntityFile):
    backend = "postgres"


def test_list_trend_months_in_order_with_empty_months():
    lists = {"abnormal": {"trend": [{"month": "2026-03", "listed": 2, "removed": 0},
                                    {"month": "2026-10", "listed": 1, "removed": 1}]},
             "serious": {"trend": [{"month": "2026-01", "listed": 1, "removed": 0}]}}
    fig = figures.list_trend(lists)
    months = [f"2026-{m:02d}" for m in range(1, 11)]
    assert list(fig.layout.xaxis.categoryarray) == months
    for trace in fig.data:
        assert list(trace.x) == months
    abnormal_in = next(t for t in fig.data if "列入" in t.name and t.line.color == figures.ORANGE)
    assert list(abnormal_in.y) == [0, 0, 2, 0, 0, 0, 0, 0, 0, 1]
    assert fig.layout.xaxis.automargin and fig.layout.yaxis.automargin
    assert figures.month_range(["2025-11", "2026-02"]) == ["2025-11", "2025-12", "2026-01",
                                                           "2026-02"]


def test_long_category_labels_are_angled():
    fig = figures.commitments({"awaiting": 3, "overdue": 1, "fulfilled": 2, "false": 1})
    assert fig.layout.xaxis.tickangle == -30 and fig.layout.xaxis.automargin
    short = figures._figure([figures.go.Bar(x=["A", "B"], y=[1, 2])], "t")
    assert short.layout.xaxis.tickangle is None

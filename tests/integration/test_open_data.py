"""开放数据: three daily dumps over a changing record; the deltas replayed over the first dump
reach the live public record with 0 differences, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date, datetime, timezone
from decimal import Decimal
from uuid import UUID

import pytest
import sqlalchemy as sa

from credit.objections.aggregate import RecordRef
from credit.opendata.datasets import BY_NAME, DATASETS, live_records, plain
from credit.opendata.dumps import (
    apply_delta,
    dump_days,
    read_delta,
    read_records,
    write_dump,
)
from credit.record.public import public_credit_record
from supervision.plans.plan import PlanScope, PlanTerms
from supervision.tasks.tables import task_inspectors
from tests.factories import (
    check_item,
    commitment,
    decision,
    entity,
    inspector,
    known_codes,
    licence,
    listing_notice,
    lottery,
    lottery_draw,
)
from tests.integration.credit_helpers import commend, daily
from tests.integration.test_cli import _cli

FAR = date(2033, 1, 1)   # "today" of commands dated in the scenario's past
DRAWN_ON = date(2026, 3, 2)
D1, D2, D3 = date(2026, 7, 16), date(2026, 8, 3), date(2026, 8, 10)
NOW = datetime(2026, 8, 10, 20, tzinfo=timezone.utc)
DEPTS = {"market_regulation", "ecology_environment", "emergency_management", "health"}


def _register(platform, numbers, reports_until: int) -> None:
    app = platform.supervision
    app.register_entities([entity(i) for i in numbers])
    for i in numbers:
        for year in range(2015, reports_until + 1):
            app.file_annual_report(entity(i).uscc, year, date(year + 1, 4, 1))
    platform.settle()


def _penalty(platform, i: int, no: int, decided: date, published: date) -> UUID:
    credit = platform.credit
    case = credit.open_penalty(entity(i).uscc, "market_regulation", decided, FAR)
    credit.decide_penalty(case, decision(no, decided_on=decided), FAR)
    credit.publish_penalty(case, published, FAR)
    return case


def _result(platform, task_id: str, members: list[int], code: str, on: date) -> None:
    app, task = platform.supervision, UUID(task_id)
    for no in members:
        app.acknowledge_task(task, no, on)
    app.start_task(task, members[0], on)
    app.record_result(task, members[0], code, "现场检查记录 findings", on, members, on,
                      platform.rules)
    app.publish_result(task, None, on, "sup", None)
    platform.settle()


def _tasks(platform) -> list[tuple[str, list[int]]]:
    with platform.engine.connect() as conn:
        rows = conn.execute(sa.select(task_inspectors.c.task_id, task_inspectors.c.inspector_no)
                            .order_by(task_inspectors.c.task_id)).all()
    teams: dict[str, list[int]] = {}
    for task_id, no in rows:
        teams.setdefault(task_id, []).append(no)
    return sorted(teams.items())


def _diff(a: dict, b: dict) -> int:
    """Records that differ between two {dataset: {key: record}} (missing on either side too)."""
    return sum(1 for name in a.keys() | b.keys()
               for key in a.get(name, {}).keys() | b.get(name, {}).keys()
               if a.get(name, {}).get(key) != b.get(name, {}).get(key))


def _amount(key: str, value):
    """The lookup's one-statement read hands SQLite's amounts over as numbers; the dump writes
    them as decimal strings (2 places): compared as amounts."""
    if key == "fine_amount" and value is not None:
        return str(Decimal(str(value)).quantize(Decimal("0.01")))
    return value


def _same_as_the_entity_records(conn, records: dict, day: date) -> None:
    """Each entity's public credit record holds exactly the dump's rows of that entity."""
    codes = {r["uscc"] for rows in records.values() for r in rows.values()}
    sections = {"lists": ("abnormal_list", "serious_list", "red_list"),
                "penalties": ("penalties",), "inspections": ("inspections",),
                "licences": ("licences",), "commitments": ("commitments",)}
    for code in codes:
        record = public_credit_record(conn, code, day)
        for section, names in sections.items():
            # the marker 异议处理中 is the record's, not the datasets'
            items = [{k: v for k, v in x.items() if k != "objection_under_review"}
                     for x in record[section]]
            shown = sorted(json.dumps({k: _amount(k, plain(v)) for k, v in x.items()},
                                      sort_keys=True) for x in items)
            keys = items[0].keys() if items else ()
            dumped = sorted(json.dumps({k: _amount(k, r[k]) for k in keys}, sort_keys=True)
                            for n in names for r in records[n].values() if r["uscc"] == code)
            assert len(dumped) == len(shown) and shown == dumped, (code, section)


class OpenDataScenario:
    backend = "sqlite"

    def test_deltas_replayed_over_the_first_dump_reach_the_live_record(self, platform,
                                                                       tmp_path):
        app, credit = platform.supervision, platform.credit
        root = tmp_path / "open-data"
        # 8 entities: 2 and 5 owe their 2025 annual report
        _register(platform, [1, 3, 4, 6, 7, 8], 2025)
        _register(platform, [2, 5], 2024)
        # a plan drawing every entity; two results published
        app.register_inspectors([inspector(i) for i in range(6)], DRAWN_ON)
        app.add_check_item(check_item(1), known_codes())
        app.publish_check_list("market_regulation", DRAWN_ON, DRAWN_ON, known_codes())
        platform.settle()
        plan_id = app.draft_plan(PlanTerms(
            name="2026年度双随机抽查", lead_department="market_regulation", departments=(),
            check_items=("T-001",), scope=PlanScope("3307"),
            ratios={"A": 1.0, "B": 1.0, "C": 1.0, "D": 1.0}, due_on=date(2026, 12, 31),
            randomness=lottery(DRAWN_ON)), DRAWN_ON, "sup", DEPTS)
        lottery_draw(app, plan_id, DRAWN_ON)
        platform.settle()
        tasks = _tasks(platform)
        assert len(tasks) >= 4
        _result(platform, *tasks[0], "1", date(2026, 3, 10))
        _result(platform, *tasks[1], "B", date(2026, 3, 11))
        # commended entities, two penalties in publicity, a false commitment, a serious listing
        for i in (1, 3):
            commend(platform, entity(i).uscc, date(2026, 1, 5))
        first = _penalty(platform, 4, 41, date(2026, 6, 1), date(2026, 6, 3))
        second = _penalty(platform, 7, 71, date(2026, 6, 2), date(2026, 6, 4))
        promise = credit.accept_commitment(commitment(8, committed_on=date(2026, 5, 4)),
                                           date(2026, 5, 4))
        credit.verify_commitment(promise, "false", date(2026, 6, 1), "onsite", "现场核查", FAR)
        credit.give_listing_notice(entity(6).uscc, listing_notice(
            1, noticed_on=date(2026, 3, 4), ground="abnormal_three_years"), date(2026, 3, 4))
        credit.decide_listing(entity(6).uscc, True, "婺市监失信〔2026〕9号", date(2026, 5, 6), "",
                              FAR)
        # 双公示: a licence published, one decided but not yet published; 信用承诺 of 3 kept,
        # of 1 awaiting its verification
        shown = credit.grant_licence(licence(3, decided_on=date(2026, 6, 1),
                                             valid_from=date(2026, 6, 1)), FAR)
        credit.publish_licence(shown, date(2026, 6, 5), FAR)
        hidden = credit.grant_licence(licence(4, decided_on=date(2026, 7, 10),
                                              valid_from=date(2026, 7, 10)), FAR)
        kept = credit.accept_commitment(commitment(3, committed_on=date(2026, 5, 6)), FAR)
        credit.verify_commitment(kept, "fulfilled", date(2026, 6, 2), "written", "书面核查", FAR)
        awaiting = credit.accept_commitment(commitment(1, committed_on=date(2026, 7, 1)), FAR)
        # the daily job lists 2 and 5 (annual report) and takes 1 and 3 onto the red list
        daily(platform, date(2026, 6, 29), D1)

        # day 1: the first dump, every record added
        m1 = write_dump(platform.engine, root, D1, NOW)
        rows = {name: x["rows"] for name, x in m1["datasets"].items()}
        assert rows == {"inspections": 2, "abnormal_list": 2, "serious_list": 1, "red_list": 2,
                        "penalties": 2, "licences": 1, "commitments": 3}
        assert m1["previous"] is None and m1["schema_version"] == 2
        states = {r["id"]: r["state"] for r in read_records(root / D1.isoformat(),
                                                             BY_NAME["commitments"]).values()}
        assert states == {kept.hex: "fulfilled", awaiting.hex: "awaiting", promise.hex: "false"}
        first_day = "".join(f.read_text("utf-8") for f in (root / D1.isoformat()).iterdir())
        assert licence(3).decision_no in first_day   # published; 4's not yet: nowhere
        assert licence(4).decision_no not in first_day and "书面核查" not in first_day
        assert commitment(3).content not in first_day   # the promise's text stays internal
        assert all(x["delta"]["added"] == x["rows"] and x["delta"]["removed"] == 0
                   for x in m1["datasets"].values())
        assert {"credit", "supervision"} <= set(m1["last_change"])
        assert all(log["position"] > 0 and log["at"] for log in m1["last_change"].values())

        # day 2: 2 files its report (off the abnormal list), 1 is fined (off the red list),
        # the second penalty is revoked, the first one's fine paid, a third result published
        app.file_annual_report(entity(2).uscc, 2025, date(2026, 8, 3))
        _penalty(platform, 1, 11, date(2026, 7, 18), date(2026, 7, 20))
        credit.revoke_penalty(second, "revoked", date(2026, 7, 25), "复议撤销", FAR)
        credit.record_penalty_fulfilment(first, "fine_paid", date(2026, 7, 26), FAR)
        _result(platform, *tasks[2], "E", date(2026, 7, 28))
        # the second licence published, the awaiting commitment kept; an objection (异议) to
        # the first licence marks the record, never the dataset, and its contact goes nowhere
        credit.publish_licence(hidden, date(2026, 7, 17), FAR)
        credit.verify_commitment(awaiting, "fulfilled", date(2026, 7, 30), "onsite", "现场", FAR)
        platform.settle()
        credit.file_objection(RecordRef("licence", entity(3).uscc, licence(3).decision_no),
                              "有效期有误", "赵六六", "13800001111", date(2026, 8, 3))
        daily(platform, date(2026, 7, 17), D2)
        m2 = write_dump(platform.engine, root, D2, NOW)
        assert m2["previous"] == D1.isoformat()
        d = {name: x["delta"] for name, x in m2["datasets"].items()}
        assert (d["penalties"]["added"], d["penalties"]["changed"],
                d["penalties"]["removed"]) == (1, 1, 1)
        assert d["abnormal_list"]["removed"] == 1 and d["red_list"]["removed"] >= 1
        assert d["inspections"]["added"] == 1
        assert (d["licences"]["added"], d["commitments"]["changed"]) == (1, 1)
        with platform.engine.connect() as conn:
            marked = public_credit_record(conn, entity(3).uscc, D2)
        assert [x["objection_under_review"] for x in marked["licences"]] == [True]
        body = "".join(f.read_text("utf-8") for f in (root / D2.isoformat()).iterdir())
        assert "13800001111" not in body and "赵六六" not in body and "有效期有误" not in body

        # day 3: 5 files its report, 7 is commended, a fourth result, a dump written twice
        app.file_annual_report(entity(5).uscc, 2025, date(2026, 8, 5))
        commend(platform, entity(7).uscc, date(2026, 8, 6))
        _result(platform, *tasks[3], "1", date(2026, 8, 7))
        daily(platform, date(2026, 8, 4), D3)
        write_dump(platform.engine, root, D3, NOW)
        m3 = write_dump(platform.engine, root, D3, NOW)   # a repeated run replaces the day
        assert dump_days(root) == [D1.isoformat(), D2.isoformat(), D3.isoformat()]
        assert m3["previous"] == D2.isoformat()

        # the must-show: the first dump + the deltas == the live public record, 0 differences
        replayed = {}
        for dataset in DATASETS:
            records = read_records(root / D1.isoformat(), dataset)
            for day in (D2, D3):
                records = apply_delta(records, read_delta(root / day.isoformat(), dataset))
            replayed[dataset.name] = records
        with platform.engine.connect() as conn:
            live = live_records(conn, D3)
            _same_as_the_entity_records(conn, live, D3)
        assert sum(len(x) for x in live.values()) >= 8
        assert _diff(replayed, live) == 0
        full = {x.name: read_records(root / D3.isoformat(), x) for x in DATASETS}
        assert _diff(full, live) == 0

        # the manifest: each file's sha256 and rows; the CSV holds what the JSON Lines hold
        folder = root / D3.isoformat()
        for name, x in m3["datasets"].items():
            for f in (*x["files"].values(), *x["delta"]["files"].values()):
                body = (folder / f["name"]).read_bytes()
                assert hashlib.sha256(body).hexdigest() == f["sha256"] and len(body) == f["bytes"]
            with (folder / f"{name}.csv").open(encoding="utf-8-sig", newline="") as fh:
                table = list(csv.DictReader(fh))
            assert len(table) == x["rows"] == len(full[name])
            assert [BY_NAME[name].key_of(r) for r in table] == list(full[name])

    def test_the_command_line_writes_a_dump(self, platform, tmp_path):
        _register(platform, [1], 2025)
        _penalty(platform, 1, 12, date(2026, 6, 1), date(2026, 6, 3))
        platform.catch_up()
        out = tmp_path / "dumps"
        r = _cli(platform.settings, "open-data", "dump", "--out", str(out), "--date",
                 "2026-07-01")
        assert r.returncode == 0, r.stdout + r.stderr
        assert "penalties: 1 rows" in r.stdout + r.stderr
        manifest = json.loads((out / "2026-07-01" / "manifest.json").read_text("utf-8"))
        assert manifest["datasets"]["penalties"]["rows"] == 1
        bad = _cli(platform.settings, "open-data", "dump", "--out", str(out), "--date", "7/1")
        assert bad.returncode != 0 and "YYYY-MM-DD" in bad.stdout + bad.stderr


class TestOpenDataOnSQLite(OpenDataScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestOpenDataOnPostgres(OpenDataScenario):
    backend = "postgres"

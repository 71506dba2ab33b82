"""The memory-mapped pool snapshot equals the entity_pool read model after registrations and
changes, on SQLite and PostgreSQL, and a draw frozen from it equals one frozen from the database."""

from __future__ import annotations

from datetime import date

import numpy as np
import sqlalchemy as sa

from supervision.directory.tables import entities, entity_pool
from supervision.plans import drawing
from supervision.plans.draws import freeze_inputs
from supervision.plans.plan import PlanScope, PlanTerms
from supervision.plans.pool_snapshot import COLUMNS, PoolSnapshot
from tests.factories import check_item, entity, inspector, known_codes

TODAY = date(2026, 3, 2)
KINDS = ("enterprise", "individual", "cooperative")
INDUSTRIES = ("H6210", "F5211", "C1311")


def _entity(i: int):
    return entity(i, KINDS[i % 3], region=("330902", "330903", "330702")[i % 3],
                  industry_code=INDUSTRIES[(i // 3) % 3])


def _register(platform, numbers):
    platform.supervision.register_entities([_entity(i) for i in numbers])
    platform.settle()


def _read_model(engine) -> dict[str, np.ndarray]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*(entities.c.uscc if n == "uscc" else entity_pool.c[n]
                                        for n, _ in COLUMNS))
                            .join(entities, entities.c.entity_no == entity_pool.c.entity_no)
                            .order_by(entity_pool.c.entity_no)).all()
    return {n: np.array([r[j] for r in rows], dtype=d) for j, (n, d) in enumerate(COLUMNS)}


def _assert_equal(snapshot: PoolSnapshot, engine) -> None:
    cols, expected = snapshot.columns(), _read_model(engine)
    for name, _ in COLUMNS:
        assert isinstance(cols[name], np.memmap)
        np.testing.assert_array_equal(np.asarray(cols[name]), expected[name], err_msg=name)


def _refresh(snapshot: PoolSnapshot, engine) -> int:
    with engine.begin() as conn:
        return snapshot.refresh(conn)


def _terms(scope=PlanScope("33"), items=("T-006", "T-001")) -> PlanTerms:
    return PlanTerms(name="双随机抽查", lead_department="market_regulation", departments=(),
                     check_items=items, scope=scope, ratios={k: 0.5 for k in "ABCD"},
                     due_on=date(2026, 6, 30))


def _frozen_equal(a, b) -> None:
    for name in ("entity_no", "uscc", "region", "last_checked_days", "targeted",
                 "frequency_used_up"):
        np.testing.assert_array_equal(np.asarray(getattr(a, name)), np.asarray(getattr(b, name)),
                                      err_msg=name)
    assert (a.item_mask is None) == (b.item_mask is None)
    if a.item_mask is not None:
        np.testing.assert_array_equal(a.item_mask, b.item_mask)


class SnapshotScenario:
    backend = "sqlite"

    def test_the_snapshot_follows_registrations_and_changes(self, platform, tmp_path):
        app, engine = platform.supervision, platform.engine
        snapshot = PoolSnapshot(tmp_path / "pool")
        _register(platform, range(30))
        # first refresh: every row read
        assert _refresh(snapshot, engine) == 30
        _assert_equal(snapshot, engine)
        assert _refresh(snapshot, engine) == 0          # nothing new: nothing read
        # later: new registrations, a deregistration, a move and an industry change
        _register(platform, range(30, 40))
        app.change_entity_status(_entity(4).uscc, "deregistered", TODAY, "注销")
        app.change_entity_details(_entity(7).uscc, {"region_code": "330702",
                                                            "industry_code": "C1311"})
        platform.settle()
        read = _refresh(snapshot, engine)
        assert 12 <= read < 40                          # the new and changed rows only
        _assert_equal(snapshot, engine)
        assert len(list((tmp_path / "pool").glob("gen-*"))) == 1

    def test_a_draw_frozen_from_the_snapshot_equals_one_from_the_database(self, platform,
                                                                         tmp_path):
        app, engine = platform.supervision, platform.engine
        _register(platform, range(45))
        app.register_inspectors([inspector(i, region="330902") for i in range(6)], TODAY)
        app.change_entity_status(_entity(5).uscc, "revoked", TODAY, "吊销")
        known = known_codes()
        # 餐饮服务 (industry H), and 企业公示信息 (enterprises, a general item)
        app.add_check_item(check_item(6, object_scope_industries=("H",)), known)
        app.add_check_item(check_item(1, object_scope_types=("enterprise",),
                                      object_scope_industries=(), category="general",
                                      default_ratio=0.03, frequency_per_year=1), known)
        platform.settle()
        snapshot = PoolSnapshot(tmp_path / "pool")
        for terms in (_terms(), _terms(PlanScope("3309")), _terms(items=("T-006",)),
                      _terms(PlanScope("33", ("H", "C13"), ("enterprise", "individual")))):
            with engine.begin() as conn:
                from_db = freeze_inputs(conn, terms, TODAY)
                from_snapshot = freeze_inputs(conn, terms, TODAY, snapshot=snapshot)
            _frozen_equal(from_db, from_snapshot)
            assert from_db.entity_no.size > 0
            results = []
            for frozen in (from_db, from_snapshot):
                pool = drawing.EntityPool(entity_no=frozen.entity_no, uscc=frozen.uscc,
                                          region=frozen.region,
                                          risk_class=np.ones(frozen.entity_no.size, np.int8),
                                          last_checked_days=frozen.last_checked_days,
                                          targeted=frozen.targeted)
                key = drawing.derive_key("snapshot-plan", 1, "42")
                results.append(drawing.draw(pool, frozen.roster, drawing.DrawParams(
                    ratios=(0.5,) * 4, jurisdiction_digits=2), key, bytes(range(32))))
            assert results[0].internal_summary(outcome=True) == \
                results[1].internal_summary(outcome=True)


class TestSnapshotSQLite(SnapshotScenario):
    backend = "sqlite"


class TestSnapshotPostgres(SnapshotScenario):
    backend = "postgres"

"""一单两库: inspectors, conflicts, the check-item list and the drawer's arrays, on both backends."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import sqlalchemy as sa

from kernel.errors import Conflict, InvalidInput, NotFound
from supervision.directory import views
from supervision.directory.check_items import qualifying_codes
from supervision.directory.tables import (
    check_items,
    check_lists,
    entity_inspections,
    entity_pool,
    inspector_conflicts,
    inspector_qualifications,
    inspectors,
    published_check_items,
)
from supervision.plans.drawing import EntityPool, Roster
from supervision.plans.pool import PoolScope, epoch_day
from tests.factories import check_item, credential, entity, inspector, known_codes

TODAY = date(2026, 11, 23)
KNOWN = known_codes()
E1, E2 = entity(1), entity(2, "individual", region="330782", industry_code="H6210")
NEW_TABLES = (entity_pool, inspectors, inspector_qualifications, inspector_conflicts,
              check_items, check_lists, published_check_items)


def _events(platform) -> int:
    return platform.supervision.recorder.max_notification_id() or 0


def _dump(platform) -> list[list[tuple]]:
    with platform.engine.connect() as conn:
        return [sorted(tuple(r) for r in conn.execute(sa.select(t))) for t in NEW_TABLES]


class OneListScenario:
    backend = "sqlite"

    def _directory(self, platform) -> None:
        """Two entities, items of two departments, three inspectors, one conflict."""
        app = platform.supervision
        app.register_entities([E1, E2])
        app.add_check_item(check_item(1), KNOWN)
        app.add_check_item(check_item(2, "health", object_scope_industries=("Q",)), KNOWN)
        app.register_inspector(inspector(1, qualifications=("T-001",)), TODAY, KNOWN)
        app.register_inspector(inspector(2, region="330782"), TODAY, KNOWN)
        app.register_inspector(inspector(3, "health"), TODAY, KNOWN)
        app.declare_conflict(credential(1), E2.uscc, "配偶持股", TODAY, None, TODAY)
        assert platform.settle()

    def test_inspectors_are_listed_and_filtered(self, platform):
        self._directory(platform)
        with platform.engine.connect() as conn:
            assert views.list_inspectors(conn)[0] == 3
            assert views.list_inspectors(conn, department="health")[0] == 1
            total, items = views.list_inspectors(conn, region_prefix="330782")
            assert total == 1 and items[0]["credential_no"] == credential(2, "330782")
            total, items = views.list_inspectors(conn, qualification="T-001")
            assert total == 1 and items[0]["qualifications"] == ["T-001"]
            record = views.inspector_record(conn, credential(1))
        assert record["station"].startswith("测试") and record["status"] == "active"

    def test_duplicate_credential_conflicts_and_records_nothing(self, platform):
        platform.supervision.register_inspector(inspector(1), TODAY, KNOWN)
        before = _events(platform)
        with pytest.raises(Conflict) as e:
            platform.supervision.register_inspector(inspector(1, name="另一人"), TODAY, KNOWN)
        assert e.value.field == "credential_no" and _events(platform) == before

    @pytest.mark.parametrize("over,field", [({"region_code": "33070"}, "region_code"),
                                            ({"qualifications": ("SJ-404",)}, "qualifications"),
                                            ({"department": "tax_bureau"}, "department")])
    def test_invalid_inspector_records_nothing(self, platform, over, field):
        with pytest.raises(InvalidInput) as e:
            platform.supervision.register_inspector(inspector(1, **over), TODAY, KNOWN)
        assert e.value.field == field and _events(platform) == 0

    def test_conflicts_are_declared_withdrawn_and_need_a_known_entity(self, platform):
        self._directory(platform)
        app, before = platform.supervision, _events(platform)
        with pytest.raises(InvalidInput) as e:
            app.declare_conflict(credential(1), entity(99).uscc, "亲属", TODAY, None, TODAY)
        assert e.value.field == "uscc" and _events(platform) == before
        with pytest.raises(NotFound):
            app.declare_conflict(credential(9), E1.uscc, "亲属", TODAY, None, TODAY)
        app.withdraw_conflict(credential(1), E2.uscc, "股权已转让", TODAY)
        platform.settle()
        with platform.engine.connect() as conn:
            assert views.list_conflicts(conn, credential(1)) == []
            [old] = views.list_conflicts(conn, credential(1), include_withdrawn=True)
            assert views.list_conflicts(conn, "NOBODY") is None
        assert old["withdrawn_on"] == TODAY and old["entity_name"] == E2.name

    def test_inspector_status_reaches_the_read_model(self, platform):
        self._directory(platform)
        platform.supervision.change_inspector_status(credential(2, "330782"), "on_leave",
                                                     TODAY, "病假", TODAY)
        platform.settle()
        with platform.engine.connect() as conn:
            assert views.list_inspectors(conn, status="on_leave")[0] == 1

    def test_check_items_change_withdraw_and_publish(self, platform):
        self._directory(platform)
        app = platform.supervision
        with pytest.raises(NotFound):
            app.publish_check_list("ecology_environment", TODAY, TODAY, KNOWN)
        assert app.publish_check_list("market_regulation", TODAY, TODAY, KNOWN) == 1
        app.change_check_item("T-001", KNOWN, {"default_ratio": 0.1})
        app.add_check_item(check_item(3), KNOWN)
        platform.settle()
        with platform.engine.connect() as conn:
            # the public sees the published version until the next publication
            total, items = views.published_items(conn)
            assert total == 1 and items[0]["default_ratio"] == 0.05 and items[0]["version"] == 1
            assert views.list_check_items(conn, department="market_regulation")[0] == 2
        app.withdraw_check_item("T-003", "合并")
        assert app.publish_check_list("market_regulation", TODAY, TODAY, KNOWN) == 2
        platform.settle()
        with platform.engine.connect() as conn:
            total, items = views.published_items(conn, department="market_regulation")
            assert views.check_item_record(conn, "T-003")["withdrawn"] is True
            lists = {r["department"]: r for r in views.list_check_lists(conn)}
        assert [i["code"] for i in items] == ["T-001"] and items[0]["default_ratio"] == 0.1
        assert items[0]["object_scope_types"] == ["enterprise", "individual"]
        assert lists["market_regulation"]["version"] == 2 and lists["health"]["version"] == 0

    @pytest.mark.parametrize("over,field", [({"department": "tax_bureau"}, "department"),
                                            ({"qualification": "Q-NOPE"}, "qualification")])
    def test_invalid_check_item_records_nothing(self, platform, over, field):
        with pytest.raises(InvalidInput) as e:
            platform.supervision.add_check_item(check_item(1, **over), KNOWN)
        assert e.value.field == field and _events(platform) == 0
        platform.supervision.add_check_item(check_item(1), KNOWN)
        before = _events(platform)
        with pytest.raises(Conflict):
            platform.supervision.add_check_item(check_item(1, name="重复"), KNOWN)
        assert _events(platform) == before

    def test_entity_details_change_is_validated_and_reaches_the_pool(self, platform):
        self._directory(platform)
        before = _events(platform)
        with pytest.raises(InvalidInput) as e:
            platform.supervision.change_entity_details(E1.uscc, {"region_code": "3307"})
        assert e.value.field == "region_code" and _events(platform) == before
        platform.supervision.change_entity_details(
            E1.uscc, {"region_code": "330782", "industry_code": "h6291"})
        platform.settle()
        with platform.engine.connect() as conn:
            assert views.entity_record(conn, E1.uscc)["industry_code"] == "H6291"
            pool = views.load_pool(conn, PoolScope(region_prefix="330782"))
        assert pool.industry.tolist() == [7, 7]   # H

    def test_rebuild_equals_incremental(self, platform):
        self._directory(platform)
        app = platform.supervision
        app.change_entity_status(E1.uscc, "revoked", TODAY, "吊销")
        app.change_inspector_status(credential(3), "retired", TODAY, "", TODAY)
        app.withdraw_conflict(credential(1), E2.uscc, "", TODAY)
        app.publish_check_list("health", TODAY, TODAY, KNOWN)
        app.change_check_item("T-002", KNOWN, {"method": "documents"})
        platform.catch_up()
        incremental = _dump(platform)
        assert all(incremental)
        platform.runners["supervision"].rebuild(["entity_pool", "inspector_directory",
                                                 "check_item_list"])
        assert _dump(platform) == incremental

    def test_load_pool_filters_by_scope_and_reads_last_inspections(self, platform):
        app, gone = platform.supervision, entity(5, region="330782")
        app.register_entities([E1, E2, entity(3, region="330782", industry_code="F5292"),
                               entity(4, "cooperative", region="331102", industry_code="A0164"),
                               gone])
        app.change_entity_status(gone.uscc, "deregistered", TODAY, "注销")
        platform.settle()
        with platform.engine.begin() as conn:
            numbers = views.load_pool(conn).entity_no.tolist()
            conn.execute(entity_inspections.insert(), [
                {"entity_no": numbers[0], "department": "market_regulation",
                 "last_inspected_day": epoch_day(date(2026, 1, 1))},
                {"entity_no": numbers[1], "department": "health", "last_inspected_day": 1}])
        with platform.engine.connect() as conn:
            whole = views.load_pool(conn, PoolScope(department="market_regulation"))
            city = views.load_pool(conn, PoolScope(region_prefix="3307", industry_prefixes=("F52",)))
            mixed = views.load_pool(conn, PoolScope(industry_prefixes=("A", "H62"),
                                                    entity_types=("cooperative", "individual")))
        assert len(whole) == 4 and numbers == sorted(numbers)       # the deregistered one is out
        assert whole.entity_no.dtype == np.int64 and whole.region.dtype == np.int32
        assert whole.industry.dtype == np.int8 and whole.entity_type.dtype == np.int8
        assert whole.region.tolist() == [330702, 330782, 330782, 331102]
        assert whole.entity_type.tolist() == [0, 1, 0, 2]           # registry.ENTITY_TYPES
        assert whole.registered_on[0] == epoch_day(date(2015, 3, 1))
        assert whole.last_inspected_on.tolist() == [epoch_day(date(2026, 1, 1)), -1, -1, -1]
        assert whole.last_checked_days(TODAY).tolist() == [326, -1, -1, -1]
        assert city.entity_no.tolist() == numbers[:1] + numbers[2:3]
        assert mixed.entity_no.tolist() == [numbers[1], numbers[3]]
        drawer = EntityPool(**whole.drawer_fields(TODAY), uscc=[f"{i:018d}" for i in range(4)],
                            risk_class=np.zeros(4, np.int8), targeted=np.zeros(4, bool))
        assert drawer.last_checked_days.tolist() == [326, -1, -1, -1]

    def test_load_roster_gives_active_qualified_inspectors_and_conflicts(self, platform):
        self._directory(platform)
        app = platform.supervision
        app.register_inspector(inspector(4, qualifications=("market_regulation",)), TODAY, KNOWN)
        app.register_inspector(inspector(5, status="on_leave"), TODAY, KNOWN)
        app.declare_conflict(credential(4), E1.uscc, "曾任顾问", date(2027, 1, 1), None,
                             TODAY)
        platform.settle()
        with platform.engine.connect() as conn:
            entity_no = {e: views.entity_record(conn, e.uscc)["entity_no"] for e in (E1, E2)}
            mr = views.load_roster(conn, "market_regulation", qualifying_codes(check_item(1)))
            today = views.load_roster(conn, ["health", "market_regulation"], on=TODAY)
            nobody = views.load_roster(conn, "market_regulation", ["Q-HEALTH"])
            by_item = views.load_roster(conn, "market_regulation", check_items=["T-001"])
            unknown_item = views.load_roster(conn, check_items=["T-404"])
        # item T-001 is open to holders of its code, its qualification or its department's code
        assert mr.qualifications == ("T-001", "Q-MARKET", "market_regulation")
        assert mr.holds.tolist() == [[True, False, False], [False, True, False],
                                     [False, False, True]]
        no = {r: n for r, n in zip(("1", "2", "4"), mr.inspector_no.tolist())}
        assert mr.inspector_no.tolist() == sorted(mr.inspector_no.tolist())
        assert mr.conflicts.tolist() == [[no["4"], entity_no[E1]],
                                         [no["1"], entity_no[E2]]]
        assert today.departments == ("health", "market_regulation")
        assert today.department.tolist() == [1, 1, 0, 1]
        assert today.conflicts.tolist() == [[no["1"], entity_no[E2]]]  # 4's starts 2027
        assert today.region.tolist() == [330702, 330782, 330702, 330702]
        assert len(nobody) == 0 and nobody.conflicts.shape == (0, 2)
        assert by_item.qualifications == mr.qualifications
        assert by_item.inspector_no.tolist() == mr.inspector_no.tolist()
        assert len(unknown_item) == 0
        roster = Roster(**today.drawer_fields())
        assert roster.conflicts.tolist() == today.conflicts.tolist()


class TestOneListOnSQLite(OneListScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestOneListOnPostgres(OneListScenario):
    backend = "postgres"

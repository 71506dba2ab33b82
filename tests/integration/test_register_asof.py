"""The directory as of a log position, folded from the event store (one scenario, two backends)."""

from __future__ import annotations

from datetime import date

import pytest

from kernel.errors import InvalidInput
from supervision.directory.register_asof import current_position, entities_as_of
from supervision.plans.pool import PoolScope, load_pool
from tests.factories import entity, inspector, known_codes

TODAY = date(2026, 11, 23)
SCOPES = (PoolScope(), PoolScope("3307"), PoolScope("330782"), PoolScope("33", ("F",)),
          PoolScope(industry_prefixes=("H62", "F52")), PoolScope(entity_types=("individual",)),
          PoolScope("3307", ("F5211",), ("enterprise", "cooperative")))


class RegisterAsOfScenario:
    backend = "sqlite"

    def test_the_view_at_a_position_ignores_every_later_event(self, platform):
        app = platform.supervision
        one, two, three = entity(1), entity(2, "individual"), entity(3, region="330782")
        # before: three entities, one of them already changed, plus events of other kinds
        app.register_entities([one, two, three])
        app.change_entity_details(three.uscc, {"industry_code": "H6210"})
        app.file_annual_report(one.uscc, 2024, date(2025, 5, 2))
        app.register_inspector(inspector(1), TODAY, known_codes())
        position = current_position(app)
        # after: two more entities, a deregistration, a move to another region
        app.register_entities([entity(4), entity(5, "cooperative")])
        app.change_entity_status(one.uscc, "deregistered", date(2026, 11, 1), "注销")
        app.change_entity_details(two.uscc, {"region_code": "330782"})

        then = entities_as_of(app, position)
        assert list(then) == [one.uscc, two.uscc, three.uscc]
        assert {e.status for e in then.values()} == {"active"}
        assert then[two.uscc].region_code == "330702" and then[two.uscc].entity_type == "individual"
        assert (then[three.uscc].industry_code, then[three.uscc].region_code) == ("H6210", "330782")

        now = entities_as_of(app, current_position(app))
        assert len(now) == 5
        assert now[one.uscc].status == "deregistered"
        assert now[two.uscc].region_code == "330782"
        assert now[entity(5, "cooperative").uscc].entity_type == "cooperative"
        # the view at the old position has not changed since
        assert entities_as_of(app, position) == then

    def test_at_the_current_position_the_scope_selects_what_the_pool_loader_loads(self, platform):
        app = platform.supervision
        rows = [entity(i, ("enterprise", "individual", "cooperative")[i % 3],
                       region=("330702", "330782", "330103")[i % 4 % 3],
                       industry_code=("F5211", "H6210", "C1311")[i % 5 % 3]) for i in range(40)]
        app.register_entities(rows)
        for row in rows[::7]:
            app.change_entity_status(row.uscc, "revoked", date(2026, 1, 5), "吊销")
        app.change_entity_details(rows[1].uscc, {"region_code": "330103", "industry_code": "F52"})
        assert platform.settle()
        now = entities_as_of(app, current_position(app))
        with platform.engine.connect() as conn:
            for scope in SCOPES:
                loaded = load_pool(conn, scope).entity_no.tolist()
                in_scope = sorted(e.entity_no for e in now.values() if e.in_scope(scope))
                assert in_scope == loaded, scope

    def test_pages_and_edges(self, platform):
        app = platform.supervision
        assert current_position(app) == 0 and entities_as_of(app, 0) == {}
        app.register_entities([entity(i) for i in range(7)])
        for i in range(7):
            app.file_annual_report(entity(i).uscc, 2024, date(2025, 5, 2))   # skipped by topic
            app.change_entity_status(entity(i).uscc, "revoked", date(2026, 1, 5), "吊销")
        end = current_position(app)
        assert entities_as_of(app, end, page=2) == entities_as_of(app, end)
        assert entities_as_of(app, 3, page=1) == entities_as_of(app, 3)
        assert len(entities_as_of(app, 3)) == 3
        for bad in (end + 1, -1, "7", True):
            with pytest.raises(InvalidInput) as e:
                entities_as_of(app, bad)
            assert e.value.field == "position"


class TestRegisterAsOfOnSQLite(RegisterAsOfScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestRegisterAsOfOnPostgres(RegisterAsOfScenario):
    backend = "postgres"

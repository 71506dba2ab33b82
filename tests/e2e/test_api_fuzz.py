"""Fuzz every operation of the app's own OpenAPI schema: no 5xx, every response as declared."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from kernel.clock import today_in_china
from kernel.http import auth
from opencheck.app import create_app
from opencheck.bootstrap import bootstrap
from opencheck.migrate import upgrade
from tests.conftest import make_settings
from tests.factories import check_item, entity, inspector, known_codes

# Per operation and auth state; raise it locally (OPENCHECK_FUZZ_EXAMPLES=200) for a deep run.
EXAMPLES = int(os.environ.get("OPENCHECK_FUZZ_EXAMPLES", "15"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    s = make_settings("sqlite", tmp_path_factory.mktemp("fuzz"))
    upgrade(s)
    platform = bootstrap(s)
    auth.add_user(platform.engine, "fuzz-supervisor", "fuzz-pass-123", "supervisor")
    platform.supervision.register_entities([entity(i) for i in range(20)])
    today, known = today_in_china(), known_codes()
    platform.supervision.add_check_item(check_item(1), known)
    platform.supervision.register_inspector(inspector(1), today, known)
    platform.supervision.declare_conflict(inspector(1).credential_no, entity(1).uscc, "亲属",
                                          today, None, today)
    platform.supervision.publish_check_list("market_regulation", today, today, known)
    platform.catch_up()
    app = create_app(platform=platform)
    yield app, auth.issue_token(s, auth.authenticate(platform.engine, "fuzz-supervisor",
                                                     "fuzz-pass-123"))
    platform.close()


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app[0])


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_conforms(case, fuzz_app):
    case.call_and_validate(checks=CHECKS)
    case.call_and_validate(checks=CHECKS, headers={"Authorization": f"Bearer {fuzz_app[1]}"})

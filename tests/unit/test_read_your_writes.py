"""Read-your-writes scopes: which requests get one, what a save inside one waits for."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from kernel.http import read_your_writes as ryw


def test_a_save_waits_only_inside_a_scope_and_never_twice_at_once():
    calls = []

    def settle(runners):
        calls.append(runners)
        ryw.after_save(settle)   # a reaction saving while we settle: covered by this settle

    ryw.after_save(settle)
    assert calls == []                       # scheduler, CLI: no scope, no wait
    with ryw.command_scope():
        ryw.after_save(settle)
        ryw.after_save(settle)
    assert calls == [None, None]             # every runner, once per save
    assert ryw.current() is None


def test_a_route_narrows_the_runners_it_waits_for():
    calls = []
    narrow = ryw.waits_for("credit").dependency
    narrow()                                 # outside a scope: nothing to narrow
    with ryw.command_scope():
        narrow()
        ryw.after_save(calls.append)
    assert calls == [("credit",)]


def test_only_authenticated_commands_run_in_a_scope():
    seen = []

    async def app(scope, receive, send):
        seen.append(ryw.current() is not None)

    middleware = ryw.ReadYourWritesMiddleware(app)
    for method, path in [("POST", "/api/v1/plans"), ("PATCH", "/api/v1/entities/X"),
                         ("DELETE", "/api/v1/inspectors/1/conflicts/X"),
                         ("GET", "/api/v1/plans"), ("POST", "/api/v1/public/x"),
                         ("POST", "/api/v1/auth/token"), ("POST", "/dashboard/_dash-update")]:
        # a thread of its own: an earlier test (the browser's sync API) may leave a loop running
        scope = {"type": "http", "method": method, "path": path}
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, middleware(scope, None, None)).result()
    assert seen == [True, True, True, False, False, False, False]

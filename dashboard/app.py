"""build_dashboard(get_platform): the Dash app mounted at /dashboard/ (see opencheck.app).

Callbacks run in a2wsgi's thread pool, so they reach the Platform through the ``get_platform``
reference handed over at mount time, never through a module global.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import flask
from dash import Dash, Input, Output, State, dcc, html, no_update, set_props

from dashboard import exports, session
from dashboard.pages import (
    commitments,
    directories,
    entity,
    login,
    objections,
    overview,
    penalties,
    plans,
    publication,
    repairs,
    risk,
    serious,
    users,
    workspace,
)
from kernel import workdays
from kernel.clock import china_date
from kernel.errors import TooManyAttempts
from kernel.http import auth, throttle
from kernel.labels import ROLES
from kernel.platform import Platform

PREFIX = "/dashboard/"
SUPERVISOR_PAGES = {"": overview, "plans": plans, "publication": publication,
                    "penalties": penalties, "serious": serious, "commitments": commitments,
                    "entity": entity, "repairs": repairs, "users": users,
                    "objections": objections, "risk": risk,
                    **{f"directory/{k}": d for k, d in directories.PAGES.items()}}
ADMIN_ONLY = {"users"}
INSPECTOR_PAGES = {"": workspace, "tasks": workspace}


def _on_error(error: Exception) -> None:
    """An expired or missing session sends the browser to the login; nothing else is returned."""
    if isinstance(error, session.NotSignedIn):
        set_props("redirect", {"href": PREFIX + "login"})
        return None
    if isinstance(error, session.NotPermitted):
        set_props("notice", {"children": "无权访问 Not permitted for your role", "hidden": False})
        return None
    raise error


def build_dashboard(get_platform: Callable[[], Platform],
                    importers: Mapping[str, Callable[..., Any]] | None = None) -> Dash:
    """The supervisor dashboard and inspector workspace, reading only through query functions;
    `importers` (kind -> the root's file importer) serve the directories' uploads."""
    app = Dash(__name__, requests_pathname_prefix=PREFIX, suppress_callback_exceptions=True,
               title="OpenCheck 监管驾驶舱 Supervision dashboard", update_title=None,
               on_error=_on_error, serve_locally=True)
    # every page is Chinese first: screen readers and fonts pick the right language
    app.index_string = app.index_string.replace("<html>", '<html lang="zh-CN">', 1)
    app.layout = html.Div([
        dcc.Location(id="url", refresh=False),
        dcc.Location(id="redirect", refresh=True),
        html.Header(id="topbar", className="topbar"),
        html.Div(id="notice", className="notice", hidden=True),
        html.Main(id="page", className="page"),
    ])

    @app.callback(Output("page", "children"), Output("topbar", "children"),
                  Input("url", "pathname"))
    def route(pathname: str | None):
        platform = get_platform()
        user = session.current_user(platform)
        set_props("notice", {"hidden": True})
        name = (pathname or PREFIX).removeprefix(PREFIX).strip("/")
        if user is None or name == "login":
            return login.layout(signed_in=user), _topbar(None)
        pages = SUPERVISOR_PAGES if user.role in session.SUPERVISORS else INSPECTOR_PAGES
        page = pages.get(name)
        if name in ADMIN_ONLY and user.role != "admin":
            return (html.Div("无权访问 Not permitted: this page is for administrators",
                             id="forbidden", className="empty-state"), _topbar(user))
        if page is None:
            other = INSPECTOR_PAGES if pages is SUPERVISOR_PAGES else SUPERVISOR_PAGES
            text = ("无权访问 Not permitted: this page is for another role" if name in other
                    else "页面不存在 Page not found")
            return html.Div(text, id="forbidden", className="empty-state"), _topbar(user)
        content = page.layout(user, platform)
        if pages is SUPERVISOR_PAGES and (notice := _calendar_notice(platform)) is not None:
            content = html.Div([notice, content])
        return content, _topbar(user)

    @app.callback(Output("login-error", "children"),
                  Input("login-submit", "n_clicks"), Input("login-password", "n_submit"),
                  State("login-username", "value"), State("login-password", "value"),
                  prevent_initial_call=True)
    def sign_in(_clicks, _submit, username: str | None, password: str | None):
        platform = get_platform()
        try:   # throttled like the API's login (kernel.http.throttle), per name and address
            user = throttle.attempt_login(platform.engine, platform.settings, platform.clock,
                                          (username or "").strip(), password or "",
                                          flask.request.remote_addr)
        except TooManyAttempts as refused:
            return refused.message
        if user is None:
            return "用户名或密码错误 Wrong username or password"
        session.start_session(platform, user)
        set_props("redirect", {"href": PREFIX})
        return ""

    @app.callback(Output("redirect", "href"), Input("logout", "n_clicks"),
                  prevent_initial_call=True)
    def sign_out(clicks):
        if not clicks:
            return no_update
        session.end_session()
        return PREFIX + "login"

    for page in (overview, plans, entity, repairs, objections, workspace, publication, penalties,
                 serious, commitments, users, risk):
        page.register(app, get_platform)
    directories.register(app, get_platform, importers or {})
    exports.serve(app, get_platform)
    return app


def _calendar_notice(platform) -> html.Div | None:  # noqa: ANN001
    """A missing official holiday schedule, said where supervisors work (kernel.workdays)."""
    said = workdays.coverage(china_date(platform.clock()),
                             platform.rules.calendar.warn_days_before_year_end)["message"]
    return html.Div(said, id="calendar-warning", className="error", role="status") \
        if said else None


def _topbar(user: auth.User | None) -> list:
    brand = html.Div([html.Strong("OpenCheck"), html.Span(" 双随机、一公开 监管驾驶舱 Dashboard")],
                     className="brand")
    if user is None:
        return [brand]
    if user.role in session.SUPERVISORS:
        links = [("总览 Overview", PREFIX), ("抽查计划 Plans", PREFIX + "plans"),
                 ("结果公示 Publication", PREFIX + "publication"),
                 ("行政处罚 Penalties", PREFIX + "penalties"),
                 ("严重失信 Serious list", PREFIX + "serious"),
                 ("告知承诺 Commitments", PREFIX + "commitments"),
                 ("主体档案 Entity file", PREFIX + "entity"),
                 ("信用修复 Credit repair", PREFIX + "repairs"),
                 ("异议处理 Objections", PREFIX + "objections"),
                 ("名录库 Directories", PREFIX + "directory/entities"),
                 ("风险核验 Risk", PREFIX + "risk")]
        if user.role == "admin":
            links.append(("用户 Users", PREFIX + "users"))
    else:
        links = [("我的任务 My tasks", PREFIX + "tasks")]
    nav = html.Nav([dcc.Link(text, href=href, className="nav-link") for text, href in links])
    who = html.Div([html.Span(f"{user.display_name} · {ROLES.get(user.role, user.role)}",
                              id="whoami"),
                    html.Button("退出 Log out", id="logout", className="button-light")],
                   className="who")
    return [brand, nav, who]

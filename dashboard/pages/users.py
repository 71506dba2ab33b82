"""用户 Accounts, for administrators: add, deactivate or reactivate, reset a password (the
password policy of kernel.http.passwords applies; a changed account's tokens stop at once)."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, ctx, html, no_update

from dashboard import forms, grids
from dashboard import supervisor_actions as act
from dashboard import supervisor_queries as q
from dashboard.session import guarded
from dashboard.widgets import card
from kernel.labels import ROLES, department_labels
from kernel.platform import Platform

ADMINS = ("admin",)
COLUMNS = [
    {"field": "username", "headerName": "用户名 Username"},
    {"field": "display_name", "headerName": "姓名 Name"},
    {"field": "role", "headerName": "角色 Role"},
    {"field": "department", "headerName": "部门 Department", "filter": False},
    {"field": "active", "headerName": "启用 Active", "filter": False, "sortable": False},
]


def _rows(p: Platform, user, request) -> tuple[int, list[dict[str, Any]]]:
    with p.engine.connect() as conn:
        total, rows = q.user_accounts(conn, request)
    names = department_labels(p.rules)
    for r in rows:
        r["role"] = ROLES.get(r["role"], r["role"])
        r["department"] = names.get(r["department"] or "", r["department"] or "")
        r["active"] = "启用 Active" if r["active"] else "停用 Deactivated"
    return total, rows


GRID = grids.Grid("users-grid", COLUMNS, "username", _rows, ADMINS, "用户 Users")


def _accounts(p: Platform) -> list[dict[str, str]]:
    with p.engine.connect() as conn:
        _, rows = q.user_accounts(conn, {"startRow": 0, "endRow": 500})
    return [{"label": f"{r['display_name'] or r['username']}（{r['username']}）· "
                      f"{ROLES.get(r['role'], r['role'])}"
                      + ("" if r["active"] else " · 停用 deactivated"), "value": r["username"]}
            for r in rows]


def layout(user, platform: Platform) -> html.Div:
    return html.Div([
        html.H2("用户 Users"),
        card("账号 Accounts", [grids.view(GRID, height=280)]),
        card("新增用户 Add a user", [html.Div([
            forms.field("用户名 Username", forms.text("usr-name")),
            forms.field("姓名 Display name", forms.text("usr-display")),
            forms.field("角色 Role", forms.choice("usr-role", ROLES, value="inspector")),
            forms.field("部门 Department", forms.choice(
                "usr-department", department_labels(platform.rules))),
            forms.field("初始口令 Password", forms.text("usr-password")),
            forms.button("新增 Add", "usr-add"),
        ], className="form")]),
        card("停用 · 启用 · 重置口令 Deactivate, reactivate, reset password", [html.Div([
            forms.field("账号 Account", forms.choice("usr-choice", _accounts(platform)),
                        wide=True),
            forms.button("停用 Deactivate", "usr-deactivate", light=True),
            forms.button("启用 Reactivate", "usr-reactivate", light=True),
            forms.field("新口令 New password", forms.text("usr-new-password")),
            forms.button("重置口令 Reset password", "usr-reset"),
        ], className="form")]),
        html.Div(id="usr-msg"),
    ], id="users-page")


def register(app, get_platform) -> None:
    grids.serve(app, get_platform, GRID)

    @app.callback(Output("usr-msg", "children"), Output("usr-choice", "options"),
                  Output("users-grid-box", "children"),
                  Input("usr-add", "n_clicks"), Input("usr-deactivate", "n_clicks"),
                  Input("usr-reactivate", "n_clicks"), Input("usr-reset", "n_clicks"),
                  State("usr-name", "value"), State("usr-display", "value"),
                  State("usr-role", "value"), State("usr-department", "value"),
                  State("usr-password", "value"), State("usr-choice", "value"),
                  State("usr-new-password", "value"), prevent_initial_call=True)
    @guarded(get_platform, ADMINS)
    def command(user, _a, _b, _c, _d, name, display, role, department, password, chosen,
                new_password):
        p, button = get_platform(), ctx.triggered_id
        if button == "usr-add":
            ok, said = forms.attempt(lambda: act.add_user(p, {
                "username": (name or "").strip(), "password": password or "",
                "role": role or "", "display_name": display or "",
                "department": department or None}), "已新增 User added.", "usr", p)
        elif button in ("usr-deactivate", "usr-reactivate"):
            active = button == "usr-reactivate"
            ok, said = forms.attempt(lambda: act.set_active(p, user, chosen, active),
                                     "已启用 Reactivated." if active else
                                     "已停用：其登录凭证立即失效 Deactivated: their sessions end now.",
                                     "usr", p)
        else:
            ok, said = forms.attempt(lambda: act.reset_password(p, chosen, new_password),
                                     "口令已重置 Password reset: old sessions end.", "usr", p)
        if not ok:
            return said, no_update, no_update
        return said, _accounts(p), grids.view(GRID, height=280).children

"""登录 The login form: the same users and passwords as the API (kernel.http.auth)."""

from __future__ import annotations

from dash import dcc, html

from kernel.http import auth


def layout(signed_in: auth.User | None = None) -> html.Div:
    hint = (html.P([f"已登录 Signed in as {signed_in.username}. ",
                    dcc.Link("返回 Back to the dashboard", href="/dashboard/")])
            if signed_in else None)
    return html.Div([
        html.H2("登录 Log in"),
        html.P("使用平台账号登录 Sign in with your OpenCheck account.", className="muted"),
        hint,
        html.Label("用户名 Username", htmlFor="login-username"),
        dcc.Input(id="login-username", type="text", autoComplete="username", debounce=False),
        html.Label("密码 Password", htmlFor="login-password"),
        dcc.Input(id="login-password", type="password", autoComplete="current-password"),
        html.Button("登录 Log in", id="login-submit", className="button"),
        html.Div(id="login-error", className="error", role="alert"),
    ], id="login-form", className="card login")

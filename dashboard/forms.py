"""Form pieces the supervisor pages share: labelled fields, the outcome of a command as one
Chinese-first line (kernel.i18n through dashboard.actions.message_of), and an entity picker that
searches the directory by name or code on the server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import Input, Output, State, dcc, html, no_update
from pydantic import ValidationError

from dashboard.actions import message_of
from dashboard.session import SUPERVISORS, guarded
from kernel.clock import today_in_china
from kernel.errors import DomainError
from kernel.labels import department_labels
from supervision.directory.views import search_entities

Outcome = html.Div


def field(label: str, component: Any, wide: bool = False) -> html.Div:
    return html.Div([html.Label(label), component],
                    className="field field-wide" if wide else "field")


def text(id_: str, placeholder: str = "", wide: bool = False) -> dcc.Input:
    return dcc.Input(id=id_, type="text", placeholder=placeholder, debounce=False,
                     className="input-wide" if wide else "input")


def day(id_: str) -> dcc.Input:
    """A date, today unless changed."""
    return dcc.Input(id=id_, type="date", value=today_in_china().isoformat())


def choice(id_: str, options: list[dict[str, Any]] | dict[str, str], placeholder: str = "",
           value: Any = None, multi: bool = False) -> dcc.Dropdown:
    if isinstance(options, dict):
        options = [{"label": v, "value": k} for k, v in options.items()]
    return dcc.Dropdown(id=id_, options=options, value=value, multi=multi,
                        placeholder=placeholder or "请选择 Choose")


def button(label: str, id_: str, light: bool = False) -> html.Button:
    return html.Button(label, id=id_, className="button-light" if light else "button")


def attempt(run: Callable[[], Any], done: str, id_: str,
            platform: Any = None) -> tuple[bool, Outcome]:
    """Run one command: (True, the success line) or (False, the error line, field named;
    with the platform, departments by name)."""
    try:
        run()
    except (ValidationError, DomainError) as error:
        names = department_labels(platform.rules) if platform is not None else None
        return False, html.Div(message_of(error, names), className="error",
                               id=f"{id_}-error", role="alert")
    return True, html.Div(done, className="ok", id=f"{id_}-done", role="status")


def entity_picker(id_: str) -> dcc.Dropdown:
    """市场主体 An entity, found by name or credit code as the user types."""
    return dcc.Dropdown(id=id_, options=[], searchable=True,
                        placeholder="输入名称或统一社会信用代码 Type a name or credit code")


def serve_entity_picker(app: Any, get_platform: Callable[[], Any], id_: str) -> None:
    @app.callback(Output(id_, "options"), Input(id_, "search_value"), State(id_, "value"),
                  State(id_, "options"), prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def search(user, typed, value, options):
        if not typed or len(typed.strip()) < 1:
            return no_update
        with get_platform().read_engine.connect() as conn:
            _, found = search_entities(conn, typed, limit=20)
        kept = [o for o in options or [] if o["value"] == value]
        return kept + [{"label": f"{e['name']}（{e['uscc']}）", "value": e["uscc"]}
                       for e in found if e["uscc"] != value]

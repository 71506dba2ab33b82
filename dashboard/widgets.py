"""Small layout pieces shared by the pages: cards, charts with empty states."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import dcc, html

GRAPH_CONFIG = {"displaylogo": False, "responsive": True}


def percent(value: float | None, digits: int = 1) -> str:
    """A rate, or an explicit dash when there is nothing to rate (never a fake 0 %)."""
    return "—" if value is None else f"{value:.{digits}%}"


def stat(label: str, value: str, id_: str) -> html.Div:
    return html.Div([html.Div(value, className="stat-value", id=id_),
                     html.Div(label, className="stat-label")], className="stat")


def card(title: str, children: list[Any], id_: str | None = None,
         stack: bool = False) -> html.Section:
    body = html.Div(children, className="card-body stack" if stack else "card-body")
    return html.Section([html.H3(title), body],
                        className="card", **({"id": id_} if id_ else {}))


def empty(message: str, id_: str | None = None) -> html.Div:
    return html.Div(message, className="empty-state", **({"id": id_} if id_ else {}))


def chart(id_: str, figure: go.Figure | None, when_empty: str, empty_id: str | None = None):
    """The figure, or the explanation of why there is none."""
    if figure is None:
        return empty(when_empty, empty_id or f"{id_}-empty")
    return dcc.Graph(id=id_, figure=figure, config=GRAPH_CONFIG, className="chart")


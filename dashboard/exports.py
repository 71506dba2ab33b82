"""Export of a small fixed table (a few rows of counts: coverage, outcomes by class, strata) as
CSV or .xlsx, with the same writers as the grids (`grids.to_csv`, `grids.to_xlsx`). The page
renders the table and `buttons(...)` with the rows it shows; one pattern-matching callback,
registered once by the app, writes the file. Lists that can grow use `grids.Grid` instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import MATCH, Input, Output, State, ctx, dcc, html, no_update

from dashboard import grids
from dashboard.session import SUPERVISORS, guarded

MAX_ROWS = 1000   # a summary, not a list: anything longer belongs in a grid


def buttons(key: str, title: str, headers: list[str], rows: list[list[Any]]) -> html.Div:
    """CSV and .xlsx buttons for the table the page shows (its rows as shown)."""
    data = {"title": title, "headers": [str(h) for h in headers],
            "rows": [[v if isinstance(v, (int, float)) or v is None else str(v) for v in r]
                     for r in rows[:MAX_ROWS]]}
    return html.Div([
        html.Button("导出 CSV Export CSV", id={"type": "table-csv", "key": key},
                    className="button-light"),
        html.Button("导出 Excel Export .xlsx", id={"type": "table-xlsx", "key": key},
                    className="button-light"),
        dcc.Store(id={"type": "table-data", "key": key}, data=data),
        dcc.Download(id={"type": "table-download", "key": key}),
    ], className="grid-tools actions", id=f"{key}-export")


def serve(app: Any, get_platform: Callable[[], Any]) -> None:
    @app.callback(Output({"type": "table-download", "key": MATCH}, "data"),
                  Input({"type": "table-csv", "key": MATCH}, "n_clicks"),
                  Input({"type": "table-xlsx", "key": MATCH}, "n_clicks"),
                  State({"type": "table-data", "key": MATCH}, "data"),
                  prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def export(user, _csv, _xlsx, data):
        trigger = ctx.triggered_id
        if not trigger or not data:
            return no_update
        return file(trigger["type"].removeprefix("table-"), trigger["key"], data,
                    get_platform().clock())


def file(kind: str, key: str, data: dict[str, Any], now: Any) -> dict[str, Any]:
    """The download of one table: `kind` is "csv" or "xlsx"."""
    from kernel.clock import CHINA

    name = f"{key}-{now.astimezone(CHINA).strftime('%Y%m%d-%H%M')}"
    if kind == "csv":
        return dcc.send_bytes(grids.to_csv(data["headers"], data["rows"]), f"{name}.csv")
    return dcc.send_bytes(grids.to_xlsx(data["headers"], data["rows"], data["title"]),
                          f"{name}.xlsx")

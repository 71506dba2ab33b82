"""名录库 The directories: market entities, inspectors and check items. Each page has a grid the
server pages, sorts and filters; an add form and an edit form checked as the API checks them;
and an upload of CSV (UTF-8, UTF-8 with BOM, GB18030) or .xlsx through the same importer as
`opencheck import`, listing every rejected row by line, field and reason."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dash import ALL, Input, Output, State, dcc, html, no_update
from pydantic import ValidationError

from dashboard import directory_actions as act
from dashboard import directory_grids, grids
from dashboard.session import SUPERVISORS, guarded
from dashboard.widgets import card
from kernel.errors import DomainError
from kernel.import_files import FIELD_ZH
from kernel.labels import department_labels
from kernel.platform import Platform

MAX_UPLOAD = 50 * 2**20   # bytes; larger files go through `opencheck import` on the server
UPLOAD_STYLE = {"border": "2px dashed #9aa5b1", "borderRadius": "6px", "padding": "18px",
                "textAlign": "center", "cursor": "pointer"}
SHOWN_REJECTS = 500       # rejected rows listed on the page (all of them in the CLI's file)
ENTITY_TYPES = {"enterprise": "企业 Enterprise", "individual": "个体工商户 Individual",
                "cooperative": "农民专业合作社 Cooperative"}
STATUSES = {"active": "在职 Active", "on_leave": "休假 On leave", "retired": "退休 Retired"}


@dataclass(frozen=True)
class Field:
    name: str
    options: Mapping[str, str] | None = None   # a dropdown ({}: the rules' departments)
    hint: str = ""


@dataclass(frozen=True)
class Directory:
    kind: str            # the importer's name and the page's path
    title: str
    key: str             # the row id column
    columns: list[dict[str, Any]]
    add: list[Field]
    edit: list[Field]
    edit_title: str
    page: Callable[..., Any]
    add_action: Callable[..., str]
    edit_action: Callable[..., str]

    def layout(self, user: Any, platform: Platform) -> html.Div:
        return layout(self, platform)

    @property
    def grid(self) -> grids.Grid:
        """The shared grid: server paging, sorting, filters, CSV and .xlsx export."""
        return grids.Grid(f"{self.kind}-grid", self.columns, self.key, self._rows, SUPERVISORS,
                          self.title)

    def _rows(self, platform: Platform, user: Any, request: dict[str, Any] | None
              ) -> tuple[int, list[dict[str, Any]]]:
        with platform.read_engine.connect() as conn:
            return self.page(conn, request)


def _col(name: str, filtered: bool = True, width: int | None = None,
         kind: str = "") -> dict[str, Any]:
    """A column with a floating filter (text; a `kind` of "date" or "number" filters as such)."""
    col: dict[str, Any] = {"field": name, "headerName": f"{FIELD_ZH.get(name, name)} {name}"}
    if filtered:
        col.update(floatingFilter=True, kind=kind)
    else:
        col["filter"] = False
    if width:
        col["minWidth"] = width
    return col


ENTITIES = Directory(
    "entities", "市场主体名录库 Market entities", "uscc",
    [_col("uscc", width=190), _col("name", width=220), _col("entity_type"), _col("region_code"),
     _col("industry_code"), _col("registered_on", kind="date"), _col("status"),
     _col("address", width=200),
     _col("legal_representative")],
    [Field("uscc"), Field("name"), Field("entity_type", ENTITY_TYPES), Field("region_code"),
     Field("industry_code", hint="e.g. F5211"), Field("registered_on", hint="YYYY-MM-DD"),
     Field("address"), Field("legal_representative"), Field("registering_authority")],
    [Field("name"), Field("address"), Field("legal_representative"), Field("industry_code"),
     Field("region_code"), Field("registering_authority"),
     Field("effective_on", hint="变更日期 YYYY-MM-DD")],
    "变更登记 Change details (blank fields stay)", directory_grids.entities_page,
    act.add_entity, act.change_entity)

INSPECTORS = Directory(
    "inspectors", "执法检查人员名录库 Inspectors", "credential_no",
    [_col("credential_no", width=170), _col("name"), _col("department"), _col("region_code"),
     _col("station", width=200), _col("status"), _col("status_since", kind="date")],
    [Field("credential_no"), Field("name"), Field("department", {}), Field("region_code"),
     Field("station"), Field("qualifications", hint="以 ; 分隔 ';'-separated codes"),
     Field("status", STATUSES)],
    [Field("status", STATUSES), Field("effective_on", hint="YYYY-MM-DD"), Field("reason")],
    "状态变更 Change status", directory_grids.inspectors_page,
    act.add_inspector, act.change_inspector)

CHECK_ITEMS = Directory(
    "check-items", "随机抽查事项清单 Check items", "code",
    [_col("code"), _col("name", width=200), _col("sub_item"), _col("department"),
     _col("category"), _col("method"), _col("default_ratio", kind="number"),
     _col("frequency_per_year", kind="number"), _col("qualification"),
     _col("object_scope_types"), _col("withdrawn", filtered=False)],
    [Field("code"), Field("name"), Field("sub_item"), Field("legal_basis"),
     Field("department", {}), Field("object_scope_types", hint="enterprise;individual"),
     Field("object_scope_industries", hint="以 ; 分隔, 空 = 全部 blank = all"),
     Field("method", {"on_site": "现场检查 On site", "documents": "书面检查 Documents",
                      "online": "网络监测 Online"}),
     Field("category", {"key": "重点 Key", "general": "一般 General"}),
     Field("default_ratio", hint="0-1"), Field("frequency_per_year"), Field("qualification")],
    [Field("name"), Field("legal_basis"), Field("default_ratio"), Field("frequency_per_year"),
     Field("qualification")],
    "修改事项 Change the item (blank fields stay)", directory_grids.check_items_page,
    act.add_check_item, act.change_check_item)

PAGES = {d.kind: d for d in (ENTITIES, INSPECTORS, CHECK_ITEMS)}


def _input(d: Directory, form: str, f: Field, platform: Platform) -> html.Div:
    id_ = {"type": f"{d.kind}-{form}", "name": f.name}
    options = department_labels(platform.rules) if f.options == {} else f.options
    control = (dcc.Dropdown(id=id_, options=[{"label": v, "value": k} for k, v in
                                             options.items()], clearable=True)
               if options else dcc.Input(id=id_, type="text", placeholder=f.hint,
                                         className="input-wide", debounce=False))
    return html.Div([html.Label(f"{FIELD_ZH.get(f.name, f.name)} {f.name}"), control],
                    className="field")


def layout(d: Directory, platform: Platform) -> html.Div:
    k = d.kind
    return html.Div([
        html.H2(d.title),
        html.Nav([dcc.Link(other.title, href=f"/dashboard/directory/{other.kind}",
                           className="nav-link", id=f"dir-link-{other.kind}")
                  for other in PAGES.values()], className="actions"),
        card("名录 Directory (点击一行以编辑 click a row to edit)",
             [html.Div(_grid(d, 0), id=f"{k}-grid-slot")]),
        card("导入 Import CSV (UTF-8 / UTF-8 BOM / GB18030) 或 .xlsx", [
            dcc.Upload(id=f"{k}-upload", max_size=MAX_UPLOAD, multiple=False,
                       accept=".csv,.xlsx", className="upload", style=UPLOAD_STYLE,
                       children=html.Div(["拖放或", html.A("选择文件", className="link"),
                                          " Drop or choose a .csv / .xlsx file"])),
            html.P("列与编码见 docs/IMPORT_FORMATS.md  Columns and encodings: "
                   "docs/IMPORT_FORMATS.md", className="hint"),
            dcc.Loading(html.Div(id=f"{k}-upload-result", role="status"))], stack=True),
        card("新增 Add", [html.Div([
            *[_input(d, "add", f, platform) for f in d.add],
            html.Div(html.Button("新增 Add", id=f"{k}-add", className="button"),
                     className="actions"),
            html.Div(id=f"{k}-add-msg", role="status")], className="form")], stack=True),
        card(d.edit_title, [html.Div([
            html.Div([html.Label(f"{FIELD_ZH.get(d.key, d.key)} {d.key} "
                                 "(点击表格中的一行 click a row above)"),
                      dcc.Input(id=f"{k}-edit-key", type="text", className="input-wide")],
                     className="field"),
            *[_input(d, "edit", f, platform) for f in d.edit],
            html.Div(html.Button("保存 Save", id=f"{k}-save", className="button"),
                     className="actions"),
            html.Div(id=f"{k}-edit-msg", role="status")], className="form")], stack=True),
    ], id=f"{k}-page")


def _grid(d: Directory, generation: int) -> Any:
    """The grid in a wrapper whose id changes after each write: the renderer mounts a fresh
    grid, which asks the server for its first page again."""
    return html.Div(grids.view(d.grid, height=420), id=f"{d.kind}-grid-gen-{generation}")


def _error(d: Directory, what: str, error: Exception) -> html.Div:
    return html.Div(act.message_of(error), className="error", id=f"{d.kind}-{what}-error")


def _upload_result(d: Directory, report: Any) -> html.Div:
    summary = (f"读取 {report.read} 行 read {report.read} rows: 新增 {report.registered} "
               f"registered, 已存在 {report.already_registered} already registered, "
               f"拒绝 {len(report.rejected)} rejected")
    if not report.rejected:
        return html.Div(summary, className="ok", id=f"{d.kind}-upload-summary")
    rows = [html.Tr([html.Td(r.line), html.Td(r.field), html.Td(r.reason)])
            for r in report.rejected[:SHOWN_REJECTS]]
    more = len(report.rejected) - SHOWN_REJECTS
    return html.Div([
        html.Div(summary + "；其余行已导入 the other rows were imported.", className="error",
                 id=f"{d.kind}-upload-summary"),
        html.Table([html.Thead(html.Tr([html.Th("行 Line"), html.Th("字段 Field"),
                                        html.Th("原因 Reason")])), html.Tbody(rows)],
                   className="table", id=f"{d.kind}-rejects"),
        html.Div(f"… 另有 {more} 行 {more} more" if more > 0 else ""),
    ])


def register(app: Any, get_platform: Callable[[], Platform],
             importers: Mapping[str, Callable[..., Any]]) -> None:
    for d in PAGES.values():
        _register(app, get_platform, d, importers.get(d.kind))


def _values(ids: list[dict], values: list[Any]) -> dict[str, Any]:
    return {i["name"]: v for i, v in zip(ids, values)}


def _register(app: Any, get_platform: Callable[[], Platform], d: Directory,
              importer: Callable[..., Any] | None) -> None:
    k = d.kind

    grids.serve(app, get_platform, d.grid)

    @app.callback(Output(f"{k}-edit-key", "value"), Input(f"{k}-grid", "cellClicked"),
                  prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def pick(user, clicked):
        return (clicked or {}).get("rowId") or no_update

    @app.callback(Output(f"{k}-add-msg", "children"),
                  Output(f"{k}-grid-slot", "children", allow_duplicate=True),
                  Input(f"{k}-add", "n_clicks"),
                  State({"type": f"{k}-add", "name": ALL}, "id"),
                  State({"type": f"{k}-add", "name": ALL}, "value"), prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def add(user, clicks, ids, values):
        try:
            key = d.add_action(get_platform(), _values(ids, values))
        except (ValidationError, DomainError) as e:
            return _error(d, "add", e), no_update
        return (html.Div(f"已新增 Added: {key}", className="ok", id=f"{k}-add-done"),
                _grid(d, clicks or 0))

    @app.callback(Output(f"{k}-edit-msg", "children"),
                  Output(f"{k}-grid-slot", "children", allow_duplicate=True),
                  Input(f"{k}-save", "n_clicks"), State(f"{k}-edit-key", "value"),
                  State({"type": f"{k}-edit", "name": ALL}, "id"),
                  State({"type": f"{k}-edit", "name": ALL}, "value"), prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def save(user, clicks, key, ids, values):
        try:
            key = d.edit_action(get_platform(), key, _values(ids, values))
        except (ValidationError, DomainError) as e:
            return _error(d, "edit", e), no_update
        return (html.Div(f"已保存 Saved: {key}", className="ok", id=f"{k}-edit-done"),
                _grid(d, 1000 + (clicks or 0)))

    @app.callback(Output(f"{k}-upload-result", "children"),
                  Output(f"{k}-grid-slot", "children", allow_duplicate=True),
                  Input(f"{k}-upload", "contents"), State(f"{k}-upload", "filename"),
                  prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def upload(user, contents, filename):
        if not contents or importer is None:
            return no_update, no_update
        try:
            report = act.import_upload(get_platform(), importer, contents, filename)
        except DomainError as e:
            return _error(d, "upload", e), no_update
        return _upload_result(d, report), _grid(d, 2000 + report.read)

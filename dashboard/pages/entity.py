"""主体档案 Entity file: search by USCC or name, then the record and timeline as of a day."""

from __future__ import annotations

from datetime import date

from dash import ALL, Input, Output, ctx, dcc, html, no_update

from dashboard import entity_file
from dashboard.labels import (ENTITY_STATUSES, ENTITY_TYPES, INDUSTRY_SECTIONS, LISTS,
                              RISK_CLASSES, region_label)
from dashboard.session import SUPERVISORS, guarded
from dashboard.widgets import card, empty
from opencheck.bootstrap import Platform, today_in_china


def layout(user, platform: Platform) -> html.Div:
    return html.Div([
        html.H2("主体档案 Entity file"),
        dcc.Store(id="entity-selected"),
        card("查找主体 Find an entity", [html.Div([
            dcc.Input(id="entity-query", type="text", className="input-wide", debounce=True,
                      placeholder="统一社会信用代码或名称 USCC or name"),
            html.Button("查找 Search", id="entity-search", className="button"),
            html.Label("截至 As of", htmlFor="entity-asof"),
            dcc.DatePickerSingle(id="entity-asof", date=today_in_china().isoformat(),
                                 display_format="YYYY-MM-DD"),
        ], className="actions"), html.Div(id="entity-results")]),
        html.Div(id="entity-file"),
    ], id="entity-page")


def _pairs(rows) -> html.Dl:
    out = []
    for k, v in rows:
        out += [html.Dt(k), html.Dd(str(v) if v not in (None, "") else "—")]
    return html.Dl(out, className="pairs")


def render(platform: Platform, uscc: str, as_of: date) -> html.Div:
    with platform.engine.connect() as conn:
        found = entity_file.entity_file(conn, uscc, as_of, platform.rules)
    if found is None:
        return empty("未找到该主体 No such entity.")
    r = found["record"]
    status, risk = found["status_on"], found["risk"]
    record = _pairs([
        ("统一社会信用代码 USCC", r["uscc"]), ("名称 Name", r["name"]),
        ("类型 Type", ENTITY_TYPES.get(r["entity_type"], r["entity_type"])),
        ("法定代表人 Legal representative", r["legal_representative"]),
        ("住所 Address", r["address"]), ("地区 Region", region_label(r["region_code"])),
        ("行业 Industry", f"{r['industry_code']} "
                          f"{INDUSTRY_SECTIONS.get(r['industry_code'][:1], '')}"),
        ("成立日期 Registered on", r["registered_on"]),
        ("登记机关 Registering authority", r["registering_authority"]),
        (f"状态（截至 {as_of}）Status as of", ENTITY_STATUSES.get(status, status)
         if status else "尚未成立 Not yet registered"),
        ("最近年报 Latest annual report", r["last_annual_report_year"]),
        *[(f"{LISTS[k]}（截至 {as_of}）", "在列 Listed" if on else "未列入 Not listed")
          for k, on in found["lists_on"].items()],
        ("信用风险分类（当前，内部）Risk class (current, internal)",
         f"{RISK_CLASSES.get(risk['risk_class'], risk['risk_class'])}"
         + (f" · {risk['classified_on']}" if risk["classified_on"] else " · 尚未分类 not classified")),
        (f"公示中的行政处罚（截至 {as_of}）Penalties in publicity", found["penalties_in_publicity"]),
    ])
    rows = [html.Tr([html.Td(e["date"]), html.Td(e["kind"]), html.Td(e["detail"])])
            for e in found["timeline"]]
    timeline = (html.Table([html.Thead(html.Tr([html.Th("日期 Date"), html.Th("事项 Event"),
                                                html.Th("内容 Detail")])),
                            html.Tbody(rows)], className="table", id="entity-timeline")
                if rows else empty(f"{as_of} 之前无记录 Nothing recorded up to {as_of}."))
    return html.Div([card(f"{r['name']} {r['uscc']}", [record], "entity-record"),
                     card("时间线 Timeline (内部 internal: 名录、任务与信用档案 directory, tasks and "
                          "the credit file)", [timeline])])


def register(app, get_platform) -> None:
    @app.callback(Output("entity-results", "children"), Output("entity-selected", "data"),
                  Input("entity-search", "n_clicks"), Input("entity-query", "value"),
                  prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def find(user, _clicks, text):
        with get_platform().engine.connect() as conn:
            rows = entity_file.search(conn, text or "")
        if not rows:
            return empty("无匹配主体 No matching entity."), no_update
        if len(rows) == 1:
            return None, rows[0]["uscc"]
        buttons = [html.Button(f"{r['uscc']} {r['name']}", className="link-button",
                               id={"kind": "entity-pick", "uscc": r["uscc"]}) for r in rows]
        return html.Div([html.P(f"前 {len(rows)} 个匹配 First {len(rows)} matches:"),
                         *buttons], className="results"), no_update

    @app.callback(Output("entity-selected", "data", allow_duplicate=True),
                  Input({"kind": "entity-pick", "uscc": ALL}, "n_clicks"),
                  prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def pick(user, clicks):
        if not any(clicks or []) or not isinstance(ctx.triggered_id, dict):
            return no_update
        return ctx.triggered_id["uscc"]

    @app.callback(Output("entity-file", "children"), Input("entity-selected", "data"),
                  Input("entity-asof", "date"), prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def show(user, uscc, as_of):
        if not uscc:
            return no_update
        day = date.fromisoformat(as_of[:10]) if as_of else today_in_china()
        return render(get_platform(), uscc, day)

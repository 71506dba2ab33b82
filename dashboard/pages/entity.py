"""主体档案 Entity file: search by USCC or name, then the record and timeline as of a day."""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from pydantic import ValidationError

from credit.lists.views import list_commendations
from dashboard import actions, entity_credit, entity_file, exports
from dashboard.session import SUPERVISORS, guarded
from dashboard.widgets import card, empty
from kernel import audit
from kernel.clock import today_in_china
from kernel.errors import DomainError, InvalidInput
from kernel.labels import (
    ENTITY_STATUSES,
    ENTITY_TYPES,
    INDUSTRY_SECTIONS,
    LISTS,
    RISK_CLASSES,
    region_label,
    risk_reason,
)
from kernel.platform import Platform
from supervision.directory.persons import checked_resident_id

AUDIT_CATEGORY = "entity_file"   # 主体档案, audited like the API's credit file


def layout(user, platform: Platform) -> html.Div:
    return html.Div([
        html.H2("主体档案 Entity file"),
        dcc.Store(id="entity-selected"),
        card("查找主体 Find an entity", [html.Div([
            dcc.Input(id="entity-query", type="text", className="input-wide", debounce=True,
                      placeholder="统一社会信用代码、名称、法定代表人姓名或身份证号码 USCC, name, legal representative or ID number"),
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


def _commendations(platform: Platform, uscc: str, message: Any) -> html.Div:
    """诚信典型: the entity's commendations, a form to record one and one to revoke one."""
    today = today_in_china()
    with platform.read_engine.connect() as conn:
        rows = list_commendations(conn, today=today, uscc=uscc, limit=100)[1]
    table = (html.Table([
        html.Thead(html.Tr([html.Th(h) for h in ("文号 Document no", "称号 Title",
                                                   "部门 Department", "授予 Granted",
                                                   "有效至 Valid until", "状态 Status")])),
        html.Tbody([html.Tr([html.Td(c["document_no"]), html.Td(c["title"]),
                             html.Td(c["department"]), html.Td(str(c["granted_on"])),
                             html.Td(str(c["valid_until"])),
                             html.Td("有效 In force" if c["in_force"] else
                                     f"已撤销 Revoked {c['revoked_on']}" if c["revoked_on"]
                                     else "未生效或已期满 Not in force")]) for c in rows])],
        className="table", id="commendation-table")
        if rows else empty("无诚信典型记录 No commendation recorded."))

    def field(label: str, control: Any) -> html.Div:
        return html.Div([html.Label(label), control], className="field")

    grant = html.Div([
        html.Div([
            field("荣誉称号 Title", dcc.Input(id="com-title", type="text", className="input-wide",
                                          placeholder="守合同重信用企业")),
            field("授予部门 Department", dcc.Input(id="com-department", type="text",
                                               value="market_regulation")),
            field("文号 Document no", dcc.Input(id="com-number", type="text")),
        ], className="row"),
        html.Div([
            field("授予日期 Granted on", dcc.DatePickerSingle(
                id="com-granted", date=today.isoformat(), display_format="YYYY-MM-DD")),
            field("有效至 Valid until (空: 默认年限 empty: the rule's default)",
                  dcc.DatePickerSingle(id="com-until", display_format="YYYY-MM-DD")),
        ], className="row"),
        html.Button("记录诚信典型 Record commendation", id="com-grant", className="button"),
    ], className="form")
    in_force = [c["document_no"] for c in rows if c["in_force"]]
    revoke = html.Div([
        field("撤销 Revoke", dcc.Dropdown(id="com-revoke-no", options=in_force,
                                        placeholder="文号 Document no")),
        field("撤销原因 Reason", dcc.Input(id="com-revoke-reason", type="text",
                                       className="input-wide")),
        html.Button("撤销荣誉 Revoke", id="com-revoke", className="button"),
    ], className="row") if in_force else None
    return card("诚信典型 Commendations (守信激励名单的依据 what the red list rests on)",
                [table, grant, revoke, html.Div(message, id="com-msg", role="status")],
                "entity-commendations")


def render(platform: Platform, uscc: str, as_of: date, message: Any = None) -> html.Div:
    with platform.read_engine.connect() as conn:
        found = entity_file.entity_file(conn, uscc, as_of, platform.rules)
    if found is None:
        return empty("未找到该主体 No such entity.")
    r = found["record"]
    status, risk = found["status_on"], found["risk"]
    record = _pairs([
        ("统一社会信用代码 USCC", r["uscc"]), ("名称 Name", r["name"]),
        ("类型 Type", ENTITY_TYPES.get(r["entity_type"], r["entity_type"])),
        ("法定代表人 Legal representative", " ".join(filter(None, (
            r["legal_representative"], r.get("legal_representative_masked")))) or None),
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
        (f"信用风险分类（截至 {as_of}，内部）Risk class as of (internal)",
         f"{RISK_CLASSES.get(risk['risk_class'], risk['risk_class'])}"
         + (f" · {risk['classified_on']}" if risk["classified_on"] else " · 尚未分类 not classified")),
        ("分类依据 Reasons for the class", "；".join(risk_reason(x) for x in risk["reasons"])
         or "无加减分项 none: the base score"),
        (f"待决定的列异 Abnormal listing pending (截至 {as_of})", _pending_abnormal(found)),
        (f"严重违法失信名单程序 Serious-list procedure (截至 {as_of})", _serious_procedure(found)),
        (f"公示中的行政处罚（截至 {as_of}）Penalties in publicity", found["penalties_in_publicity"]),
    ])
    rows = [html.Tr([html.Td(e["date"]), html.Td(e["kind"]), html.Td(e["detail"])])
            for e in found["timeline"]]
    heads = ["日期 Date", "事项 Event", "内容 Detail"]
    timeline = (html.Div([
        exports.buttons("entity-timeline", f"{r['uscc']} 时间线 Timeline", heads,
                        [[str(e["date"]), e["kind"], e["detail"]] for e in found["timeline"]]),
        html.Table([html.Thead(html.Tr([html.Th(h) for h in heads])), html.Tbody(rows)],
                   className="table", id="entity-timeline")])
                if rows else empty(f"{as_of} 之前无记录 Nothing recorded up to {as_of}."))
    return html.Div([card(f"{r['name']} {r['uscc']}", [record], "entity-record"),
                     entity_credit.sections(found["credit"]),
                     _commendations(platform, r["uscc"], message),
                     card("时间线 Timeline (内部 internal: 名录、任务与信用档案 directory, tasks and "
                          "the credit file)", [timeline])])


def _pending_abnormal(found: dict[str, Any]) -> str:
    """Grounds found and a listing decision still due (企业信息公示暂行条例: within 10 working
    days of the ground)."""
    pending = [a for a in found["credit"]["abnormal_listings"] if a["status"] == "pending"]
    return "；".join(
        "、".join(str(g["ground"]) for g in a["grounds"] if g.get("status") != "cured")
        + "".join(f" · 决定期限 decide by {g['decide_by']}" for g in a["grounds"][:1]
                  if g.get("decide_by")) for a in pending) or "无 None"


def _serious_procedure(found: dict[str, Any]) -> str:
    """A prior notice given and no decision yet (SAMR Order 44: statement, then decision)."""
    open_ = [s for s in found["credit"]["serious_listings"] if s["status"] == "noticed"]
    return "；".join(f"已告知 noticed {s['noticed_on']}" + (
        f" · 已陈述 statement {s['statement_on']}" if s.get("statement_on") else
        " · 陈述申辩期内 statement period open") for s in open_) or "无 None"


def _person_key(platform: Platform, text: str) -> str | None:
    """The person key if the search text is a resident ID number (hashed, never kept)."""
    text = text.strip()
    if len(text) != 18 or not text[:17].isdigit() or platform.supervision.person_keyer is None:
        return None
    try:
        number = checked_resident_id(text, today_in_china())
    except InvalidInput:
        return None
    return platform.supervision.person_keyer.key(number)


def register(app, get_platform) -> None:
    @app.callback(Output("entity-results", "children"), Output("entity-selected", "data"),
                  Input("entity-search", "n_clicks"), Input("entity-query", "value"),
                  prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def find(user, _clicks, text):
        key = _person_key(get_platform(), text or "")
        with get_platform().read_engine.connect() as conn:
            rows = entity_file.search(conn, text or "", person_key=key)
        if not rows:
            return empty("无匹配主体 No matching entity."), no_update
        if len(rows) == 1:
            return None, rows[0]["uscc"]
        buttons = [html.Button(f"{r['uscc']} {r['name']}（法定代表人 {r['legal_representative']}）",
                               className="link-button",
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
        try:   # 审计: no entity file is shown unless its reading is recorded (kernel.audit)
            audit.record(get_platform().engine, audit.Read(
                user.username, user.role, AUDIT_CATEGORY, str(uscc)[:40], "dashboard:entity"))
        except audit.AuditUnavailable:
            return empty("审计记录无法写入，请稍后再试 The audit record could not be written; "
                         "try again shortly.")
        return render(get_platform(), uscc, day)

    @app.callback(Output("entity-file", "children", allow_duplicate=True),
                  Input("com-grant", "n_clicks"),
                  State("entity-selected", "data"), State("entity-asof", "date"),
                  State("com-title", "value"), State("com-department", "value"),
                  State("com-number", "value"), State("com-granted", "date"),
                  State("com-until", "date"), prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def grant(user, clicks, uscc, as_of, title, department, number, granted, until):
        if not clicks or not uscc:
            return no_update
        form = {"uscc": uscc, "title": title or "", "department": department or "",
                "document_no": number or "", "granted_on": (granted or "")[:10] or None,
                "valid_until": (until or "")[:10] or None}
        return _after(get_platform(), user, uscc, as_of, "已记录 Recorded",
                      lambda p: actions.grant_commendation(p, user, form))

    @app.callback(Output("entity-file", "children", allow_duplicate=True),
                  Input("com-revoke", "n_clicks"),
                  State("entity-selected", "data"), State("entity-asof", "date"),
                  State("com-revoke-no", "value"), State("com-revoke-reason", "value"),
                  prevent_initial_call=True)
    @guarded(get_platform, SUPERVISORS)
    def revoke(user, clicks, uscc, as_of, number, reason):
        if not clicks or not uscc:
            return no_update
        form = {"revoked_on": today_in_china().isoformat(), "reason": reason or ""}
        return _after(get_platform(), user, uscc, as_of, "已撤销 Revoked",
                      lambda p: actions.revoke_commendation(p, user, number, form))


def _after(p: Platform, user, uscc: str, as_of: str | None, done: str, act) -> html.Div:
    """Run a form's action; the file again, with what happened (or why not) in the form."""
    try:
        act(p)
        message = html.Div(done, className="ok", id="com-done")
    except (ValidationError, DomainError) as e:
        message = html.Div(actions.message_of(e), className="error", id="com-error")
    day = date.fromisoformat(as_of[:10]) if as_of else today_in_china()
    return render(p, uscc, day, message)

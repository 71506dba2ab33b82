"""The inspector's day around the task: live notifications, work queues, attachments and the
printed documents (检查通知书, 检查记录表). Registered by ``dashboard.pages.workspace``."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, timezone
from typing import Any

import flask
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from dashboard import inbox, session
from dashboard.session import INSPECTORS, guarded
from dashboard.widgets import empty
from kernel.clock import today_in_china
from kernel.errors import DomainError
from kernel.platform import Platform
from supervision.tasks import documents
from supervision.tasks import views as task_views
from supervision.tasks.attachments import LABELS, AttachmentStore

POLL_MS = 4000   # the panel asks for new notifications this often (the API also offers SSE)
PRINTS = {"ws-print-notice": (documents.inspection_notice, "检查通知书"),
          "ws-print-record": (documents.inspection_record, "检查记录表")}


def notification_panel() -> html.Div:
    return html.Div([
        html.Div(id="ws-notes", children=empty("暂无通知 No notifications yet.")),
        dcc.Interval(id="ws-tick", interval=POLL_MS),
    ])


def queue_picker() -> dcc.RadioItems:
    return dcc.RadioItems(id="ws-queue", value="all", inline=True, className="queues",
                          options=[{"label": v, "value": k} for k, v in inbox.QUEUES.items()])


def file_form() -> html.Div:
    return html.Div([
        html.Label("附件 Attachments (照片 JPEG/PNG、PDF；按内容识别类型 type read from the content)"),
        dcc.Upload(id="ws-upload", multiple=True, className="upload",
                   children=html.Div("拖放或点击选择文件 Drop or click to choose files")),
        html.Div(id="ws-upload-msg", role="status"),
        html.Ul(id="ws-file-list", className="files"),
        dcc.Store(id="ws-files", data=[]),
    ])


def print_buttons() -> html.Div:
    return html.Div([
        html.Button("打印检查通知书 Print inspection notice (PDF)", id="ws-print-notice",
                    className="button-light", disabled=True),
        html.Button("打印检查记录表 Print inspection record (PDF)", id="ws-print-record",
                    className="button-light", disabled=True),
        dcc.Download(id="ws-download"),
    ], className="actions")


def attachment_links(task_id: str, files: list[dict[str, Any]]) -> html.Ul | None:
    if not files:
        return None
    return html.Ul([html.Li([html.A(f["filename"], href=f"files/{task_id}/{f['sha256']}",
                                    target="_blank"),
                             f" · {LABELS.get(f['media_type'], f['media_type'])} · "
                             f"{f['size']:,} B · SHA-256 {f['sha256'][:16]}…"])
                    for f in files], className="files")


def _note(n: dict[str, Any]) -> html.Button:
    label = f"{n['created_on']} · {n['message']} · {n.get('entity_name') or n['uscc']}"
    return html.Button([html.Span("新 New " if not n["read"] else "", className="badge"), label],
                       id={"type": "ws-note", "index": f"{n['position']}:{n['task_id']}"},
                       className="note" + ("" if n["read"] else " unread"))


def _store(p: Platform) -> AttachmentStore:
    return AttachmentStore(p.settings.attachments_path)


def register(app, get_platform) -> None:
    @app.callback(Output("ws-notes", "children"), Output("ws-queue", "options"),
                  Input("ws-tick", "n_intervals"), Input("ws-refresh", "data"))
    @guarded(get_platform, INSPECTORS)
    def notes(user, _tick, _refresh):
        today = today_in_china()
        with get_platform().engine.connect() as conn:
            unread, rows = inbox.latest_notifications(conn, user.inspector_no)
            counts = inbox.queue_counts(conn, user.inspector_no, today)
        options = [{"label": f"{v} ({counts[k]})", "value": k} for k, v in inbox.QUEUES.items()]
        if not rows:
            return empty("暂无通知 No notifications yet."), options
        head = html.P(f"未读 Unread: {unread}", id="ws-unread", className="muted")
        return html.Div([head, *[_note(n) for n in rows]]), options

    @app.callback(Output("ws-selected", "data", allow_duplicate=True),
                  Output("ws-refresh", "data", allow_duplicate=True),
                  Input({"type": "ws-note", "index": ALL}, "n_clicks"),
                  State("ws-refresh", "data"), prevent_initial_call=True)
    @guarded(get_platform, INSPECTORS)
    def open_note(user, clicks, refresh):
        if not ctx.triggered_id or not any(clicks or []):
            return no_update, no_update
        position, task_id = ctx.triggered_id["index"].split(":", 1)
        p = get_platform()
        p.supervision.mark_notification_read(user.inspector_no, int(position),
                                             datetime.now(timezone.utc))
        return task_id, (refresh or 0) + 1

    @app.callback(Output("ws-files", "data"), Output("ws-file-list", "children"),
                  Output("ws-upload-msg", "children"),
                  Input("ws-upload", "contents"), State("ws-upload", "filename"),
                  State("ws-files", "data"), State("ws-selected", "data"),
                  prevent_initial_call=True)
    @guarded(get_platform, INSPECTORS)
    def upload(user, contents, names, files, task_id):
        p, files, errors = get_platform(), list(files or []), []
        if not task_id:
            return no_update, no_update, html.Div("请先选择任务 Select a task first.",
                                                  className="error")
        for content, name in zip(contents or [], names or [], strict=False):
            try:
                data = base64.b64decode(content.split(",", 1)[1], validate=True)
                stored = _store(p).put(data, name, p.rules.attachments).as_event()
            except (DomainError, binascii.Error, IndexError) as e:
                errors.append(html.Div(getattr(e, "message", None) or str(e), className="error"))
                continue
            if all(f["sha256"] != stored["sha256"] for f in files):
                files.append(stored)
        items = [html.Li(f"{f['filename']} · {LABELS.get(f['media_type'])} · {f['size']:,} B · "
                         f"SHA-256 {f['sha256'][:16]}…") for f in files]
        return files, items, errors or html.Div(f"已上传 {len(files)} 个附件 attached",
                                                className="ok", id="ws-uploaded")

    @app.callback(Output("ws-download", "data"),
                  Input("ws-print-notice", "n_clicks"), Input("ws-print-record", "n_clicks"),
                  State("ws-selected", "data"), prevent_initial_call=True)
    @guarded(get_platform, INSPECTORS)
    def print_document(user, _n, _r, task_id):
        if not task_id or ctx.triggered_id not in PRINTS:
            return no_update
        p = get_platform()
        make, title = PRINTS[ctx.triggered_id]
        with p.engine.connect() as conn:
            if not task_views.on_team(conn, task_id, user.inspector_no):
                return no_update
            pdf = make(conn, task_id, p.rules, today_in_china())
        return dcc.send_bytes(pdf, f"{title}-{task_id[:8]}.pdf", type="application/pdf")

    @app.server.route("/files/<task_id>/<sha256>")
    def attachment_file(task_id: str, sha256: str):
        """An attachment, for the task's team and supervisors signed in to the dashboard."""
        p = get_platform()
        user = session.current_user(p)
        if user is None:
            flask.abort(401)
        with p.engine.connect() as conn:
            allowed = user.role in ("supervisor", "admin") or (
                user.inspector_no is not None
                and task_views.on_team(conn, task_id, user.inspector_no))
            found = task_views.attachment(conn, task_id, sha256) if allowed else None
        if not allowed:
            flask.abort(403)
        if found is None:
            flask.abort(404)
        try:
            data = _store(p).read(sha256, found["media_type"])
        except DomainError:
            flask.abort(404)
        return flask.Response(data, mimetype=found["media_type"],
                              headers={"X-Content-Type-Options": "nosniff",
                                       "Cache-Control": "private, max-age=0"})

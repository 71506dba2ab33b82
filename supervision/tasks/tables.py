"""Read models of inspection tasks and their teams, results, follow-ups, referrals and
notifications."""

from __future__ import annotations

import sqlalchemy as sa

from kernel.db import metadata

tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column("task_id", sa.String(32), primary_key=True),
    sa.Column("plan_id", sa.String(32), nullable=False, index=True),
    sa.Column("draw_no", sa.Integer, nullable=False),
    sa.Column("entity_no", sa.BigInteger, nullable=False, index=True),
    sa.Column("uscc", sa.String(18), nullable=False, index=True),
    sa.Column("departments", sa.String(500), nullable=False),
    sa.Column("check_items", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("unassigned_reason", sa.Text, nullable=False, server_default=""),
    sa.Column("assigned_on", sa.Date, nullable=False),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("started_on", sa.Date, nullable=True),
    # a recusal found no replacement: fewer than two officers (行政处罚法 Art 42) until fixed
    sa.Column("short_staffed", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("results_recorded", sa.Integer, nullable=False, server_default="0"),
    sa.Column("results_published", sa.Integer, nullable=False, server_default="0"),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_position", sa.BigInteger, nullable=False),
    info={"projection": "task_board"},
)

task_inspectors = sa.Table(
    "task_inspectors",
    metadata,
    sa.Column("task_id", sa.String(32), primary_key=True),
    sa.Column("inspector_no", sa.BigInteger, primary_key=True, index=True),
    sa.Column("department", sa.String(50), nullable=False),
    sa.Column("assigned_on", sa.Date, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("acknowledged_on", sa.Date, nullable=True),
    sa.Column("recused_on", sa.Date, nullable=True),
    info={"projection": "task_board"},
)


# One row per task and department (谁检查、谁录入、谁公开: each department records and publishes
# its own part of a joint task).
task_results = sa.Table(
    "task_results",
    metadata,
    sa.Column("task_id", sa.String(32), primary_key=True),
    sa.Column("department", sa.String(50), primary_key=True),
    sa.Column("plan_id", sa.String(32), nullable=False, index=True),
    sa.Column("entity_no", sa.BigInteger, nullable=False),
    sa.Column("uscc", sa.String(18), nullable=False, index=True),
    sa.Column("result_code", sa.String(10), nullable=False),
    sa.Column("result_name_zh", sa.String(200), nullable=False),
    sa.Column("result_name_en", sa.String(200), nullable=False),
    sa.Column("follow_up", sa.String(30), nullable=False),
    sa.Column("problem_found", sa.Boolean, nullable=False),
    sa.Column("abnormal_list_ground", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("findings", sa.Text, nullable=False, server_default=""),
    sa.Column("inspected_on", sa.Date, nullable=False),
    sa.Column("recorded_on", sa.Date, nullable=False),
    sa.Column("recorded_by", sa.BigInteger, nullable=False),          # inspector_no
    sa.Column("signatures", sa.String(500), nullable=False),          # ';'-joined inspector_no
    sa.Column("publish_by", sa.Date, nullable=False, index=True),
    sa.Column("published_on", sa.Date, nullable=True),
    sa.Column("published_by", sa.String(100), nullable=True),
    sa.Column("late", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("publication_overdue_on", sa.Date, nullable=True),
    # off the public record since (credit repair of a negative result, SAMR Order 107)
    sa.Column("withdrawn_on", sa.Date, nullable=True),
    info={"projection": "inspection_results"},
)

# 逐项检查结果 One outcome per check item of a department's result (results recorded before
# items existed have none: their department row speaks for every item).
task_item_results = sa.Table(
    "task_item_results",
    metadata,
    sa.Column("task_id", sa.String(32), primary_key=True),
    sa.Column("department", sa.String(50), primary_key=True),
    sa.Column("check_item", sa.String(50), primary_key=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("result_code", sa.String(10), nullable=False),
    sa.Column("result_name_zh", sa.String(200), nullable=False),
    sa.Column("result_name_en", sa.String(200), nullable=False),
    sa.Column("problem_found", sa.Boolean, nullable=False),
    sa.Column("findings", sa.Text, nullable=False, server_default=""),
    info={"projection": "inspection_results"},
)

# 检查附件 Files attached to a department's result, by the SHA-256 the result event records.
task_attachments = sa.Table(
    "task_attachments",
    metadata,
    sa.Column("task_id", sa.String(32), primary_key=True),
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("department", sa.String(50), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("media_type", sa.String(50), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("filename", sa.String(200), nullable=False),
    info={"projection": "inspection_results"},
)

task_follow_ups = sa.Table(
    "task_follow_ups",
    metadata,
    sa.Column("task_id", sa.String(32), primary_key=True),
    sa.Column("department", sa.String(50), primary_key=True),
    sa.Column("follow_up_no", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("ordered_on", sa.Date, nullable=False),
    sa.Column("deadline_workdays", sa.Integer, nullable=False),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("ordered_by", sa.String(100), nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False, server_default="open"),
    sa.Column("outcome_on", sa.Date, nullable=True),
    sa.Column("outcome_note", sa.Text, nullable=False, server_default=""),
    info={"projection": "inspection_results"},
)

# 抄告 Findings copied to the competent department: its queue.
task_referrals = sa.Table(
    "task_referrals",
    metadata,
    sa.Column("task_id", sa.String(32), primary_key=True),
    sa.Column("referral_no", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("uscc", sa.String(18), nullable=False),
    sa.Column("from_department", sa.String(50), nullable=False),
    sa.Column("to_department", sa.String(50), nullable=False, index=True),
    sa.Column("matter", sa.Text, nullable=False),
    sa.Column("referred_on", sa.Date, nullable=False),
    sa.Column("referred_by", sa.String(100), nullable=False),
    info={"projection": "inspection_results"},
)

# Keyed by (inspector, event position): stable across rebuilds; the position is the SSE event id.
notifications = sa.Table(
    "notifications",
    metadata,
    sa.Column("inspector_no", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("task_id", sa.String(32), nullable=False),
    sa.Column("uscc", sa.String(18), nullable=False),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("created_on", sa.Date, nullable=False),
    sa.Column("message", sa.String(500), nullable=False),
    info={"projection": "notifications"},
)

# Which notifications an inspector has read: projected from NotificationRead.MarkedRead (the
# inbox's "mark read" is a command), so a rebuild recreates it.
notification_reads = sa.Table(
    "notification_reads",
    metadata,
    sa.Column("inspector_no", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
    info={"projection": "notification_reads"},
)

"""审计 The audit table is append-only on both backends: UPDATE refused, DELETE of a row younger
than six months refused; the retention job deletes only what is older than the retention; the
CLI exports a period as CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from kernel import audit
from kernel.db import audit_reads
from kernel.settings import Settings
from opencheck.audited import prune_audit
from tests.integration.test_cli import _cli

BOTH = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
NOW = datetime.now(timezone.utc)
AGES = {"young": 10, "seven_months": 213, "two_years": 730}   # days


def _fill(platform) -> None:
    for name, days in sorted(AGES.items(), key=lambda kv: -kv[1]):   # oldest first
        audit.record(platform.engine, audit.Read("sup", "supervisor", "credit_file", name,
                                                 "/api/v1/entities/{uscc}/credit", "req-" + name),
                     at=NOW - timedelta(days=days))


def _subjects(platform) -> set[str]:
    with platform.engine.connect() as conn:
        return set(conn.scalars(sa.select(audit_reads.c.subject)))


@BOTH
def test_rows_cannot_be_changed_nor_recent_ones_deleted(platform):
    _fill(platform)
    a = audit_reads.c
    for statement in (audit_reads.update().values(username="someone else"),
                      audit_reads.update().where(a.subject == "two_years").values(subject="x"),
                      audit_reads.delete().where(a.subject == "young"),
                      audit_reads.delete()):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with platform.engine.begin() as conn:
                conn.execute(statement)
    assert _subjects(platform) == set(AGES)
    if platform.settings.is_postgres:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with platform.engine.begin() as conn:
                conn.execute(sa.text("TRUNCATE audit_reads"))
    # a row past the six-month floor may go (the retention job's one deletion)
    with platform.engine.begin() as conn:
        assert conn.execute(audit_reads.delete().where(a.subject == "two_years")).rowcount == 1


@BOTH
def test_retention_keeps_everything_younger_than_the_retention(platform):
    _fill(platform)
    assert "1 audit record(s) older than 365 days" in prune_audit(platform, NOW.date())
    assert _subjects(platform) == {"young", "seven_months"}
    # even asked to keep less, the job keeps six months
    assert audit.prune(platform.engine, NOW, 30) == 1
    assert _subjects(platform) == {"young"}
    assert audit.prune(platform.engine, NOW + timedelta(days=3650), 183) == 0
    assert _subjects(platform) == {"young"}


def test_the_retention_cannot_be_set_under_six_months():
    with pytest.raises(ValidationError, match="audit_retention_days"):
        Settings(audit_retention_days=90)
    assert Settings(audit_retention_days=183).audit_retention_days == 183


@BOTH
def test_cli_exports_a_period_as_csv(platform, tmp_path):
    _fill(platform)
    since = (NOW - timedelta(days=400)).date().isoformat()
    r = _cli(platform.settings, "audit", "export", "--since", since)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout.lstrip("\ufeff"))))
    assert [x["subject"] for x in rows] == ["seven_months", "young"]
    assert rows[0]["username"] == "sup" and rows[0]["category"] == "credit_file"
    assert rows[0]["request_id"] == "req-seven_months" and rows[0]["at"].startswith("20")
    out = tmp_path / "trail.csv"
    until = (NOW - timedelta(days=100)).date().isoformat()
    r = _cli(platform.settings, "audit", "export", "--until", until, "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert [x["subject"] for x in csv.DictReader(io.StringIO(
        out.read_text(encoding="utf-8-sig")))] == ["two_years", "seven_months"]
    r = _cli(platform.settings, "audit", "export", "--since", "2026-13-01")
    assert r.returncode == 2 and "since" in r.stderr

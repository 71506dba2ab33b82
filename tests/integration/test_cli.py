"""The CLI over a real store: import reports bad rows and is idempotent; errors are one readable line."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from opencheck.importing import ENTITY_COLUMNS
from supervision.directory.tables import entities
from tests.factories import entity


def _cli(settings, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, OPENCHECK_DATABASE_URL=settings.database_url,
               OPENCHECK_SECRET_KEY=settings.secret_key or "", COLUMNS="200")
    if settings.database_schema:
        env["OPENCHECK_DATABASE_SCHEMA"] = settings.database_schema
    return subprocess.run([sys.executable, "-m", "opencheck.cli", *args], env=env, input=input,
                          capture_output=True, text=True, timeout=120)


def _write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=ENTITY_COLUMNS)
        w.writeheader()
        w.writerows(rows)


def _row(i: int, **over) -> dict:
    d = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in vars(entity(i)).items()}
    d.update(over)
    return d


def _count(platform) -> int:
    with platform.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(entities)).scalar_one()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_import_keeps_good_rows_reports_bad_ones_and_reruns_register_nothing(platform, tmp_path):
    f = tmp_path / "entities.csv"
    _write(f, [_row(1), _row(2, uscc="91330702XXXXXXXXX1"), _row(3),
               _row(4, registered_on="2020-13-01"), _row(5, region_code="33070"), _row(3)])
    r = _cli(platform.settings, "import", "entities", str(f))
    # rejected rows: exit 1, the last line one readable sentence saying the good rows are in
    assert r.returncode == 1, r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("error: 4 row(s) rejected") and "2 good row(s) were imported" in last
    assert "2 registered" in r.stderr and "4 rejected" in r.stderr
    assert "line 3: uscc:" in r.stderr and "line 5: registered_on:" in r.stderr
    assert "line 6: region_code:" in r.stderr and "line 7: uscc: " in r.stderr
    assert (tmp_path / "entities.rejects.csv").read_text().count("\n") == 5
    assert _count(platform) == 2
    # the same file again: nothing registered twice
    r = _cli(platform.settings, "import", "entities", str(f))
    assert "0 registered, 2 already registered" in r.stderr and r.returncode == 1
    assert _count(platform) == 2


def test_errors_are_one_readable_line_and_non_zero(platform, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,uscc\nx,y\n", encoding="utf-8")
    r = _cli(platform.settings, "import", "entities", str(bad))
    assert r.returncode != 0
    assert r.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "missing column" in r.stderr and "Traceback" not in r.stderr
    r = _cli(platform.settings, "users", "add", "someone", "--role", "boss", "--password", "long-enough-pass")
    assert r.returncode != 0 and "role must be one of" in r.stderr and "Traceback" not in r.stderr
    last = r.stderr.strip().splitlines()[-1]   # a domain error: Chinese, then English
    assert last.startswith("error: ") and " | " in last and last.index("|") < last.index("role")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in last.split("|")[0]), last
    r = _cli(platform.settings, "users", "add", "sup", "--role", "supervisor", "--password", "long-enough-pass")
    assert r.returncode == 0, r.stderr
    r = _cli(platform.settings, "users", "add", "sup", "--role", "supervisor", "--password", "long-enough-pass")
    assert r.returncode != 0 and "already exists" in r.stderr

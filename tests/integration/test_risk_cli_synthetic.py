"""`opencheck risk evaluate --synthetic` and `opencheck policy-lab --synthetic`: no store needed."""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_cli_evaluates_a_synthetic_province_and_runs_the_lab():
    env = dict(os.environ, COLUMNS="200")
    r = subprocess.run([sys.executable, "-m", "opencheck.cli", "risk", "evaluate",
                        "--synthetic", "8000"], capture_output=True, text=True, env=env,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert "A–D rules (reference)" in r.stdout and "days earlier" in r.stdout
    assert "control" in r.stdout and "lift per class" in r.stdout
    r = subprocess.run([sys.executable, "-m", "opencheck.cli", "policy-lab", "--synthetic",
                        "5000", "--ratio", "A=0.05", "--control-share", "0.2"],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "what-if" in r.stdout and "0.05/" in r.stdout

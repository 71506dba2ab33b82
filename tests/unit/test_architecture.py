"""The house's rules, checked: import contracts (import-linter, pyproject.toml) and module size."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kernel", "supervision", "credit", "dashboard", "opencheck")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_MODULE_LINES = 400


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_import_contracts_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _house_with(tmp_path: Path, importer: str, imported: str) -> Path:
    """A copy of the contracts over empty packages, one module of `importer` importing `imported`."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.importlinter]\nroot_packages = [%s]\n\n[[tool.importlinter.contracts]]\n"
        'name = "layers"\ntype = "layers"\nlayers = [%s]\n'
        % (", ".join(f'"{p}"' for p in (*PACKAGES, "outside")),
           ", ".join(f'"{p}"' for p in layers["layers"])))
    for package in (*PACKAGES, "outside"):   # "outside": a package in no layer
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / importer / "module.py").write_text(f"import {imported}\n")
    return tmp_path


def test_a_context_importing_the_root_breaks_the_contract(tmp_path):
    result = _lint(_house_with(tmp_path, "supervision", "opencheck"))
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


def test_supervision_importing_credit_transitively_breaks_the_contract(tmp_path):
    house = _house_with(tmp_path, "supervision", "outside.bridge")
    (house / "outside" / "bridge.py").write_text("import credit\n")   # allowed on its own
    result = _lint(house)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


def test_no_source_module_is_over_the_size_limit():
    too_long = {str(path.relative_to(ROOT)): n for package in PACKAGES
                for path in (ROOT / package).rglob("*.py")
                if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not too_long, f"split these modules (over {MAX_MODULE_LINES} lines): {too_long}"

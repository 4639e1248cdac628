"""The bundle's verify.py is built from core/ plus its command line, byte for byte; it stays standard-library
only and runs on Python 3.8."""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

from shuangsuiji.publish.verifier.build import COMMAND, CORE, SHIPPED, BuildError, build_verifier
from tests.helpers import REPO


def python_38() -> str | None:
    """A Python 3.8 interpreter on this machine (PATH or pyenv), if there is one that really runs."""
    candidates = [shutil.which("python3.8"), *map(str, sorted(Path.home().glob(".pyenv/versions/3.8*/bin/python3.8")))]
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == "(3, 8)":
            return candidate
    return None


def test_the_shipped_verifier_is_exactly_what_the_build_makes():
    assert SHIPPED.read_text(encoding="utf-8") == build_verifier(), \
        "verify.py 已过时：运行 python -m shuangsuiji.publish.verifier.build 重新生成"


def test_the_verifier_holds_the_core_it_needs_and_no_package_import():
    text = SHIPPED.read_text(encoding="utf-8")
    tree = ast.parse(text, feature_version=(3, 8))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any((m or "").startswith("shuangsuiji") for m in modules)
    for name in ("canonical", "chain", "draw", "recusal", "records", "rederive", "manifest", "tickets"):
        assert f"# shuangsuiji/core/{name}.py:" in text


def test_it_runs_on_python_38(tmp_path):
    python = python_38()
    if python is None:
        pytest.skip("这台机器上没有 Python 3.8")
    ledger = REPO / "data" / "ledger"
    shutil.copytree(ledger, tmp_path / "ledger")
    result = subprocess.run([python, str(SHIPPED), str(tmp_path)], capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "核验通过" in result.stdout


def _sources(tmp_path: Path) -> tuple[Path, Path]:
    core = tmp_path / "core"
    shutil.copytree(CORE, core, ignore=shutil.ignore_patterns("__pycache__"))
    command = tmp_path / "command.py"
    shutil.copyfile(COMMAND, command)
    return core, command


def test_a_third_party_import_in_core_stops_the_build(tmp_path):
    core, command = _sources(tmp_path)
    tickets = core / "tickets.py"
    tickets.write_text(tickets.read_text(encoding="utf-8").replace("import heapq\n", "import heapq\nimport yaml\n"),
                       encoding="utf-8")
    with pytest.raises(BuildError, match="tickets.py:.*只能用标准库和 core/，不能导入 yaml"):
        build_verifier(core, command)


def test_a_name_defined_in_two_modules_stops_the_build(tmp_path):
    core, command = _sources(tmp_path)
    text = core / "text.py"
    text.write_text(text.read_text(encoding="utf-8") + "\n\ndef seed_digest(seed):\n    return seed\n", encoding="utf-8")
    with pytest.raises(BuildError, match="seed_digest 在 .* 中都有定义"):
        build_verifier(core, command)

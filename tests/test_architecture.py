"""The layout's rules, kept by a maintained tool: layers import downwards only, no import cycles at any depth
(function-local imports included), core uses the standard library only (contracts in pyproject.toml)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO

PACKAGE = REPO / "shuangsuiji"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter on the package found in ``root``, with the contracts of ``root/pyproject.toml``."""
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True,
                          encoding="utf-8", env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, timeout=300)


def test_every_contract_is_kept():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "4 kept, 0 broken" in result.stdout


def test_a_function_local_import_that_closes_a_cycle_breaks_the_build(tmp_path):
    """The cycle checks.py once kept open with a local import: ledger → plan → ledger, hidden in a function."""
    copy = tmp_path / "repo"
    shutil.copytree(PACKAGE, copy / "shuangsuiji", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(REPO / "pyproject.toml", copy / "pyproject.toml")
    queries = copy / "shuangsuiji" / "ledger" / "queries.py"
    queries.write_text(queries.read_text(encoding="utf-8") + (
        "\n\ndef _open_items():\n    from shuangsuiji.plan.rules import choose_item\n\n    return choose_item\n"),
        encoding="utf-8")
    result = lint_imports(copy)
    assert result.returncode == 1
    assert "No import cycles, at any depth BROKEN" in result.stdout
    assert "Layers import downwards only BROKEN" in result.stdout
    assert "shuangsuiji.ledger.queries -> shuangsuiji.plan.rules" in result.stdout


def test_core_imports_only_the_standard_library_and_itself():
    for path in sorted((PACKAGE / "core").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                assert name.startswith("shuangsuiji.core") or name.split(".")[0] in sys.stdlib_module_names, \
                    f"{path.name}:{node.lineno} imports {name}"


def test_the_top_of_the_package_holds_only_what_everything_shares():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "clock.py", "errors.py", "git.py", "workspace.py"]


def test_no_module_grows_two_jobs():
    """Modules stay under ~400 lines (STYLE.md); the built verify.py is one file on purpose."""
    long = {p.relative_to(REPO).as_posix(): n for p in PACKAGE.rglob("*.py")
            if p.name != "verify.py" and (n := len(p.read_text(encoding="utf-8").splitlines())) > 420}
    assert long == {}

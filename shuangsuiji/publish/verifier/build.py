"""Builds the bundle's ``verify.py``: the modules of ``core/`` it needs plus its own command line, in one
standard-library-only file, so both verifiers run the same code (a test fails when the shipped copy drifts).

Run ``python -m shuangsuiji.publish.verifier.build`` after changing ``core/`` or ``command.py``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
CORE = PACKAGE / "core"
COMMAND = Path(__file__).with_name("command.py")
SHIPPED = Path(__file__).with_name("verify.py")
CORE_MODULE = "shuangsuiji.core."
NOTICE = ("# 本文件由 ssj 自动生成：shuangsuiji/core/ 中的公开算法加上 shuangsuiji/publish/verifier/command.py 的命令行，\n"
          "# 只用 Python 标准库。请勿手工修改（python -m shuangsuiji.publish.verifier.build 重新生成）。\n")


class BuildError(Exception):
    """The sources cannot make one standalone file (a non-stdlib import, a name defined twice…)."""


class _Source:
    """One module: its stdlib imports, the core modules it needs, and its body without imports or docstring."""

    def __init__(self, path: Path) -> None:
        self.path = path
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text, filename=str(path), feature_version=(3, 8))
        self.docstring = ast.get_docstring(tree, clean=False)
        self.imports: list[str] = []
        self.needs: list[str] = []
        lines = text.splitlines(keepends=True)
        skip: set[int] = set()
        for node in tree.body:
            if _is_docstring(node, tree) or isinstance(node, (ast.Import, ast.ImportFrom)):
                skip.update(range(node.lineno - 1, node.end_lineno or node.lineno))
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self._take_import(node, lines)
        self.names = _defined_names(tree)
        self.body = "".join(line for n, line in enumerate(lines) if n not in skip).strip("\n") + "\n"

    def _take_import(self, node: ast.Import | ast.ImportFrom, lines: list[str]) -> None:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            return
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith(CORE_MODULE):
            self.needs.append(node.module.removeprefix(CORE_MODULE))  # type: ignore[union-attr]
            return
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        for module in modules:
            if node.__dict__.get("level") or module.split(".")[0] not in sys.stdlib_module_names:
                raise BuildError(f"{self.path.name}:{node.lineno}: verify.py 只能用标准库和 core/，不能导入 {module}")
        self.imports.append("".join(lines[node.lineno - 1:node.end_lineno]).strip())


def _is_docstring(node: ast.stmt, tree: ast.Module) -> bool:
    return node is tree.body[0] and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
        and isinstance(node.value.value, str)


def _defined_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _ordered(command: _Source, core: Path) -> list[_Source]:
    """The core modules ``command`` needs, each after the modules it needs."""
    done: dict[str, _Source] = {}
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            raise BuildError(f"core/ 中的模块互相导入：{name}")
        visiting.add(name)
        source = _Source(core / f"{name}.py")
        for needed in source.needs:
            visit(needed)
        done[name] = source

    for name in command.needs:
        visit(name)
    return list(done.values())


def build_verifier(core: Path = CORE, command_path: Path = COMMAND) -> str:
    """The text of the standalone ``verify.py``: the modules of ``core`` that ``command_path`` needs, then it."""
    command = _Source(command_path)
    sources = [*_ordered(command, core), command]
    seen: dict[str, str] = {}
    for source in sources:
        for name in sorted(source.names):
            if name in seen:
                raise BuildError(f"{name} 在 {seen[name]} 和 {source.path.name} 中都有定义：合并成一个文件会互相覆盖")
            seen[name] = source.path.name
    imports = sorted({line for source in sources for line in source.imports}, key=_import_order)
    parts = ["#!/usr/bin/env python3\n", f'"""{command.docstring}"""\n\n', NOTICE, "\n",
             "from __future__ import annotations\n\n", "\n".join(imports), "\n"]
    for source in sources:
        where = f"shuangsuiji/core/{source.path.name}" if source is not command else "shuangsuiji/publish/verifier/command.py"
        title = (source.docstring or "").strip().splitlines()[0] if source is not command else "命令行"
        parts += ["\n\n# ", "-" * 98, f"\n# {where}: {title}\n# ", "-" * 98, "\n\n\n", source.body]
    return "".join(parts)


def _import_order(line: str) -> tuple[int, str]:
    return (0 if line.startswith("import ") else 1, line)


def main() -> int:
    """Write the shipped ``verify.py``; ``--check`` only reports whether it is up to date."""
    text = build_verifier()
    if "--check" in sys.argv[1:]:
        current = SHIPPED.read_text(encoding="utf-8") if SHIPPED.exists() else ""
        print("verify.py 与 core/ 一致" if current == text else "verify.py 已过时：请重新生成")
        return 0 if current == text else 1
    SHIPPED.write_text(text, encoding="utf-8", newline="\n")
    print(f"已生成 {SHIPPED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Shared fixtures: a copy of the example bureau in tmp_path, and a way to run ssj in it."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from shuangsuiji.cli import main

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def bureau(tmp_path: Path) -> Path:
    """A copy of the shipped example bureau (data/ without its ledger, and plans/), outside git."""
    root = tmp_path / "汝州"
    shutil.copytree(REPO / "data", root / "data", ignore=shutil.ignore_patterns("ledger", "reports", "evidence"))
    shutil.copytree(REPO / "plans", root / "plans")
    return root


@pytest.fixture
def git_bureau(bureau: Path) -> Path:
    """The example bureau as a git repository with one commit."""
    git(bureau, "init", "-q", "-b", "main")
    git(bureau, "config", "user.name", "测试员")
    git(bureau, "config", "user.email", "tester@example.invalid")
    git(bureau, "add", "-A")
    git(bureau, "commit", "-q", "-m", "示例数据")
    return bureau


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` and return its output."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env).stdout


@pytest.fixture
def ssj(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run ``ssj`` in-process: ``ssj(root, "check")`` → Result(code, out, err)."""

    def run(root: Path, *args: str) -> Result:
        capsys.readouterr()
        code = main(["--repo", str(root), *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under data/ and plans/, byte for byte (to prove a failed command changed nothing)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for folder in ("data", "plans") for p in sorted((root / folder).rglob("*")) if p.is_file()
    }

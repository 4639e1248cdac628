"""What many tests share: the repository's root, a copy of the example bureau, git, and snapshots of files."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    code: int
    out: str
    err: str


def copy_example(root: Path) -> Path:
    """The shipped example bureau's data/ and plans/ under ``root``: without its reports, evidence and section
    ledgers, but with the bureau ledger, whose ``plan_approval`` records (made with ``ssj plan approve``) are
    what makes the plans approved (第七条)."""
    shutil.copytree(REPO / "data", root / "data", ignore=shutil.ignore_patterns("ledger", "reports", "evidence"))
    (root / "data" / "ledger").mkdir()
    shutil.copyfile(REPO / "data" / "ledger" / "bureau.jsonl", root / "data" / "ledger" / "bureau.jsonl")
    shutil.copytree(REPO / "plans", root / "plans")
    return root


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` and return its output."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env).stdout


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under data/ and plans/, byte for byte (to prove a failed command changed nothing)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for folder in ("data", "plans") for p in sorted((root / folder).rglob("*")) if p.is_file()
    }

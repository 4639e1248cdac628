"""``ssj init``: a new bureau's repository in one command (six sections, empty registries, a plan)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from importlib import resources
from pathlib import Path

from shuangsuiji import git as gitops
from shuangsuiji.errors import SsjError
from shuangsuiji.workspace import BUREAU, plan_path

_RENAMED = {"gitattributes.txt": ".gitattributes", "gitignore.txt": ".gitignore"}


def create_bureau(target: Path, name: str | None, region: str | None, year: int) -> list[str]:
    """Write the template into ``target`` (new or empty) and ``git init`` it; returns notes for the user."""
    if target.exists() and not target.is_dir():
        raise SsjError(f"{target} 已存在且是一个文件，不是目录：请换一个新目录名")
    if target.exists() and any(target.iterdir()):
        raise SsjError(f"目录 {target} 已存在且不是空的：请换一个新目录名")
    template = resources.files("shuangsuiji") / "templates" / "init"
    with resources.as_file(template) as source:
        shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("TEMPLATE.yaml.txt", "__pycache__"))
        plan_text = (source / "plans" / "TEMPLATE.yaml.txt").read_text(encoding="utf-8")
    for old, new in _RENAMED.items():
        (target / old).rename(target / new)
    bureau_name = name or "某某县应急管理局"
    _fill(target / BUREAU, {"某某县应急管理局": bureau_name, "某某省某某县": region or "某某省某某县"})
    (target / plan_path(year)).write_text(plan_text.format(year=year, name=bureau_name), encoding="utf-8", newline="\n")
    return _git_init(target)


def _fill(path: Path, replacements: dict[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in replacements.items():
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8", newline="\n")


def _git_init(target: Path) -> list[str]:
    try:
        subprocess.run(["git", "init", "-q", str(target)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return ["没有找到 git 或 git init 失败：请安装 Git 后在该目录运行 git init"]
    if gitops.commit_blockers(target)[:1] and "提交人" in gitops.commit_blockers(target)[0]:
        return ["已 git init；git 还没有配置提交人，配置后请运行：git add -A && git commit -m \"新建数据仓库\""]
    subprocess.run(["git", "add", "-A"], cwd=target, check=True, capture_output=True)
    subprocess.run(["git", "commit", "-q", "-m", "新建“双随机”数据仓库（ssj init）"], cwd=target, check=True, capture_output=True)
    return ["已 git init 并提交初始文件"]


def default_year(today: dt.date) -> int:
    """The plan year a new bureau starts with: this year, or next year in December."""
    return today.year + 1 if today.month == 12 else today.year

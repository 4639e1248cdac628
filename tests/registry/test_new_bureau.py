"""``ssj init``: a new bureau's repository that passes ``ssj check`` at once."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from shuangsuiji.registry import yamlio
from shuangsuiji.registry.checks import REQUIRED_SECTIONS
from shuangsuiji.registry.models import Bureau, Plan, SectionsFile
from shuangsuiji.registry.new_bureau import default_year
from tests.helpers import Result

NAME = "某县应急管理局"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HOME, so no global or system git configuration leaks in."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL",
                 "GIT_DIR", "GIT_WORK_TREE", "SSJ_REPO"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("shuangsuiji.clock.local_today", lambda timezone="Asia/Shanghai": dt.date(2026, 11, 30))
    return home


@pytest.fixture
def with_identity(home: Path) -> Path:
    (home / ".gitconfig").write_text("[user]\n\tname = 测试员\n\temail = tester@example.invalid\n", encoding="utf-8")
    return home


@pytest.fixture
def without_identity(home: Path) -> Path:
    # without useConfigOnly git may invent an identity from the host name
    (home / ".gitconfig").write_text("[user]\n\tuseConfigOnly = true\n", encoding="utf-8")
    return home


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def _tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".git" not in p.relative_to(root).parts)


def test_init_creates_a_bureau_whose_check_lists_what_to_fill_in(
    tmp_path: Path, with_identity: Path, ssj: Callable[..., Result]
) -> None:
    target = tmp_path / "某县"

    result = ssj(tmp_path, "init", str(target), "--name", NAME, "--year", "2027")

    assert result.code == 0, result.err
    assert result.out.splitlines()[:2] == [f"已创建 {target}", "已 git init 并提交初始文件"]
    assert _tree(target) == [
        ".gitattributes", ".gitignore", "data", "data/bureau.yaml", "data/checklist.yaml", "data/credit.yaml",
        "data/duties.yaml", "data/entities", "data/entities/冶金工贸.yaml", "data/entities/危险化学品.yaml",
        "data/entities/安全培训机构.yaml", "data/entities/烟花爆竹.yaml", "data/entities/非煤矿山.yaml",
        "data/inspectors.yaml", "data/sections.yaml", "plans", "plans/2027.yaml",
    ]

    check = ssj(target, "check")

    assert check.code == 1
    assert _errors(check) == HOLLOW
    lines = check.out.splitlines()
    warnings = [line for line in lines if "警告：" in line]
    # an empty inspectors.yaml is one error, not also six sections "without inspectors"
    assert warnings == ["plans/2027.yaml:1: 警告：2027 年度检查计划尚未经班子会议审批（第七条），审批前不能按计划抽取"]
    assert lines[-1] == f"检查未通过：{len(HOLLOW)} 处错误，1 条警告。"


#: what ``ssj check`` says of a new bureau: each registry that is still empty, by name (and nothing else)
HOLLOW = [
    "data/checklist.yaml:6: 没有任何抽查事项：应列出随机抽查事项清单的各个事项（第八、九条）",
    "data/duties.yaml:8: 没有任何监管职责：应列出权力清单和责任清单中的监管职责（第九条）",
    *(f"data/entities/{name}.yaml:6: 没有任何监管对象：请用 ssj import entities 导入单位，或删除这个文件"
      for name in ("冶金工贸", "危险化学品", "安全培训机构", "烟花爆竹", "非煤矿山")),
    "data/inspectors.yaml:6: 没有任何执法检查人员：请用 ssj import inspectors 导入（抽取记录和检查报告中的人员都出自这里）",
]


def _errors(result: Result) -> list[str]:
    return [line for line in result.out.splitlines() if line.startswith("data/") and "警告：" not in line]


def test_init_writes_the_six_sections_empty_registries_and_the_plan(
    tmp_path: Path, with_identity: Path, ssj: Callable[..., Result]
) -> None:
    target = tmp_path / "某县"
    assert ssj(tmp_path, "init", str(target), "--name", NAME, "--region", "河南省某县", "--year", "2027").code == 0

    def load(rel: str) -> object:
        return yamlio.load(rel, (target / rel).read_bytes())

    sections = SectionsFile.model_validate(load("data/sections.yaml")).sections
    assert tuple(s.name for s in sections) == REQUIRED_SECTIONS
    bureau = Bureau.model_validate(load("data/bureau.yaml"))
    assert (bureau.name, bureau.region, bureau.timezone) == (NAME, "河南省某县", "Asia/Shanghai")
    for rel in sorted((target / "data" / "entities").glob("*.yaml")):
        assert load(rel.relative_to(target).as_posix()) == {"entities": []}
    assert load("data/inspectors.yaml") == {"inspectors": []}
    assert load("data/duties.yaml") == {"duties": []}
    assert load("data/credit.yaml") == {"credit": []}
    assert load("data/checklist.yaml")["items"] == []  # type: ignore[index]
    plan = Plan.model_validate(load("plans/2027.yaml"))
    assert (plan.year, plan.name, plan.items, plan.approval) == (2027, f"{NAME}2027年度“双随机、一公开”抽查工作计划", [], None)
    assert "ssj plan approve --year 2027" in (target / "plans" / "2027.yaml").read_text(encoding="utf-8")
    for path in (target / "data").rglob("*.yaml"):
        assert b"\r" not in path.read_bytes()


def test_init_sets_line_ends_and_ignores_the_state_folder(
    tmp_path: Path, with_identity: Path, ssj: Callable[..., Result]
) -> None:
    target = tmp_path / "某县"
    assert ssj(tmp_path, "init", str(target), "--name", NAME, "--year", "2027").code == 0

    ignored = (target / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".ssj/" in ignored and "文书/" in ignored  # documents name the legal representative: never committed
    attributes = git(target, "-c", "core.quotepath=off", "check-attr", "eol", "text", "--",
                     "data/bureau.yaml", "data/entities/烟花爆竹.yaml", "plans/2027.yaml", "data/ledger/ergu/2026.jsonl",
                     "data/ledger/lists/0d2d.json")
    assert attributes.splitlines() == [
        "data/bureau.yaml: eol: lf", "data/bureau.yaml: text: set",
        "data/entities/烟花爆竹.yaml: eol: lf", "data/entities/烟花爆竹.yaml: text: set",
        "plans/2027.yaml: eol: lf", "plans/2027.yaml: text: set",
        "data/ledger/ergu/2026.jsonl: eol: unspecified", "data/ledger/ergu/2026.jsonl: text: unset",
        "data/ledger/lists/0d2d.json: eol: unspecified", "data/ledger/lists/0d2d.json: text: unset",
    ]
    (target / ".ssj" / "cache").mkdir(parents=True)
    (target / ".ssj" / "cache" / "x.pickle").write_bytes(b"x")
    assert git(target, "status", "--porcelain", "--untracked-files=all") == ""


def test_init_commits_everything_it_wrote(tmp_path: Path, with_identity: Path, ssj: Callable[..., Result]) -> None:
    target = tmp_path / "某县"
    assert ssj(tmp_path, "init", str(target), "--name", NAME, "--year", "2027").code == 0

    assert git(target, "log", "--format=%s%n%an").splitlines() == ["新建“双随机”数据仓库（ssj init）", "测试员"]
    committed = git(target, "-c", "core.quotepath=off", "ls-files").splitlines()
    assert committed == [p for p in _tree(target) if (target / p).is_file()]
    assert git(target, "status", "--porcelain") == ""


def test_init_without_git_identity_inits_but_does_not_commit(
    tmp_path: Path, without_identity: Path, ssj: Callable[..., Result]
) -> None:
    target = tmp_path / "某县"

    result = ssj(tmp_path, "init", str(target), "--name", NAME, "--year", "2027")

    assert result.code == 0
    assert "已 git init；git 还没有配置提交人，配置后请运行：git add -A && git commit -m \"新建数据仓库\"" in result.out
    assert (target / ".git").is_dir()
    assert subprocess.run(["git", "rev-parse", "HEAD"], cwd=target, capture_output=True).returncode != 0
    assert _errors(ssj(target, "check")) == HOLLOW


def test_init_without_git_still_writes_the_bureau(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch, ssj: Callable[..., Result]
) -> None:
    empty = tmp_path / "no-git"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    target = tmp_path / "某县"

    result = ssj(tmp_path, "init", str(target), "--year", "2027")

    assert result.code == 0
    assert "没有找到 git 或 git init 失败：请安装 Git 后在该目录运行 git init" in result.out
    assert not (target / ".git").exists()
    assert "name: 某某县应急管理局" in (target / "data" / "bureau.yaml").read_text(encoding="utf-8")


def test_init_into_an_existing_empty_folder(tmp_path: Path, with_identity: Path, ssj: Callable[..., Result]) -> None:
    target = tmp_path / "空目录"
    target.mkdir()

    assert ssj(tmp_path, "init", str(target), "--year", "2027").code == 0
    assert (target / "data" / "bureau.yaml").is_file()


def test_init_refuses_a_folder_that_is_not_empty_and_writes_nothing(
    tmp_path: Path, with_identity: Path, ssj: Callable[..., Result]
) -> None:
    target = tmp_path / "已有"
    target.mkdir()
    (target / "说明.txt").write_text("别动", encoding="utf-8")

    result = ssj(tmp_path, "init", str(target), "--name", NAME)

    assert result.code == 1
    assert f"目录 {target} 已存在且不是空的：请换一个新目录名" in result.err
    assert _tree(target) == ["说明.txt"]
    assert not (target / ".git").exists()
    assert (target / "说明.txt").read_text(encoding="utf-8") == "别动"


def test_init_refuses_a_path_that_is_a_file(tmp_path: Path, with_identity: Path, ssj: Callable[..., Result]) -> None:
    target = tmp_path / "文件"
    target.write_bytes(b"data")

    result = ssj(tmp_path, "init", str(target))

    assert result.code == 1
    assert f"{target} 已存在且是一个文件，不是目录：请换一个新目录名" in result.err
    assert "Traceback" not in result.err
    assert target.read_bytes() == b"data"


def test_a_path_through_a_file_is_one_chinese_line_not_a_traceback(
    tmp_path: Path, with_identity: Path, ssj: Callable[..., Result]
) -> None:
    blocker = tmp_path / "文件"
    blocker.write_bytes(b"data")

    result = ssj(tmp_path, "init", str(blocker / "新单位"))

    assert result.code == 1
    assert result.err.strip() == f"无法读写文件：{blocker / '新单位'}（路径中有一段不是目录）。请检查路径后重试"
    assert blocker.read_bytes() == b"data"


def test_init_without_year_plans_for_the_bureau_year(
    tmp_path: Path, with_identity: Path, monkeypatch: pytest.MonkeyPatch, ssj: Callable[..., Result]
) -> None:
    monkeypatch.setattr("shuangsuiji.clock.local_today", lambda timezone="Asia/Shanghai": dt.date(2026, 12, 15))
    target = tmp_path / "某县"

    assert ssj(tmp_path, "init", str(target)).code == 0
    assert [p.name for p in (target / "plans").iterdir()] == ["2027.yaml"]


@pytest.mark.parametrize(
    ("today", "year"),
    [(dt.date(2026, 1, 1), 2026), (dt.date(2026, 11, 30), 2026), (dt.date(2026, 12, 1), 2027), (dt.date(2026, 12, 31), 2027)],
)
def test_default_year(today: dt.date, year: int) -> None:
    assert default_year(today) == year

"""``ssj check``: golden example files (tests/example-files), the shipped example, output shapes, the cache.

Each file under ``example-files/negative/<kind>/`` is dropped into a copy of the example bureau (see
``DESTINATIONS``; a ``# path: …`` header line overrides the place) and must make ``ssj check`` fail with
exactly the errors its ``# expect: LINE: phrase`` header lines name (``LINE`` may be ``path:LINE`` for an
error reported in another file, or ``-`` for one without a line). Files under ``positive/`` must pass.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from shuangsuiji.cli import main
from tests.helpers import REPO, Result, copy_example

EXAMPLES = REPO / "tests" / "example-files"
#: The date every test here runs on (the example's certificates and plans are written for it).
TODAY = dt.date(2026, 11, 30)

DESTINATIONS = {
    "entities": "data/entities/{name}",
    "inspectors": "data/inspectors.yaml",
    "sections": "data/sections.yaml",
    "duties": "data/duties.yaml",
    "checklist": "data/checklist.yaml",
    "credit": "data/credit.yaml",
    "bureau": "data/bureau.yaml",
    "plan": "plans/{name}",
    "report": "data/reports/ergu/{name}",
}

_EXPECT = re.compile(r"^# expect: (?:(?P<path>[^:\s]+):)?(?P<line>\d+|-): (?P<phrase>.+)$")
_PATH = re.compile(r"^# path: (?P<path>\S+)$")
_ERROR_LINE = re.compile(r"^(?P<path>[^:\s]+?)(?::(?P<line>\d+))?: (?P<message>.+)$")


@dataclass(frozen=True)
class Expected:
    path: str
    line: int | None
    phrase: str


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """``ssj check`` has no date option; pin the bureau's 'today' so that certificate warnings stay put."""
    monkeypatch.setattr("shuangsuiji.clock.local_today", lambda timezone="Asia/Shanghai": TODAY)


@pytest.fixture(scope="session")
def warm_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example bureau with a filled model cache, so each copy checks in milliseconds."""
    root = tmp_path_factory.mktemp("warm") / "汝州"
    copy_example(root)
    assert main(["--repo", str(root), "check", "--json"]) == 0
    assert (root / ".ssj" / "cache").is_dir()
    return root


@pytest.fixture
def example(warm_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the example bureau, its cache included."""
    root = tmp_path / "汝州"
    shutil.copytree(warm_template, root)
    return root


# -- golden example files ------------------------------------------------------------------------------


def _cases(kind_dir: str) -> list[Path]:
    return sorted((EXAMPLES / kind_dir).glob("*/*.yaml"))


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def destination(example_file: Path) -> str:
    """Where ``example_file`` goes inside the bureau."""
    for line in example_file.read_text(encoding="utf-8").splitlines():
        match = _PATH.match(line)
        if match:
            return match["path"]
    return DESTINATIONS[example_file.parent.name].format(name=example_file.name)


def expectations(example_file: Path, dest: str) -> list[Expected]:
    """The ``# expect:`` header lines of a negative example file."""
    found = []
    for line in example_file.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            match = _EXPECT.match(line)
            assert match, f"bad expect line in {example_file.name}: {line!r}"
            number = None if match["line"] == "-" else int(match["line"])
            found.append(Expected(match["path"] or dest, number, match["phrase"]))
    return found


def drop(root: Path, example_file: Path) -> str:
    """Copy ``example_file`` into the bureau at ``root``; returns its repo-relative path."""
    dest = destination(example_file)
    target = root / dest
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(example_file, target)
    return dest


def error_lines(result: Result) -> list[tuple[str, int | None, str]]:
    """The errors ``ssj check`` printed, as (path, line, message); warnings and the summary left out."""
    errors = []
    for text in result.out.splitlines():
        match = _ERROR_LINE.match(text)
        if match and not match["message"].startswith("警告："):
            errors.append((match["path"], int(match["line"]) if match["line"] else None, match["message"]))
    return errors


def _matches(expected: Expected, error: tuple[str, int | None, str]) -> bool:
    return (expected.path, expected.line) == error[:2] and expected.phrase in error[2]


@pytest.mark.parametrize("example_file", _cases("negative"), ids=_id)
def test_negative_example_fails_with_exactly_its_expected_errors(
    example: Path, example_file: Path, ssj: Callable[..., Result]
) -> None:
    dest = drop(example, example_file)
    expected = expectations(example_file, dest)
    assert expected, f"{example_file.name} names no expected error"

    result = ssj(example, "check")

    assert result.code == 1
    assert "Traceback" not in result.out + result.err
    # a checklist dropped in differs from the approved one: that error is the approval rule's (tests/plan/
    # test_checklist.py), said once, on top of the example's own
    errors = [e for e in error_lines(result) if "随机抽查事项清单在审批后被修改" not in e[2]]
    approval = len(error_lines(result)) - len(errors)
    assert approval == (1 if dest == "data/checklist.yaml" and "没有事项" not in example_file.name else 0)
    unmatched = list(errors)
    for want in expected:
        hit = next((e for e in unmatched if _matches(want, e)), None)
        assert hit is not None, f"missing {want} in:\n{result.out}"
        unmatched.remove(hit)
    assert unmatched == [], f"unexpected errors:\n{result.out}"
    assert f"检查未通过：{len(expected) + approval} 处错误" in result.out


@pytest.mark.parametrize("example_file", _cases("positive"), ids=_id)
def test_positive_example_passes(example: Path, example_file: Path, ssj: Callable[..., Result]) -> None:
    if drop(example, example_file) == "data/checklist.yaml":  # a new 清单 is approved before it is used
        assert ssj(example, "checklist", "approve", "--meeting", "测试会议", "--approver", "局长").code == 0

    result = ssj(example, "check")

    assert error_lines(result) == []
    assert result.code == 0, result.out
    assert "检查通过" in result.out


def test_every_kind_has_negative_examples() -> None:
    kinds = {p.parent.name for p in _cases("negative")}
    assert kinds == set(DESTINATIONS)


# -- the shipped example ----------------------------------------------------------------------------------

#: The example's three lapsed certificates (SPEC §2: the example exercises every rule).
EXPIRED = [
    "data/inspectors.yaml:39: 警告：邹超（RZ004）的执法证已于 2026-06-30 过期，不能参加抽查",
    "data/inspectors.yaml:108: 警告：刘帅（RZ012）的执法证已于 2025-12-31 过期，不能参加抽查",
    "data/inspectors.yaml:208: 警告：刘立军（RZ023）的执法证已于 2026-09-30 过期，不能参加抽查",
]
#: 第十六、二十三条: the example's plans check 黑名单 and 问题 companies (ratio × multiplier) at least as often as
#: every risk class. Until their revision of 2026-11-30 every item but 二股's had multiplier 2 and so checked them
#: less often than risk class A; with those multipliers put back (see ``lower_multipliers``), ``ssj check`` says
#: so on each item's multiplier line (a warning: existing draws stand).
LOWERED = {2026: ("2026-yigu-01", "2026-sangu-01", "2026-bangongshi-01", "2026-zhihui-01", "2026-zhifa-01",
                  "2026-T01-01"),
           2027: ("2027-yigu-01", "2027-sangu-01", "2027-bangongshi-01", "2027-zhihui-01", "2027-zhifa-01")}
RAISED_TOO_LITTLE = [
    f"plans/{year}.yaml:{line}: 警告：计划事项 {item}：黑名单和问题单位的比例 {raised} 低于风险A 的比例 {risk_a}："
    f"第十六、二十三条要求提高而不是降低（请提高 multiplier 或 ratio）；在改正之前，抽取按 {risk_a} 抽取"
    for year, line, item, raised, risk_a in [
        (2026, 23, "2026-yigu-01", "0.2", "0.5"), (2026, 43, "2026-sangu-01", "0.2", "0.4"),
        (2026, 53, "2026-bangongshi-01", "0.6", "1"), (2026, 64, "2026-zhihui-01", "0.06", "0.1"),
        (2026, 74, "2026-zhifa-01", "0.1", "0.2"), (2026, 93, "2026-T01-01", "0.4", "0.5"),
        (2027, 23, "2027-yigu-01", "0.2", "0.5"), (2027, 43, "2027-sangu-01", "0.2", "0.4"),
        (2027, 53, "2027-bangongshi-01", "0.6", "1"), (2027, 63, "2027-zhihui-01", "0.06", "0.1"),
        (2027, 73, "2027-zhifa-01", "0.1", "0.2"),
    ]
]
SHIPPED_WARNINGS = len(EXPIRED)


def set_multiplier(plan: Path, item: str, value: str) -> None:
    """Write ``value`` as plan item ``item``'s multiplier (its other lines, and every line number, stay put)."""
    text = plan.read_text(encoding="utf-8")
    start = text.index(f'- id: "{item}"\n')
    key = text.index('multiplier: "', start) + len('multiplier: "')
    assert "- id:" not in text[start + 1:key], f"{item} has no multiplier line of its own"
    end = text.index('"\n', key)
    plan.write_text(text[:key] + value + text[end:], encoding="utf-8")


def lower_multipliers(root: Path, ssj: Callable[..., Result]) -> None:
    """Put the ``LOWERED`` items' multipliers back to 2, as before the example's revision, and have the plans
    approved again with ``ssj plan approve`` (a plan changed after its approval would be an error of its own)."""
    for year, items in LOWERED.items():
        for item in items:
            set_multiplier(root / "plans" / f"{year}.yaml", item, "2")
    approve = ("plan", "approve", "--meeting", "2026年第12次局党委班子会议", "--approver", "韩立新",
               "--date", TODAY.isoformat())
    for extra in (("--year", "2026"), ("--year", "2026", "--temporary", "2026-T01"), ("--year", "2027")):
        result = ssj(root, *approve, *extra)
        assert result.code == 0, result.err


def _records(*paths: Path) -> int:
    """Records counted straight from the text (one ``  - id:`` line each), independently of the loader."""
    return sum(p.read_text(encoding="utf-8").count("\n  - id:") for p in paths)


def test_shipped_example_passes_with_its_three_certificate_warnings(
    example: Path, ssj: Callable[..., Result]
) -> None:
    result = ssj(example, "check")

    assert result.code == 0
    assert result.err == ""
    lines = result.out.splitlines()
    assert lines[:SHIPPED_WARNINGS] == EXPIRED  # the plans raise 黑名单 and 问题 enough: no warning of theirs
    assert lines[SHIPPED_WARNINGS] == "各科室概况"
    assert not any(line.startswith("plans/") for line in lines)
    for name in ("安全监管一股", "安全监管二股", "安全监管三股", "办公室", "应急救援指挥中心", "执法大队"):
        assert sum(1 for line in lines if line.startswith(f"│ {name} ")) == 1
    entities = _records(*(example / "data" / "entities").glob("*.yaml"))
    inspectors = _records(example / "data" / "inspectors.yaml")
    items = _records(example / "data" / "checklist.yaml")
    assert lines[-1] == (f"检查通过：{entities} 个监管对象，{inspectors} 名执法人员，{items} 个抽查事项，"
                         f"计划年度 2026、2027；{SHIPPED_WARNINGS} 条警告。")


def test_summary_row_counts_one_section(example: Path, ssj: Callable[..., Result]) -> None:
    result = ssj(example, "check", "--json")

    rows = {row["section"]: row for row in json.loads(result.out)["sections"]}
    # 办公室 supervises 安全培训机构 only; its file is small enough to count here by hand.
    text = (example / "data" / "entities" / "安全培训机构.yaml").read_text(encoding="utf-8")
    records = text.split("\n  - id:")[1:]
    assert rows["办公室"]["companies"] == len(records)
    assert rows["办公室"]["operating"] == sum(1 for r in records if "status: 在营" in r or "status:" not in r)
    assert rows["办公室"]["key"] == sum(1 for r in records if "key: true" in r and ("status: 在营" in r or "status:" not in r))


def test_section_left_with_one_certified_inspector_is_a_warning(example: Path, ssj: Callable[..., Result]) -> None:
    path = example / "data" / "inspectors.yaml"
    text = path.read_text(encoding="utf-8")
    # 一股: RZ001–RZ003, RZ025 and RZ026 hold valid certificates (RZ004's lapsed); take four of them off duty.
    for person in ("RZ001", "RZ002", "RZ025", "RZ026"):
        head, tail = text.split(f'  - id: "{person}"\n', 1)
        tail = tail.replace("    active: true\n", "    active: false\n", 1)
        text = f'{head}  - id: "{person}"\n{tail}'
    path.write_text(text, encoding="utf-8")

    result = ssj(example, "check")

    assert result.code == 0
    assert ("data/sections.yaml:5: 警告：安全监管一股只有 1 名在岗且持有效执法证的人员，不足一组（第十八条要求至少 2 人），"
            "该科室的抽取会失败") in result.out.splitlines()
    assert "检查通过" in result.out
    assert f"{SHIPPED_WARNINGS + 1} 条警告。" in result.out


def test_json_output_of_a_passing_check(example: Path, ssj: Callable[..., Result]) -> None:
    result = ssj(example, "check", "--json")

    assert result.code == 0
    report = json.loads(result.out)
    assert list(report) == ["ok", "date", "errors", "warnings", "sections"]
    assert report["ok"] is True
    assert report["date"] == TODAY.isoformat()
    assert report["errors"] == []
    assert report["warnings"][0] == {
        "file": "data/inspectors.yaml", "line": 39, "message": "邹超（RZ004）的执法证已于 2026-06-30 过期，不能参加抽查",
    }
    assert [(w["file"], w["line"]) for w in report["warnings"]] == [
        ("data/inspectors.yaml", 39), ("data/inspectors.yaml", 108), ("data/inspectors.yaml", 208),
    ]
    assert [row["section"] for row in report["sections"]] == [
        "安全监管一股", "安全监管二股", "安全监管三股", "办公室", "应急救援指挥中心", "执法大队",
    ]
    assert set(report["sections"][0]) == {"section", "companies", "operating", "key", "inspectors", "certified"}
    assert report["sections"][0]["inspectors"] == 6
    assert report["sections"][0]["certified"] == 5


def test_json_output_of_a_failing_check(example: Path, ssj: Callable[..., Result]) -> None:
    drop(example, EXAMPLES / "negative" / "entities" / "校验位错误.yaml")

    result = ssj(example, "check", "--json")

    assert result.code == 1
    report = json.loads(result.out)  # nothing but the JSON on stdout
    assert report["ok"] is False
    assert report["errors"] == [{
        "file": "data/entities/校验位错误.yaml", "line": 8,
        "message": "统一社会信用代码“91410482MA9XA00017”校验位错误，请核对原始证照",
    }]
    assert len(report["warnings"]) == SHIPPED_WARNINGS


def test_every_problem_of_every_file_is_listed_in_one_run(example: Path, ssj: Callable[..., Result]) -> None:
    files = [
        EXAMPLES / "negative" / "entities" / "语法错误.yaml",
        EXAMPLES / "negative" / "entities" / "长度错误.yaml",
        EXAMPLES / "negative" / "inspectors" / "日期不存在.yaml",
        EXAMPLES / "negative" / "plan" / "跨行业抽查.yaml",
    ]
    expected = []
    for file in files:
        expected += expectations(file, drop(example, file))

    result = ssj(example, "check")

    assert result.code == 1
    errors = error_lines(result)
    assert len(errors) == len(expected) == 8
    for want in expected:
        assert any(_matches(want, e) for e in errors), want
    assert "Traceback" not in result.out + result.err


def test_errors_come_before_warnings_and_are_sorted_by_file_and_line(
    example: Path, ssj: Callable[..., Result]
) -> None:
    drop(example, EXAMPLES / "negative" / "inspectors" / "工号和证号重复.yaml")
    drop(example, EXAMPLES / "negative" / "entities" / "长度错误.yaml")

    result = ssj(example, "check")

    lines = result.out.splitlines()
    assert [line.split(": ")[0] for line in lines[:4]] == [
        "data/entities/长度错误.yaml:5", "data/entities/长度错误.yaml:9",
        "data/inspectors.yaml:10", "data/inspectors.yaml:18",
    ]
    assert all("警告：" in line for line in lines[4:-1])
    assert lines[-1].startswith("检查未通过：4 处错误，")


# -- where and how ssj refuses ------------------------------------------------------------------------------


def test_outside_a_bureau_repository(tmp_path: Path, ssj: Callable[..., Result]) -> None:
    empty = tmp_path / "别处"
    empty.mkdir()

    result = ssj(empty, "check")

    assert result.code == 1
    assert result.out == ""
    assert f"{empty} 不是 ssj 的数据仓库：找不到 data/bureau.yaml" in result.err
    assert "ssj init" in result.err
    assert "Traceback" not in result.err


def test_outside_a_bureau_repository_from_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SSJ_REPO", raising=False)
    monkeypatch.chdir(tmp_path)

    code = main(["check"])

    assert code == 1
    assert "不是 ssj 的数据仓库" in capsys.readouterr().err


def test_check_finds_the_repository_from_a_subfolder(
    example: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SSJ_REPO", raising=False)
    monkeypatch.chdir(example / "data" / "entities")

    assert main(["check"]) == 0
    assert "检查通过" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["check", "--bogus"], "用法错误：没有这个选项"),
        (["chek"], "用法错误：没有这个命令“chek”。你是不是想用 check、checklist？"),
        (["check", "多余"], "用法错误：多余的参数"),
        (["init"], "用法错误：缺少参数"),
        (["init", "新局", "--year", "明年"], "用法错误：选项 --year 的取值无效：应为整数"),
    ],
)
def test_usage_errors_exit_2_in_chinese(
    example: Path, ssj: Callable[..., Result], args: list[str], phrase: str
) -> None:
    result = ssj(example, *args)

    assert result.code == 2
    assert phrase in result.err
    assert "--help”查看用法。" in result.err
    assert not (example / "新局").exists()


# -- the model cache ---------------------------------------------------------------------------------------


def _cache_entries(root: Path) -> list[Path]:
    return sorted((root / ".ssj" / "cache").glob("models-*/*.pickle"))


def test_second_run_reads_the_cache_and_prints_the_same(tmp_path: Path, ssj: Callable[..., Result]) -> None:
    root = tmp_path / "汝州"
    copy_example(root)

    first = ssj(root, "check")
    entries = _cache_entries(root)
    second = ssj(root, "check")

    assert first == second
    assert first.code == 0
    # one entry per registry file that is not a plan: bureau, sections, duties, checklist, inspectors, credit, entities
    assert len(entries) == 6 + len(list((root / "data" / "entities").glob("*.yaml")))
    assert _cache_entries(root) == entries


def test_a_warm_cache_spares_parsing_every_file_but_the_plans(
    example: Path, ssj: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    from shuangsuiji.registry import loading, yamlio

    parsed: list[str] = []
    real_load = yamlio.load

    def spy(label: str, data: bytes) -> object:
        parsed.append(label)
        return real_load(label, data)

    monkeypatch.setattr(yamlio, "load", spy)
    monkeypatch.setattr(loading, "_PARSED", {})  # a new process: no plan parsed yet
    drop(example, EXAMPLES / "positive" / "entities" / "只写必填项.yaml")

    assert ssj(example, "check").code == 0

    # plans are digested from their raw form and never cached on disk (a process parses each content once);
    # the new file was not in the cache yet
    assert sorted(parsed) == ["data/entities/只写必填项.yaml", "plans/2026.yaml", "plans/2027.yaml"]


def test_an_edited_file_replaces_its_cache_entry(example: Path, ssj: Callable[..., Result]) -> None:
    before = _cache_entries(example)
    path = example / "data" / "credit.yaml"
    path.write_bytes(path.read_bytes() + b"# \xe4\xbf\xae\xe6\x94\xb9\n")

    result = ssj(example, "check")

    after = _cache_entries(example)
    assert result.code == 0
    assert len(after) == len(before)
    assert len(set(after) - set(before)) == 1


@pytest.mark.parametrize("garbage", [b"", b"\x80\x04not a pickle", pickle.dumps("x"), pickle.dumps(None)],
                         ids=["empty", "garbage", "pickled-text", "pickled-none"])
def test_a_corrupted_cache_entry_is_ignored(
    example: Path, ssj: Callable[..., Result], garbage: bytes
) -> None:
    clean = ssj(example, "check")
    for entry in _cache_entries(example):
        entry.write_bytes(garbage)  # truncated, foreign, or a valid pickle of the wrong thing (the string "x")

    result = ssj(example, "check")

    assert result == clean


def test_cache_folder_names_the_schema_it_was_written_with(tmp_path: Path) -> None:
    from shuangsuiji import __version__
    from shuangsuiji.registry.cache import ModelCache

    folder = ModelCache(tmp_path).folder.name
    assert re.fullmatch(rf"models-{re.escape(__version__)}-[0-9a-f]{{12}}", folder)


# -- hostile files never end in a traceback -------------------------------------------------------------------

_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [" + ", ".join([f"*{a}"] * 10) + "]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)
HOSTILE: dict[str, tuple[bytes, str]] = {
    "alias-bomb": (_LAUGHS.encode(), "data/entities/坏.yaml: YAML 别名（&/*）展开后过大（超过 10000 个节点），拒绝读取"),
    "recursive-alias": (b"entities: &a [*a]\n", "data/entities/坏.yaml: YAML 中有循环引用的别名（&/*），拒绝读取"),
    "deep-flow": (b"entities: " + b"[" * 5000, "data/entities/坏.yaml:1: YAML 嵌套超过 500 层，拒绝读取"),
    "int-tag": (b"entities: !!int abc\n", "data/entities/坏.yaml: 有无法读取的值（如 !!int 等标签，或位数过多的数字）"),
    "huge-number": (b"entities:\n  - id: " + b"9" * 5000 + b"\n", "data/entities/坏.yaml: 有无法读取的值"),
    "control-char": ("entities:\n  - name: 甲\x07\n".encode(), "data/entities/坏.yaml:2: 有不允许的控制字符（U+0007）"),
    "utf-16": ("entities: []\n".encode("utf-16"), "data/entities/坏.yaml: 文件是 UTF-16 编码"),
    "scalar": (b"entities\n", "data/entities/坏.yaml:1: 文件内容应为若干“键: 值”，请对照示例文件检查"),
    "null-list": (b"entities:\n", "data/entities/坏.yaml:1: entities（监管对象）没有填写：冒号后面是空的"),
    "complex-key": (b"? [a, b]\n: 1\nentities: []\n", "data/entities/坏.yaml: YAML 的键必须是文字（不能用“? ”写列表或映射作键）"),
}


@pytest.mark.parametrize(("content", "line"), list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_file_is_one_clear_line(
    example: Path, ssj: Callable[..., Result], content: bytes, line: str
) -> None:
    (example / "data" / "entities" / "坏.yaml").write_bytes(content)

    result = ssj(example, "check")

    assert result.code == 1
    assert "Traceback" not in result.out + result.err
    errors = [text for text in result.out.splitlines() if text.startswith("data/") and "警告：" not in text]
    assert len(errors) == 1
    assert errors[0].startswith(line)


@pytest.mark.parametrize("content", [b"", b"# \xe5\x8f\xaa\xe6\x9c\x89\xe6\xb3\xa8\xe9\x87\x8a\n", b"entities: []\n"],
                         ids=["empty", "comments-only", "empty-list"])
def test_an_empty_registry_file_is_one_error_naming_it(example: Path, ssj: Callable[..., Result], content: bytes) -> None:
    (example / "data" / "entities" / "空.yaml").write_bytes(content)

    result = ssj(example, "check")

    assert result.code == 1
    assert [e[0] for e in error_lines(result)] == ["data/entities/空.yaml"]


# -- one mistake gives one error ---------------------------------------------------------------------------------


def test_a_company_with_a_bad_phone_is_not_also_missing_from_the_registry(
    example: Path, ssj: Callable[..., Result]
) -> None:
    path = example / "data" / "entities" / "危险化学品.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('phone: "0375-6688300"', 'phone: "6688300"', 1),
                    encoding="utf-8")  # 汝州市润远加油站, which the credit file blacklists

    result = ssj(example, "check")

    assert [e[0] for e in error_lines(result)] == ["data/entities/危险化学品.yaml"]


def test_an_unreadable_registry_file_gives_one_error(example: Path, ssj: Callable[..., Result]) -> None:
    path = example / "data" / "entities" / "烟花爆竹.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))

    result = ssj(example, "check")

    assert error_lines(result) == [("data/entities/烟花爆竹.yaml", 1,
                                    "文件不是 UTF-8 编码（看起来是 GBK/GB18030）：请用记事本或 WPS 打开后“另存为”，编码选 UTF-8，再重试")]


def test_a_single_team_with_a_declared_conflict_is_a_warning(example: Path, ssj: Callable[..., Result]) -> None:
    path = example / "data" / "inspectors.yaml"
    text = path.read_text(encoding="utf-8")
    for person in ("RZ025", "RZ026"):  # 一股 back to three certified inspectors: one team of two
        head, tail = text.split(f'  - id: "{person}"\n', 1)
        tail = tail.replace("    active: true\n", "    active: false\n", 1)
        text = f'{head}  - id: "{person}"\n{tail}'
    path.write_text(text, encoding="utf-8")

    result = ssj(example, "check")

    assert result.code == 0
    assert ("data/sections.yaml:5: 警告：安全监管一股只能组成 1 个检查组，而 朱建国（RZ002） 申报了回避：抽中其回避的单位时，"
            "若此人在组内，抽取会失败（第十七条）；建议增加持证执法人员") in result.out.splitlines()


def test_an_unreadable_inspector_registry_is_one_error_not_six_empty_sections(
    example: Path, ssj: Callable[..., Result]
) -> None:
    path = example / "data" / "inspectors.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))

    result = ssj(example, "check")

    assert result.code == 1
    assert [e[0] for e in error_lines(result)] == ["data/inspectors.yaml"]
    assert "名在岗且持有效执法证的人员" not in result.out  # no "只有 0 名在岗…" per section on top of it


# -- 第十六、二十三条: 黑名单 and 问题 companies are checked more often, never less ---------------------------------


def test_raised_ratio_below_a_risk_class_is_a_warning_that_names_both(example: Path, ssj: Callable[..., Result]) -> None:
    lower_multipliers(example, ssj)

    result = ssj(example, "check")

    assert result.code == 0
    plans = [line for line in result.out.splitlines() if line.startswith("plans/")]
    assert plans == RAISED_TOO_LITTLE
    assert not any("ergu-01" in line for line in plans)  # 二股: 0.05 × 2 = 0.1, as high as its risk class A
    assert f"{len(EXPIRED) + len(RAISED_TOO_LITTLE)} 条警告。" in result.out


def test_raised_ratio_below_several_strata_and_the_fix(example: Path, ssj: Callable[..., Result]) -> None:
    path = example / "plans" / "2027.yaml"
    set_multiplier(path, "2027-yigu-01", "1")

    lines = [line for line in ssj(example, "check").out.splitlines() if line.startswith("plans/2027.yaml:23:")]

    # 0.1 × 1 = 0.1: below 风险A (0.5) and 风险B (0.2); 风险C is 0.1 itself
    assert lines == ["plans/2027.yaml:23: 警告：计划事项 2027-yigu-01：黑名单和问题单位的比例 0.1 低于风险A 的比例 0.5、"
                     "风险B 的比例 0.2：第十六、二十三条要求提高而不是降低（请提高 multiplier 或 ratio）；"
                     "在改正之前，抽取按 0.5 抽取"]

    set_multiplier(path, "2027-yigu-01", "5")  # 0.1 × 5 = 0.5: as high as 风险A
    assert not any(line.startswith("plans/2027.yaml:23:") for line in ssj(example, "check").out.splitlines())

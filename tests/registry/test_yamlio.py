"""YAML in and out: encodings, hostile input, line numbers, and byte-for-byte round trips."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from shuangsuiji.errors import InputError
from shuangsuiji.registry import yamlio
from tests.helpers import REPO, Result, copy_example

RESAVE = "请用记事本或 WPS 打开后“另存为”，编码选 UTF-8，再重试"
TODAY = dt.date(2026, 11, 30)

#: A small registry file with Chinese names; its ids are in no shipped file.
SMALL_REGISTRY = """\
entities:
  - id: "91410482MA9XA00016"
    name: 汝州市甲化工有限公司
    specialty: 危险化学品
    address: 汝州市煤山街道某路1号
  - id: "91410482MA9XA00029"
    name: 汝州市乙烟花爆竹零售点
    specialty: 烟花爆竹
    address: 汝州市某镇某村
"""


def refusal(text: str | bytes, label: str = "data/x.yaml") -> InputError:
    """The InputError that loading ``text`` raises (the test fails if it loads)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(InputError) as caught:
        yamlio.load(label, data)
    return caught.value


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shuangsuiji.clock.local_today", lambda timezone="Asia/Shanghai": TODAY)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = tmp_path / "汝州"
    copy_example(root)
    return root


# -- encodings -------------------------------------------------------------------------------------------


def _bom_crlf(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "\r" not in text
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))


def test_bom_and_crlf_are_read_like_plain_utf8(example: Path, ssj: Callable[..., Result]) -> None:
    plain = ssj(example, "check")
    _bom_crlf(example / "data" / "entities" / "安全培训机构.yaml")
    _bom_crlf(example / "data" / "inspectors.yaml")

    converted = ssj(example, "check")

    assert plain.code == converted.code == 0
    assert converted.out == plain.out  # same counts, same warnings on the same lines


def test_bom_and_crlf_report_the_same_lines(example: Path, ssj: Callable[..., Result]) -> None:
    path = example / "data" / "entities" / "安全培训机构.yaml"
    text = path.read_text(encoding="utf-8")
    first_id = text.split('  - id: "', 1)[1][:18]
    broken = text.replace(first_id, first_id[:-1] + ("0" if first_id[-1] != "0" else "1"), 1)
    broken = broken.replace("    address:", "    adress:", 1)
    path.write_text(broken, encoding="utf-8")
    plain = ssj(example, "check")
    _bom_crlf(path)

    converted = ssj(example, "check")

    assert plain.code == converted.code == 1
    assert converted.out == plain.out
    errors = [line for line in plain.out.splitlines() if line.startswith("data/entities/安全培训机构.yaml:")]
    assert len(errors) == 3  # bad check digit, unknown key 'adress', missing 'address'
    line_of_id = text.splitlines().index(f'  - id: "{first_id}"') + 1
    assert errors[0].startswith(f"data/entities/安全培训机构.yaml:{line_of_id}: ")


@pytest.mark.parametrize("codec", ["gbk", "gb18030"])
def test_gbk_file_is_refused_with_file_line_and_how_to_resave(
    example: Path, ssj: Callable[..., Result], codec: str
) -> None:
    (example / "data" / "entities" / "新增.yaml").write_bytes(SMALL_REGISTRY.encode(codec))

    result = ssj(example, "check")

    assert result.code == 1
    errors = [line for line in result.out.splitlines() if "警告：" not in line][:-1]
    # line 3 holds the first non-ASCII byte
    assert errors == [f"data/entities/新增.yaml:3: 文件不是 UTF-8 编码（看起来是 GBK/GB18030）：{RESAVE}"]
    assert "\ufffd" not in result.out + result.err
    assert "汝州市甲" not in result.out  # never a name, garbled or not, from a file that could not be read


def test_bytes_that_are_neither_utf8_nor_gb18030() -> None:
    error = refusal(b"entities: []\n# \xff\xfe\xfd\n")

    assert str(error) == f"data/x.yaml:2: 文件不是 UTF-8 编码，也不是 GBK/GB18030：{RESAVE}"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_refused_clearly(codec: str) -> None:
    error = refusal(SMALL_REGISTRY.encode(codec))

    assert error.line is None
    assert str(error) == f"data/x.yaml: 文件是 UTF-16 编码，ssj 只读 UTF-8：{RESAVE}"


def test_utf16_file_through_check(example: Path, ssj: Callable[..., Result]) -> None:
    (example / "data" / "entities" / "新增.yaml").write_bytes(SMALL_REGISTRY.encode("utf-16"))

    result = ssj(example, "check")

    assert result.code == 1
    assert f"data/entities/新增.yaml: 文件是 UTF-16 编码，ssj 只读 UTF-8：{RESAVE}" in result.out.splitlines()


def test_a_control_character_is_named_with_its_line() -> None:
    error = refusal("entities:\n  - name: 甲\x0b乙\n")

    assert str(error) == "data/x.yaml:2: 有不允许的控制字符（U+000B）：请删去这个看不见的字符后重试"
    # libyaml counts the position in bytes: Chinese before the character must not push it onto the next line
    assert refusal("entities:\n  - name: 汝州市甲化工\x07\n  - name: 乙\n").line == 2


# -- hostile YAML ----------------------------------------------------------------------------------------


def _laughs(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused() -> None:
    error = refusal(_laughs(9))  # 10**9 strings once expanded

    assert str(error) == "data/x.yaml: YAML 别名（&/*）展开后过大（超过 10000 个节点），拒绝读取"


def test_a_few_aliases_are_fine() -> None:
    text = _laughs(3) + "base: &base {unit: 工作日}\ncopy:\n  <<: *base\n  days: 20\n"

    data = yamlio.load("data/x.yaml", text.encode("utf-8"))

    assert len(data["a2"]) == 10 and len(data["a2"][0]) == 10
    assert data["copy"] == {"unit": "工作日", "days": 20}


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "a: &a\n  b: *a\n", "- &a\n  - x\n  - *a\n"])
def test_a_recursive_alias_is_refused(text: str) -> None:
    assert str(refusal(text)) == "data/x.yaml: YAML 中有循环引用的别名（&/*），拒绝读取"


_DEEP = {
    "flow": '"[" * 100_000',
    "flow-closed": '"[" * 100_000 + "]" * 100_000',
    "compact-sequence": '"- " * 100_000 + "x"',
    "compact-sequence-wide": '"-  " * 100_000 + "x"',
    "complex-keys": '"? " * 100_000 + "x"',
    "indented-sequence": '"".join(" " * i + "-\\n" for i in range(3_000))',
    "indented-mapping": '"".join(" " * i + "k:\\n" for i in range(3_000))',
}


@pytest.mark.parametrize("expression", list(_DEEP.values()), ids=list(_DEEP))
def test_deep_nesting_is_refused_without_crashing_the_interpreter(expression: str) -> None:
    script = (
        "import sys\n"
        "from shuangsuiji.errors import InputError\n"
        "from shuangsuiji.registry.yamlio import parse\n"
        "try:\n"
        f"    parse('data/x.yaml', {expression})\n"
        "except InputError as exc:\n"
        "    print(exc.message)\n"
        "    sys.exit(1)\n"
    )

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, encoding="utf-8")

    assert done.returncode == 1, done.stderr  # -11 would be a segfault
    assert done.stdout.startswith("data/x.yaml:")
    assert done.stdout.rstrip().endswith(": YAML 嵌套超过 500 层，拒绝读取")
    assert done.stderr == ""


def test_nesting_up_to_the_limit_is_read() -> None:
    data = yamlio.parse("data/x.yaml", "[" * 499 + "]" * 499)

    depth = 0
    while isinstance(data, list) and data:
        data, depth = data[0], depth + 1
    assert depth == 498  # the innermost list is empty


def test_deeply_nested_but_allowed_value_gets_a_schema_error(example: Path, ssj: Callable[..., Result]) -> None:
    text = "entities:\n" + "".join(" " * i + "-\n" for i in range(1, 400))
    (example / "data" / "entities" / "深.yaml").write_text(text, encoding="utf-8")

    result = ssj(example, "check")

    assert result.code == 1
    assert "data/entities/深.yaml:3: 监管对象应为若干“键: 值”组成的一组字段" in result.out.splitlines()
    assert "Traceback" not in result.out + result.err


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object:os.system x\n",
        "!!python/object/apply:os.system ['echo']\n",
        "a: !!python/name:os.system\n",
        "a: !custom x\n",
    ],
)
def test_tags_are_refused(text: str) -> None:
    error = refusal(text)

    assert "不允许使用 YAML 标签（如 !!python/…）：请删去它" in error.message
    assert error.line == 1


def test_a_python_tag_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    refusal(f"a: !!python/object/apply:os.system ['touch {marker}']\n")
    assert not marker.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!int abc\n", "有无法读取的值（如 !!int 等标签，或位数过多的数字）：请删去标签，长数字请加引号"),
        ("a: !!bool maybe\n", "有无法读取的值（如 !!int 等标签，或位数过多的数字）：请删去标签，长数字请加引号"),
        ("a: " + "9" * 5000 + "\n", "有无法读取的值（如 !!int 等标签，或位数过多的数字）：请删去标签，长数字请加引号"),
    ],
    ids=["int-tag", "bool-tag", "5000-digits"],
)
def test_values_python_cannot_build_are_refused(text: str, message: str) -> None:
    assert refusal(text).message.endswith(message)


# -- syntax errors in words a clerk can act on -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ('a:\n  b: "未闭合\n  c: 1\n', "2", "YAML 语法错误（第 6 列）：引号没有闭合"),
        ("a: [1, 2\nb: 3\n", "1", "YAML 语法错误（第 4 列）：方括号 [ ] 没有闭合"),
        ("a: {x: 1\nb: 3\n", "1", "YAML 语法错误（第 4 列）：花括号 { } 没有闭合"),
        ("a:\n  b: 时间: 上午\n", "2", "YAML 语法错误（第 8 列）：这里不应出现冒号"),
        ("a:\n  - x\n - y\n", "3", "YAML 语法错误（第 2 列）：缩进没有对齐"),
        ("a:\n  - x\n  b: 1\n", "3", "YAML 语法错误（第 3 列）：这里应是列表的下一项“- ”"),
        ("a: @x\n", "1", "YAML 语法错误（第 4 列）：值不能以这个字符开头"),
        ("a:\n  b: 1\n  c 张三\n  d: 2\n", "3", "YAML 语法错误（第 3 列）：这一行缺少冒号"),
        ("a: *x\n", "1", "YAML 语法错误（第 4 列）：用了没有定义过的别名"),
        ("a: 1\n---\nb: 2\n", "2", "YAML 语法错误（第 1 列）：一个文件只能有一份内容"),
        ("entities:\n\t- id: x\n", "2", "第 1 列，用了 Tab 键缩进：YAML 只能用空格缩进，请把 Tab 换成空格"),
        ("a:\n  b: 1\n\tc: 2\n", "3", "第 1 列，用了 Tab 键缩进"),
        ("a:\n  b: 1\n  b: 2\n", "3", "第 3 列，键“b”写了两次，请删去重复的一行"),
    ],
)
def test_syntax_errors_name_line_column_and_cause(text: str, where: str, words: str) -> None:
    error = refusal(text)

    assert str(error).startswith(f"data/x.yaml:{where}: {words}")
    assert not re.search(r"[A-Za-z]{3,}", error.problems[0].message.replace("YAML", "").replace("Tab", "")), error.message


def test_a_tab_after_a_colon_is_fine() -> None:
    assert yamlio.load("x", b"a:\tb\n") == {"a": "b"}


# -- dates ---------------------------------------------------------------------------------------------


def test_dates_that_do_not_exist_stay_text_for_the_schema_to_report() -> None:
    data = yamlio.load("x", b"a: 2026-13-01\nb: 2026-02-29\nc: 2028-02-29\nd: 2026-12-01\n")

    assert data == {"a": "2026-13-01", "b": "2026-02-29", "c": dt.date(2028, 2, 29), "d": dt.date(2026, 12, 1)}


def test_round_trip_loading_refuses_a_date_that_does_not_exist() -> None:
    with pytest.raises(InputError) as caught:
        yamlio.load_round_trip("plans/2028.yaml", b"year: 2028\ndate: 2026-13-01\n")

    assert str(caught.value) == "plans/2028.yaml: 文件中有不存在的日期（如 2026-13-01）：请先运行 ssj check 找到并改正"


# -- LineFinder ------------------------------------------------------------------------------------------


def _line_with(text: str, needle: str, start: int = 0) -> int:
    """1-based number of the first line at or after line ``start`` that contains ``needle``."""
    lines = text.splitlines()
    return next(n for n in range(start, len(lines)) if needle in lines[n]) + 1


def test_line_finder_on_nested_paths_of_the_inspector_registry() -> None:
    text = (REPO / "data" / "inspectors.yaml").read_text(encoding="utf-8")
    finder = yamlio.LineFinder(text)
    second = _line_with(text, 'id: "RZ002"')

    assert finder.line_of(("inspectors",)) == _line_with(text, "inspectors:")
    assert finder.line_of(("inspectors", 0)) == _line_with(text, 'id: "RZ001"')
    assert finder.line_of(("inspectors", 1)) == second
    assert finder.line_of(("inspectors", 1, "cert_expires")) == _line_with(text, "cert_expires:", second)
    assert finder.line_of(("inspectors", 1, "conflicts")) == _line_with(text, "conflicts:", second)
    assert finder.line_of(("inspectors", 1, "conflicts", 0)) == _line_with(text, "- entity:", second)
    assert finder.line_of(("inspectors", 1, "conflicts", 0, "reason")) == _line_with(text, "reason:", second)
    # the deepest node that exists: RZ001 declares no conflicts; there is no 1000th inspector
    assert finder.line_of(("inspectors", 0, "conflicts", 0)) == _line_with(text, 'id: "RZ001"')
    assert finder.line_of(("inspectors", 999, "id")) == _line_with(text, "inspectors:")
    assert finder.line_of(("nothing",)) is None


def test_line_finder_in_flow_style_and_temporary_plans() -> None:
    text = (REPO / "plans" / "2026.yaml").read_text(encoding="utf-8")
    finder = yamlio.LineFinder(text)
    first = _line_with(text, 'id: "2026-yigu-01"')

    assert finder.line_of(("items", 0, "risk_ratios", "B")) == _line_with(text, "risk_ratios:", first)
    temp = _line_with(text, 'id: "2026-T01-01"')
    assert finder.line_of(("temporary", 0, "items", 0)) == temp
    assert finder.line_of(("temporary", 0, "items", 0, "months")) == _line_with(text, "months:", temp)


def test_line_finder_matches_numbers_written_as_keys_and_ids() -> None:
    finder = yamlio.LineFinder("# 注释\n2026:\n  a: 1\nlist:\n  - 914104820000000013\n")

    assert finder.line_of(("2026", "a")) == 3
    assert finder.line_of((2026,)) == 2
    assert finder.line_of(("list", 0)) == 5


def test_line_finder_with_bom_crlf_and_on_broken_text() -> None:
    assert yamlio.LineFinder("\ufeffa:\r\n  b:\r\n    c: 1\r\n").line_of(("a", "b", "c")) == 3
    assert yamlio.LineFinder("a: [\n").line_of(("a",)) is None
    assert yamlio.LineFinder("").line_of(("a",)) is None


# -- round trips -------------------------------------------------------------------------------------------

ROUND_TRIP = [
    "data/inspectors.yaml", "plans/2026.yaml", "plans/2027.yaml", "data/bureau.yaml", "data/sections.yaml",
    "data/duties.yaml", "data/checklist.yaml", "data/credit.yaml", "data/entities/安全培训机构.yaml",
]


@pytest.mark.parametrize("rel", ROUND_TRIP)
def test_round_trip_keeps_every_byte_of_the_shipped_files(rel: str) -> None:
    raw = (REPO / rel).read_bytes()

    assert yamlio.dump_round_trip(yamlio.load_round_trip(rel, raw)) == raw


def test_round_trip_writes_lf_without_bom() -> None:
    raw = "\ufeff# 注释\r\nname: 甲  # 名称\r\nids: [\"01\", '02']\r\nx:\r\n  # 中间\r\n  - a\r\n".encode()

    out = yamlio.dump_round_trip(yamlio.load_round_trip("x", raw))

    assert out == "# 注释\nname: 甲  # 名称\nids: [\"01\", '02']\nx:\n  # 中间\n  - a\n".encode()


def test_round_trip_refuses_what_a_normal_read_refuses() -> None:
    with pytest.raises(InputError, match="YAML 别名"):
        yamlio.load_round_trip("x", _laughs(9).encode())


def test_an_unquoted_number_with_leading_zeros_keeps_its_zeros():
    data = yamlio.parse("x.yaml", "id: 0012\ncert_no: 041048220220005\ncount: 12\nzero: 0\nuscc: 914104820000000013\n")
    assert data == {"id": "0012", "cert_no": "041048220220005", "count": 12, "zero": 0, "uscc": 914104820000000013}

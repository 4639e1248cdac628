"""``ssj publish`` writes the results in the 公示系统 layout (SPEC §9): ``platform/公示结果.xlsx`` and ``.csv`` from the
shipped column mapping or the bureau's ``data/platform.yaml``, with the mapping in force as ``platform/columns.json``
so that the bundle's ``verify.py`` re-derives every cell from ``results.json``."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from shuangsuiji.core.platform import (
    column_problems,
    mapping_problems,
    platform_csv_row,
    platform_csv_values,
    platform_rows,
)
from tests.helpers import REPO, assigned, copy_example, git, ledger_records, run_ssj, snapshot

DEFAULT = REPO / "shuangsuiji/templates/platform/columns.yaml"
BUREAU_NAME = yaml.safe_load((REPO / "data/bureau.yaml").read_text(encoding="utf-8"))["name"]
ALL_DIGITS = "914104826992660477"  # a company of the shipped 危险化学品 file whose code has no letter


def ok(root: Path, *args: str) -> str:
    code, out, err = run_ssj(root, *args)
    assert code == 0, (args, out, err)
    return out


def finish(path: Path, day: str, n: int) -> None:
    """Fill a prefilled report as finished (top-level keys; JSON values are valid YAML flow values)."""
    values = {"status": "已办结", "check_dates": [day], "findings": f"检查情况（第 {n} 份）",
              "result": "未发现问题", "handling": f"处理意见（第 {n} 份）"}
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        key = line.split(":", 1)[0]
        if not line.startswith(("#", " ")) and key in values:
            lines[i] = f"{key}: {json.dumps(values.pop(key), ensure_ascii=False)}"
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory, frozen_clock) -> Path:
    """The example bureau in git: 二股 draws and finishes two reports, one of them for the all-digit code."""
    root = copy_example(tmp_path_factory.mktemp("platform") / "汝州")
    (root / ".gitignore").write_text(".ssj/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "测试员")
    git(root, "config", "user.email", "tester@example.invalid")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "示例数据")
    try:
        frozen_clock.set("2026-12-01")
        ok(root, "draw", "--section", "二股", "--ratio", "0.3", "--seed", "1", "--date", "2026-12-01")
        record = ledger_records(root, "ergu")[0]
        drawn = [a["entity"] for a in assigned(record)]
        picks = [ALL_DIGITS] if ALL_DIGITS in drawn else []
        picks += [e for e in drawn if e != ALL_DIGITS][:2 - len(picks)]
        frozen_clock.set("2026-12-05")
        for n, entity in enumerate(picks, 1):
            ok(root, "report", "new", "二股-0", entity)
            finish(root / f"data/reports/ergu/ergu-0-{entity}.yaml", f"2026-12-0{n + 1}", n)
        ok(root, "check")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "检查报告")
    finally:
        frozen_clock.set("2026-12-01")
    return root


@pytest.fixture(scope="module")
def published(repository: Path, tmp_path_factory: pytest.TempPathFactory, frozen_clock) -> Path:
    folder = tmp_path_factory.mktemp("out") / "公示包"
    frozen_clock.set("2026-12-06")
    try:
        ok(repository, "publish", "--out", str(folder))
    finally:
        frozen_clock.set("2026-12-01")
    return folder


def csv_table(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with its BOM
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def xlsx_table(path: Path) -> tuple[str, list[list[str]]]:
    sheet = openpyxl.load_workbook(path).active
    return sheet.title, [["" if c is None else c for c in row] for row in sheet.iter_rows(values_only=True)]


def verify(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-I", "verify.py", "--json"], cwd=folder, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def problems(folder: Path) -> list[str]:
    result = verify(folder)
    report = json.loads(result.stdout)
    assert result.returncode == (1 if report["problems"] else 0), result.stderr
    return [f"{p['path']}: {p['message']}" for p in report["problems"]]


def reseal_manifest(folder: Path) -> None:
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json")
    manifest = {"files": {rel: hashlib.sha256((folder / rel).read_bytes()).hexdigest() for rel in files}}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@pytest.fixture
def bundle(published: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "公示包"
    shutil.copytree(published, folder)
    return folder


# -- what publish writes ------------------------------------------------------------------------------------------

def test_publish_writes_both_platform_files_with_the_default_columns(published):
    results = json.loads((published / "results.json").read_text(encoding="utf-8"))["results"]
    default = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    headings = [c["heading"] for c in default["columns"]]
    title, book = xlsx_table(published / "platform/公示结果.xlsx")
    table = [platform_csv_values(row) for row in csv_table(published / "platform/公示结果.csv")]
    assert title == default["sheet"] == "抽查检查结果"
    assert book == table and len(table) == 1 + len(results) == 3
    assert table[0] == headings
    for row, result in zip(table[1:], results, strict=True):
        cell = dict(zip(headings, row, strict=True))
        assert cell["检查实施机关"] == BUREAU_NAME
        assert cell["检查类型"] == "双随机抽查"
        assert cell["抽查任务名称"] == f"2026年安全监管二股{result['checklist_name']}双随机抽查"
        assert cell["任务编号"] == result["draw"] == "二股-0"
        assert (cell["检查对象名称"], cell["统一社会信用代码"]) == (result["entity_name"], result["entity_id"])
        assert cell["检查方式"] == "现场检查" and result["method"] == "现场"  # through the mapping's values table
        assert cell["检查日期"] == result["finished_on"] and cell["检查结果"] == "未发现问题"
        assert cell["检查人员"] == "、".join(f"{p['name']}（{p['cert_no']}）" for p in result["inspectors"])
    # the mapping in force travels with the tables, and the manifest lists all three
    assert json.loads((published / "platform/columns.json").read_text(encoding="utf-8")) == default
    listed = json.loads((published / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert {"platform/columns.json", "platform/公示结果.csv", "platform/公示结果.xlsx"} <= set(listed)


def test_an_all_digit_code_stays_text_in_both_files(published):
    raw = csv_table(published / "platform/公示结果.csv")
    codes = [row[5] for row in raw[1:]]
    assert f'="{ALL_DIGITS}"' in codes  # Excel would show 9.14105E+17 for the bare number
    assert all(c == f'="{ALL_DIGITS}"' or not c.isdigit() for c in codes)
    sheet = openpyxl.load_workbook(published / "platform/公示结果.xlsx").active
    cell = next(c for c in sheet["F"] if c.value == ALL_DIGITS)
    assert cell.data_type == "s" and cell.number_format == "@"


def test_the_page_lists_the_platform_files(published):
    page = (published / "index.html").read_text(encoding="utf-8")
    for name in ("platform/公示结果.xlsx", "platform/公示结果.csv", "platform/columns.json"):
        assert f'href="{name}"' in page


BUREAU_MAPPING = """\
# 河南省应急管理综合业务系统的导入格式（示例）
sheet: 双随机结果
columns:
  - heading: 实施机关
    field: bureau
  - heading: 检查对象
    format: "{entity_name}（{entity_id}）"
  - heading: 结果
    field: 检查结果
    values:
      未发现问题: 正常
  - heading: 数据来源
    value: ssj
"""


def test_a_bureau_mapping_in_data_replaces_the_default(repository, tmp_path, frozen_clock):
    root = tmp_path / "汝州"
    shutil.copytree(repository, root)
    (root / "data/platform.yaml").write_text(BUREAU_MAPPING, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "省平台的列映射")
    frozen_clock.set("2026-12-06")
    ok(root, "publish", "--out", str(tmp_path / "公示包"))
    folder = tmp_path / "公示包"
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))["results"]
    expected = [["实施机关", "检查对象", "结果", "数据来源"],
                *([BUREAU_NAME, f"{r['entity_name']}（{r['entity_id']}）", "正常", "ssj"] for r in results)]
    assert xlsx_table(folder / "platform/公示结果.xlsx") == ("双随机结果", expected)
    assert [platform_csv_values(row) for row in csv_table(folder / "platform/公示结果.csv")] == expected
    assert json.loads((folder / "platform/columns.json").read_text(encoding="utf-8")) == yaml.safe_load(BUREAU_MAPPING)
    assert problems(folder) == []


# -- a bad mapping: refused, file and line named, nothing written --------------------------------------------------

BAD_MAPPINGS = {
    "unknown key": ("columns:\n  - heading: 检查结果\n    feild: result\n", 3, "未知字段 feild"),
    "unknown field": ("columns:\n  - heading: 检查对象\n    field: entity_name\n  - heading: 结果\n    field: reslt\n",
                      5, "没有字段“reslt”"),
    "unknown placeholder": ("columns:\n  - heading: 任务\n    format: \"{section}-{drw}\"\n", 3, "{drw} 不是字段"),
    "two sources": ("columns:\n  - heading: 类型\n    value: 双随机\n    field: method\n", 2, "三者之一"),
    "same heading twice": ("columns:\n  - heading: 结果\n    field: result\n  - heading: 结果\n    field: handling\n",
                           4, "与第 1 列重复"),
    "no columns": ("sheet: 结果\ncolumns: []\n", 2, "至少需要 1 项"),
    "bad sheet name": ("sheet: 结果/2026\ncolumns:\n  - heading: 结果\n    field: result\n", 1, "Excel 不接受"),
    "not yaml": ("columns:\n  - heading: [结果\n", None, ""),
}


@pytest.mark.parametrize("name", BAD_MAPPINGS)
def test_a_bad_bureau_mapping_is_refused_and_nothing_is_written(repository, tmp_path, frozen_clock, name):
    text, line, message = BAD_MAPPINGS[name]
    root = tmp_path / "汝州"
    shutil.copytree(repository, root)
    (root / "data/platform.yaml").write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "列映射")
    before = snapshot(root)
    head = git(root, "rev-parse", "HEAD")
    frozen_clock.set("2026-12-06")
    out = tmp_path / "公示包"
    code, stdout, stderr = run_ssj(root, "publish", "--out", str(out))
    assert code == 1 and "Traceback" not in stdout + stderr
    where = "data/platform.yaml:" + (str(line) if line else "")
    assert where in stderr and message in stderr, stderr
    assert snapshot(root) == before and git(root, "rev-parse", "HEAD") == head
    assert not out.exists() and not out.with_name("公示包.part").exists() and not out.with_name("公示包.zip").exists()


# -- verify.py holds the platform files to results.json --------------------------------------------------------------

def test_verify_py_passes_the_bundle(published):
    assert problems(published) == []


def test_an_edited_csv_cell_is_caught(bundle):
    path = bundle / "platform/公示结果.csv"
    rows = csv_table(path)
    rows[2][10] = "发现问题已责令改正"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    reseal_manifest(bundle)
    assert problems(bundle) == ["platform/公示结果.csv: 第 2 行“检查结果”一栏与 results.json 不符：应为 “未发现问题”，实为 “发现问题已责令改正”"]


def test_an_edited_xlsx_cell_is_caught(bundle):
    path = bundle / "platform/公示结果.xlsx"
    book = openpyxl.load_workbook(path)
    book.active["E2"] = "汝州市某某有限公司"
    book.save(path)
    reseal_manifest(bundle)
    found = problems(bundle)
    assert len(found) == 1 and found[0].startswith("platform/公示结果.xlsx: 第 1 行“检查对象名称”一栏与 results.json 不符")


def test_an_unsealed_edit_is_caught_by_the_manifest_too(bundle):
    path = bundle / "platform/公示结果.csv"
    path.write_bytes(path.read_bytes().replace("双随机抽查".encode(), "定向检查".encode(), 1))
    found = problems(bundle)
    assert "platform/公示结果.csv: 文件的 SHA-256 与清单不符（文件被改动过）" in found
    assert any(p.startswith("platform/公示结果.csv: 第 1 行“检查类型”一栏") for p in found)


def test_a_mapping_changed_without_its_tables_is_caught(bundle):
    path = bundle / "platform/columns.json"
    mapping = json.loads(path.read_text(encoding="utf-8"))
    mapping["columns"][1]["value"] = "定向检查"
    path.write_text(json.dumps(mapping, ensure_ascii=False), encoding="utf-8")
    reseal_manifest(bundle)
    found = problems(bundle)
    assert found == [f"platform/公示结果.{kind}: 第 1 行“检查类型”一栏与 results.json 不符：应为 “定向检查”，实为 “双随机抽查”"
                     for kind in ("csv", "xlsx")]


def test_a_broken_mapping_in_the_bundle_is_named(bundle):
    path = bundle / "platform/columns.json"
    mapping = json.loads(path.read_text(encoding="utf-8"))
    mapping["columns"][0] = {"heading": "检查实施机关", "field": "os.system"}
    path.write_text(json.dumps(mapping, ensure_ascii=False), encoding="utf-8")
    reseal_manifest(bundle)
    found = problems(bundle)
    assert len(found) == 1 and found[0].startswith("platform/columns.json: columns 第 1 列 field：没有字段“os.system”")


def test_a_missing_platform_file_is_named_and_an_older_bundle_without_any_passes(bundle):
    (bundle / "platform/公示结果.xlsx").unlink()
    reseal_manifest(bundle)
    assert problems(bundle) == ["platform/公示结果.xlsx: 缺少此文件（公示系统格式的三个文件应同时存在）"]
    shutil.rmtree(bundle / "platform")
    reseal_manifest(bundle)
    assert problems(bundle) == []  # bundles made before ssj wrote the platform layout


def test_other_files_in_platform_are_odd(bundle):
    (bundle / "platform/说明.csv").write_bytes("检查实施机关\r\n".encode())
    reseal_manifest(bundle)
    found = problems(bundle)
    assert len(found) == 1 and found[0].startswith("platform/说明.csv: 不是公示包应有的文件")


# -- the cells, from the core -------------------------------------------------------------------------------------

RESULT = {"section": "安全监管二股", "draw": "二股-3", "draw_date": "2026-11-30", "entity_id": "0012", "method": "书面",
          "check_dates": ["2026-12-01", "2026-12-02"], "inspectors": [{"name": "张三", "cert_no": "41001"}],
          "review": {"decision": "罚款"}, "result": "未发现问题"}


def test_fields_formats_fixed_values_and_value_tables():
    mapping = {"columns": [
        {"heading": "机关", "field": "bureau"}, {"heading": "年度任务", "format": "{year}-{draw}"},
        {"heading": "方式", "field": "method", "values": {"书面": "书面检查"}}, {"heading": "日期", "field": "check_dates"},
        {"heading": "人员", "field": "inspector_names"}, {"heading": "审理", "field": "集中审理意见"},
        {"heading": "类型", "value": "双随机抽查"}, {"heading": "代码", "field": "entity_id"},
    ]}
    assert platform_rows(mapping, [RESULT], "某局") == [
        ["机关", "年度任务", "方式", "日期", "人员", "审理", "类型", "代码"],
        ["某局", "2026-二股-3", "书面检查", "2026-12-01、2026-12-02", "张三", "罚款", "双随机抽查", "0012"]]
    row = platform_rows(mapping, [RESULT], "某局")[1]
    assert platform_csv_row(row)[-1] == '="0012"' and platform_csv_values(platform_csv_row(row)) == row


@pytest.mark.parametrize(("column", "message"), [
    ({"heading": "甲"}, "三者之一"),
    ({"heading": "甲", "field": "x", "value": "y"}, "三者之一"),
    ({"heading": "甲", "field": "nope"}, "没有字段“nope”"),
    ({"heading": "甲", "format": "{nope}"}, "{nope} 不是字段"),
    ({"heading": "甲", "value": "y", "values": ["a"]}, "对照表"),
    ({"heading": "甲", "value": "y", "colour": "red"}, "未知字段 colour"),
    ({"field": "result"}, "缺少列名"),
    ("甲", "每一列应为"),
])
def test_what_a_column_may_not_say(column, message):
    assert any(message in text for _, text in column_problems(column))


def test_the_whole_mapping_is_checked():
    assert mapping_problems({"columns": []})[0][1].startswith("映射应为")
    assert mapping_problems({"columns": [{"heading": "甲", "value": ""}], "extra": 1}) == [("extra", "未知字段 extra：可用 sheet、columns")]
    twice = mapping_problems({"columns": [{"heading": "甲", "value": ""}, {"heading": "甲", "value": ""}]})
    assert twice == [("columns 第 2 列", "列名“甲”与第 1 列重复")]
    assert mapping_problems(yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("name", ["unknown key", "unknown field", "not yaml"])
def test_ssj_check_names_a_bad_bureau_mapping(repository, tmp_path, frozen_clock, name):
    # the clerk learns of a broken data/platform.yaml from ssj check, not only on the day of publishing
    text, line, message = BAD_MAPPINGS[name]
    root = tmp_path / "汝州"
    shutil.copytree(repository, root)
    (root / "data/platform.yaml").write_text(text, encoding="utf-8")
    frozen_clock.set("2026-12-06")  # the reports' check dates are past
    code, stdout, stderr = run_ssj(root, "check")
    assert code == 1 and "Traceback" not in stdout + stderr
    where = "data/platform.yaml:" + (str(line) if line else "")
    assert where in stdout + stderr and message in stdout + stderr
    (root / "data/platform.yaml").write_text("columns:\n  - heading: 检查结果\n    field: result\n", encoding="utf-8")
    fixed = run_ssj(root, "check")
    assert fixed[0] == 0, fixed


#: the reviewer's attack: the bureau's mapping writes a finding of problems as "未发现问题" on the platform
RELABELLING = """\
columns:
  - heading: 检查对象
    field: entity_name
  - heading: 检查结果
    field: result
    values:
      发现问题已责令改正: 未发现问题
"""


def test_a_mapping_that_relabels_a_result_as_another_is_refused(repository, tmp_path, frozen_clock):
    root = tmp_path / "汝州"
    shutil.copytree(repository, root)
    (root / "data/platform.yaml").write_text(RELABELLING, encoding="utf-8")
    frozen_clock.set("2026-12-06")
    code, stdout, stderr = run_ssj(root, "check")
    assert code == 1 and "“检查结果”一栏把“发现问题已责令改正”写成了“未发现问题”" in stdout + stderr


@pytest.mark.parametrize(("column", "words"), [
    ({"heading": "检查结果", "value": "未发现问题"}, "只能取自结果（field）"),
    ({"heading": "方式", "field": "method", "values": {"现场": "检查", "书面": "检查"}}, "都写成“检查”"),
    ({"heading": "方式", "field": "method", "values": {"现场": "书面", "书面": "现场"}}, "不能互换"),
])
def test_a_mapping_column_that_could_hide_a_verdict_is_refused(column, words):
    from shuangsuiji.core.platform import column_problems

    assert any(words in message for _, message in column_problems(column))


def test_relabelling_is_found_against_the_words_the_results_use():
    # what verify.py runs on platform/columns.json and results.json (core.platform.relabelled)
    from shuangsuiji.core.platform import relabelled

    results = [{"result": "未发现问题"}, {"result": "发现问题已责令改正"}]
    lying = {"columns": [{"heading": "检查结果", "field": "result", "values": {"发现问题已责令改正": "未发现问题"}}]}
    coding = {"columns": [{"heading": "检查结果", "field": "result", "values": {"发现问题已责令改正": "02", "未发现问题": "01"}}]}
    assert relabelled(lying, results, "") == [("检查结果", "发现问题已责令改正", "未发现问题")]
    assert relabelled(coding, results, "") == []  # a platform's own codes are fine

"""``ssj import … --mapping F.yaml``: a platform's export, whose headings are not ssj's, read through the same kind
of column mapping that ``ssj publish`` writes the platform's layout with (SPEC §9)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from stdnum.cn import uscc

from shuangsuiji.registry import yamlio
from shuangsuiji.registry.import_columns import ENTITIES, mapped_kind
from shuangsuiji.registry.mapping import ColumnMapping
from tests.helpers import Result, snapshot

Ssj = Callable[..., Result]

#: how a provincial platform's company export names its columns (none of them ssj's own names)
PLATFORM_HEADER = ["序号", "主体代码", "主体名称", "行业领域", "经营场所", "企业规模"]

MAPPING = """\
# 河南省应急管理综合业务系统导出的企业信息
sheet: 企业信息
columns:
  - heading: 主体代码
    field: id
  - heading: 主体名称
    field: name
  - heading: 行业领域
    field: specialty
    values:
      危化: 危险化学品
      烟花: 烟花爆竹
  - heading: 经营场所
    field: address
"""


def code(n: int) -> str:
    base = f"91410482MB{n:07d}"[:17]
    return base + uscc.calc_check_digit(base)


def rows() -> list[list[Any]]:
    return [PLATFORM_HEADER,
            [1, code(1), "汝州市平台一号化工有限公司", "危化", "汝州市煤山街道平台路1号", "小型"],
            [2, code(2), "汝州市平台二号烟花爆竹经营部", "烟花", "汝州市钟楼街道平台路2号", "微型"],
            [None, None, None, None, None, None]]


def write_csv(path: Path, table: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream).writerows(["" if c is None else c for c in row] for row in table)
    return path


def entities_of(root: Path) -> dict[str, dict[str, Any]]:
    found = {}
    for file in sorted((root / "data/entities").glob("*.yaml")):
        for record in yamlio.load(file.name, file.read_bytes())["entities"]:
            found[str(record["id"])] = {**record, "_file": file.name}
    return found


def test_a_platform_export_is_imported_through_the_mapping(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    export = write_csv(tmp_path / "平台导出.csv", rows())
    mapping = tmp_path / "平台列.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    result = ssj(bureau, "import", "entities", str(export), "--mapping", str(mapping))
    assert result.code == 0, result.err
    found = entities_of(bureau)
    first, second = found[code(1)], found[code(2)]
    assert (first["name"], first["specialty"], first["address"], first["_file"]) == (
        "汝州市平台一号化工有限公司", "危险化学品", "汝州市煤山街道平台路1号", "危险化学品.yaml")
    assert (second["specialty"], second["_file"]) == ("烟花爆竹", "烟花爆竹.yaml")  # 烟花 → 烟花爆竹 by the values table
    assert "序号" in result.out and "企业规模" in result.out  # columns the mapping does not name are ignored, and said so


def test_without_the_mapping_the_same_export_is_refused(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    export = write_csv(tmp_path / "平台导出.csv", rows())
    before = snapshot(bureau)
    result = ssj(bureau, "import", "entities", str(export))
    assert result.code == 1 and "缺少必需的列" in result.err
    assert snapshot(bureau) == before


def test_the_mapping_names_the_sheet_and_a_fixed_value_fills_a_column_the_export_lacks(
        bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表由省平台导出"])
    sheet = book.create_sheet("企业信息")
    for row in rows():
        sheet.append([c for n, c in enumerate(row) if n != 3])  # no 行业领域 column at all
    book.save(tmp_path / "导出.xlsx")
    mapping = tmp_path / "平台列.yaml"
    mapping.write_text(MAPPING.replace("""  - heading: 行业领域
    field: specialty
    values:
      危化: 危险化学品
      烟花: 烟花爆竹
""", """  - heading: 行业类别
    value: 危险化学品
"""), encoding="utf-8")
    result = ssj(bureau, "import", "entities", str(tmp_path / "导出.xlsx"), "--mapping", str(mapping), "--dry-run")
    assert result.code == 0, result.err
    assert "企业信息" in result.out and "新增 2" in result.out  # the empty last row stays empty, fixed value or not
    result = ssj(bureau, "import", "entities", str(tmp_path / "导出.xlsx"), "--mapping", str(mapping))
    assert result.code == 0, result.err
    assert {entities_of(bureau)[code(n)]["specialty"] for n in (1, 2)} == {"危险化学品"}


BAD = {
    "unknown field": (MAPPING.replace("field: address", "field: adress"), 14, "监管对象没有字段“adress”"),
    "unknown key": (MAPPING.replace("field: address", "field: address\n    required: true"), 15, "未知字段 required"),
    "format": (MAPPING.replace("field: address", "format: \"{address}\""), 14, "导入时不能用 format"),
    "fixed value for an unknown column": (MAPPING + "  - heading: 规模\n    value: 小型\n", 15, "不是 ssj 认识的列名"),
}


@pytest.mark.parametrize("name", BAD)
def test_a_bad_mapping_names_its_file_and_line_and_nothing_is_written(
        bureau: Path, ssj: Ssj, tmp_path: Path, name: str) -> None:
    text, line, message = BAD[name]
    export = write_csv(tmp_path / "平台导出.csv", rows())
    mapping = tmp_path / "平台列.yaml"
    mapping.write_text(text, encoding="utf-8")
    before = snapshot(bureau)
    result = ssj(bureau, "import", "entities", str(export), "--mapping", str(mapping))
    assert result.code == 1 and "Traceback" not in result.err
    assert f"{mapping}:{line}" in result.err and message in result.err, result.err
    assert snapshot(bureau) == before


def test_a_missing_mapping_file_is_named(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    export = write_csv(tmp_path / "平台导出.csv", rows())
    result = ssj(bureau, "import", "entities", str(export), "--mapping", str(tmp_path / "没有.yaml"))
    assert result.code == 1 and "没有.yaml" in result.err and "找不到这个列映射文件" in result.err


def test_a_mapped_field_answers_to_its_heading_only() -> None:
    mapping = ColumnMapping.model_validate({"columns": [{"heading": "主体名称", "field": "name"},
                                                        {"heading": "单位名称", "field": "address"}]})
    kind = mapped_kind(ENTITIES, mapping)
    names = {c.field: c.names for c in kind.columns}
    assert names["name"] == ("主体名称",) and names["address"] == ("单位名称",)
    assert names["id"] == next(c.names for c in ENTITIES.columns if c.field == "id")  # unmapped fields keep ssj's names

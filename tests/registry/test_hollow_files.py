"""Registry files that hold no records (emptied, only comments, or ``entities: []``) are errors naming the file:
``ssj check`` fails, a draw refuses, and ``ssj import`` may still fill them (issue 12, part 7)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import Result, snapshot
from tests.registry.test_importing import INSPECTOR_HEADER, inspectors_of, write_csv

Ssj = Callable[..., Result]


def _errors(result: Result) -> list[str]:
    return [line for line in result.out.splitlines() if line.startswith("data/") and "警告：" not in line]


@pytest.mark.parametrize("content", [b"", b"# \xe5\x8f\xaa\xe6\x9c\x89\xe6\xb3\xa8\xe9\x87\x8a\n"], ids=["empty", "comments"])
def test_emptied_inspectors_file_is_one_error_not_zero_inspectors(bureau: Path, ssj: Ssj, content: bytes) -> None:
    (bureau / "data/inspectors.yaml").write_bytes(content)

    result = ssj(bureau, "check")

    assert result.code == 1
    assert _errors(result) == [
        "data/inspectors.yaml:1: 文件是空的，没有任何执法检查人员：请用 ssj import inspectors 导入（抽取记录和检查报告中的人员都出自这里）"]
    assert "检查通过" not in result.out
    assert "名在岗且持有效执法证的人员" not in result.out  # not six warnings besides


def test_entity_file_without_entities_is_an_error_naming_it(bureau: Path, ssj: Ssj) -> None:
    (bureau / "data/entities/空.yaml").write_text("# 新行业\nentities: []\n", encoding="utf-8")

    result = ssj(bureau, "check")

    assert result.code == 1
    assert _errors(result) == ["data/entities/空.yaml:2: 没有任何监管对象：请用 ssj import entities 导入单位，或删除这个文件"]


def test_emptied_sections_file_is_one_error_not_six_missing_sections(bureau: Path, ssj: Ssj) -> None:
    (bureau / "data/sections.yaml").write_bytes(b"")

    result = ssj(bureau, "check")

    assert result.code == 1
    assert "data/sections.yaml:1: 文件是空的，没有任何科室：应列出第十一条规定的六个科室（可参照 ssj init 生成的 data/sections.yaml）" in _errors(result)
    assert not any("缺少第十一条规定的科室" in line for line in result.out.splitlines())


def test_a_draw_refuses_when_the_inspectors_file_is_empty(bureau: Path, ssj: Ssj) -> None:
    (bureau / "data/inspectors.yaml").write_bytes(b"")
    before = snapshot(bureau)

    result = ssj(bureau, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "1")

    assert result.code == 1
    assert "data/inspectors.yaml:1: 文件是空的，没有任何执法检查人员" in result.err
    assert snapshot(bureau) == before


def test_import_fills_an_empty_inspectors_file(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    (bureau / "data/inspectors.yaml").write_text("inspectors: []\n", encoding="utf-8")
    rows = [INSPECTOR_HEADER, ["RZ901", "赵六", "二股", "41048220269901", "2027-06-30", "是", "", ""]]

    result = ssj(bureau, "import", "inspectors", str(write_csv(tmp_path / "人员.csv", rows)))

    assert result.code == 0, result.out + result.err
    assert list(inspectors_of(bureau)) == ["RZ901"]

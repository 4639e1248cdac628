"""``ssj import``: companies and inspectors from real .xlsx and .csv files into the YAML registries."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from stdnum.cn import ric, uscc

from shuangsuiji import workspace
from shuangsuiji.registry import yamlio
from shuangsuiji.registry.import_columns import ENTITIES, INSPECTORS, day, normalize_header
from shuangsuiji.registry.importing import import_file
from shuangsuiji.workspace import Workspace
from tests.helpers import REPO, Result, snapshot

Ssj = Callable[..., Result]

ENTITY_HEADER = ["统一社会信用代码", "单位名称", "行业类别", "地址", "乡镇/街道", "风险等级", "重点监管", "经营状态",
                 "法定代表人", "联系电话"]
INSPECTOR_HEADER = ["工号", "姓名", "科室", "执法证号", "有效期至", "在岗", "联系电话", "身份证号"]

#: a company of the shipped 冶金工贸 file (first record) and one of 危险化学品
KUNFA = "91410482671670574E"
KAIBANG = "92410482MA46GLGD23"


def code(n: int, prefix: str = "91410482MA") -> str:
    """A valid 统一社会信用代码 (check digit computed by python-stdnum)."""
    base = f"{prefix}{n:07d}"[:17]
    return base + uscc.calc_check_digit(base)


def id_card(birth: str, serial: str = "001") -> str:
    """A valid 身份证号 (check digit computed by python-stdnum)."""
    base = "410482" + birth + serial
    return base + ric.calc_check_digit(base + "0")  # it reads the first 17 of 18 characters


def wrong_check_digit(valid: str) -> str:
    return valid[:-1] + ("1" if valid[-1] != "1" else "2")


def company(n: int, **fields: Any) -> list[Any]:
    row = {"id": code(n), "name": f"汝州市测试{n}化工有限公司", "specialty": "危险化学品",
           "address": f"汝州市煤山街道人民路{n}号", "township": "煤山街道", "risk": "B", "key": "", "status": "在营",
           "legal_rep": "张三", "phone": "13800000000"}
    row.update(fields)
    return list(row.values())


def write_xlsx(path: Path, rows: list[list[Any]], sheet: str = "名录") -> Path:
    book = openpyxl.Workbook()
    worksheet = book.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    import csv

    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream).writerows(rows)
    return path


def entities_of(root: Path) -> dict[str, dict[str, Any]]:
    """Every company by id, as ssj reads it."""
    found = {}
    for file in sorted((root / "data" / "entities").glob("*.yaml")):
        for record in yamlio.load(file.name, file.read_bytes())["entities"]:
            found[str(record["id"])] = {**record, "_file": file.name}
    return found


def inspectors_of(root: Path) -> dict[str, dict[str, Any]]:
    raw = (root / "data" / "inspectors.yaml").read_bytes()
    return {str(r["id"]): r for r in yamlio.load("inspectors.yaml", raw)["inspectors"]}


def passes_check(ssj: Ssj, root: Path) -> None:
    result = ssj(root, "check")
    assert result.code == 0, result.out + result.err


def refused(ssj: Ssj, root: Path, *args: str) -> Result:
    """Run an import that must fail and prove it changed nothing."""
    before = snapshot(root)
    result = ssj(root, *args)
    assert result.code == 1, result.out + result.err
    assert snapshot(root) == before
    return result


# -- xlsx ----------------------------------------------------------------------------------------------


def test_xlsx_adds_companies_at_the_end_of_their_specialty_file(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    sheet = write_xlsx(tmp_path / "企业名录.xlsx", [ENTITY_HEADER, company(1), company(2, specialty="冶金工贸", key="是")])
    before = (bureau / "data/entities/危险化学品.yaml").read_text(encoding="utf-8")

    result = ssj(bureau, "import", "entities", str(sheet))

    assert result.code == 0, result.err
    assert "读取 企业名录.xlsx（工作表“名录”）" in result.out
    assert "合计：新增 2、更新 0、未变 0、跳过 0" in result.out
    after = (bureau / "data/entities/危险化学品.yaml").read_text(encoding="utf-8")
    assert after == before + (
        f'  - id: "{code(1)}"\n    name: 汝州市测试1化工有限公司\n    specialty: 危险化学品\n'
        "    address: 汝州市煤山街道人民路1号\n    township: 煤山街道\n    risk: B\n    status: 在营\n"
        '    legal_rep: 张三\n    phone: "13800000000"\n'
    )
    assert entities_of(bureau)[code(2)] | {"_file": None} == {
        "id": code(2), "name": "汝州市测试2化工有限公司", "specialty": "冶金工贸", "address": "汝州市煤山街道人民路2号",
        "township": "煤山街道", "risk": "B", "key": True, "status": "在营", "legal_rep": "张三", "phone": "13800000000",
        "_file": None,
    }
    assert entities_of(bureau)[code(2)]["_file"] == "冶金工贸.yaml"
    passes_check(ssj, bureau)


def test_xlsx_credit_code_stored_as_number_is_refused(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    all_digits = "914104826992660477"  # shipped (危险化学品), and all digits: Excel turns it into a number
    sheet = write_xlsx(tmp_path / "名录.xlsx", [ENTITY_HEADER, company(1), company(2, id=int(all_digits))])

    result = refused(ssj, bureau, "import", "entities", str(sheet))

    assert "名录.xlsx:第3行: 统一社会信用代码 在表格中被存成了数字，Excel 已经丢失了后几位；" \
           "请把该列设置为“文本”格式后重新输入" in result.err
    assert [line for line in result.err.splitlines() if "第3行" in line] == [  # one message, not also “缺少…”
        "名录.xlsx:第3行: 统一社会信用代码 在表格中被存成了数字，Excel 已经丢失了后几位；请把该列设置为“文本”格式后重新输入"]
    assert "1 行有错误，没有写入任何文件" in result.err


def test_xlsx_numbers_dates_and_flags_are_read_as_a_clerk_means_them(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    rows = [
        INSPECTOR_HEADER,
        [12.0, "王五", "二股", "41048220259901", dt.datetime(2027, 6, 30), "是", 13900000001, id_card("19900101")],
        ["RZ901", "赵六", "安全监管三股", 41048220259902, "2027/6/30", "否", "", ""],
        ["RZ902", "钱七", "zhifa", "41048220259903", "2028年1月5日", "", "0375-6012345", None],
    ]
    sheet = write_xlsx(tmp_path / "人员.xlsx", rows)

    result = ssj(bureau, "import", "inspectors", str(sheet))

    assert result.code == 0, result.err
    people = inspectors_of(bureau)
    assert people["12"] == {"id": "12", "name": "王五", "section": "ergu", "cert_no": "41048220259901",
                            "cert_expires": dt.date(2027, 6, 30), "active": True, "phone": "13900000001",
                            "id_card": id_card("19900101")}
    assert people["RZ901"] == {"id": "RZ901", "name": "赵六", "section": "sangu", "cert_no": "41048220259902",
                               "cert_expires": dt.date(2027, 6, 30), "active": False}
    assert people["RZ902"]["active"] is True and people["RZ902"]["cert_expires"] == dt.date(2028, 1, 5)
    text = (bureau / "data/inspectors.yaml").read_text(encoding="utf-8")
    assert '  - id: "12"\n    name: 王五\n    section: ergu\n    cert_no: "41048220259901"\n' in text
    passes_check(ssj, bureau)


def test_xlsx_id_card_stored_as_number_is_refused(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    rows = [INSPECTOR_HEADER, ["RZ901", "赵六", "三股", "41048220259902", "2027-06-30", "是", "", 410482199001010010]]
    result = refused(ssj, bureau, "import", "inspectors", str(write_xlsx(tmp_path / "人员.xlsx", rows)))
    assert "人员.xlsx:第2行: 身份证号 在表格中被存成了数字，Excel 已经丢失了后几位" in result.err


def test_xlsx_named_sheet_title_row_and_empty_rows(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["这一页不是名录", "别导入"])
    data = book.create_sheet("企业")
    for row in (["汝州市监管对象名录（2026年）"], [], ENTITY_HEADER, company(1), [None] * 10, company(2, id=wrong_check_digit(code(2)))):
        data.append(row)
    book.save(tmp_path / "名录.xlsx")

    result = refused(ssj, bureau, "import", "entities", str(tmp_path / "名录.xlsx"), "--sheet", "企业")

    assert f"名录.xlsx:第6行: 统一社会信用代码“{wrong_check_digit(code(2))}”校验位错误，请核对原始证照" in result.err
    missing = refused(ssj, bureau, "import", "entities", str(tmp_path / "名录.xlsx"), "--sheet", "没有")
    assert "没有名为“没有”的工作表（有：“说明”、“企业”）" in missing.err


# -- csv -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "shown"), [
    ("utf-8", "编码 UTF-8"),
    ("utf-8-sig", "编码 UTF-8（带 BOM）"),
    ("gbk", "编码 GB18030"),
    ("gb18030", "编码 GB18030"),
])
def test_csv_encodings(bureau: Path, ssj: Ssj, tmp_path: Path, encoding: str, shown: str) -> None:
    address = "汝州市煤山街道人民路1号，东院"  # a comma inside the field: the csv module quotes it
    sheet = write_csv(tmp_path / "名录.csv", [ENTITY_HEADER, company(1, address=address + ",2楼")], encoding)

    result = ssj(bureau, "import", "entities", str(sheet))

    assert result.code == 0, result.err
    assert f"读取 名录.csv（{shown}）" in result.out
    assert entities_of(bureau)[code(1)]["address"] == address + ",2楼"
    passes_check(ssj, bureau)


def test_csv_that_is_neither_utf8_nor_gb18030_is_refused(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    sheet = tmp_path / "名录.csv"
    sheet.write_bytes(",".join(ENTITY_HEADER).encode("gbk") + b"\n\x80\x80,abc\n")
    result = refused(ssj, bureau, "import", "entities", str(sheet))
    assert "名录.csv:2: 文件既不是 UTF-8 也不是 GB18030（GBK）编码" in result.err
    assert "CSV UTF-8（逗号分隔）" in result.err


def test_csv_in_utf16_is_refused_with_how_to_resave(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    sheet = tmp_path / "名录.csv"
    sheet.write_bytes("\t".join(ENTITY_HEADER).encode("utf-16"))
    assert "UTF-16 编码" in refused(ssj, bureau, "import", "entities", str(sheet)).err


def test_csv_multiline_quoted_field_keeps_row_numbers(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    sheet = tmp_path / "名录.csv"
    body = ",".join(ENTITY_HEADER) + "\n" + ",".join(map(str, company(1, name='"汝州市测试\n一号公司"'))) + "\n"
    body += ",".join(map(str, company(2, risk="E"))) + "\n"
    sheet.write_text(body, encoding="utf-8")
    result = refused(ssj, bureau, "import", "entities", str(sheet))
    assert "名录.csv:第3行: risk（风险等级）的值“E”不允许，可选：A、B、C、D" in result.err


# -- bad rows ------------------------------------------------------------------------------------------


BAD_ROWS = [
    ENTITY_HEADER,
    company(1),
    company(2, id=wrong_check_digit(code(2))),
    company(3, specialty="餐饮"),
    company(1, name="重复的一行"),
    company(5, phone="123"),
    company(6),
]


def test_bad_rows_are_all_listed_with_their_row_numbers_and_nothing_is_written(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    result = refused(ssj, bureau, "import", "entities", str(write_xlsx(tmp_path / "名录.xlsx", BAD_ROWS)))

    lines = [line for line in result.err.splitlines() if line.startswith("名录.xlsx:")]
    assert lines == [
        f"名录.xlsx:第3行: 统一社会信用代码“{wrong_check_digit(code(2))}”校验位错误，请核对原始证照",
        "名录.xlsx:第4行: 行业类别“餐饮”没有科室监管（可选：冶金工贸、危险化学品、安全培训机构、烟花爆竹、非煤矿山）",
        f"名录.xlsx:第5行: 统一社会信用代码 {code(1)} 与第 2 行重复",
        "名录.xlsx:第6行: 联系电话“123”格式不对：应为11位手机号或带区号的座机号（如 0375-6012345）",
    ]
    assert "名录.xlsx：4 行有错误，没有写入任何文件" in result.err


def test_skip_bad_imports_the_good_rows_and_lists_the_bad(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    result = ssj(bureau, "import", "entities", str(write_xlsx(tmp_path / "名录.xlsx", BAD_ROWS)), "--skip-bad")

    assert result.code == 0, result.err
    assert "以下 4 行有错误，已跳过：" in result.out
    assert "名录.xlsx:第4行: 行业类别“餐饮”没有科室监管" in result.out
    assert "合计：新增 2、更新 0、未变 0、跳过 4" in result.out
    companies = entities_of(bureau)
    assert companies[code(1)]["name"] == "汝州市测试1化工有限公司"
    assert code(6) in companies and code(3) not in companies and code(5) not in companies
    passes_check(ssj, bureau)


def test_skip_bad_with_nothing_good_fails(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    sheet = write_xlsx(tmp_path / "名录.xlsx", [ENTITY_HEADER, company(3, specialty="餐饮")])
    result = refused(ssj, bureau, "import", "entities", str(sheet), "--skip-bad")
    assert "名录.xlsx：1 行全部有错误，没有导入任何内容" in result.err


def test_sheet_without_data_rows_fails(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "名录.csv", [ENTITY_HEADER, [""] * 10, [" "] * 10])
    assert "名录.csv：表中没有数据行" in refused(ssj, bureau, "import", "entities", str(sheet)).err


def test_missing_required_columns_are_named(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "名录.csv", [["统一社会信用代码", "单位名称", "电话"], [code(1), "某公司", "13800000000"]])
    result = refused(ssj, bureau, "import", "entities", str(sheet))
    assert "名录.csv：缺少必需的列 行业类别、地址（第 1 行是表头）。可以识别的列名：统一社会信用代码（或 社会信用代码、信用代码）" in result.err


def test_header_spelling_variants_are_recognised(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    header = [" 序号 ", "统一社会信用代码（必填）", "*企业名称", "所属行业", "生产经营地址", "乡镇／街道", "风险等级(A-D)",
              "是否重点监管", "登记状态", "法人代表", "手机", "备注"]
    row = [1, code(1), "汝州市某公司", "烟花爆竹", "汝州市某路1号", "纸坊镇", "ａ级", "√", "存续", "李四", 13800000000, "新开业"]
    result = ssj(bureau, "import", "entities", str(write_xlsx(tmp_path / "名录.xlsx", [header, row])))

    assert result.code == 0, result.err
    assert "未识别的列已忽略：序号、备注" in result.out
    assert entities_of(bureau)[code(1)] | {"_file": ""} == {
        "id": code(1), "name": "汝州市某公司", "specialty": "烟花爆竹", "address": "汝州市某路1号", "township": "纸坊镇",
        "risk": "A", "key": True, "status": "在营", "legal_rep": "李四", "phone": "13800000000", "_file": "",
    }


def test_misspelt_and_doubled_columns_are_refused(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    typo = write_csv(tmp_path / "a.csv", [[*ENTITY_HEADER[:5], "风险等极"], company(1)[:6]])
    assert "a.csv：“风险等极”像是“风险等级”的笔误，请改正表头后重试" in refused(ssj, bureau, "import", "entities", str(typo)).err
    doubled = write_csv(tmp_path / "b.csv", [[*ENTITY_HEADER, "手机"], [*company(1), "13900000000"]])
    assert "b.csv：列“联系电话”和“手机”都是联系电话，请只保留一列" in refused(ssj, bureau, "import", "entities", str(doubled)).err


@pytest.mark.parametrize("name", ["名录.xls", "名录.txt", "名录.json"])
def test_other_file_types_are_refused(bureau: Path, ssj: Ssj, tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"x")
    result = refused(ssj, bureau, "import", "entities", str(tmp_path / name))
    assert (".xls 文件：请在 Excel 或 WPS 中“另存为” .xlsx" if name.endswith(".xls") else "只能导入 .xlsx（Excel 工作簿）或 .csv 文件") in result.err


def test_damaged_xlsx_and_missing_file_are_refused(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    (tmp_path / "坏.xlsx").write_bytes(b"not a zip")
    assert "无法作为 .xlsx 工作簿打开" in refused(ssj, bureau, "import", "entities", str(tmp_path / "坏.xlsx")).err
    assert "没有.csv: 找不到这个文件" in refused(ssj, bureau, "import", "entities", str(tmp_path / "没有.csv")).err


# -- inspectors ----------------------------------------------------------------------------------------


def test_inspector_rows_are_checked_against_sections_and_certificates(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    rows = [
        INSPECTOR_HEADER,
        ["RZ901", "甲", "五股", "41048220259901", "2027-06-30", "是", "", ""],
        ["RZ902", "乙", "二股", "41048220220005", "2027-06-30", "是", "", ""],  # RZ001's certificate
        ["RZ903", "丙", "二股", "41048220259903", "2027-13-01", "在", "", ""],
        ["RZ904", "丁", "二股", "41048220259904", "2027-06-30", "", "", "410482199001010011"],
    ]
    result = refused(ssj, bureau, "import", "inspectors", str(write_csv(tmp_path / "人员.csv", rows)))
    lines = [line for line in result.err.splitlines() if line.startswith("人员.csv:")]
    assert lines[0].startswith("人员.csv:第2行: 科室 的值“五股”不是本局的科室；可用的科室：安全监管一股（一股、yigu）")
    assert lines[1:] == [
        "人员.csv:第3行: 执法证号 41048220220005 已属于工号 RZ001，一个执法证号只能对应一人",
        "人员.csv:第4行: 有效期至 的值“2027-13-01”不是有效日期",
        "人员.csv:第4行: 在岗 应填“是”或“否”，而不是“在”",
        "人员.csv:第5行: 身份证号“410482199001010011”无效（长度、出生日期或校验位错误）",
    ]


def test_updating_an_inspector_keeps_comments_and_other_fields(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    path = bureau / "data/inspectors.yaml"
    before = path.read_text(encoding="utf-8")
    # RZ004 is the last of 一股: drop its ID card so that the import appends a key above “# 安全监管二股”
    path.write_text(before.replace('    id_card: "412533197810188338"\n', ""), encoding="utf-8")
    rows = [["工号", "姓名", "所属科室", "执法证编号", "执法证有效期", "身份证号码", "手机"],
            ["RZ002", "朱建国", "一股", "41048220230009", "2028-06-30", "", "13912345678"],
            ["RZ004", "邹超", "一股", "41048220210007", "2029/6/30", "412533197810188338", ""],
            ["RZ003", "韩晓丽", "yigu", "41048220240011", "2029-03-31", "", ""]]

    result = ssj(bureau, "import", "inspectors", str(write_csv(tmp_path / "人员.csv", rows)))

    assert result.code == 0, result.err
    assert "合计：新增 0、更新 2、未变 1、跳过 0" in result.out
    expected = (before.replace('    phone: "17698353923"\n', '    phone: "13912345678"\n')
                .replace("    cert_expires: 2026-06-30  # 执法证已过期，待换证\n", "    cert_expires: 2029-06-30  # 执法证已过期，待换证\n"))
    assert path.read_text(encoding="utf-8") == expected
    assert '      - entity: "92410482MA4FLXCGXA"  # 汝州市豫航石料厂\n' in expected
    passes_check(ssj, bureau)


# -- merging -------------------------------------------------------------------------------------------


def test_update_changes_only_the_given_fields_in_place(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    path = bureau / "data/entities/冶金工贸.yaml"
    before = path.read_text(encoding="utf-8")
    header = ["统一社会信用代码", "单位名称", "行业类别", "地址", "风险等级", "重点监管"]
    row = [KUNFA, "汝州市坤发汝瓷有限公司", "冶金工贸", "汝州市煤山街道建设路6号", "A", "是"]

    result = ssj(bureau, "import", "entities", str(write_csv(tmp_path / "名录.csv", [header, row])))

    assert result.code == 0, result.err
    assert path.read_text(encoding="utf-8") == before.replace(
        "    risk: D\n    status: 在营\n    legal_rep: 徐燕\n",
        "    risk: A\n    key: true\n    status: 在营\n    legal_rep: 徐燕\n", 1)
    assert before.startswith("# 监管对象名录库：冶金工贸（《细则》第六条；示例：汝州市应急管理局）\n")
    again = ssj(bureau, "import", "entities", str(tmp_path / "名录.csv"))
    assert "合计：新增 0、更新 0、未变 1、跳过 0" in again.out
    assert "名录已是最新，没有需要写入的变化。" in again.out


def test_company_whose_specialty_changed_moves_to_its_file(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    old = entities_of(bureau)[KUNFA]
    header = ["统一社会信用代码", "单位名称", "行业类别", "地址"]
    sheet = write_csv(tmp_path / "名录.csv", [header, [KUNFA, old["name"], "危险化学品", old["address"]]])

    result = ssj(bureau, "import", "entities", str(sheet), "--json")

    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["files"] == [
        {"file": "data/entities/冶金工贸.yaml", "added": 0, "updated": 0, "unchanged": 0, "moved_out": 1},
        {"file": "data/entities/危险化学品.yaml", "added": 0, "updated": 1, "unchanged": 0, "moved_out": 0},
    ]
    moved = entities_of(bureau)[KUNFA]
    assert moved == {**old, "specialty": "危险化学品", "_file": "危险化学品.yaml"}
    assert (bureau / "data/entities/危险化学品.yaml").read_text(encoding="utf-8").endswith(
        f'  - id: "{KUNFA}"\n    name: 汝州市坤发汝瓷有限公司\n    specialty: 危险化学品\n    address: 汝州市煤山街道建设路6号\n'
        '    township: 煤山街道\n    risk: D\n    status: 在营\n    legal_rep: 徐燕\n    phone: "15996661742"\n')
    assert KUNFA not in (bureau / "data/entities/冶金工贸.yaml").read_text(encoding="utf-8")
    passes_check(ssj, bureau)


def test_new_specialty_gets_a_new_file_with_a_neutral_header(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    sections = bureau / "data/sections.yaml"
    sections.write_text(sections.read_text(encoding="utf-8").replace(
        "specialties: [冶金工贸]\n", "specialties: [冶金工贸, 粉尘涉爆]\n", 1), encoding="utf-8")
    sheet = write_xlsx(tmp_path / "名录.xlsx", [ENTITY_HEADER, company(1, specialty="粉尘涉爆", key="否", phone=None)])

    assert ssj(bureau, "import", "entities", str(sheet)).code == 0

    assert (bureau / "data/entities/粉尘涉爆.yaml").read_text(encoding="utf-8") == (
        "# 监管对象名录库：粉尘涉爆（《细则》第六条；由 ssj import 新建）\n"
        "# id: 统一社会信用代码；name: 单位名称；specialty: 行业类别；address: 地址；township: 乡镇/街道\n"
        "# risk: 风险等级（A–D，尚未评定的不写）；key: 重点监管（true 为重点监管单位，不写即否）\n"
        "# status: 经营状态（在营/停业/注销/吊销）；legal_rep: 法定代表人（不公开）；phone: 联系电话（不公开）\n"
        "entities:\n"
        f'  - id: "{code(1)}"\n    name: 汝州市测试1化工有限公司\n    specialty: 粉尘涉爆\n'
        "    address: 汝州市煤山街道人民路1号\n    township: 煤山街道\n    risk: B\n    status: 在营\n    legal_rep: 张三\n"
    )
    passes_check(ssj, bureau)


def test_dry_run_writes_nothing(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    before = snapshot(bureau)
    result = ssj(bureau, "import", "entities", str(write_xlsx(tmp_path / "名录.xlsx", [ENTITY_HEADER, company(1)])), "--dry-run")
    assert result.code == 0, result.err
    assert "预演（未写入）" in result.out and "合计：新增 1、更新 0、未变 0、跳过 0" in result.out
    assert "这是预演（--dry-run），没有写入任何文件。" in result.out
    assert snapshot(bureau) == before


def test_dry_run_with_bad_rows_fails_and_writes_nothing(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    refused(ssj, bureau, "import", "entities", str(write_xlsx(tmp_path / "名录.xlsx", BAD_ROWS)), "--dry-run")


def test_json_report(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "名录.csv", [["序号", *ENTITY_HEADER], [1, *company(1)], [2, *company(2, risk="F")]])
    result = ssj(bureau, "import", "entities", str(sheet), "--json", "--skip-bad")
    assert result.code == 0, result.err
    assert json.loads(result.out) == {
        "kind": "entities", "file": "名录.csv", "sheet": None, "encoding": "UTF-8", "ok": True, "written": True,
        "dry_run": False, "ignored_columns": ["序号"], "added": 1, "updated": 0, "unchanged": 0, "skipped": 1,
        "deleted": [],
        "files": [{"file": "data/entities/危险化学品.yaml", "added": 1, "updated": 0, "unchanged": 0, "moved_out": 0}],
        "errors": [{"row": 3, "message": "risk（风险等级）的值“F”不允许，可选：A、B、C、D"}],
    }
    failing = ssj(bureau, "import", "entities", str(sheet), "--json")
    assert failing.code == 1 and json.loads(failing.out)["ok"] is False


def test_broken_registry_is_refused_before_import(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    path = bureau / "data/entities/烟花爆竹.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("risk: A", "risk: Q", 1), encoding="utf-8")
    result = refused(ssj, bureau, "import", "entities", str(write_csv(tmp_path / "名录.csv", [ENTITY_HEADER, company(1)])))
    assert "监管对象名录或科室文件有 1 处错误" in result.err


def test_failed_write_leaves_no_file_changed_and_no_temporary_file(
    bureau: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    sheet = write_csv(tmp_path / "名录.csv", [ENTITY_HEADER, company(1), company(2, specialty="冶金工贸")])
    before = snapshot(bureau)
    real = workspace.write_temporary
    written: list[Path] = []

    def disk_full_on_the_second_file(target: Path, content: bytes) -> Path:
        if written:
            raise OSError("disk full")
        written.append(real(target, content))
        return written[-1]

    monkeypatch.setattr(workspace, "write_temporary", disk_full_on_the_second_file)
    with pytest.raises(OSError, match="disk full"):
        import_file(Workspace(bureau), "entities", sheet)
    assert len(written) == 1 and not written[0].exists()
    assert snapshot(bureau) == before
    assert not list((bureau / "data").rglob("*.tmp"))


def test_many_rows_import_in_one_pass(bureau: Path, tmp_path: Path) -> None:
    rows = [ENTITY_HEADER, *(company(n, phone=13800000000 + n) for n in range(1, 3001))]
    result = import_file(Workspace(bureau), "entities", write_xlsx(tmp_path / "名录.xlsx", rows))
    assert result.totals == {"added": 3000, "updated": 0, "unchanged": 0, "skipped": 0}
    companies = entities_of(bureau)
    assert companies[code(3000)]["phone"] == "13800003000"
    assert len(companies) == 322 + 3000


# -- pieces --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "normal"), [
    (" 统一社会信用代码（必填） ", "统一社会信用代码"),
    ("乡镇／街道", "乡镇/街道"),
    ("*单位名称", "单位名称"),
    ("有效期至【格式：2027-06-30】", "有效期至"),
    ("风险等级\n(A/B/C/D)", "风险等级"),
])
def test_normalize_header(header: str, normal: str) -> None:
    assert normalize_header(header) == normal


@pytest.mark.parametrize(("cell", "expected"), [
    (dt.datetime(2027, 6, 30), dt.date(2027, 6, 30)),
    ("2027-06-30", dt.date(2027, 6, 30)),
    ("2027/6/30", dt.date(2027, 6, 30)),
    ("2027年6月30日", dt.date(2027, 6, 30)),
    ("２０２７年６月３０日", dt.date(2027, 6, 30)),
    ("2027.6.30", dt.date(2027, 6, 30)),
    ("20270630", dt.date(2027, 6, 30)),
    (20270630, dt.date(2027, 6, 30)),
    (46568, dt.date(2027, 6, 30)),
    ("2027-06-30 00:00:00", dt.date(2027, 6, 30)),
    (None, None),
])
def test_dates(cell: Any, expected: dt.date | None) -> None:
    assert day(cell) == expected


def test_every_accepted_column_name_is_in_the_docs() -> None:
    docs = (REPO / "docs" / "import.md").read_text(encoding="utf-8")
    for kind in (ENTITIES, INSPECTORS):
        for name in [n for column in kind.columns for n in column.names] + sorted(kind.neighbours):
            assert f"`{name}`" in docs


def test_emitted_items_read_back_as_written() -> None:
    tricky = ["yes", "No", "null", "0375", "1e3", "汝州: 甲", "汝州 #1", "- 列表", "汝州\u2028市", "汝州\x85", "\ufeff汝州",
              'a"b\\c', "汝州 ", "2027-06-30", "~", "汝州市\t一号", "B", "yigu", "@x", "`x"]
    records = [{"id": "9141", "name": text, "flag": True, "day": dt.date(2027, 6, 30)} for text in tricky]
    text = "entities:\n" + yamlio.emit_items(records, frozenset({"id"}))
    assert yamlio.load("x", text.encode("utf-8"))["entities"] == records
    assert '  - id: "9141"\n    name: "yes"\n    flag: true\n    day: 2027-06-30\n' in text
    assert "    name: B\n" in text and "    name: yigu\n" in text


def test_key_appended_at_the_end_of_a_record_keeps_the_comment_below_it() -> None:
    source = 'people:\n  - id: "1"\n    day: 2026-06-30  # 过期\n  # 二股\n  - id: "2"\n    name: 乙\n  # 结尾\n'
    document = yamlio.load_round_trip("x", source.encode("utf-8"))
    yamlio.set_key(document["people"][0], "phone", yamlio.quoted("139"), 2)
    yamlio.set_key(document["people"][1], "phone", yamlio.quoted("138"), 2)
    assert yamlio.dump_round_trip(document).decode("utf-8") == (
        'people:\n  - id: "1"\n    day: 2026-06-30  # 过期\n    phone: "139"\n  # 二股\n'
        '  - id: "2"\n    name: 乙\n    phone: "138"\n  # 结尾\n'
    )


def test_removed_item_leaves_the_comment_above_the_next_one() -> None:
    source = 'people:\n  - id: "1"\n  - id: "2"  # 二\n  # 三股\n  - id: "3"\n'
    document = yamlio.load_round_trip("x", source.encode("utf-8"))
    removed = yamlio.remove_item(document["people"], 1)
    assert removed["id"] == "2"
    assert yamlio.dump_round_trip(document).decode("utf-8") == 'people:\n  - id: "1"\n  # 三股\n  - id: "3"\n'


def test_start_date_column_beside_the_expiry_is_ignored_not_taken_for_a_typo(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    rows = [["工号", "姓名", "科室", "执法证号", "有效期起", "有效期止"],
            ["RZ901", "甲", "二股", "41048220259901", "2024-07-01", "2029-06-30"]]
    result = ssj(bureau, "import", "inspectors", str(write_csv(tmp_path / "人员.csv", rows)))
    assert result.code == 0, result.err
    assert "未识别的列已忽略：有效期起" in result.out
    assert inspectors_of(bureau)["RZ901"]["cert_expires"] == dt.date(2029, 6, 30)
    passes_check(ssj, bureau)


def _add_specialty(root: Path, name: str) -> None:
    sections = root / "data/sections.yaml"
    text = sections.read_text(encoding="utf-8")
    sections.write_text(text.replace("specialties: [冶金工贸]\n", f'specialties: [冶金工贸, "{name}"]\n', 1), encoding="utf-8")


def test_records_appended_to_an_empty_list_look_alike(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    _add_specialty(bureau, "粉尘涉爆")
    (bureau / "data/entities/粉尘涉爆.yaml").write_text("# 粉尘涉爆企业（自建）\nentities: []\n", encoding="utf-8")
    rows = [ENTITY_HEADER, company(1, specialty="粉尘涉爆"), company(2, specialty="粉尘涉爆", key="√", township=None)]

    assert ssj(bureau, "import", "entities", str(write_xlsx(tmp_path / "名录.xlsx", rows))).code == 0

    def record(n: int, extra: str) -> str:
        return (f'  - id: "{code(n)}"\n    name: 汝州市测试{n}化工有限公司\n    specialty: 粉尘涉爆\n'
                f"    address: 汝州市煤山街道人民路{n}号\n{extra}    status: 在营\n    legal_rep: 张三\n"
                '    phone: "13800000000"\n')

    assert (bureau / "data/entities/粉尘涉爆.yaml").read_text(encoding="utf-8") == (
        "# 粉尘涉爆企业（自建）\nentities:\n" + record(1, "    township: 煤山街道\n    risk: B\n")
        + record(2, "    risk: B\n    key: true\n"))
    passes_check(ssj, bureau)


def test_specialty_that_cannot_be_a_file_name_is_refused(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    _add_specialty(bureau, "金属/冶炼")
    rows = [ENTITY_HEADER, company(1, specialty="金属/冶炼")]
    result = refused(ssj, bureau, "import", "entities", str(write_csv(tmp_path / "名录.csv", rows)))
    assert "名录.csv:第2行: 行业类别“金属/冶炼”含有不能用作文件名的字符" in result.err


def test_registry_saved_with_bom_and_crlf_is_written_back_as_utf8_with_lf(bureau: Path, ssj: Ssj, tmp_path: Path) -> None:
    path = bureau / "data/entities/冶金工贸.yaml"
    original = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + original.replace(b"\n", b"\r\n"))
    header = ["统一社会信用代码", "单位名称", "行业类别", "地址", "风险等级"]
    sheet = write_csv(tmp_path / "名录.csv", [header, [KUNFA, "汝州市坤发汝瓷有限公司", "冶金工贸", "汝州市煤山街道建设路6号", "C"]])

    assert ssj(bureau, "import", "entities", str(sheet)).code == 0

    assert path.read_bytes() == original.replace(b"    risk: D\n", b"    risk: C\n", 1)
    passes_check(ssj, bureau)

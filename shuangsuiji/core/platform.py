"""The results in a platform's layout (SPEC §9): ``platform/公示结果.csv`` and ``.xlsx``, each row made from one
result of ``results.json`` through a column mapping. The bundle carries the mapping in force as
``platform/columns.json``, so ``verify.py`` re-derives every cell from ``results.json`` with these same functions.

A column is ``{"heading": 列名, "field": 字段}`` (a field of the result), ``{"heading", "value": 固定值}`` or
``{"heading", "format": "{section}{checklist_name}"}`` (fields in braces), with an optional ``"values"`` table that
turns ssj's words into the platform's (``{"现场": "现场检查"}``)."""

from __future__ import annotations

import csv
import os
import re
import zipfile
from xml.etree import ElementTree

from shuangsuiji.core.chain import strict_json
from shuangsuiji.core.results import COLUMNS
from shuangsuiji.core.tables import xlsx_rows

PLATFORM_COLUMNS = "platform/columns.json"
PLATFORM_CSV = "platform/公示结果.csv"
PLATFORM_XLSX = "platform/公示结果.xlsx"
#: the platform files of a bundle (all three or none: bundles made before ssj wrote them have none)
PLATFORM_FILES = (PLATFORM_COLUMNS, PLATFORM_CSV, PLATFORM_XLSX)
#: what a column may hold; exactly one of field, value and format
COLUMN_KEYS = ("heading", "field", "value", "format", "values")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _listed(values, sep: str) -> str:
    return sep.join(str(v) for v in values or [])


def _reviewed(result: dict, key: str) -> str:
    return str((result.get("review") or {}).get(key) or "")


def _result_text(key: str):
    return lambda result, bureau: str(result.get(key) or "")


#: field → (what it holds, its text for one result and the bureau's name); results.csv's headings are fields too
FIELDS = {
    "bureau": ("本局名称（检查实施机关），即 results.json 的 bureau", lambda r, b: b),
    "section": ("实施检查的科室", _result_text("section")),
    "draw": ("抽取记录编号，如 二股-3（可在台账和网页中查到）", _result_text("draw")),
    "draw_hash": ("抽取记录的 SHA-256 哈希", _result_text("draw_hash")),
    "draw_date": ("抽取日期", _result_text("draw_date")),
    "year": ("抽取所在年度，如 2026", lambda r, b: str(r.get("draw_date") or "")[:4]),
    "checklist_item": ("抽查事项编号", _result_text("checklist_item")),
    "checklist_name": ("抽查事项名称", _result_text("checklist_name")),
    "method": ("检查方式：现场 或 书面", _result_text("method")),
    "check_dates": ("检查日期（多日以“、”分隔）", lambda r, b: _listed(r.get("check_dates"), "、")),
    "finished_on": ("检查完成日期（最后一个检查日期）", _result_text("finished_on")),
    "entity_id": ("检查对象的统一社会信用代码", _result_text("entity_id")),
    "entity_name": ("检查对象名称", _result_text("entity_name")),
    "address": ("检查对象地址", _result_text("address")),
    "specialty": ("检查对象的行业类别", _result_text("specialty")),
    "contents": ("检查内容（以“；”分隔）", lambda r, b: _listed(r.get("contents"), "；")),
    "findings": ("检查情况", _result_text("findings")),
    "result": ("检查结果（本局 result_categories 中的一项）", _result_text("result")),
    "handling": ("处理意见", _result_text("handling")),
    "suggestions": ("建议", _result_text("suggestions")),
    "rectification_deadline": ("整改期限", _result_text("rectification_deadline")),
    "review_date": ("集中审理日期", lambda r, b: _reviewed(r, "date")),
    "review_decision": ("集中审理意见", lambda r, b: _reviewed(r, "decision")),
    "review_penalty": ("处罚决定", lambda r, b: _reviewed(r, "penalty")),
    "inspectors": ("检查人员及执法证号，如 张三（41…）、李四（41…）",
                   lambda r, b: _listed([f"{p.get('name')}（{p.get('cert_no')}）" for p in r.get("inspectors") or []], "、")),
    "inspector_names": ("检查人员姓名（以“、”分隔）", lambda r, b: _listed([p.get("name") for p in r.get("inspectors") or []], "、")),
    "fairness_text": ("抽取公平性（一句话）", _result_text("fairness_text")),
}


def field_getter(name: str):
    """The text of field ``name`` for (result, bureau), or None when there is no such field."""
    if name in FIELDS:
        return FIELDS[name][1]
    heading = dict(COLUMNS).get(name)  # a heading of results.csv: that column's text
    return None if heading is None else (lambda result, bureau: str(heading(result)))


def column_problems(column) -> list:
    """What is wrong with one column of a mapping: [(key, message), …], empty when it can be used."""
    if not isinstance(column, dict):
        return [("", "每一列应为若干“键: 值”（heading 和 field、value、format 之一）")]
    found = [(key, f"未知字段 {key}：每一列可用 {'、'.join(COLUMN_KEYS)}") for key in column if key not in COLUMN_KEYS]
    if not isinstance(column.get("heading"), str) or not column["heading"].strip():
        found.append(("heading", "缺少列名 heading"))
    given = [key for key in ("field", "value", "format") if key in column]
    if len(given) != 1:
        found.append(("", f"每一列应有 field、value、format 三者之一（这一列有 {len(given)} 个）"))
    for key in given:
        if not isinstance(column[key], str):
            found.append((key, f"{key} 应为文字"))
    if isinstance(column.get("field"), str) and field_getter(column["field"]) is None:
        found.append(("field", f"没有字段“{column['field']}”：{known_fields()}"))
    if isinstance(column.get("format"), str):
        found += [("format", f"格式中的 {{{name}}} 不是字段：{known_fields()}")
                  for name in _PLACEHOLDER.findall(column["format"]) if field_getter(name) is None]
    values = column.get("values", {})
    if not isinstance(values, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in values.items()):
        found.append(("values", "values 应为“原值: 平台的写法”的对照表"))
        return found
    found += _values_problems(column, values)
    heading = column.get("heading")
    if ("value" in column or "format" in column) and heading in VERDICT_HEADINGS:
        found.append(("heading", f"“{heading}”一栏说的是检查结论，只能取自结果（field），不能写成固定文字或格式"))
    return found


#: fields that carry the verdict of a check: the platform table shows them as ssj recorded them, never translated
VERDICT_FIELDS = ("findings", "result", "handling", "suggestions", "rectification_deadline", "review_decision",
                  "review_penalty", "检查情况", "检查结果", "处理意见", "建议", "整改期限", "集中审理意见", "处罚决定",
                  "后续处置", "整改复查", "结案情况")
#: headings that must come from those fields (a fixed 检查结果 would say the same of every company)
VERDICT_HEADINGS = ("检查情况", "检查结果", "处理意见", "建议", "整改期限", "集中审理意见", "处罚决定", "后续处置",
                    "整改复查", "结案情况")


def _values_problems(column: dict, values: dict) -> list:
    """A ``values`` table only renames words one to one (现场 → 现场检查, 未发现问题 → the platform's code): it never
    merges two words into one, nor turns one word into another it also renames. (That no word becomes another
    word the results use is :func:`relabelled`: it needs the results.)"""
    if not values:
        return []
    found = []
    seen: dict = {}
    for source, target in values.items():
        if target in seen:
            found.append(("values", f"values 把“{seen[target]}”和“{source}”都写成“{target}”：平台上就分不清了"))
        seen.setdefault(target, source)
        if target in values and target != source:
            found.append(("values", f"values 把“{source}”写成“{target}”，而“{target}”本身也是一个原值：不能互换"))
    return found


def known_fields() -> str:
    """The fields a column may name, for messages."""
    return "可用 " + "、".join(FIELDS) + "，或 results.csv 的列名 " + "、".join(name for name, _ in COLUMNS)


def mapping_problems(mapping) -> list:
    """What is wrong with a whole mapping ``{"sheet": …, "columns": [...]}``: [(where, message), …]."""
    if not isinstance(mapping, dict) or not isinstance(mapping.get("columns"), list) or not mapping["columns"]:
        return [("columns", "映射应为 {\"sheet\": 工作表名, \"columns\": [列, …]}，至少一列")]
    found = [(key, f"未知字段 {key}：可用 sheet、columns") for key in mapping if key not in ("sheet", "columns")]
    if not isinstance(mapping.get("sheet", ""), str):
        found.append(("sheet", "sheet 应为文字"))
    headings: dict = {}
    for number, column in enumerate(mapping["columns"], 1):
        found += [(f"columns 第 {number} 列" + (f" {key}" if key else ""), message) for key, message in column_problems(column)]
        heading = column.get("heading") if isinstance(column, dict) else None
        if isinstance(heading, str) and heading in headings:
            found.append((f"columns 第 {number} 列", f"列名“{heading}”与第 {headings[heading]} 列重复"))
        headings.setdefault(heading, number)
    return found


def platform_cell(column: dict, result: dict, bureau: str) -> str:
    """One cell: the column's field, fixed value or format for one result, through its ``values`` table."""
    if "field" in column:
        text = field_getter(column["field"])(result, bureau)
    elif "value" in column:
        text = column["value"]
    else:
        text = _PLACEHOLDER.sub(lambda m: field_getter(m.group(1))(result, bureau), column["format"])
    return (column.get("values") or {}).get(text, text)


def relabelled(mapping: dict, results: list, bureau: str, words=()) -> list:
    """``[(heading, word, target)]`` where a ``values`` table writes a word of the results as another word that the
    results (or ``words``, e.g. the bureau's result categories) also use: 发现问题已责令改正 → 未发现问题 would pass
    every cell check and still publish a different verdict."""
    found = []
    for column in mapping["columns"]:
        values, field = column.get("values") or {}, column.get("field")
        getter = field_getter(field) if isinstance(field, str) else None
        if not values or getter is None:
            continue
        used = {getter(result, bureau) for result in results} | set(words)
        found += [(column["heading"], word, target) for word, target in values.items() if target != word and target in used]
    return found


def platform_rows(mapping: dict, results: list, bureau: str) -> list:
    """The table: its headings, then one row per result."""
    columns = mapping["columns"]
    return [[c["heading"] for c in columns], *([platform_cell(c, r, bureau) for c in columns] for r in results)]


def platform_csv_row(row: list) -> list:
    """A row as the platform CSV holds it: every all-digit cell written ``="…"`` so that Excel keeps it as text
    (a 统一社会信用代码 would become 9.14105E+17, a 任务编号 0012 would lose its zeros), as results.csv does."""
    return [f'="{cell}"' if cell.isascii() and cell.isdigit() else cell for cell in row]


def platform_csv_values(row: list) -> list:
    """The values :func:`platform_csv_row` wrote."""
    return [cell[2:-1] if cell.startswith('="') and cell.endswith('"') and cell[2:-1].isdigit() else cell for cell in row]


def platform_tables(folder: str, results: list, add) -> list:
    """For ``verify.py``: [(file, expected rows, rows read), …] of the platform CSV and XLSX; problems with the
    mapping or the files go to ``add(path, line, message)``. A bundle without any platform file has nothing here."""
    present = [name for name in PLATFORM_FILES if os.path.isfile(os.path.join(folder, name))]
    if not present:
        return []
    for name in PLATFORM_FILES:
        if name not in present:
            add(name, None, "缺少此文件（公示系统格式的三个文件应同时存在）")
    try:
        with open(os.path.join(folder, PLATFORM_COLUMNS), "rb") as handle:
            mapping = strict_json(handle.read().decode("utf-8"))
        with open(os.path.join(folder, "results.json"), "rb") as handle:
            bureau = strict_json(handle.read().decode("utf-8")).get("bureau")
    except (OSError, ValueError, AttributeError, UnicodeDecodeError) as error:
        add(PLATFORM_COLUMNS, None, f"无法读取列映射（{error}）")
        return []
    problems = mapping_problems(mapping)
    for where, message in problems:
        add(PLATFORM_COLUMNS, None, f"{where}：{message}")
    if problems:
        return []
    for heading, word, target in relabelled(mapping, results, str(bureau or "")):
        add(PLATFORM_COLUMNS, None, f"“{heading}”一栏把“{word}”写成了“{target}”，而“{target}”是结果中另一个词：平台表改写了结论")
    expected = platform_rows(mapping, results, str(bureau or ""))
    found = []
    for name, read in ((PLATFORM_CSV, _csv_rows), (PLATFORM_XLSX, xlsx_rows)):
        if name not in present:
            continue
        try:
            found.append((name, expected, read(os.path.join(folder, name))))
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, ElementTree.ParseError) as error:
            add(name, None, f"无法读取（{error}）")
    return found


def _csv_rows(path: str) -> list:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [platform_csv_values(row) for row in csv.reader(handle)]

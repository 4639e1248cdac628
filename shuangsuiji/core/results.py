"""The published results as rows (SPEC §6): the columns of ``results.csv`` and ``results.xlsx`` and the cells of
the page's results table, each made from ``results.json`` by one function — so ``verify.py`` can check that
every table says what ``results.json`` says."""

from __future__ import annotations


def _join(values, sep: str) -> str:
    return sep.join(str(v) for v in values or [])


def _review(result: dict, key: str) -> str:
    review = result.get("review") or {}
    return str(review.get(key) or "")


#: (heading, value of one result) of every column of results.csv / results.xlsx, in order
COLUMNS = (
    ("检查时间", lambda r: _join(r.get("check_dates"), "、")),
    ("科室", lambda r: r.get("section", "")),
    ("抽查事项", lambda r: r.get("checklist_name", "")),
    ("检查方式", lambda r: r.get("method", "")),
    ("单位名称", lambda r: r.get("entity_name", "")),
    ("统一社会信用代码", lambda r: r.get("entity_id", "")),
    ("地址", lambda r: r.get("address", "")),
    ("行业类别", lambda r: r.get("specialty", "")),
    ("检查内容", lambda r: _join(r.get("contents"), "；")),
    ("检查情况", lambda r: r.get("findings", "")),
    ("检查结果", lambda r: r.get("result", "")),
    ("处理意见", lambda r: r.get("handling", "")),
    ("建议", lambda r: r.get("suggestions", "")),
    ("整改期限", lambda r: r.get("rectification_deadline") or ""),
    ("集中审理意见", lambda r: _review(r, "decision")),
    ("处罚决定", lambda r: _review(r, "penalty")),
    ("检查人员", lambda r: _join([f"{p.get('name')}（{p.get('cert_no')}）" for p in r.get("inspectors", [])], "、")),
    ("抽取记录", lambda r: r.get("draw", "")),
    ("抽取公平性", lambda r: r.get("fairness_text", "")),
)
HEADINGS = [name for name, _ in COLUMNS]
#: the headings of the page's results table, in order
PAGE_HEADINGS = ["检查时间", "抽查事项", "检查对象", "检查情况", "检查结果", "处理意见", "检查人员（执法证号）", "抽取记录"]


def result_row(result: dict) -> list:
    """One result as a row of results.csv / results.xlsx (text cells)."""
    return [str(get(result)) for _, get in COLUMNS]


def page_cells(result: dict) -> list:
    """One result as the cells of the page's results table: each cell a list of its lines."""
    handling = [result.get("handling", "")]
    if result.get("rectification_deadline"):
        handling.append(f"整改期限：{result['rectification_deadline']}")
    if result.get("review"):
        handling.append(f"集中审理（{_review(result, 'date')}）：{_review(result, 'decision')}")
        if _review(result, "penalty"):
            handling.append(f"处罚决定：{_review(result, 'penalty')}")
    return [
        [_join(result.get("check_dates"), "、")],
        [result.get("checklist_name", ""), f"（{result.get('method', '')}检查）"],
        [result.get("entity_name", ""), result.get("entity_id", ""), result.get("address", "")],
        [result.get("findings", "")],
        [result.get("result", "")],
        handling,
        [_join([f"{p.get('name')}（{p.get('cert_no')}）" for p in result.get("inspectors", [])], "、")],
        [result.get("draw", ""), result.get("fairness_text", "")],
    ]


CODE_COLUMN = HEADINGS.index("统一社会信用代码")


def csv_row(row: list) -> list:
    """A row of results.csv as Excel keeps it: an all-digit 统一社会信用代码 is written ``="…"`` (bare, Excel
    would show 9.14105E+17). Only that column: any other cell is written as it is."""
    return [f'="{value}"' if n == CODE_COLUMN and value.isascii() and value.isdigit() else value
            for n, value in enumerate(row)]


def csv_values(row: list) -> list:
    """The values :func:`csv_row` wrote."""
    return [cell[2:-1] if n == CODE_COLUMN and cell.startswith('="') and cell.endswith('"') and cell[2:-1].isdigit()
            else cell for n, cell in enumerate(row)]

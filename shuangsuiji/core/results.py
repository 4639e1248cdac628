"""The published results as rows (SPEC §6): the columns of ``results.csv`` and ``results.xlsx`` and the cells of
the page's results table, each made from ``results.json`` by one function — so ``verify.py`` can check that
every table says what ``results.json`` says."""

from __future__ import annotations


def _join(values, sep: str) -> str:
    return sep.join(str(v) for v in values or [])


def _review(result: dict, key: str) -> str:
    review = result.get("review") or {}
    return str(review.get(key) or "")


#: the 后续处置 that orders a 整改 (its deadline is ``rectification_deadline``) and waits for a 复查
ORDER = "责令限期整改"
#: the 复查 outcome that ends a 整改 order
PASSED = "已整改"


def _items(value) -> list:
    """A list field of a published result; anything else (a tampered results.json) reads as none."""
    return value if isinstance(value, list) else []


def _rechecks(result: dict) -> list:
    return [r for r in _items(result.get("rechecks")) if isinstance(r, dict)]


def follow_up_text(result: dict) -> str:
    """后续处置 in words: ``责令限期整改（期限 2026-12-15）；移送（汝州市公安局）``; empty when none was written."""
    words = []
    for kind in _items(result.get("follow_up")):
        if kind == ORDER and result.get("rectification_deadline"):
            words.append(f"{kind}（期限 {result['rectification_deadline']}）")
        elif kind in ("移送", "抄告") and result.get("follow_up_to"):
            words.append(f"{kind}（{result['follow_up_to']}）")
        else:
            words.append(str(kind))
    return "；".join(words)


def rechecks_text(result: dict) -> str:
    """整改复查 in words: ``2026-12-16 已整改（汝应急复查〔2026〕三股-001）``, one per 复查, in order."""
    return "；".join(f"{r.get('date')} {r.get('outcome')}" + (f"（{r['document']}）" if r.get("document") else "")
                    for r in _rechecks(result))


def has_order(result: dict) -> bool:
    """A 责令限期整改 order among the result's 后续处置."""
    return ORDER in _items(result.get("follow_up"))


def order_met(result: dict) -> bool:
    """A 复查 found the 整改 order met (``已整改``)."""
    return any(r.get("outcome") == PASSED for r in _rechecks(result))


def closure(results: list) -> tuple:
    """(整改 orders a 复查 found met, all 整改 orders): the 整改 closure rate of the page and of ``ssj stats``."""
    orders = [r for r in results if has_order(r)]
    return sum(1 for r in orders if order_met(r)), len(orders)


def closure_text(result: dict) -> str:
    """Whether the case is closed: ``已结案（2026-12-20）``, ``未结案（待整改复查）`` or ``未结案``."""
    if result.get("closed"):
        return f"已结案（{result['closed']}）"
    if has_order(result) and not order_met(result):
        return "未结案（待整改复查）"
    return "未结案"


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
    ("后续处置", follow_up_text),
    ("整改复查", rechecks_text),
    ("结案情况", closure_text),
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
    follow_up = follow_up_text(result)
    if follow_up:
        handling.append(f"后续处置：{follow_up}")
    if result.get("rectification_deadline") and not has_order(result):
        handling.append(f"整改期限：{result['rectification_deadline']}")
    if result.get("review"):
        handling.append(f"集中审理（{_review(result, 'date')}）：{_review(result, 'decision')}")
        if _review(result, "penalty"):
            handling.append(f"处罚决定：{_review(result, 'penalty')}")
    if rechecks_text(result):
        handling.append(f"整改复查：{rechecks_text(result)}")
    handling.append(f"结案情况：{closure_text(result)}")
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

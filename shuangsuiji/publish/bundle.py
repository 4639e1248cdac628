"""Writing a disclosure bundle (SPEC §6): page, tables, ledgers, checklist and plan, verifier, manifest, zip."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from shuangsuiji.core.platform import PLATFORM_COLUMNS, PLATFORM_CSV, PLATFORM_XLSX, platform_csv_row
from shuangsuiji.core.results import HEADINGS, csv_row, result_row
from shuangsuiji.publish.page import index_page
from shuangsuiji.publish.platform import platform_mapping, platform_table, sheet_name
from shuangsuiji.publish.selection import Disclosure

FILES = [
    ("index.html", "公示网页"), ("results.csv", "抽查结果（CSV，Excel 可直接打开）"), ("results.xlsx", "抽查结果（Excel）"),
    ("results.json", "抽查结果、抽取摘要和黑名单（JSON）"),
    (PLATFORM_XLSX, "公示系统格式的抽查结果（Excel，可导入省级平台）"), (PLATFORM_CSV, "公示系统格式的抽查结果（CSV）"),
    (PLATFORM_COLUMNS, "公示系统格式所用的列映射（verify.py 据此从 results.json 重算每一格）"), ("checklist.json", "随机抽查事项清单"),
    ("plan.json", "年度检查计划"), ("verify.py", "独立核验程序（只需 Python 标准库）"),
    ("ledger/", "本局全部台账（每个科室和局台账，所有年份，含作废、公告和名单文件）"), ("heads.json", "生成时每本台账的最后一条记录"),
    ("manifest.json", "全部文件的 SHA-256 清单"),
]


def write_bundle(folder: Path, disclosure: Disclosure, ledger_root: Path, heads: dict[str, Any]) -> str:
    """Write every file into ``folder`` (which must not exist); returns the SHA-256 of manifest.json.

    The platform mapping is read first: a bad ``data/platform.yaml`` is refused before anything is written."""
    mapping = platform_mapping(ledger_root.parents[1])  # ledger_root is <repository>/data/ledger
    platform = platform_table(mapping, disclosure.results, disclosure.bureau)
    folder.mkdir(parents=True)
    rows = [result_row(r) for r in disclosure.results]
    _write(folder / "index.html", index_page(disclosure, FILES).encode("utf-8"))
    _write(folder / "results.csv", _csv([HEADINGS, *rows], csv_row))
    _write(folder / "results.xlsx", _xlsx([HEADINGS, *rows], "抽查结果"))
    _write(folder / PLATFORM_COLUMNS, _json(mapping.as_json()))
    _write(folder / PLATFORM_CSV, _csv(platform, platform_csv_row))
    _write(folder / PLATFORM_XLSX, _xlsx(platform, sheet_name(mapping)))
    _write(folder / "results.json", _json({
        "bureau": disclosure.bureau, "generated": disclosure.generated,
        "sections": [s.name for s in disclosure.selection.sections],
        "from": _iso(disclosure.selection.start), "to": _iso(disclosure.selection.end),
        "results": disclosure.results, "draws": disclosure.draws, "blacklist": disclosure.credit,
        "pending_review": len(disclosure.waiting_review),
        # the 清单 and the plan in this bundle, with their approval records from the bureau ledger (第七、八、十条)
        "approvals": {**disclosure.approvals, "checklist_digest": disclosure.checklist_digest},
    }))
    _write(folder / "checklist.json", _json(disclosure.checklist))
    _write(folder / "plan.json", _json(disclosure.plan))
    _copy_ledgers(ledger_root, folder / "ledger")
    _write(folder / "heads.json", _json(heads))
    verifier = resources.files("shuangsuiji") / "publish" / "verifier" / "verify.py"
    _write(folder / "verify.py", verifier.read_bytes())
    manifest = _json({"files": {p: _sha256(folder / p) for p in _relative_files(folder)}})
    _write(folder / "manifest.json", manifest)
    return hashlib.sha256(manifest).hexdigest()


def _copy_ledgers(source: Path, target: Path) -> None:
    """Every ledger of the bureau, every year, and every list file, byte for byte (SPEC §6)."""
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.is_symlink() and (path.suffix in (".jsonl", ".json")) and not path.name.startswith("."):
            _write(target / path.relative_to(source), path.read_bytes())


def zip_path(folder: Path) -> Path:
    """``<folder name>.zip`` beside the folder (``公示.v2`` → ``公示.v2.zip``, not ``公示.zip``)."""
    return folder.with_name(folder.name + ".zip")


def zip_folder(folder: Path) -> Path:
    """``<folder name>.zip`` beside the folder, holding the folder itself."""
    target = zip_path(folder)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for rel in [*_relative_files(folder), "manifest.json"]:
            archive.write(folder / rel, f"{folder.name}/{rel}")
    return target


def _relative_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def _iso(day: Any) -> str | None:
    return day.isoformat() if day else None


def _csv(rows: list[list[str]], cells: Callable[[list[str]], list[str]]) -> bytes:
    """The table (headings first) as CSV; ``cells`` writes the codes so that Excel keeps them as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([cells(row) for row in rows])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")  # the BOM makes Excel read UTF-8


def _xlsx(rows: list[list[str]], title: str) -> bytes:
    """The table (headings first, in bold) as one worksheet of text cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.columns:
        for cell in column:
            cell.number_format = "@"  # text: 18-digit codes must never become numbers
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[column[0].column_letter].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def remove(folder: Path) -> None:
    """Remove a half-written bundle."""
    shutil.rmtree(folder, ignore_errors=True)

"""Reading the bureau's spreadsheets: the first (or a named) sheet of an .xlsx, or a CSV file.

A table is a header and rows of raw cell values, each row with the number a clerk sees in Excel
(the header is usually row 1). Values stay as the file holds them (text, numbers, dates), because
whether a number is acceptable depends on the column (SPEC §7).
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shuangsuiji.errors import InputError

Row = tuple[int, list[Any]]

#: Rows above the header with fewer filled cells than this are titles (“汝州市监管对象名录”), skipped.
_HEADER_MIN_CELLS = 2
_TITLE_ROWS = 10

_RESAVE_CSV = "请在 Excel 中“另存为”，文件类型选“CSV UTF-8（逗号分隔）”，或直接另存为 .xlsx 后再导入"


@dataclass
class Table:
    """One sheet: where it came from, its header row and an iterator over the data rows."""

    label: str
    header_row: int
    header: list[Any]
    rows: Iterator[Row]
    encoding: str | None = None
    sheet: str | None = None
    #: rows below the header (an estimate), for the progress bar
    size: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        """How the file was read, in words: “工作表“名录”” or “编码 GB18030”."""
        return f"工作表“{self.sheet}”" if self.sheet is not None else f"编码 {self.encoding}"


def read_table(path: Path, sheet: str | None = None) -> Table:
    """Open ``path`` (.xlsx or .csv) and find its header row."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(path.name, None, "找不到这个文件")
    if suffix == ".csv":
        if sheet is not None:
            raise InputError(path.name, None, "--sheet 只适用于 .xlsx 文件，CSV 文件只有一张表")
        return _with_header(path.name, *_read_csv(path), sheet=None)
    if suffix == ".xlsx":
        return _read_xlsx(path, sheet)
    if suffix in (".xls", ".et", ".xlsm", ".ods"):
        raise InputError(path.name, None, f"不支持 {suffix} 文件：请在 Excel 或 WPS 中“另存为” .xlsx 工作簿后再导入")
    raise InputError(path.name, None, "只能导入 .xlsx（Excel 工作簿）或 .csv 文件")


# -- CSV ---------------------------------------------------------------------------------------------


def _read_csv(path: Path) -> tuple[Iterator[Row], str, int]:
    data = path.read_bytes()
    text, encoding = decode_csv(path.name, data)
    first_line = text.split("\n", 1)[0]
    dialect = "excel-tab" if "\t" in first_line and "," not in first_line else "excel"
    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect)
    return _csv_rows(path.name, reader), encoding, text.count("\n") + 1


def decode_csv(label: str, data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding used: UTF-8 (with or without BOM), else strictly GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(label, None, f"文件是 UTF-16 编码（Excel 的“Unicode 文本”），无法导入：{_RESAVE_CSV}")
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(label, data, "utf-8-sig"), "UTF-8（带 BOM）"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(label, line, f"文件既不是 UTF-8 也不是 GB18030（GBK）编码，无法识别：{_RESAVE_CSV}") from None


def _decode(label: str, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(label, line, f"文件开头标明是 UTF-8，但第 {line} 行不是 UTF-8 编码：{_RESAVE_CSV}") from None


def _csv_rows(label: str, reader: Any) -> Iterator[Row]:
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error as exc:
        raise InputError(label, None, f"第 {number + 1} 行无法按 CSV 读取（{exc}）：{_RESAVE_CSV}") from None


# -- XLSX --------------------------------------------------------------------------------------------


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    import openpyxl  # heavy; only imports of .xlsx need it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # “no default style”, “extension not supported”: harmless when reading
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise InputError(path.name, None, f"无法作为 .xlsx 工作簿打开（{type(exc).__name__}）：文件可能已损坏，"
                         "或其实是旧版 .xls / 加密文件；请在 Excel 中另存为 .xlsx 后重试") from None
    if sheet is not None and sheet not in book.sheetnames:
        names = "、".join(f"“{n}”" for n in book.sheetnames)
        book.close()
        raise InputError(path.name, None, f"没有名为“{sheet}”的工作表（有：{names}）")
    worksheet = book[sheet] if sheet is not None else book.worksheets[0]
    size = worksheet.max_row
    # Some programs write a wrong sheet size, and read-only mode would believe it and stop early.
    worksheet.reset_dimensions()
    return _with_header(path.name, _xlsx_rows(book, worksheet), None, size, sheet=worksheet.title)


def _xlsx_rows(book: Any, worksheet: Any) -> Iterator[Row]:
    try:
        for number, values in enumerate(worksheet.iter_rows(min_row=1, min_col=1, values_only=True), start=1):
            yield number, list(values)
    finally:
        book.close()  # read-only mode keeps the file open until closed (Windows would lock it)


# -- header ------------------------------------------------------------------------------------------


def _with_header(label: str, rows: Iterator[Row], encoding: str | None, size: int | None, sheet: str | None) -> Table:
    """Skip blank rows and a title row or two above the header; the first row with two filled cells is it."""
    for number, cells in rows:
        if sum(1 for c in cells if not is_blank(c)) >= _HEADER_MIN_CELLS:
            return Table(label, number, cells, rows, encoding, sheet, None if size is None else max(size - number, 0))
        if number >= _TITLE_ROWS:
            break
    raise InputError(label, None, f"前 {_TITLE_ROWS} 行里找不到表头（第一行应是列名，如“统一社会信用代码”“单位名称”）")


def is_blank(value: Any) -> bool:
    """An empty cell: nothing, or only white space."""
    return value is None or (isinstance(value, str) and not value.strip())

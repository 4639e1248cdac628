"""Reading the published result tables back (results.csv, results.xlsx, the page's results table) with the
standard library alone, so that ``verify.py`` can compare each with ``results.json``."""

from __future__ import annotations

import csv
import html.parser
import zipfile
from collections import Counter
from xml.etree import ElementTree

from shuangsuiji.core.results import csv_values
from shuangsuiji.core.words import RECORD_TYPES


def csv_rows(path: str) -> list:
    """The rows of a results.csv, each cell's value as :func:`~shuangsuiji.core.results.csv_row` wrote it."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [csv_values(row) for row in csv.reader(handle)]


def xlsx_rows(path: str) -> list:
    """The cell texts of the first sheet of an .xlsx file (read with the standard library)."""
    space = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(path) as book:
        shared = []
        if "xl/sharedStrings.xml" in book.namelist():
            for item in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).iter(f"{space}si"):
                shared.append("".join(t.text or "" for t in item.iter(f"{space}t")))
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{space}row"):
        cells: dict = {}
        for cell in row.iter(f"{space}c"):
            column = _column(cell.get("r", "A1"))
            kind, value = cell.get("t"), cell.find(f"{space}v")
            if kind == "s" and value is not None:
                cells[column] = shared[int(value.text or 0)]
            elif kind == "inlineStr":
                cells[column] = "".join(t.text or "" for t in cell.iter(f"{space}t"))
            else:
                cells[column] = value.text if value is not None and value.text is not None else ""
        rows.append([cells.get(i, "") for i in range(max(cells) + 1)] if cells else [])
    return rows


def _column(reference: str) -> int:
    letters = "".join(c for c in reference if c.isalpha())
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter.upper()) - 64
    return number - 1


class _ResultsTable(html.parser.HTMLParser):
    """The rows of ``<table id="results">`` (or another id): each cell's text, its lines joined by spaces."""

    def __init__(self, table_id: str = "results") -> None:
        super().__init__(convert_charrefs=True)
        self.table_id = table_id
        self.rows: list = []
        self._inside = 0
        self._cell: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("id", self.table_id) in attrs:
            self._inside = 1
        elif tag == "table" and self._inside:
            self._inside += 1
        elif self._inside and tag == "tr":
            self.rows.append([])
        elif self._inside and tag in ("td", "th"):
            self._cell = []
        elif self._inside and tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "table" and self._inside:
            self._inside -= 1
        elif self._inside and tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_rows(path: str) -> list:
    """The rows of the page's results table."""
    parser = _ResultsTable()
    with open(path, encoding="utf-8") as handle:
        parser.feed(handle.read())
    return parser.rows


class RecordsSeen:
    """``(seq, time, type)`` of every ledger record read (``on_record`` of ``verify_ledgers``), for the page's list
    of every record: a void or a failed attempt left off the page shows."""

    def __init__(self) -> None:
        self.rows: Counter = Counter()

    def __call__(self, entry, checker) -> None:
        record = entry.record
        at = record.get("at")
        self.rows[(str(record.get("seq")), str(at)[:16].replace("T", " "), RECORD_TYPES.get(record.get("type"), record.get("type")))] += 1


def records_table_problems(path: str, seen: RecordsSeen) -> list:
    """What the page's ``<table id="records">`` (台账全部记录) leaves out of the ledgers or adds to them."""
    parser = _ResultsTable("records")
    with open(path, encoding="utf-8") as handle:
        parser.feed(handle.read())
    shown: Counter = Counter()
    for row in parser.rows[1:]:
        if len(row) >= 3:
            shown[(row[0].rsplit("-", 1)[-1], row[1], row[2])] += 1
    missing, extra = seen.rows - shown, shown - seen.rows
    problems = [f"网页的“台账全部记录”缺少第 {seq} 条“{kind}”记录（{at}）：台账中的记录都应在网页上" for (seq, at, kind) in sorted(missing)]
    problems += [f"网页的“台账全部记录”中有台账里没有的第 {seq} 条“{kind}”记录（{at}）" for (seq, at, kind) in sorted(extra)]
    return problems

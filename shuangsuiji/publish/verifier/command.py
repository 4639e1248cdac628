"""“双随机、一公开”抽查台账核验程序（verify.py）

这个文件是一个独立的核验程序：只用 Python 标准库（Python 3.8 或更新版本），不依赖 ssj 本身。
任何人都可以用它核对应急管理局公开的抽查台账和公开材料有没有被改动过，并把每一次随机抽取
从记录本身重新算一遍，看结果是否与记录一致。

怎么运行
--------
在公开材料所在的文件夹里运行（不写文件夹时，核验本文件所在的文件夹）::

    python verify.py                     # 核验本文件所在的文件夹
    python verify.py 文件夹路径            # 核验指定的公示包文件夹，或一个台账文件夹（如 data/ledger）
    python verify.py --json              # 输出机器可读的 JSON 摘要
    python verify.py --digest 清单摘要     # 同时核对应急管理局另行公布的清单摘要（manifest.json 的 SHA-256）
    python verify.py --previous 旧公示包    # 证明新台账包含旧公示包（或其 heads.json、或公布的末条记录）中的全部记录
    python verify.py --document 文书编号   # 核对一份抽查文书：写文书编号，或其二维码中的全部文字

全部核验通过时退出码为 0，发现任何问题时为 1，用法错误为 2。每个问题都写明文件和行号。
程序开头会显示它自己的 SHA-256，可与应急管理局公布的值核对，确认核验程序本身没有被替换。

它核对什么
----------
1. 文件：公示包里的每个文件都在 manifest.json 里、SHA-256 相符；不接受符号链接、清单之外的文件，
   也不接受公示包应有结构之外的文件（隐藏文件、__pycache__、.pyc 和 verify.py 以外的程序文件）。
2. 台账（ledger/ 下每个科室和局台账的各年度文件，以及 ledger/lists/ 下的名单文件）：
   - 每一行都是该记录的 RFC 8785 规范形式，哈希链（seq、prev、hash）跨年度连续，名单文件与其文件名一致；
   - 每条记录都记下了写入时本局其他台账的末条记录（heads）：按它们还原写入的先后顺序，
     任何一本台账被删除、截断或改动过记录，都会在其他台账随后的记录中暴露；
   - 每次抽取都从记录本身重新算一遍：各层应抽数量、号签、抽中的单位及顺序、检查组、后备人员、
     每家单位分给哪个组（申报的利害关系和“一年内检查过”的轮换规则），以及休息期：
     在休息期内被任何科室检查过的单位必须被排除，且每个被排除的单位都有对应的检查记录为证；
   - 种子：事先公告的抽取，种子必须恰好是公告指定的那几期开奖号码的规范写法，且抽取时间不早于开奖时间；
     现场见证的抽取，种子必须是见证人输入值的 SHA-256；系统随机和人工输入的种子，外界无法证实没有多次尝试；
   - 作废、回避换人（替补人员从记录重算，包括从其他科室抽调）、抽取未成、非随机检查、计划和清单审批；
   - 时间和日期：每本台账的记录时间随写入顺序向后，抽取和非随机检查的日期就是记录当天；
     公告的开奖时间在公告之后、不晚于抽取日期 30 天；一个计划事项在开奖号码公布后被作废，就不能再发新公告。
3. 公示结果（results.json）：每一项结果都属于一次有效抽取中抽中的单位，检查人员是其检查组成员；
   results.csv、results.xlsx、网页 index.html 中的结果表，以及 platform/ 下公示系统格式的表格
   （按同在其中的列映射 columns.json）都与 results.json 逐格一致。
4. 清单（checklist.json）是局台账中最近一次审批的清单；每次抽取和公告记下的清单都是它写入前（按 heads）最近一次审批的。
5. heads.json 与台账的末条记录一致；用 --previous 时，旧材料中的每本台账都原样包含在新台账里。

本程序不核对的内容
------------------
只有应急管理局的 git 仓库里才能核对的规则，由 ``ssj verify-ledger`` 在仓库中核对：台账的 git 历史只增不改；
每次抽取读取的数据文件与所依据的提交一致、名单与当时的数据一致、计划事项的实施时间和频次。

在 Windows 上可以用 ``py verify.py`` 运行。
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import sys
import zipfile
from xml.etree import ElementTree

from shuangsuiji.core.arguments import Parser
from shuangsuiji.core.chain import first_difference, hash_at, ledger_files, read_record_at, strict_json
from shuangsuiji.core.checklist import CHECKLIST_FILE, published_checklist_problems
from shuangsuiji.core.documents import check_document
from shuangsuiji.core.ledgers import verify_ledgers
from shuangsuiji.core.manifest import MANIFEST, files_under, verify_manifest
from shuangsuiji.core.platform import PLATFORM_FILES, platform_tables
from shuangsuiji.core.recusal import apply_recusals, team_map
from shuangsuiji.core.results import HEADINGS, PAGE_HEADINGS, page_cells, result_row
from shuangsuiji.core.tables import RecordsSeen, csv_rows, page_rows, records_table_problems, xlsx_rows
from shuangsuiji.core.text import is_hex64, show, show_ids
from shuangsuiji.core.words import FAIRNESS_LEGEND, RECORD_TYPES

RESULTS = "results.json"
HEADS = "heads.json"
LEDGER = "ledger"
MISSING_MANIFEST = "缺少文件清单：这是一个公示包（有 results.json），没有 manifest.json 就无法核对各文件是否被改动过"
_HEAD_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s+(\d+)\s+([0-9a-f]{64})\s*$")
#: the kinds of top-level files a bundle holds (its page, tables and JSON); of Python files only verify.py
_PLAIN_SUFFIXES = (".json", ".csv", ".xlsx", ".html", ".txt", ".pdf", ".svg", ".png")
#: what ledger/ holds: year files and list files; format-1 files and other names in lists/ get their own messages
_LEDGER_PATH = re.compile(r"ledger/(?:[A-Za-z0-9_-]+/[0-9]{4}\.jsonl|lists/[^./][^/]*|[^./][^/]*\.jsonl)")
ODD_FILE = ("不是公示包应有的文件：公示包只含顶层的网页、表格和 JSON 文件、verify.py、ledger/ 下的台账和名单文件，以及 platform/ 下的三个文件"
            "（隐藏文件、__pycache__、.pyc 和其他程序文件可能代替 verify.py 运行，不予接受）")


class Report:
    """Everything found, for the printed summary and ``--json``."""

    def __init__(self, folder: str) -> None:
        self.folder = os.path.abspath(folder)
        self.problems: list = []
        self.notes: list = []
        self.ledgers: dict = {}

    def add(self, path, line, message) -> None:
        self.problems.append({"path": path, "line": line, "message": message})

    def as_dict(self) -> dict:
        return {"folder": self.folder, "ok": not self.problems, "ledgers": self.ledgers, "notes": self.notes,
                "problems": self.problems}


def own_sha256() -> str:
    """The SHA-256 of this file, to compare with the value the bureau publishes."""
    with open(os.path.abspath(__file__), "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def check_links(folder: str, report: Report) -> None:
    """A bundle holds plain files only: a symbolic link could point anywhere."""
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            if os.path.islink(path):
                report.add(os.path.relpath(path, folder).replace(os.sep, "/"), None, "是符号链接：公示包只能含普通文件，不予读取")
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]


def check_layout(folder: str, report: Report) -> None:
    """A bundle holds its plain layout only, whatever manifest.json lists: ``python -m verify`` would run a
    ``__pycache__/verify.*.pyc`` instead of verify.py, and a ``json.py`` beside it would shadow the standard
    library for ``python verify.py``."""
    for path in sorted(files_under(folder, skip_hidden=False)):
        top = "/" not in path and not path.startswith(".")
        if path in (MANIFEST, *PLATFORM_FILES) or (top and (path == "verify.py" or path.lower().endswith(_PLAIN_SUFFIXES))):
            continue
        if not _LEDGER_PATH.fullmatch(path):
            report.add(path, None, ODD_FILE)


def verify_folder(folder: str, previous: str | None = None) -> Report:
    """Verify a bundle (``manifest.json``, ``ledger/``, results) or a bare ledger folder."""
    report = Report(folder)
    check_links(folder, report)
    bundle = os.path.isfile(os.path.join(folder, MANIFEST)) or os.path.isfile(os.path.join(folder, RESULTS))
    if os.path.isfile(os.path.join(folder, MANIFEST)):
        for path, message in verify_manifest(folder):
            report.add(path, None, message)
        report.notes.append("manifest.json：已核对清单中每个文件的 SHA-256")
    elif bundle:
        report.add(MANIFEST, None, MISSING_MANIFEST)
    if bundle:
        check_layout(folder, report)
    ledger_folder = os.path.join(folder, LEDGER) if bundle or os.path.isdir(os.path.join(folder, LEDGER)) else folder
    if not ledger_files(ledger_folder):
        report.add(".", None, "这个文件夹里没有台账（应有 ledger/<科室>/<年份>.jsonl）")
        return report
    seen = RecordsSeen()
    verified = verify_ledgers(ledger_folder, on_record=seen)
    prefix = os.path.abspath(folder)
    for path, line, message in verified.problems:
        report.add(os.path.relpath(path, prefix).replace(os.sep, "/") if os.path.isabs(path) else path, line, message)
    report.ledgers = verified.counts
    tips = _tips(ledger_folder)
    if os.path.isfile(os.path.join(folder, HEADS)):
        _check_heads_file(os.path.join(folder, HEADS), tips, report)
    if os.path.isfile(os.path.join(folder, RESULTS)):
        results = _load_results(os.path.join(folder, RESULTS), report)
        if results is not None:
            check_results(results, verified.checker, report)
            check_tables(folder, results, report)
    page = os.path.join(folder, "index.html")
    for message in records_table_problems(page, seen) if bundle and os.path.isfile(page) else []:
        report.add("index.html", None, message)  # every record, voids and failed attempts too, is on the page
    approvals = verified.checker.checklist_approvals
    for message in published_checklist_problems(os.path.join(folder, CHECKLIST_FILE), approvals) if bundle else []:
        report.add(CHECKLIST_FILE, None, message)  # 第十条: a bundle publishes the 清单 last approved
    if previous is not None:
        check_previous(previous, ledger_folder, tips, report)
    return report


def _tips(ledger_folder: str) -> dict:
    """{ledger: (seq, hash)} of each ledger's last record."""
    found = {}
    for name, files in ledger_files(ledger_folder).items():
        with contextlib.suppress(OSError, ValueError, KeyError, IndexError):
            last = b""
            for _, path in files:
                with open(path, "rb") as handle:
                    for line in handle:
                        if line.endswith(b"\n"):
                            last = line
            if last:
                record = strict_json(last.decode("utf-8"))
                found[name] = (record["seq"], record["hash"])
    return found


def _check_heads_file(path: str, tips: dict, report: Report) -> None:
    try:
        with open(path, "rb") as handle:
            heads = strict_json(handle.read().decode("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        report.add(HEADS, None, "无法读取 heads.json")
        return
    for name, head in sorted(heads.items() if isinstance(heads, dict) else []):
        if not isinstance(head, dict) or tips.get(name) != (head.get("seq"), head.get("hash")):
            report.add(HEADS, None, f"{name} 的末条记录与台账不符：heads.json 为 {show(head)}")
    for name in sorted(set(tips) - set(heads if isinstance(heads, dict) else {})):
        report.add(HEADS, None, f"heads.json 没有列出台账 {name}")


def _load_results(path: str, report: Report):
    try:
        with open(path, "rb") as handle:
            results = strict_json(handle.read().decode("utf-8")).get("results")
    except (OSError, ValueError, AttributeError, UnicodeDecodeError) as error:
        report.add(RESULTS, None, f"无法读取检查结果（{error}）")
        return None
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        report.add(RESULTS, None, "results 应为结果对象的列表")
        return None
    return results


def check_results(results: list, checker, report: Report) -> None:
    """Every published result belongs to a drawn, non-voided company and names only its team's inspectors."""
    teams_of: dict = {}
    for number, result in enumerate(results, 1):
        digest, entity = result.get("draw_hash"), result.get("entity_id")
        info = checker.known.get(digest) if is_hex64(digest) else None
        if info is None or info.type != "draw":
            report.add(RESULTS, None, f"第 {number} 项结果（{show(entity)}）所依据的抽取不在公示的台账中")
            continue
        if digest in checker.voided:
            report.add(RESULTS, None, f"第 {number} 项结果（{show(entity)}）所依据的抽取已作废")
        if digest in checker.underivable:  # its problems are reported with the ledger; its teams cannot be trusted
            report.add(RESULTS, None, f"第 {number} 项结果（{show(entity)}）所依据的抽取无法从记录复核，其检查组无从核对")
            continue
        record = read_record_at(info.path, info.offset)
        if record.get("dirty"):
            report.add(RESULTS, None, f"第 {number} 项结果所依据的抽取基于未提交的数据（--allow-dirty），不能作为公示结果")
        if digest not in teams_of:
            teams_of[digest] = (record, team_map(record))
        record, mapping = teams_of[digest]
        if not isinstance(entity, str) or entity not in mapping:
            report.add(RESULTS, None, f"第 {number} 项结果的单位 {show(entity)} 不在所依据的抽取结果中")
            continue
        teams, index = record["inspectors"]["teams"], mapping[entity]
        if not (isinstance(index, int) and isinstance(teams, list) and 0 <= index < len(teams)):
            report.add(RESULTS, None, f"第 {number} 项结果所依据的抽取记录的分组与检查组对不上，其检查组无从核对")
            continue
        team = apply_recusals(teams[index], entity, checker.recusals.get((digest, entity), []))
        named = result.get("inspectors")
        outsiders = [p.get("id") for p in (named if isinstance(named, list) else [])
                     if isinstance(p, dict) and p.get("id") not in team]
        if outsiders:
            report.add(RESULTS, None, f"第 {number} 项结果的检查人员 {show_ids(outsiders)} 不是抽中的检查组成员（检查组：{show_ids(team)}）")


def check_tables(folder: str, results: list, report: Report) -> None:
    """results.csv, results.xlsx and the page's results table say exactly what results.json says."""
    expected = [HEADINGS, *(result_row(r) for r in results)]
    tables = (("results.csv", csv_rows), ("results.xlsx", xlsx_rows))
    for name, read in tables:
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            report.add(name, None, "缺少此文件")
            continue
        try:
            rows = read(path)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, ElementTree.ParseError) as error:
            report.add(name, None, f"无法读取（{error}）")
            continue
        _compare_rows(name, expected, rows, report)
    page = os.path.join(folder, "index.html")
    if os.path.isfile(page):
        wanted = [PAGE_HEADINGS, *([" ".join(lines) for lines in page_cells(r)] for r in results)]
        _compare_rows("index.html", wanted if results else [], page_rows(page), report)
    for name, wanted, rows in platform_tables(folder, results, report.add):  # SPEC §9, through platform/columns.json
        _compare_rows(name, wanted, rows, report)


def _compare_rows(name: str, expected: list, rows: list, report: Report) -> None:
    for number, (want, got) in enumerate(zip(expected, rows), 0):
        if [str(c).strip() for c in want] != [str(c).strip() for c in got]:
            column = next((i for i, (a, b) in enumerate(zip(want, got)) if str(a).strip() != str(b).strip()), 0)
            heading = expected[0][column] if column < len(expected[0]) else column + 1
            where = "表头" if number == 0 else f"第 {number} 行"
            report.add(name, None, f"{where}“{heading}”一栏与 results.json 不符："
                                   f"应为 {show(want[column] if column < len(want) else '')}，"
                                   f"实为 {show(got[column] if column < len(got) else '')}")
            return
    if len(rows) != len(expected):
        report.add(name, None, f"应有 {len(expected) - 1} 行结果，实有 {max(len(rows) - 1, 0)} 行")


def read_heads(source: str) -> dict:
    """{ledger: (seq, hash)} from an older bundle folder, its heads.json, or the printed heads of ``ssj heads``."""
    path = os.path.join(source, HEADS) if os.path.isdir(source) else source
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8-sig")
    with contextlib.suppress(ValueError):
        heads = strict_json(text)
        if isinstance(heads, dict):
            return {name: (head["seq"], head["hash"]) for name, head in heads.items()}
    found = {}
    for line in text.splitlines():
        match = _HEAD_LINE.match(line)
        if match:
            found[match.group(1)] = (int(match.group(2)), match.group(3))
    if not found:
        raise ValueError("没有找到“台账 序号 哈希”形式的末条记录")
    return found


def check_previous(source: str, ledger_folder: str, tips: dict, report: Report) -> None:
    """The ledgers extend those of an older bundle: every record it held is here, unchanged."""
    try:
        old = read_heads(source)
    except (OSError, ValueError, KeyError, TypeError) as error:
        report.add("--previous", None, f"无法读取旧材料的末条记录（{error}）")
        return
    old_ledgers = os.path.join(source, LEDGER) if os.path.isdir(source) else None
    files = ledger_files(ledger_folder)
    for name, (seq, digest) in sorted(old.items()):
        held = hash_at(files.get(name, []), seq)
        if held == digest:
            continue
        first = first_difference(old_ledgers, name, files.get(name, [])) if old_ledgers else None
        where = f"第一条不同的记录是 {name}-{first}" if first is not None else f"旧材料的末条记录 {name}-{seq} 在新台账中{'不同' if held else '不存在'}"
        report.add(f"{LEDGER}/{name}", None, f"新台账没有原样包含旧材料中的记录：{where}（记录被删除或改写过）")
    report.notes.append(f"--previous：已核对旧材料中的 {len(old)} 本台账")


def _print(report: Report, digest: str | None) -> None:
    print(f"核验程序 verify.py 的 SHA-256：{own_sha256()}")
    print(f"核验文件夹：{report.folder}")
    for note in report.notes:
        print(note)
    for name, kinds in sorted(report.ledgers.items()):
        details = "、".join(f"{RECORD_TYPES.get(k, k)} {n}" for k, n in sorted(kinds.items()))
        print(f"台账 {name}：{sum(kinds.values())} 条记录（{details}）")
    for problem in report.problems:
        where = problem["path"] if problem["line"] is None else f"{problem['path']}:{problem['line']}"
        print(f"{where}: {problem['message']}")
    if digest is not None and not any(p["path"] == MANIFEST for p in report.problems):
        print(f"清单摘要：manifest.json 的 SHA-256 与公布的 {digest} 一致")
    draws = sum(kinds.get("draw", 0) for kinds in report.ledgers.values())
    if draws:
        print(FAIRNESS_LEGEND)
    if not report.problems:
        print(f"核验通过：{len(report.ledgers)} 本台账的哈希链和相互记下的末条记录完整，{draws} 次抽取全部从记录重新算出、结果一致。")
    else:
        print(f"核验未通过：共发现 {len(report.problems)} 个问题（见上）。")


def _check_digest(report: Report, folder: str, expected: str) -> None:
    """Compare manifest.json with the digest the bureau published elsewhere (its notice board, the platform)."""
    try:
        with open(os.path.join(folder, MANIFEST), "rb") as handle:
            actual = hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        actual = None
    if actual != expected:
        report.add(MANIFEST, None, f"manifest.json 的 SHA-256 为 {actual}，与公布的清单摘要 {expected} 不符：公示包被替换或改动过")


def _check_document(report: Report, folder: str, code: str) -> None:
    """``--document``: the document is in the ledgers, belongs to a draw that stands and matches its QR code."""
    ledger_folder = os.path.join(folder, LEDGER) if os.path.isdir(os.path.join(folder, LEDGER)) else folder
    notes, problems = check_document(ledger_folder, code)
    report.notes.extend(notes)
    for message in problems:
        report.add("--document", None, message)


DESCRIPTION = ("核验“双随机、一公开”抽查的公示包或台账文件夹：核对文件清单（manifest.json）和每本台账的哈希链，"
               "并从记录本身重新计算每一次随机抽取、休息期、轮换和回避换人。只需 Python 标准库，不写任何文件。")
EPILOG = ("退出码：0 全部核验通过；1 发现问题（每个问题写明文件和行号）；2 用法错误。\n\n"
          "例如：python verify.py --digest 公布的清单摘要 --previous 上次的公示包")


def parse_arguments(argv=None) -> argparse.Namespace:
    """The command line: ``[FOLDER] [--json] [--digest D] [--previous OLD]``."""
    parser = Parser(prog="verify.py", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("folder", metavar="文件夹", nargs="?", default=os.path.dirname(os.path.abspath(__file__)),
                        help="要核验的文件夹：公示包，或一个台账文件夹（如 data/ledger）。默认：本文件所在的文件夹")
    parser.add_argument("--json", action="store_true", help="输出机器可读的 JSON 摘要")
    parser.add_argument("--digest", metavar="SHA256", help="应急管理局另行公布的清单摘要（manifest.json 的 SHA-256），核对公示包没有被整个替换")
    parser.add_argument("--previous", metavar="旧材料", help="较早的公示包文件夹、其 heads.json，或公布的末条记录文本：证明新台账原样包含其中的全部记录")
    parser.add_argument("--document", metavar="文书编号", help="核对一份抽查文书：文书编号，或其二维码中的全部文字；文书须登记在台账中、所属抽取未作废、单位在抽中名单中")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    """``python verify.py [FOLDER] [--json] [--digest D] [--previous OLD]``: 0 only when everything holds."""
    args = parse_arguments(argv)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    if not os.path.isdir(args.folder):
        print(f"找不到文件夹：{args.folder}", file=sys.stderr)
        return 2
    try:
        report = verify_folder(args.folder, args.previous)
        if args.digest is not None:
            _check_digest(report, args.folder, args.digest.strip().lower())
        if args.document is not None:
            _check_document(report, args.folder, args.document)
    except (OSError, ValueError, KeyError, TypeError, RecursionError, MemoryError) as error:
        # a malformed input the checks above did not foresee: one line, never a traceback
        print(f"核验未通过：无法读取公示材料（{type(error).__name__}：{error}）", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({**report.as_dict(), "verify_sha256": own_sha256()}, ensure_ascii=False, indent=2))
    else:
        _print(report, args.digest)
    return 0 if not report.problems else 1


if __name__ == "__main__":
    sys.exit(main())

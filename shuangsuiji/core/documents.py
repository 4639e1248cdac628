"""抽查文书 (第十八条, SPEC §9): the four kinds, the shape of a document number, the text of its QR code, and
checking one document against a ledger folder (``verify.py --document``).

A number is ``<prefix>〔<year>〕<section>-<serial>`` (``汝应急现记〔2026〕二股-003``); the QR code holds the number,
the address and the hash of the draw it belongs to: ``编号：…；抽取：二股-3；哈希：<64 hex>``. Full-width
separators, so the text can be pasted into a command line without quotes.
"""

from __future__ import annotations

import re

from shuangsuiji.core.chain import ledger_files, strict_json
from shuangsuiji.core.text import is_hex64, show

#: the kinds of 抽查文书 and the short ASCII name of each (also the name of its template file)
DOCUMENT_KINDS = {
    "检查通知书": "notice",
    "现场检查记录": "record",
    "责令限期整改指令书": "order",
    "整改复查意见书": "recheck",
}
#: what may not appear in a number's prefix or section part (the number's own brackets, separators, spaces)
DOCUMENT_NUMBER_FORBIDDEN = "〔〕；;：:|"
_NUMBER = re.compile(r"^(?P<prefix>[^\s〔〕；;：:|]+)〔(?P<year>[0-9]{4})〕(?P<section>[^\s〔〕；;：:|]+?)-(?P<serial>[0-9]+)$")
_QR_PART = re.compile(r"^\s*(编号|抽取|哈希)\s*[：:]\s*(.*?)\s*$")
_ADDRESS_SEQ = re.compile(r"^\S+?[-－]([0-9]+)$")


def document_number(prefix: str, year: int, section: str, serial: int, digits: int) -> str:
    """``汝应急现记〔2026〕二股-003``."""
    return f"{prefix}〔{year}〕{section}-{serial:0{digits}d}"


def split_document_number(number: str):
    """(prefix, year, section, serial) of a well-formed number, else None."""
    match = _NUMBER.match(number) if isinstance(number, str) else None
    if match is None:
        return None
    return match.group("prefix"), int(match.group("year")), match.group("section"), int(match.group("serial"))


def document_qr_text(number: str, draw_address: str, draw_hash: str) -> str:
    """What a document's QR code holds."""
    return f"编号：{number}；抽取：{draw_address}；哈希：{draw_hash}"


def parse_document_code(code: str):
    """(number, draw address or None, draw hash or None) from a QR text or a bare number; ValueError if malformed."""
    text = code.strip() if isinstance(code, str) else ""
    if not text:
        raise ValueError("文书编号为空：请写文书编号（如 汝应急现记〔2026〕二股-003），或二维码中的全部文字")
    if "：" not in text and ":" not in text:
        if split_document_number(text) is None:
            raise ValueError(f"文书编号 {show(text)} 格式不对：应为“前缀〔年份〕科室-序号”，如 汝应急现记〔2026〕二股-003")
        return text, None, None
    parts = {}
    for piece in re.split(r"[；;]", text):
        match = _QR_PART.match(piece)
        if match is None or match.group(1) in parts:
            raise ValueError(f"二维码内容 {show(text)} 格式不对：应为“编号：…；抽取：…；哈希：…”")
        parts[match.group(1)] = match.group(2)
    number, address, digest = parts.get("编号", ""), parts.get("抽取"), parts.get("哈希")
    if split_document_number(number) is None:
        raise ValueError(f"二维码中的文书编号 {show(number)} 格式不对：应为“前缀〔年份〕科室-序号”")
    if address is None or _ADDRESS_SEQ.match(address) is None:
        raise ValueError(f"二维码中的抽取编号 {show(address)} 格式不对：应为“科室-序号”，如 二股-3")
    if not is_hex64(digest):
        raise ValueError(f"二维码中的抽取哈希 {show(digest)} 格式不对：应为 64 位十六进制数")
    return number, address, digest


def _records(folder: str):
    """(ledger, record) of every readable line of every ledger (broken lines are the main check's business)."""
    for name, years in sorted(ledger_files(folder).items()):
        for _, path in years:
            with open(path, "rb") as handle:
                for line in handle:
                    try:
                        record = strict_json(line.decode("utf-8"))
                    except (ValueError, UnicodeDecodeError, RecursionError):
                        continue
                    if isinstance(record, dict):
                        yield name, record


def _find_document(folder: str, number: str) -> list:
    return [(name, record) for name, record in _records(folder)
            if record.get("type") == "document" and record.get("number") == number]


def _find_draw(folder: str, digest: str):
    """(ledger, the record with hash ``digest``, the void pointing at it or None)."""
    found, void = None, None
    for name, record in _records(folder):
        if record.get("hash") == digest:
            found = (name, record)
        elif record.get("type") == "void" and record.get("draw") == digest:
            void = (name, record)
    return found, void


def _plain(value) -> str:
    """A short string as it is; anything else as :func:`show` writes it."""
    return value if isinstance(value, str) and len(value) <= 80 else show(value)


def check_document(folder: str, code: str):
    """(notes, problems): whether the document ``code`` (QR text or number) is in the ledgers under ``folder``,
    belongs to a draw there that is not voided, names a company that draw selected, and matches its QR code."""
    try:
        number, address, digest = parse_document_code(code)
    except ValueError as error:
        return [], [str(error)]
    documents = _find_document(folder, number)
    if not documents:
        return [], [f"台账中没有编号为 {number} 的文书：文书未经登记，或编号抄错了（请与文书上的编号逐字核对）"]
    if len(documents) > 1:
        places = "、".join(f"{name}-{record.get('seq')}" for name, record in documents)
        return [], [f"文书编号 {number} 在台账中出现了 {len(documents)} 次（{places}）：编号不得重复使用"]
    ledger, document = documents[0]
    kind, entity, target = document.get("kind"), document.get("entity"), document.get("draw")
    notes = [f"文书 {number}：{_plain(kind)}，检查对象 {_plain(entity)}，{_plain(document.get('at'))[:10]} 登记（台账记录 "
             f"{ledger}-{document.get('seq')}），文书文件的 SHA-256 为 {_plain(document.get('sha256'))}"]
    problems = []
    if digest is not None and digest != target:
        problems.append(f"二维码中的抽取哈希 {digest} 与台账中文书 {number} 所属的抽取 {show(target)} 不符：文书或二维码被改动过")
    drawn, void = _find_draw(folder, target) if is_hex64(target) else (None, None)
    if drawn is None or drawn[1].get("type") != "draw":
        return notes, [*problems, f"文书 {number} 所属的抽取不在台账中"]
    name, record = drawn
    where = f"{name}-{record.get('seq')}"
    shown_seq = _ADDRESS_SEQ.match(address) if address is not None else None
    if shown_seq is not None and int(shown_seq.group(1)) != record.get("seq"):
        problems.append(f"二维码中的抽取编号 {address} 与台账不符：文书所属的抽取是 {where}")
    if void is not None:
        problems.append(f"文书 {number} 所属的抽取 {where} 已作废（{void[0]}-{void[1].get('seq')}：{_plain(void[1].get('reason'))}）")
    selected = [e for stratum in record.get("strata") or [] for e in stratum.get("selected") or []]
    if entity not in selected:
        problems.append(f"文书 {number} 的检查对象 {_plain(entity)} 不在抽取 {where} 的抽中名单中")
    if not problems:
        notes.append(f"文书 {number} 与台账相符：所属抽取 {where}（{record.get('date')}）未作废，"
                     f"检查对象在抽中名单中{'，二维码中的抽取编号和哈希一致' if digest else ''}")
    return notes, problems

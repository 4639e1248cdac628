"""``ssj doc``: issue a numbered 抽查文书 for one company of one draw (第十八条, SPEC §9).

Under the ledger lock the next number of its series is taken, the document rendered with that number and its QR
code, and a ``document`` record (``number``, ``kind``, ``draw``, ``entity``, ``sha256`` of the file) appended to
the draw's section ledger and committed; only then is the file written. Every refusal comes before any write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from shuangsuiji.core.documents import document_qr_text
from shuangsuiji.documents import content
from shuangsuiji.documents.numbering import BUREAU_FILE, next_number, resolve_kind, series_of
from shuangsuiji.documents.rendering import qr_svg, render
from shuangsuiji.errors import RuleError, SsjError
from shuangsuiji.ledger.addresses import address, locate, parse_address
from shuangsuiji.ledger.index import Index
from shuangsuiji.ledger.store import Record
from shuangsuiji.ledger.writing import Written, git_state, operator_name, stamp, write
from shuangsuiji.registry.loading import Dataset, load_bureau
from shuangsuiji.registry.lookup import resolve_section
from shuangsuiji.registry.models.bureau import Bureau
from shuangsuiji.workspace import Workspace, write_atomic


@dataclass(frozen=True)
class Issued:
    """A document recorded in the ledger, and where its file went."""

    written: Written
    kind: str
    number: str
    path: Path


@dataclass
class _Rendered:
    number: str = ""
    html: bytes = b""
    path: Path | None = None


def issue_document(ws: Workspace, kind_text: str, draw_address: str, entity: str, out: Path | None = None,
                   operator: str | None = None, now: dt.datetime | None = None) -> Issued:
    """Number, render, record and write one document; refuse (writing nothing) what no document may be made for."""
    kind = resolve_kind(kind_text)
    data = load_bureau(ws)
    numbers = series_of(_bureau(data), kind)
    target = _checked_out(out) if out is not None else None
    entity = entity.strip()
    state = git_state(ws, require_clean=False)
    at = now or data.now()
    made = _Rendered()

    def build(index: Index) -> Record:
        found = locate(index, data, draw_address, kind=None)
        content.refuse_unusable(found, index)
        company = content.company(data, found, entity)
        people = content.team(data, found, entity, index, at.date())
        order = content.earlier_order(index, found, entity)
        if kind == content.RECHECK and order is None:
            raise RuleError(f"{entity} 在 {found.label} 还没有开具责令限期整改指令书：整改复查意见书要在指令书之后开具"
                            f"（先运行 ssj doc 责令限期整改指令书 {found.label} {entity}）")
        values = content.context(data, found, kind, people, company, at, order)
        made.number = next_number(index, numbers, kind, at.year, values["section"]["short"])
        qr_text = document_qr_text(made.number, found.label, found.record["hash"])
        values.update(number=made.number, qr_text=qr_text, qr_svg=qr_svg(qr_text))
        made.html = render(ws, kind, values).encode("utf-8")
        made.path = target or _checked_out(ws.root / DOCUMENTS_DIR / f"{made.number}.html")
        record = stamp("document", at, operator_name(ws, operator), number=made.number, draw=found.record["hash"],
                       entity=entity, sha256=hashlib.sha256(made.html).hexdigest())
        return {**record, "kind": kind}  # (stamp's own first parameter is called kind)

    def message(record: Record) -> str:
        return f"抽查文书 {record['number']}（{kind}，{draw_address.strip()}，{record['entity']}）"

    section = resolve_section(data.sections, parse_address(draw_address)[0])
    written = write(ws, section.id, build, message, state, label=lambda r: address(section, r["seq"]))
    assert made.path is not None
    # the record holds the file's hash: write the file even when only the commit failed (exit status 3)
    made.path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(made.path, made.html)
    return Issued(written, kind, made.number, made.path)


#: where documents go by default: a folder of the repository that git ignores (a document names the company's
#: legal representative and is never published or committed; the ledger keeps its number and hash)
DOCUMENTS_DIR = "文书"


def _bureau(data: Dataset) -> Bureau:
    if data.bureau is None:
        problems = [p for p in data.problems if p.path == BUREAU_FILE]
        detail = "；".join(str(p) for p in problems[:3]) or f"没有 {BUREAU_FILE}"
        raise SsjError(f"无法读取本局设置，不能开具文书：{detail}", problems)
    return data.bureau


def _checked_out(path: Path) -> Path:
    """A new file in a folder that exists and can be written: a document already issued is never overwritten."""
    path = path.absolute()
    if path.is_dir():
        raise SsjError(f"--out {path} 是一个文件夹：请写文件名，如 {path / '文书.html'}")
    if path.exists():
        raise SsjError(f"{path} 已存在：已开具的文书不覆盖，请换一个文件名（--out）")
    folder = next((p for p in path.parents if p.exists()), None)
    if folder is None or not folder.is_dir() or not os.access(folder, os.W_OK):
        raise SsjError(f"无法在 {path.parent} 中写入文件：请换一个文件夹（--out）")
    if path.suffix.lower() not in (".html", ".htm"):
        raise SsjError(f"文书文件 {path.name} 应以 .html 结尾（用浏览器打开后打印，或另存为 PDF）")
    return path

"""Document numbers (``汝应急现记〔2026〕二股-003``): the series ``data/bureau.yaml`` configures, and the next free
number of a series, from every ``document`` record of the bureau (so a number is never used twice)."""

from __future__ import annotations

from shuangsuiji.core.documents import DOCUMENT_KINDS, document_number, split_document_number
from shuangsuiji.errors import SsjError
from shuangsuiji.ledger.index import Index
from shuangsuiji.registry.models.bureau import Bureau, DocumentNumbers

BUREAU_FILE = "data/bureau.yaml"
EXAMPLE = ("documents:\n  digits: 3\n  prefixes:\n"
           + "".join(f"    {kind}: 某应急{short}\n" for kind, short in zip(DOCUMENT_KINDS, ("检通", "现记", "责改", "复查"), strict=True)))


def resolve_kind(text: str) -> str:
    """The kind named by its Chinese name or its short ASCII name (notice, record, order, recheck)."""
    wanted = text.strip()
    for kind, short in DOCUMENT_KINDS.items():
        if wanted in (kind, short):
            return kind
    known = "、".join(f"{kind}（{short}）" for kind, short in DOCUMENT_KINDS.items())
    raise SsjError(f"不认识的文书种类“{wanted}”：可用 {known}")


def series_of(bureau: Bureau, kind: str) -> DocumentNumbers:
    """The bureau's numbering, refused when it gives ``kind`` no prefix."""
    numbers = bureau.documents
    if numbers is None:
        raise SsjError(f"{BUREAU_FILE} 没有配置抽查文书编号（documents）：请加上本局各类文书的编号前缀，例如\n{EXAMPLE}")
    if kind not in numbers.prefixes:
        raise SsjError(f"{BUREAU_FILE} 的 documents.prefixes 没有“{kind}”的编号前缀：请加上一行，如 {kind}: 某应急{kind[:2]}")
    return numbers


def next_number(index: Index, numbers: DocumentNumbers, kind: str, year: int, section: str) -> str:
    """The next number of the series (prefix, year, section): one more than the largest ever recorded."""
    prefix = numbers.prefixes[kind]  # type: ignore[index]
    used = 0
    for _, record in index.records(types=("document",)):
        parts = split_document_number(record.get("number", ""))
        if parts is not None and parts[:3] == (prefix, year, section):
            used = max(used, parts[3])
    return document_number(prefix, year, section, used + 1, numbers.digits)

"""The bureau's current chain heads (SPEC §5) as a short text for the 信息公开栏 and the county platform.

The text holds one line ``<ledger> <seq> <hash>`` per ledger, which ``verify.py --previous`` reads back: whoever
noted it can later prove that a new bundle's ledgers still hold every record up to those heads."""

from __future__ import annotations

from dataclasses import dataclass

from shuangsuiji import git as gitops
from shuangsuiji.errors import SsjError
from shuangsuiji.ledger.addresses import BUREAU_SECTION, address
from shuangsuiji.ledger.queries import open_index
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.workspace import LEDGER_DIR, Workspace


@dataclass(frozen=True)
class Head:
    """One ledger's last record."""

    ledger: str
    seq: int
    hash: str
    at: str
    label: str


def current_heads(ws: Workspace, data: Dataset) -> list[Head]:
    """Every ledger's last record; refuses while a ledger differs from what git holds (it could still change)."""
    if gitops.is_repository(ws.root):
        changed = gitops.uncommitted(ws.root, LEDGER_DIR)
        if changed:
            raise SsjError(f"台账有未提交的内容（{'、'.join(changed[:3])}）：末条记录尚未确定，不能公布。"
                           "请先提交：git add data/ledger && git commit -m \"补交台账记录\"")
    index = open_index(ws)
    try:
        heads = []
        sections = {s.id: s for s in data.sections}
        for ledger, head in sorted(index.heads().items()):
            record = index.record(ledger, head["seq"]) or {}
            section = sections.get(ledger)
            label = address(section if section is not None else BUREAU_SECTION, head["seq"])
            heads.append(Head(ledger, head["seq"], head["hash"], str(record.get("at", "")), label))
        return heads
    finally:
        index.close()


def heads_text(bureau: str, heads: list[Head], now: str) -> str:
    """The text to publish: a title, one readable line and one machine line per ledger."""
    lines = [f"{bureau} 抽查台账末条记录（{now}）"]
    for head in heads:
        lines.append(f"{head.label}（{head.at}）")
        lines.append(f"{head.ledger} {head.seq} {head.hash}")
    lines.append("核对：在新的公示包中运行 python verify.py --previous 本文件")
    return "\n".join(lines) + "\n"

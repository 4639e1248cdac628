"""The 随机抽查事项清单 under approval (第八、十条) as a verifier checks it: every draw, failed draw and announcement
pins the checklist last approved before it, and a bundle publishes that very checklist.

"Before" is what the record's own ``heads`` say (SPEC §5: every record pins each other ledger "as it stood" when it
was written): the approvals in force for a record are the ``checklist_approval`` records of the bureau ledger up
to the ``seq`` its ``heads`` pin. ``at`` is only a clock reading and decides nothing here. Before the first
approval a record may pin null (ledgers older than ``ssj checklist approve``); from it on, never.
"""

from __future__ import annotations

from typing import Callable

from shuangsuiji.core.canonical import digest
from shuangsuiji.core.chain import BUREAU, strict_json
from shuangsuiji.core.text import is_hex64, is_int, show

#: the bundle's copy of the checklist (the public fields of every item, in order), whose digest an approval pins
CHECKLIST_FILE = "checklist.json"


class ChecklistChecks:
    """Needs of its host: ``add`` (report a problem) and ``here`` (the address of the record being checked)."""

    #: (bureau seq, digest, address) of every checklist approval read so far, in order
    checklist_approvals: list
    add: Callable[[str], None]
    here: Callable[[], str]

    def note_checklist_approval(self, record: dict) -> None:
        """A ``checklist_approval`` of the bureau ledger (its fields checked by the caller)."""
        self.checklist_approvals.append((record.get("seq"), record["digest"], self.here()))

    def approvals_before(self, record: dict) -> list:
        """The approvals the record's ``heads`` pin: those up to the bureau ledger's ``seq`` as it stood."""
        heads = record.get("heads")
        if isinstance(heads, dict) and BUREAU not in heads:
            return []  # no bureau ledger when it was written (a pin left out is reported with the heads)
        head = heads[BUREAU] if isinstance(heads, dict) else None
        if not (isinstance(head, dict) and is_int(head.get("seq"))):
            return self.checklist_approvals  # malformed heads are reported with the chain: judge by the order read
        return [a for a in self.checklist_approvals if is_int(a[0]) and a[0] <= head["seq"]]

    def check_checklist(self, record: dict) -> None:
        """第八、十条: ``checklist`` is the digest of the latest approval before the record (null before any)."""
        pinned = record["checklist"]
        what = "公告" if record.get("type") == "announce" else "抽取"
        approvals = self.approvals_before(record)
        if not approvals:
            if pinned is not None:
                self.add(f"{what}所用的抽查事项清单（checklist）在此之前没有审批记录（第八、十条）")
            return
        _, latest, where = approvals[-1]
        if pinned == latest:
            return
        if pinned is None:
            self.add(f"{what}时清单已经审批（{where}，摘要 {latest[:12]}…），checklist 却为 null："
                     "审批之后的每次抽取都必须记下所用清单的摘要（第八、十条）")
            return
        earlier = next((a[2] for a in reversed(approvals) if a[1] == pinned), None)
        used = f"{earlier} 审批的旧清单" if earlier else "在此之前没有审批记录的清单"
        shown = f"{pinned[:12]}…" if is_hex64(pinned) else show(pinned, 20)
        self.add(f"{what}所用的抽查事项清单（checklist {shown}）是{used}，不是{what}前最近一次审批的清单"
                 f"（{where}，摘要 {latest[:12]}…）：清单变更并重新审批后，只能按新清单抽取（第八、十条）")


def published_checklist_problems(path: str, approvals: list) -> list:
    """A bundle's ``checklist.json`` is the checklist of the latest approval in its bureau ledger (第十条)."""
    try:
        with open(path, "rb") as handle:
            published = digest(strict_json(handle.read().decode("utf-8")))
    except FileNotFoundError:
        return ["缺少此文件：公示包必须公开随机抽查事项清单（第十条）"]
    except (OSError, ValueError, UnicodeDecodeError) as error:
        return [f"无法读取（{error}）"]
    if not approvals:
        return [f"公开的清单（摘要 {published[:12]}…）在局台账中没有审批记录：清单须经审批后才能公开和使用（第八、十条）"]
    _, latest, where = approvals[-1]
    if published != latest:
        return [f"公开的清单（摘要 {published[:12]}…）与局台账中最近一次审批（{where}，摘要 {latest[:12]}…）不符："
                "清单在审批后被修改过，或公开的不是已审批的清单（第十条）"]
    return []

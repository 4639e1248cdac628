"""``ssj credit``: keep the 诚信档案 (blacklist and records of bad faith, 第二十三条) in data/credit.yaml."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shuangsuiji.errors import SsjError
from shuangsuiji.registry import yamlio
from shuangsuiji.registry.commits import Saved, save
from shuangsuiji.registry.loading import Dataset, load_bureau
from shuangsuiji.registry.models import CreditEntry, CreditFile
from shuangsuiji.workspace import CREDIT, Workspace

HEADER = "# 诚信档案（《细则》第二十三条）：黑名单和失信记录。用 ssj credit add / remove 维护。\ncredit: []\n"


def _load(ws: Workspace) -> Any:
    path = ws.root / CREDIT
    raw = path.read_bytes() if path.exists() else HEADER.encode("utf-8")
    document = yamlio.load_round_trip(CREDIT, raw)
    if document is None or "credit" not in document:
        raise SsjError(f"{CREDIT} 缺少顶层的 credit: 列表")
    return document


def _save(ws: Workspace, document: Any, command: str, subject: str, commit: bool) -> Saved:
    """Validate the whole file, then write and commit it (``ssj credit <command>``)."""
    from pydantic import ValidationError

    from shuangsuiji.registry.messages import translate

    data = yamlio.dump_round_trip(document)
    try:
        CreditFile.model_validate(yamlio.load(CREDIT, data))
    except ValidationError as exc:
        raise SsjError(f"{CREDIT}：{translate(exc.errors()[0], CreditFile)}") from None
    return save(ws, f"ssj credit {command}", {CREDIT: data}, f"诚信档案：{subject}", commit=commit)


def _validated(entry: dict[str, Any]) -> CreditEntry:
    from pydantic import ValidationError

    from shuangsuiji.registry.messages import translate

    try:
        return CreditEntry.model_validate(entry)
    except ValidationError as exc:
        raise SsjError(translate(exc.errors()[0], CreditEntry)) from None


def _refuse_broken_file(data: Dataset) -> None:
    broken = [p for p in data.errors if p.path == CREDIT]
    if broken:
        raise SsjError(f"{CREDIT} 有 {len(broken)} 处错误，请先改正", broken)


def add_entry(ws: Workspace, entity: str, kind: str, reason: str, source: str, listed_on: dt.date,
              until: dt.date | None, commit: bool = True) -> tuple[CreditEntry, Saved]:
    """List a company (黑名单 or 失信记录); it must be in the registry."""
    data = load_bureau(ws)
    _refuse_broken_file(data)
    known = {e.id: e for e in data.entities}
    if entity not in known:
        raise SsjError(f"单位 {entity} 不在监管对象名录库中")
    entry: dict[str, Any] = {"entity": yamlio.quoted(entity), "kind": kind, "reason": reason.strip(),
                             "listed_on": listed_on, "source": source.strip()}
    if until is not None:
        entry["until"] = until
    model = _validated(entry)
    if model.until is not None and model.until <= model.listed_on:
        raise SsjError("期满日期应晚于列入日期")
    document = _load(ws)
    items = yamlio.block_list(document, "credit")
    items.append(yamlio.new_mapping(entry.items()))
    return model, _save(ws, document, "add", f"{entity} 列入{model.kind}，{model.source}", commit)


def remove_entries(ws: Workspace, entity: str, day: dt.date, reason: str, kind: str | None,
                   commit: bool = True) -> tuple[int, Saved]:
    """Mark the company's entries in force on ``day`` as removed (history is kept, never deleted)."""
    if not reason.strip():
        raise SsjError("请写明移出原因（--reason），如“信用修复”“期满”")
    data = load_bureau(ws)
    _refuse_broken_file(data)
    document = _load(ws)
    changed = 0
    for raw, model in zip(document["credit"], data.credit, strict=False):
        if model.entity == entity and model.in_force_on(day) and (kind is None or model.kind == kind):
            raw["removed_on"] = day
            raw["removal_reason"] = reason.strip()
            changed += 1
    if not changed:
        raise SsjError(f"单位 {entity} 在 {day} 没有生效中的诚信档案记录")
    return changed, _save(ws, document, "remove", f"{entity} 移出 {changed} 条，{reason.strip()}", commit)

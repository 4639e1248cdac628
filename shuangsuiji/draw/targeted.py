"""Inspections outside the random draw that 第七条 allows: 投诉举报, 上级交办, 移送线索 — recorded as such."""

from __future__ import annotations

import datetime as dt

from shuangsuiji.audit.check import load_checked
from shuangsuiji.core.words import TARGETED_BASES
from shuangsuiji.errors import RuleError, SsjError
from shuangsuiji.ledger.addresses import address
from shuangsuiji.ledger.index import Index
from shuangsuiji.ledger.store import Record
from shuangsuiji.ledger.writing import Written, git_state, operator_name, stamp, write
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.lookup import resolve_section
from shuangsuiji.registry.privacy import refuse_private
from shuangsuiji.workspace import Workspace


def perform_targeted(
    ws: Workspace, section_text: str, basis: str, reference: str, reason: str, entities: list[str],
    inspectors: list[str], day: dt.date | None, operator: str | None, now: dt.datetime | None = None,
) -> Written:
    """Record a targeted (non-random) inspection with its legal basis and document number."""
    if basis not in TARGETED_BASES:
        raise SsjError(f"非随机检查的依据只能是：{'、'.join(TARGETED_BASES)}（第七条）")
    if not reference.strip() or not reason.strip():
        raise SsjError("请写明文书编号（--reference）和事由（--reason）")
    refuse_private(reason, "事由")
    data = load_checked(ws)
    section = resolve_section(data.sections, section_text)
    at = now or data.now()
    day = day or at.date()
    if day != at.date():
        raise RuleError(f"非随机检查的日期应为今天（{at.date()}）：不得补录或提前记录（第十五条：全程记录、全程留痕）")
    known = {e.id: e for e in data.entities}
    for entity in entities:
        if entity not in known:
            raise SsjError(f"单位 {entity} 不在监管对象名录库中")
        if known[entity].specialty not in section.specialties:
            raise RuleError(f"单位 {entity} 的行业“{known[entity].specialty}”不归{section.name}监管（第十五条）")
    _check_team(data, inspectors, entities, day)
    state = git_state(ws, require_clean=True, inputs=data.raw_inputs())

    def build(index: Index) -> Record:
        return stamp("targeted", at, operator_name(ws, operator), section=section.id, date=day.isoformat(),
                      basis=basis, reference=reference.strip(), reason=reason.strip(),
                      entities=sorted(set(entities)), inspectors=list(dict.fromkeys(inspectors)), commit=state.commit)

    def message(record: Record) -> str:
        return f"非随机检查 {address(section, record['seq'])}（{basis}，{record['reference']}）"

    return write(ws, section.id, build, message, state, label=lambda r: address(section, r["seq"]))


def _check_team(data: Dataset, inspectors: list[str], entities: list[str], day: dt.date) -> None:
    people = {p.id: p for p in data.inspectors}
    team = list(dict.fromkeys(inspectors))
    if not entities:
        raise SsjError("请用 --entity 列出被检查单位")
    if len(team) < 2:
        raise RuleError("检查组至少 2 名执法人员（第十八条）")
    for person_id in team:
        person = people.get(person_id)
        if person is None:
            raise SsjError(f"执法人员名录库中没有工号 {person_id}")
        if not person.certified_on(day):
            raise RuleError(f"{person.name}（{person_id}）不在岗或执法证在 {day} 无效（第十八条）")
        clash = [c.entity for c in person.conflicts if c.entity in entities]
        if clash:
            raise RuleError(f"{person.name}（{person_id}）与单位 {clash[0]} 有申报的利害关系，应当回避（第十七条）")

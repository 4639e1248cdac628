"""``ssj recuse`` (第十七条): replace an inspector for one company by the public rule of SPEC §4."""

from __future__ import annotations

import datetime as dt

from shuangsuiji.core.recusal import current_team, replacement_for
from shuangsuiji.core.words import RECUSAL_REASONS
from shuangsuiji.draw.void import refuse_if_void
from shuangsuiji.errors import RuleError, SsjError
from shuangsuiji.ledger.addresses import Located, address, locate, parse_address
from shuangsuiji.ledger.index import Index
from shuangsuiji.ledger.store import Record
from shuangsuiji.ledger.summary import section_name
from shuangsuiji.ledger.writing import Written, git_state, operator_name, stamp, write
from shuangsuiji.registry.eligibility import declared_conflicts, eligible_inspectors
from shuangsuiji.registry.loading import Dataset, load_bureau
from shuangsuiji.registry.lookup import entity_label, person_label, resolve_inspector, resolve_section
from shuangsuiji.workspace import Workspace


def perform_recusal(ws: Workspace, draw_address: str, inspector: str, entity: str, reason: str,
                    operator: str | None, now: dt.datetime | None = None,
                    from_section: str | None = None) -> tuple[Written, list[str]]:
    """Replace ``inspector`` (工号 or name) for ``entity`` by the rule of SPEC §4; records nothing when nobody can.

    With ``from_section`` the replacement comes from that section's eligible inspectors (第五条: the 执法大队
    leads the work), ranked by the draw's seed. Returns the record written and the company's team as it now stands.
    """
    if reason not in RECUSAL_REASONS:
        raise SsjError(f"回避原因只能选：{'、'.join(RECUSAL_REASONS)}（个人情况不写入台账）")
    data = load_bureau(ws)
    people = {p.id: p for p in data.inspectors}
    companies = {e.id: e for e in data.entities}
    company = entity_label(companies, entity)
    state = git_state(ws, require_clean=False)
    at = now or data.now()
    done: list[tuple[Located, list[str]]] = []

    def build(index: Index) -> Record:
        found = locate(index, data, draw_address)
        record = found.record
        chosen = resolve_inspector(data.inspectors, inspector, record["inspectors"]["eligible"])
        who = person_label(people, chosen)
        _refuse_if_done(data, found, entity, company, index)
        refuse_if_void(found, index)
        earlier = index.follows(record["hash"], "recusal")
        team = current_team(record, entity, earlier)
        if chosen not in team:
            members = "、".join(person_label(people, i) for i in team)
            raise RuleError(f"{who}不在单位 {company}的检查组中（当前检查组：{members}）")
        borrowed = _borrowed(data, found, entity, from_section)
        replacement = replacement_for(record, entity, chosen, earlier, borrowed)
        if replacement is None:
            raise RuleError(_nobody(found, who, company, borrowed, data))
        done.append((found, [replacement if i == chosen else i for i in team]))
        extra = {} if borrowed is None else {"pool": borrowed["pool"], "pool_conflicts": borrowed["conflicts"]}
        return stamp("recusal", at, operator_name(ws, operator), draw=record["hash"], entity=entity, inspector=chosen,
                     replacement=replacement, reason=reason, from_section=borrowed["section"] if borrowed else None,
                     **extra)

    def message(record: Record) -> str:
        where = f"，由{section_name(data.sections, record['from_section'])}抽调" if record["from_section"] else ""
        return (f"回避 {done[0][0].label}：{record['inspector']} → {record['replacement']}"
                f"（{record['entity']}，{record['reason']}{where}）")

    section = resolve_section(data.sections, parse_address(draw_address)[0])
    written = write(ws, section.id, build, message, state, label=lambda r: address(section, r["seq"]))
    return written, done[0][1]


def _borrowed(data: Dataset, found: Located, entity: str, from_section: str | None) -> dict | None:
    """Another section's pool on the draw's date, and its members' declared conflicts with ``entity``."""
    if from_section is None:
        return None
    other = resolve_section(data.sections, from_section)
    if other.id == found.section.id:
        raise SsjError(f"--from-section 应是另一个科室：替补默认就从{other.name}的后备人员中产生")
    day = dt.date.fromisoformat(found.record["date"])
    pool = eligible_inspectors(data, other, day)
    if not pool:
        raise RuleError(f"{other.name}在 {day} 没有符合条件的执法人员（在岗、执法证有效），无法抽调")
    conflicts = [{"inspector": i, "entity": e} for i, e in sorted(declared_conflicts(data)) if i in pool and e == entity]
    return {"section": other.id, "pool": pool, "conflicts": conflicts}


def _nobody(found: Located, who: str, company: str, borrowed: dict | None, data: Dataset) -> str:
    """Why nobody can replace, and what may still be done (第十七条)."""
    where = f"{section_name(data.sections, borrowed['section'])}的人员" if borrowed else "后备人员"
    options = []
    if borrowed is None:
        others = "、".join(s.short_names[0] if s.short_names else s.name for s in data.sections if s.id != found.section.id)
        options.append(f"从其他科室抽调替补（ssj recuse {found.label} … --from-section 执法大队；可选：{others}）")
    options.append(f"作废这次抽取后重新抽取（ssj void {found.label} --reason …；作废和重抽都会公开）")
    return (f"{where}中没有可替换{who}的人（需与单位 {company}无利害关系且不在该检查组中），未作任何记录。"
            f"还可以：{'；或'.join(options)}（第十七条）")


def _refuse_if_done(data: Dataset, found: Located, entity: str, company: str, index: Index) -> None:
    """No recusal once the company's check is finished (报告已办结) or its result published."""
    if entity in index.published(found.record["hash"]):
        raise RuleError(f"单位 {company}在 {found.label} 中的检查结果已经公开，不能再回避替换")
    for n, report in enumerate(data.reports):
        if report.draw_hash == found.record["hash"] and report.entity == entity and report.status == "已办结":
            raise RuleError(
                f"单位 {company}的检查报告已办结（{data.where[('reports', n)][0]}），检查已经完成，不能再回避替换"
            )

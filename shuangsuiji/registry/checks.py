"""Cross-file rules of the 细则 that no single schema can see; every problem is collected."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.messages import Loc

#: The six sections of 第十一条, by full name.
REQUIRED_SECTIONS = ("安全监管一股", "安全监管二股", "安全监管三股", "办公室", "应急救援指挥中心", "执法大队")
#: Warn this many days before a 执法证 runs out.
CERT_WARNING_DAYS = 30


def check_registry(data: Dataset, today: dt.date) -> Dataset:
    """Run every cross-reference rule of the registry files; problems are appended to ``data.problems``."""
    for rule in (
        _bureau, _sections, _entities, _inspectors, _certified_per_section, _duties_and_checklist, _credit,
    ):
        rule(data, today)
    return data


def _bureau(data: Dataset, today: dt.date) -> None:
    if data.bureau is None:
        return
    try:
        ZoneInfo(data.bureau.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        data.report(("data/bureau.yaml", ("timezone",)), f"时区“{data.bureau.timezone}”无效，应写 Asia/Shanghai 这样的时区名")
    names = Counter(c.name for c in data.bureau.result_categories)
    for name in sorted(n for n, count in names.items() if count > 1):
        data.report(("data/bureau.yaml", ("result_categories",)), f"检查结果类别“{name}”重复")


def _sections(data: Dataset, today: dt.date) -> None:
    seen: dict[str, int] = {}
    for index, section in enumerate(data.sections):
        labels: list[tuple[str, Loc]] = [(section.id, ("id",)), (section.name, ("name",))]
        labels += [(short, ("short_names", n)) for n, short in enumerate(section.short_names)]
        for label, loc in labels:
            if label in seen and seen[label] != index:
                data.report_at("sections", index, f"科室名称或编号“{label}”与另一个科室重复", loc)
            seen.setdefault(label, index)
    names = {s.name for s in data.sections}
    if not names:
        return  # data/sections.yaml is empty or unreadable: its own error says so, not six missing sections
    for missing in (n for n in REQUIRED_SECTIONS if n not in names):
        data.report(("data/sections.yaml", ("sections",)), f"缺少第十一条规定的科室“{missing}”")
    for index, section in enumerate(data.sections):
        if section.name not in REQUIRED_SECTIONS:
            data.report_at("sections", index, f"“{section.name}”不是第十一条规定的六个科室之一", extra=("name",))


def _entities(data: Dataset, today: dt.date) -> None:
    first: dict[str, int] = {}
    supervised = {sp for s in data.sections for sp in s.specialties}
    for index, entity in enumerate(data.entities):
        if entity.id in first:
            path, loc = data.where[("entities", first[entity.id])]
            line = data.line_of(path, loc)
            data.report_at("entities", index, f"统一社会信用代码 {entity.id} 重复（已见于 {path}:{line}）", ("id",))
        else:
            first[entity.id] = index
        if data.sections and entity.specialty not in supervised:
            known = "、".join(sorted(supervised))
            data.report_at("entities", index, f"行业类别“{entity.specialty}”没有科室监管（可选：{known}）", ("specialty",))


def _inspectors(data: Dataset, today: dt.date) -> None:
    sections = {s.id for s in data.sections}
    entities = {e.id for e in data.entities}
    seen: set[str] = set()
    certs: dict[str, str] = {}
    for index, person in enumerate(data.inspectors):
        if person.id in seen:
            data.report_at("inspectors", index, f"工号 {person.id} 重复", ("id",))
        seen.add(person.id)
        if person.cert_no in certs:
            data.report_at("inspectors", index, f"执法证号 {person.cert_no} 与 {certs[person.cert_no]} 重复", ("cert_no",))
        certs.setdefault(person.cert_no, person.id)
        if data.sections and person.section not in sections:
            data.report_at("inspectors", index, _unknown_section(data, person.section), ("section",))
        for n, conflict in enumerate(person.conflicts):
            if data.entities and conflict.entity not in entities and not data.may_hold("entities", conflict.entity):
                data.report_at("inspectors", index, f"申报回避的单位 {conflict.entity} 不在监管对象名录库中", ("conflicts", n, "entity"))
        _certificate(data, index, today)


def _unknown_section(data: Dataset, text: str) -> str:
    """Say which id was meant when a clerk wrote the section's name (二股) instead of its id (ergu)."""
    for section in data.sections:
        if text in (section.name, *section.short_names):
            return f"科室应写编号 {section.id}（{section.name}），不是“{text}”"
    valid = "、".join(f"{s.id}（{s.name}）" for s in data.sections)
    return f"科室“{text}”不存在（可选：{valid}）"


def _certificate(data: Dataset, index: int, today: dt.date) -> None:
    person = data.inspectors[index]
    if not person.active:
        return
    if person.cert_expires < today:
        data.report_at("inspectors", index, f"{person.name}（{person.id}）的执法证已于 {person.cert_expires} 过期，不能参加抽查",
                       ("cert_expires",), "warning")
    elif person.cert_expires < today + dt.timedelta(days=CERT_WARNING_DAYS):
        data.report_at("inspectors", index, f"{person.name}（{person.id}）的执法证将于 {person.cert_expires} 到期",
                       ("cert_expires",), "warning")


def _certified_per_section(data: Dataset, today: dt.date) -> None:
    if "inspectors" in data.unreadable:
        return  # data/inspectors.yaml is empty or could not be read: its own error says so, not six empty sections
    certified = Counter(p.section for p in data.inspectors if p.certified_on(today))
    for index, section in enumerate(data.sections):
        count = certified[section.id]
        if count < 2:
            data.report_at("sections", index, f"{section.name}只有 {count} 名在岗且持有效执法证的人员，"
                           "不足一组（第十八条要求至少 2 人），该科室的抽取会失败", severity="warning")
        elif count < 4:
            _single_team_conflicts(data, index, today)


def _single_team_conflicts(data: Dataset, index: int, today: dt.date) -> None:
    """With one team only, a company one of its members must avoid cannot be assigned (SPEC §4)."""
    section = data.sections[index]
    declared = [p for p in data.inspectors if p.section == section.id and p.certified_on(today) and p.conflicts]
    if declared:
        names = "、".join(f"{p.name}（{p.id}）" for p in declared)
        data.report_at("sections", index, f"{section.name}只能组成 1 个检查组，而 {names} 申报了回避：抽中其回避的单位时，"
                       "若此人在组内，抽取会失败（第十七条）；建议增加持证执法人员", severity="warning")


def _duties_and_checklist(data: Dataset, today: dt.date) -> None:
    duty_ids = Counter(d.id for d in data.duties)
    for index, duty in enumerate(data.duties):
        if duty_ids[duty.id] > 1:
            data.report_at("duties", index, f"职责编号 {duty.id} 重复", ("id",))
    sections = {s.id for s in data.sections}
    item_ids = Counter(c.id for c in data.checklist)
    covered: set[str] = set()
    for index, item in enumerate(data.checklist):
        if item_ids[item.id] > 1:
            data.report_at("checklist", index, f"抽查事项编号 {item.id} 重复", ("id",))
        if data.sections and item.subject not in sections:
            data.report_at("checklist", index, f"检查主体“{item.subject}”不是已登记的科室", ("subject",))
        for n, duty_id in enumerate(item.duties):
            if duty_id not in duty_ids and "duties" not in data.unreadable:
                data.report_at("checklist", index, f"职责 {duty_id} 不在 data/duties.yaml 中", ("duties", n))
        covered.update(item.duties)
    for index, duty in enumerate(data.duties):
        if duty.id not in covered and "checklist" not in data.unreadable:
            data.report_at("duties", index, f"职责 {duty.id}“{duty.name}”没有被任何抽查事项覆盖（第九条要求覆盖率 100%）")


def _credit(data: Dataset, today: dt.date) -> None:
    entities = {e.id for e in data.entities}
    for index, entry in enumerate(data.credit):
        if data.entities and entry.entity not in entities and not data.may_hold("entities", entry.entity):
            data.report_at("credit", index, f"单位 {entry.entity} 不在监管对象名录库中", ("entity",))
        if entry.until is not None and entry.until <= entry.listed_on:
            data.report_at("credit", index, "期满日期应晚于列入日期", ("until",))


def counts_by_section(data: Dataset, today: dt.date) -> list[dict[str, object]]:
    """One summary row per section: companies in scope, 在营, 重点, certified inspectors."""
    rows = []
    for section in data.sections:
        scope = [e for e in data.entities if e.specialty in section.specialties]
        rows.append({
            "section": section.name,
            "companies": len(scope),
            "operating": sum(1 for e in scope if e.status == "在营"),
            "key": sum(1 for e in scope if e.key and e.status == "在营"),
            "inspectors": sum(1 for p in data.inspectors if p.section == section.id),
            "certified": sum(1 for p in data.inspectors if p.section == section.id and p.certified_on(today)),
        })
    return rows


"""Finding sections and people by the names clerks use: 二股, 安全监管二股, ergu; a 工号 or a name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from shuangsuiji.errors import SsjError
from shuangsuiji.registry.models import Entity, Inspector, Section


def resolve_section(sections: list[Section], text: str) -> Section:
    """The section named by id, full name or short name; refuses with the list of valid names."""
    wanted = text.strip()
    for section in sections:
        if wanted in (section.id, section.name, *section.short_names):
            return section
    valid = "；".join(f"{s.name}（{'、'.join([*s.short_names, s.id])}）" for s in sections)
    raise SsjError(f"没有科室“{wanted}”。可用的科室：{valid}")


def person_label(people: Mapping[str, Inspector], inspector_id: str) -> str:
    """``姓名（工号）``, or the bare 工号 of someone no longer in the registry."""
    person = people.get(inspector_id)
    return f"{person.name}（{inspector_id}）" if person is not None else inspector_id


def entity_label(entities: Mapping[str, Entity], entity_id: str) -> str:
    """``单位名称（统一社会信用代码）``, or the bare code of a company no longer in the registry."""
    entity = entities.get(entity_id)
    return f"{entity.name}（{entity_id}）" if entity is not None else entity_id


def resolve_inspector(inspectors: list[Inspector], text: str, preferred: Iterable[str] = ()) -> str:
    """The 工号 named by ``text``: a 工号, or a name that only one inspector has.

    Among several inspectors of that name, those in ``preferred`` (the draw's pool) are tried first.
    """
    wanted = text.strip()
    pool = set(preferred)
    if any(p.id == wanted for p in inspectors) or wanted in pool:
        return wanted
    named = [p for p in inspectors if p.name == wanted]
    chosen = [p for p in named if p.id in pool] or named
    if len(chosen) == 1:
        return chosen[0].id
    if not chosen:
        raise SsjError(f"执法人员名录库中没有工号或姓名为“{wanted}”的人员")
    listed = "、".join(f"{p.name}（{p.id}）" for p in chosen)
    raise SsjError(f"姓名“{wanted}”对应多名执法人员：{listed}。请改用工号")

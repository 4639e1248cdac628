"""Recusal (第十七条, SPEC §4): who checks a company after inspectors stepped aside, and who replaces them.

A recusal record always names its replacement: ssj records nothing when nobody can replace, and the
verifiers refuse a recorded ``replacement`` of null.
"""

from __future__ import annotations

from shuangsuiji.core.draw import Refused


def team_index(record: dict, entity: str):
    """The team number ``entity`` was assigned to in a draw record, or None when it was not selected."""
    return next((a.get("team") for a in record.get("assignments", []) if a.get("entity") == entity), None)


def apply_recusals(team: list, entity: str, recusals: list) -> list:
    """``team`` (of ``entity``) after the recusals for it, in order: each recused member replaced in place."""
    team = list(team)
    for recusal in recusals:
        if recusal.get("entity") == entity and recusal.get("inspector") in team:
            team[team.index(recusal["inspector"])] = recusal.get("replacement")
    return team


def current_team(record: dict, entity: str, recusals: list) -> list:
    """The team that checks ``entity`` after the given recusals of this draw, in order."""
    index = team_index(record, entity)
    if index is None:
        raise Refused(f"单位 {entity} 不在这次抽取的结果中")
    return apply_recusals(record["inspectors"]["teams"][index], entity, recusals)


def teams_after(record: dict, recusals: list) -> dict:
    """Every selected company's team after the recusals, in one pass (large draws have thousands)."""
    teams = record["inspectors"]["teams"]
    current = {a["entity"]: list(teams[a["team"]]) for a in record["assignments"]}
    for recusal in recusals:
        team = current.get(recusal["entity"])
        if team is not None and recusal["inspector"] in team:
            team[team.index(recusal["inspector"])] = recusal["replacement"]
    return current


def replacement_for(record: dict, entity: str, inspector: str, earlier: list):
    """The reserve inspector who replaces ``inspector`` for ``entity`` (SPEC §4), or None.

    Beyond SPEC §4's wording, whoever already stepped aside for ``entity`` in this draw never comes
    back as a replacement: otherwise a second recusal could return the first one's conflicted inspector.
    """
    team = current_team(record, entity, earlier)
    if inspector not in team:
        raise Refused(f"{inspector} 不在单位 {entity} 的检查组中（当前检查组：{'、'.join(map(str, team))}）")
    conflicts = {(c["inspector"], c["entity"]) for c in record["conflicts"]}
    stepped_aside = {inspector} | {r["inspector"] for r in earlier if r["entity"] == entity}
    for candidate in record["inspectors"]["reserve"]:
        if candidate not in team and candidate not in stepped_aside and (candidate, entity) not in conflicts:
            return str(candidate)
    return None

"""Recusal (第十七条, SPEC §4): who checks a company after inspectors stepped aside, and who replaces them.

A recusal record always names its replacement: ssj records nothing when nobody can replace, and the
verifiers refuse a recorded ``replacement`` of null.
"""

from __future__ import annotations

from shuangsuiji.core.draw import Refused
from shuangsuiji.core.tickets import inspector_seed, rank, ticket_pairs


def assignment_order(record: dict) -> list:
    """Every selected company of a draw record, strata merged in ticket order (the order of ``assignments``)."""
    chosen = []
    for stratum in record["strata"]:
        selected = stratum["selected"] if isinstance(stratum["selected"], list) else []
        ids = [entity for entity in selected if isinstance(entity, str)]  # a malformed entry is reported elsewhere
        chosen += ticket_pairs(ids, record["seed"])
    return [entity for _, entity in sorted(chosen)]  # (ticket, id), as the draw merged them


def team_map(record: dict) -> dict:
    """``{entity: team index}`` of a draw record."""
    assignments = record["assignments"]
    return dict(zip(assignment_order(record), assignments if isinstance(assignments, list) else []))


def apply_recusals(team: list, entity: str, recusals: list) -> list:
    """``team`` (of ``entity``) after the recusals for it, in order: each recused member replaced in place."""
    team = list(team)
    for recusal in recusals:
        if recusal.get("entity") == entity and recusal.get("inspector") in team:
            team[team.index(recusal["inspector"])] = recusal.get("replacement")
    return team


def current_team(record: dict, entity: str, recusals: list, teams_of: dict | None = None) -> list:
    """The team that checks ``entity`` after the given recusals of this draw, in order."""
    index = (teams_of if teams_of is not None else team_map(record)).get(entity)
    if index is None:
        raise Refused(f"单位 {entity} 不在这次抽取的结果中")
    return apply_recusals(record["inspectors"]["teams"][index], entity, recusals)


def teams_after(record: dict, recusals: list) -> dict:
    """Every selected company's team after the recusals, in one pass (large draws have thousands)."""
    teams = record["inspectors"]["teams"]
    current = {entity: list(teams[index]) for entity, index in team_map(record).items()}
    for recusal in recusals:
        team = current.get(recusal["entity"])
        if team is not None and recusal["inspector"] in team:
            team[team.index(recusal["inspector"])] = recusal["replacement"]
    return current


def borrowed_ranking(pool: list, seed: str, section: str) -> list:
    """Another section's eligible inspectors in ticket order under ``seed|inspectors|<section id>``."""
    return [t.id for t in rank(sorted(set(pool)), inspector_seed(seed) + "|" + section)]


def replacement_for(record: dict, entity: str, inspector: str, earlier: list, borrowed: dict | None = None,
                    teams_of: dict | None = None):
    """The inspector who replaces ``inspector`` for ``entity`` (SPEC §4), or None when nobody can.

    Candidates are the draw's reserve in ticket order or, with ``borrowed`` (``{"section", "pool",
    "conflicts"}``: another section's eligible inspectors and their declared conflicts with ``entity``), that
    pool ranked under ``seed|inspectors|<section>``. The first who is not in the company's team as it stands,
    has not stepped aside for it in this draw and declared no conflict with it is the one. Beyond SPEC §4's
    wording, whoever already stepped aside for ``entity`` in this draw never comes back: otherwise a second
    recusal could return the first one's conflicted inspector.
    """
    team = current_team(record, entity, earlier, teams_of)
    if inspector not in team:
        raise Refused(f"{inspector} 不在单位 {entity} 的检查组中（当前检查组：{'、'.join(map(str, team))}）")
    conflicts = {(c["inspector"], c["entity"]) for c in record["conflicts"]}
    if borrowed is None:
        candidates = record["inspectors"]["reserve"]
    else:
        candidates = borrowed_ranking(borrowed["pool"], record["seed"], borrowed["section"])
        conflicts |= {(c["inspector"], c["entity"]) for c in borrowed["conflicts"]}
    stepped_aside = {inspector} | {r["inspector"] for r in earlier if r["entity"] == entity}
    for candidate in candidates:
        if not isinstance(candidate, str):  # a malformed reserve (reported with the draw) names nobody
            continue
        if candidate not in team and candidate not in stepped_aside and (candidate, entity) not in conflicts:
            return str(candidate)
    return None

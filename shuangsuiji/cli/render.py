"""Rich rendering of ledger records for people (tables); JSON output lives with the commands."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from ..console import out
from ..loading import Dataset
from ..lookup import address
from ..models import Section
from ..words import FAIRNESS, FAIRNESS_SHORT

#: Rows of a draw shown on screen; a province-scale draw lists the rest in its sheet and JSON.
SCREEN_ROWS = 300


def short_ticket(ticket: str) -> str:
    """The first 12 digits of a ticket, enough to see the order."""
    return ticket[:14] + "…"


def names(data: Dataset) -> tuple[dict[str, Any], dict[str, Any]]:
    """Companies and inspectors by id (records that left the registry show by id only)."""
    return {e.id: e for e in data.entities}, {p.id: p for p in data.inspectors}


def print_draw(record: dict[str, Any], section: Section, data: Dataset, recusals: list[dict[str, Any]] | None = None,
               void: dict[str, Any] | None = None, private: bool = True) -> None:
    """A draw as a clerk wants to see it: header, strata, then each company with its team."""
    from ..draw import teams_after

    entities, people = names(data)
    label = address(section, record["seq"])
    out.print(f"[bold]抽取记录 {label}[/]  {section.name}  抽取日期 {record['date']}  计划事项 {record['plan_item'] or '无'}")
    if void is not None:
        out.print(f"[bold red]已作废[/]（{void['at'][:10]}）：{void['reason']}")
    out.print(f"随机种子：{record['seed']}（来源：{record['seed_source']}）")
    out.print(f"公平性：[bold]{FAIRNESS_SHORT[record['fairness']]}[/] —— {FAIRNESS[record['fairness']]}")
    strata = Table(title="分层", title_justify="left")
    for column in ("分层", "比例", "符合条件", "抽取"):
        strata.add_column(column, justify="left" if column == "分层" else "right")
    for s in record["strata"]:
        if s["population"]:
            strata.add_row(s["name"], s["ratio"], str(len(s["population"])), str(s["k"]))
    out.print(strata)
    stratum_of = {sel["id"]: (s["name"], sel["ticket"]) for s in record["strata"] for sel in s["selected"]}
    table = Table(title="抽中单位及检查组", title_justify="left")
    for column in ("序", "单位名称", "统一社会信用代码", "分层", "组", "检查人员（执法证号）", "号签"):
        table.add_column(column, overflow="fold")
    teams = teams_after(record, recusals or [])
    for n, assignment in enumerate(record["assignments"][:SCREEN_ROWS], 1):
        entity = assignment["entity"]
        members = "、".join(_person(people, i) for i in teams[entity])
        name = entities[entity].name if entity in entities else "（已不在名录库）"
        stratum, ticket = stratum_of[entity]
        table.add_row(str(n), name, entity, stratum, str(assignment["team"] + 1), members, short_ticket(ticket))
    out.print(table)
    hidden = len(record["assignments"]) - SCREEN_ROWS
    if hidden > 0:
        out.print(f"……另有 {hidden} 家未在屏幕上列出：完整名单见 ssj show {label} --html 记录表.html 或 --json")
    reserve = "、".join(_person(people, i) for i in record["inspectors"]["reserve"]) or "无"
    out.print(f"备选人员（按号签顺序）：{reserve}")
    for r in recusals or []:
        out.print(f"回避：{_person(people, r['inspector'])} → {_person(people, r['replacement'])}"
                  f"（单位 {r['entity']}，{r['reason']}）")


def _person(people: dict[str, Any], inspector_id: str) -> str:
    person = people.get(inspector_id)
    return f"{person.name}（{person.cert_no}）" if person is not None else inspector_id

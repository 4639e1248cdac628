"""Rich rendering of ledger records for people (tables and lines); JSON output lives with the commands."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table

from shuangsuiji.cli.console import out
from shuangsuiji.core.words import FAIRNESS, FAIRNESS_SHORT, RECORD_TYPES
from shuangsuiji.ledger.addresses import address
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.lookup import entity_label, person_label
from shuangsuiji.registry.models import Section

#: Rows of a draw shown on screen; a province-scale draw lists the rest in its sheet and JSON.
SCREEN_ROWS = 300


def short_ticket(ticket: str) -> str:
    """The first 12 digits of a ticket, enough to see the order."""
    return ticket[:14] + "…"


def names(data: Dataset) -> tuple[dict[str, Any], dict[str, Any]]:
    """Companies and inspectors by id (records that left the registry show by id only)."""
    return {e.id: e for e in data.entities}, {p.id: p for p in data.inspectors}


def fairness_line(level: str) -> str:
    """``公平性：<b>人工输入</b>（可信度最低）：…`` — the level's words once, its short name in bold (rich markup)."""
    short, words = FAIRNESS_SHORT[level], FAIRNESS[level]
    rest = words[len(short):] if words.startswith(short) else f"：{words}"
    return f"公平性：[bold]{escape(short)}[/]{escape(rest)}"


def print_draw(record: dict[str, Any], section: Section, data: Dataset, recusals: list[dict[str, Any]] | None = None,
               void: dict[str, Any] | None = None) -> None:
    """A draw as a clerk wants to see it: header, strata, then each company with its team."""
    from shuangsuiji.core.recusal import teams_after

    entities, people = names(data)
    label = address(section, record["seq"])
    out.print(f"[bold]抽取记录 {escape(label)}[/]  {escape(section.name)}  抽取日期 {record['date']}  "
              f"计划事项 {escape(record['plan_item'] or '无')}")
    if void is not None:
        out.print(f"[bold red]已作废[/]（{void['at'][:10]}）：{escape(void['reason'])}")
    out.print(f"随机种子：{escape(record['seed'])}（来源：{escape(record['seed_source'])}）")
    out.print(fairness_line(record["fairness"]))
    strata = Table(title="分层", title_justify="left")
    for column in ("分层", "比例", "符合条件", "抽取"):
        strata.add_column(column, justify="left" if column == "分层" else "right")
    for s in record["strata"]:
        if s["population"]:
            strata.add_row(s["name"], s["ratio"], str(len(s["population"])), str(s["k"]))
    out.print(strata)
    stratum_of = {sel["id"]: (s["name"], sel["ticket"]) for s in record["strata"] for sel in s["selected"]}
    table = Table(title="抽中单位及检查组", title_justify="left",
                  caption="检查人员写作 姓名（工号，执法证号）；回避时 ssj recuse --inspector 填工号", caption_justify="left")
    for column in ("序", "单位名称", "统一社会信用代码", "分层", "组", "检查人员", "号签"):
        table.add_column(column, overflow="fold", no_wrap=column in ("统一社会信用代码", "分层", "号签"),
                         min_width=16 if column == "检查人员" else None)
    teams = teams_after(record, recusals or [])
    for n, assignment in enumerate(record["assignments"][:SCREEN_ROWS], 1):
        entity = assignment["entity"]
        members = "\n".join(member(people, i) for i in teams[entity])
        name = entities[entity].name if entity in entities else "（已不在名录库）"
        stratum, ticket = stratum_of[entity]
        table.add_row(str(n), escape(name), entity, stratum, str(assignment["team"] + 1), escape(members),
                      short_ticket(ticket))
    out.print(table)
    hidden = len(record["assignments"]) - SCREEN_ROWS
    if hidden > 0:
        out.print(f"……另有 {hidden} 家未在屏幕上列出：完整名单见 ssj show {label} --html 记录表.html 或 --json")
    reserve = "、".join(member(people, i) for i in record["inspectors"]["reserve"]) or "无"
    out.print(f"备选人员（按号签顺序）：{escape(reserve)}")
    for r in recusals or []:
        out.print(escape(f"回避：{person_label(people, r['inspector'])} → {person_label(people, r['replacement'])}"
                         f"（单位 {r['entity']}，{r['reason']}）"))


def member(people: dict[str, Any], inspector_id: str) -> str:
    """A team member as ``姓名（工号，执法证号）``: the 工号 is what ``ssj recuse --inspector`` takes."""
    person = people.get(inspector_id)
    return f"{person.name}（{inspector_id}，{person.cert_no}）" if person is not None else inspector_id


def print_announcement(record: dict[str, Any], section: Section, data: Dataset,
                       records: list[dict[str, Any]] | None = None) -> None:
    """An announce record in words: what will be drawn, when, from which public seed, and its digests."""
    label = address(section, record["seq"])
    lines = [
        f"[bold]抽取公告 {escape(label)}[/]  {escape(section.name)}  公告时间 {_when(record['at'])}  操作人 {escape(record['operator'])}",
        f"计划事项：{escape(record['plan_item'] or '无')}",
        f"抽取日期：{record['date']}",
        f"抽查比例下限：{record['ratio'] or '按计划比例'}；每组 {record['team_size']} 人",
        f"种子来源：{escape(record['seed_source'])}",
    ]
    if record.get("seed_rule"):
        lines.append(f"种子规则：{escape(record['seed_rule'])}")
    lines += [f"{words}：{record[key]}" for key, words in DIGESTS if key in record]
    if records is not None:
        lines.append(f"状态：{escape(announcement_status(record, section, records))}")
    for line in lines:
        out.print(line)


#: The digests of an announcement, in the order people read them.
DIGESTS = (
    ("population_digest", "检查对象名单摘要"), ("pool_digest", "执法人员名单摘要"),
    ("strata_digest", "分层摘要"), ("conflicts_digest", "利害关系申报摘要"),
)


def announcement_status(record: dict[str, Any], section: Section, records: list[dict[str, Any]]) -> str:
    """待抽取, 已用于抽取 二股-1, or 已作废（reason）."""
    for r in records:
        if r["type"] == "draw" and r.get("announcement") == record["hash"]:
            return f"已用于抽取 {address(section, r['seq'])}"
        if r["type"] == "void" and r["draw"] == record["hash"]:
            return f"已作废（{r['at'][:10]}）：{r['reason']}"
    return "待抽取：种子公布后按本公告抽取"


def print_record(record: dict[str, Any], section: Section, records: list[dict[str, Any]], data: Dataset) -> None:
    """A record other than a draw, in Chinese lines (``--json`` shows the raw record)."""
    kind = record["type"]
    if kind == "announce":
        print_announcement(record, section, data, records)
        return
    entities, people = names(data)
    label = address(section, record["seq"])
    by_hash = {r["hash"]: r for r in records}
    head = f"[bold]{escape(RECORD_TYPES.get(kind, kind))} {escape(label)}[/]  {escape(section.name)}  " \
           f"时间 {_when(record['at'])}  操作人 {escape(record['operator'])}"
    lines = [head]
    if kind == "void":
        target = by_hash.get(record["draw"])
        lines.append(f"作废：{escape(_target(target, section))}")
        lines.append(f"原因：{escape(record['reason'])}")
    elif kind == "recusal":
        target = by_hash.get(record["draw"])
        lines += [
            f"所属抽取：{escape(_target(target, section))}",
            f"检查对象：{escape(entity_label(entities, record['entity']))}",
            f"回避人员：{escape(member(people, record['inspector']))}",
            f"替换人员：{escape(member(people, record['replacement']))}（从备选人员中按号签顺序产生）",
            f"回避类别：{escape(record['reason'])}",
        ]
    elif kind == "targeted":
        lines += [
            "性质：非随机检查（第七条规定的例外），不是随机抽取",
            f"依据：{escape(record['basis'])}（文书编号 {escape(record['reference'])}）",
            f"事由：{escape(record['reason'])}",
            f"检查日期：{record['date']}",
            f"检查对象：{escape('、'.join(entity_label(entities, e) for e in record['entities']))}",
            f"检查人员：{escape('、'.join(member(people, i) for i in record['inspectors']))}",
        ]
    else:
        lines.append(escape(str({k: v for k, v in record.items() if k not in ('prev', 'hash')})))
    lines.append(f"记录哈希：{record['hash']}")
    for line in lines:
        out.print(line)


def _target(record: dict[str, Any] | None, section: Section) -> str:
    if record is None:
        return "（本台账中找不到所指的记录）"
    kind = RECORD_TYPES.get(record["type"], record["type"])
    day = f"，{record['date']}" if "date" in record else ""
    return f"{address(section, record['seq'])}（{kind}{day}）"


def _when(at: str) -> str:
    return at[:16].replace("T", " ")

"""Rich rendering of ledger records for people (tables and lines); JSON output lives with the commands."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table

from shuangsuiji.cli.console import out
from shuangsuiji.core.evidence import evidence_count
from shuangsuiji.core.ratio import percent
from shuangsuiji.core.words import FAIRNESS, FAIRNESS_SHORT, RECORD_TYPES
from shuangsuiji.ledger.addresses import address
from shuangsuiji.ledger.summary import section_name
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
               void: dict[str, Any] | None = None, changes: list[str] | None = None) -> None:
    """A draw as a clerk wants to see it: header, strata, who rested, then each company with its team."""
    from shuangsuiji.core.recusal import apply_recusals
    from shuangsuiji.ledger.summary import draw_rows

    entities, people = names(data)
    label = address(section, record["seq"])
    failed = record["type"] == "failed"
    title = "抽取未成" if failed else "抽取记录"
    out.print(f"[bold]{title} {escape(label)}[/]  {escape(section.name)}  抽取日期 {record['date']}  "
              f"计划事项 {escape(record['plan_item'] or '无')}")
    if failed:
        out.print(f"[bold red]这次抽取没有成功[/]：{escape(record['reason'])}（尝试已记入台账并公开）")
    if void is not None:
        out.print(f"[bold red]已作废[/]（{void['at'][:10]}）：{escape(void['reason'])}")
    if record.get("dirty"):
        out.print("[bold yellow]注意：这次抽取基于未提交的数据文件（--allow-dirty），公开时会注明[/]")
    out.print(f"随机种子：{escape(record['seed'])}（来源：{escape(record['seed_source'])}）")
    for witness in record.get("witnesses") or []:
        out.print(f"  见证人 {escape(witness['name'])} 输入：{escape(witness['value'])}")
    out.print(fairness_line(record["fairness"]))
    if record.get("again"):
        out.print(f"再次抽取的原因：{escape(record['again'])}")
    strata = Table(title="分层", title_justify="left")
    for column in ("分层", "比例", "符合条件", "抽取"):
        strata.add_column(column, justify="left" if column == "分层" else "right")
    for s in record["strata"]:
        if s["count"]:
            strata.add_row(s["name"], percent(s["ratio"]), str(s["count"]), str(s["k"]))
    out.print(strata)
    rested = evidence_count(record["rested"])
    if rested:
        out.print(f"休息期（{record['rest_days']} 天内已被检查）未进入风险层、一般层的单位：{rested} 家（第十六条：防止检查过多）")
    for line in changes or []:
        out.print(escape(line))
    if failed:
        return
    table = Table(title="抽中单位及检查组", title_justify="left",
                  caption="检查人员写作 姓名（工号，执法证号）；回避时 ssj recuse --inspector 填工号", caption_justify="left")
    for column in ("序", "单位名称", "统一社会信用代码", "分层", "组", "检查人员", "号签"):
        table.add_column(column, overflow="fold", no_wrap=column in ("统一社会信用代码", "分层", "号签"),
                         min_width=16 if column == "检查人员" else None)
    rows = draw_rows(record)
    teams = record["inspectors"]["teams"]
    for n, row in enumerate(rows[:SCREEN_ROWS], 1):
        team = apply_recusals(teams[row.team], row.entity, recusals or [])
        members = "\n".join(member(people, i) for i in team)
        name = entities[row.entity].name if row.entity in entities else "（已不在名录库）"
        mark = "*" if row.rotation_ignored else ""
        table.add_row(str(n), escape(name), row.entity, row.stratum, f"{row.team + 1}{mark}", escape(members),
                      short_ticket(row.ticket))
    out.print(table)
    if any(r.rotation_ignored for r in rows):
        out.print("* 每个检查组都有人在一年内检查过该单位，按一般规则分组（第十七条轮换无法满足）")
    hidden = len(rows) - SCREEN_ROWS
    if hidden > 0:
        out.print(f"……另有 {hidden} 家未在屏幕上列出：完整名单见 ssj show {label} --html 记录表.html 或 --json")
    reserve = "、".join(member(people, i) for i in record["inspectors"]["reserve"]) or "无"
    out.print(f"后备人员（按号签顺序，共 {len(record['inspectors']['reserve'])} 名，其中预留 "
              f"{record['inspectors']['reserve_size']} 名）：{escape(reserve)}")
    for r in recusals or []:
        borrowed = f"，从{section_name(data.sections, r['from_section'])}抽调" if r.get("from_section") else ""
        out.print(escape(f"回避：{person_label(people, r['inspector'])} → {person_label(people, r['replacement'])}"
                         f"（单位 {r['entity']}，{r['reason']}{borrowed}）"))


def member(people: dict[str, Any], inspector_id: str) -> str:
    """A team member as ``姓名（工号，执法证号）``: the 工号 is what ``ssj recuse --inspector`` takes."""
    person = people.get(inspector_id)
    return f"{person.name}（{inspector_id}，{person.cert_no}）" if person is not None else inspector_id


def print_announcement(record: dict[str, Any], section: Section, data: Dataset, status: str | None = None) -> None:
    """An announce record in words: what will be drawn, when, from which public results."""
    label = address(section, record["seq"])
    sources = "、".join(f"{s['game']}第 {s['period']} 期" for s in record["sources"])
    inspectors = record["inspectors"]
    lines = [
        f"[bold]抽取公告 {escape(label)}[/]  {escape(section.name)}  公告时间 {_when(record['at'])}  操作人 {escape(record['operator'])}",
        f"计划事项：{escape(record['plan_item'] or '无')}",
        f"抽取日期：{record['date']}",
        f"抽查比例下限：{percent(record['ratio']) if record['ratio'] else '按计划比例'}；每组 {inspectors['team_size']} 人，后备 {inspectors['reserve_size']} 人",
        f"随机种子：取自 {escape(sources)} 的开奖号码（{_when(record['not_before'])} 之后开奖）",
        "分层：" + "；".join(f"{s['name']} {s['count']} 家（比例 {percent(s['ratio'])}）" for s in record["strata"] if s["count"]),
        f"执法人员：{len(inspectors['eligible'])} 名；休息期排除 {evidence_count(record['rested'])} 家",
    ]
    if status is not None:
        lines.append(f"状态：{escape(status)}")
    for line in lines:
        out.print(line)


def announcement_status(record: dict[str, Any], section: Section, follows: list[dict[str, Any]]) -> str:
    """待抽取, 已用于抽取 二股-1, or 已作废（reason）: from the records that point at the announcement."""
    for r in follows:
        if r["type"] in ("draw", "failed"):
            return f"已用于抽取 {address(section, r['seq'])}"
        if r["type"] == "void":
            return f"已作废（{r['at'][:10]}）：{r['reason']}"
    return "待抽取：开奖后按本公告抽取（ssj draw --announcement " + address(section, record["seq"]) + " --seed 开奖号码）"


def print_record(record: dict[str, Any], section: Section, target: dict[str, Any] | None, data: Dataset) -> None:
    """A void, recusal or targeted record in Chinese lines (``--json`` shows the raw record); ``target`` is the
    record it points at."""
    kind = record["type"]
    entities, people = names(data)
    label = address(section, record["seq"])
    head = f"[bold]{escape(RECORD_TYPES.get(kind, kind))} {escape(label)}[/]  {escape(section.name)}  " \
           f"时间 {_when(record['at'])}  操作人 {escape(record['operator'])}"
    lines = [head]
    if kind == "void":
        lines.append(f"作废：{escape(_target(target, section))}")
        lines.append(f"原因：{escape(record['reason'])}")
    elif kind == "recusal":
        source = (f"从{section_name(data.sections, record['from_section'])}的人员中按号签顺序抽调" if record.get("from_section")
                  else "从后备人员中按号签顺序产生")
        lines += [
            f"所属抽取：{escape(_target(target, section))}",
            f"检查对象：{escape(entity_label(entities, record['entity']))}",
            f"回避人员：{escape(member(people, record['inspector']))}",
            f"替换人员：{escape(member(people, record['replacement']))}（{source}）",
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
        lines += [escape(line) for line in _bureau_or_document_lines(record, target, section, data)]
    lines.append(f"记录哈希：{record['hash']}")
    for line in lines:
        out.print(line)


def _bureau_or_document_lines(record: dict[str, Any], target: dict[str, Any] | None, section: Section,
                              data: Dataset) -> list[str]:
    """A 文书 record, a plan or 清单 approval, or a publication, in lines (any other type as its fields)."""
    kind = record["type"]
    if kind == "document":
        entities, _ = names(data)
        return [f"文书：{record['kind']} {record['number']}", f"所属抽取：{_target(target, section)}",
                f"被检查单位：{entity_label(entities, record['entity'])}",
                f"文书文件的 SHA-256：{record['sha256']}（与纸质文书二维码、verify.py --document 核对）"]
    if kind == "plan_approval":
        plan = f"{record['year']} 年临时计划 {record['plan']}" if record.get("plan") else f"{record['year']} 年度检查计划"
        return [f"审批：{plan}", f"会议：{record['meeting']}（{record['approved_on']}）", f"审批人：{record['approver']}",
                f"计划摘要：{record['digest']}"]
    if kind == "checklist_approval":
        return ["审批：随机抽查事项清单（第八、十条）", f"会议：{record['meeting']}（{record['date']}）",
                f"审批人：{record['approver']}", f"清单摘要：{record['digest']}（公示包 checklist.json 的摘要）"]
    if kind == "publish":
        covered = "、".join(section_name(data.sections, s) for s in record.get("sections") or []) or "—"
        span = f"{record.get('from') or '不限'} 至 {record.get('to') or '不限'}"
        return [f"公开：{record['results']} 项检查结果，科室 {covered}，日期 {span}",
                f"文件清单摘要：{record['manifest_digest']}（公示包 manifest.json 的 SHA-256）"]
    return [str({k: v for k, v in record.items() if k not in ("prev", "hash")})]


def _target(record: dict[str, Any] | None, section: Section) -> str:
    if record is None:
        return "（本台账中找不到所指的记录）"
    kind = RECORD_TYPES.get(record["type"], record["type"])
    day = f"，{record['date']}" if "date" in record else ""
    return f"{address(section, record['seq'])}（{kind}{day}）"


def _when(at: str) -> str:
    return at[:16].replace("T", " ")

"""``ssj todo``: what is due, per section."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from shuangsuiji.cli.app import JsonOption, app, workspace
from shuangsuiji.cli.output import print_data

if TYPE_CHECKING:
    import datetime as dt

    from shuangsuiji.registry.loading import Dataset
    from shuangsuiji.reports.due import DueItem

#: how each state shows in the table
_STYLE = {"overdue": "bold red", "upcoming": "yellow", "open": ""}
#: companies of one draw named in the table (all of them are in --json)
_NAMES_SHOWN = 3


@app.command("todo")
def todo_command(
    section: Annotated[str | None, typer.Option("--section", help="只看这个科室，如 二股", show_default=False)] = None,
    date: Annotated[str | None, typer.Option("--date", help="按这一天判断是否到期（默认：今天）", show_default=False)] = None,
    as_json: JsonOption = False,
) -> int:
    """待办事项：未建或未办结的检查报告、整改期满未复查、书面检查材料未收到、待集中审理、超过公示期限未公开的结果、可以结案的案件。"""
    from shuangsuiji.clock import parse_date
    from shuangsuiji.registry.loading import load_bureau
    from shuangsuiji.registry.lookup import resolve_section
    from shuangsuiji.reports.due import as_json as due_json
    from shuangsuiji.reports.due import due_items

    ws = workspace()
    data = load_bureau(ws)
    today = parse_date(date) or data.today()
    chosen = resolve_section(data.sections, section) if section is not None else None
    items = due_items(ws, data, today, chosen)
    if as_json:
        print_data(due_json(items, data, today), indent=2)
        return 0
    _show(items, data, today, chosen.name if chosen else None)
    return 0


def _show(items: list[DueItem], data: Dataset, today: dt.date, only: str | None) -> None:
    from rich.table import Table
    from rich.text import Text

    from shuangsuiji.cli.console import out
    from shuangsuiji.reports.due import STATES, by_section, counts

    where = only or "各科室"
    if not items:
        out.print(f"截至 {today}，{where}没有待办事项。")
        return
    for section, found in by_section(items, data):
        table = Table(title=f"{section.name}：待办 {len(found)} 项", title_justify="left")
        for column in ("状态/期限", "事项", "抽取", "单位", "说明"):
            table.add_column(column, overflow="fold", no_wrap=column == "抽取")
        for state, what, draw, who, due, detail in _rows(found):
            table.add_row(Text(f"{STATES[state]}\n{due}".strip(), style=_STYLE[state]), what, draw, who, detail)
        out.print(table)
    n = counts(items)
    out.print(f"截至 {today}，{where}共有待办 {len(items)} 项：已逾期 {n['overdue']} 项，"
              f"7 天内到期 {n['upcoming']} 项，其他待办 {n['open']} 项。")


def _rows(items: list[DueItem]) -> list[tuple[str, ...]]:
    """One row per item, but one per draw for its companies without a report (a draw may select dozens)."""
    rows: list[tuple[str, ...]] = []
    missing: dict[str, list[DueItem]] = {}
    where: dict[str, int] = {}
    for i in items:
        if i.kind == "report_missing" and i.draw is not None:
            missing.setdefault(i.draw, []).append(i)
            if i.draw in where:
                continue
            where[i.draw] = len(rows)
        rows.append((i.state, i.what, i.draw or "", i.name or i.entity, i.due or "", i.detail))
    for draw, n in where.items():
        group = missing[draw]
        if len(group) > 1:
            names = "、".join(i.name or i.entity for i in group[:_NAMES_SHOWN])
            names += f" 等 {len(group)} 家" if len(group) > _NAMES_SHOWN else ""
            rows[n] = (rows[n][0], f"{rows[n][1]}（{len(group)} 家）", draw, names, "",
                       f"抽取于 {group[0].since}，尚未新建检查报告：ssj report new {draw} --all 一次为全部单位新建"
                       f"（全部单位见 ssj show {draw} 或 ssj todo --json）")
    return rows

"""``ssj plan status`` and ``ssj plan approve``."""

from __future__ import annotations

from typing import Annotated

import typer

from shuangsuiji.cli.app import JsonOption, app, workspace
from shuangsuiji.cli.output import print_data

plan_app = typer.Typer(help="年度检查计划：进度和审批。", no_args_is_help=True)
app.add_typer(plan_app, name="plan")

Year = Annotated[int | None, typer.Option("--year", help="年度（默认：今年）", show_default=False)]


@plan_app.command("status")
def status_command(
    year: Year = None,
    date: Annotated[str | None, typer.Option("--date", help="按这一天判断进度和逾期（默认：今天）", show_default=False)] = None,
    as_json: JsonOption = False,
) -> int:
    """各计划事项的进度：已抽取次数/频次、抽中单位、报告、公开情况，以及逾期事项。"""
    from rich.table import Table

    from shuangsuiji.cli.console import out
    from shuangsuiji.clock import parse_date
    from shuangsuiji.errors import SsjError
    from shuangsuiji.plan.status import as_json as status_json
    from shuangsuiji.plan.status import plan_status
    from shuangsuiji.registry.loading import load_bureau

    ws = workspace()
    data = load_bureau(ws)
    today = parse_date(date) or data.today()
    year = year or today.year
    if year not in data.plans:
        raise SsjError(f"{year} 年没有年度检查计划（plans/{year}.yaml）")
    rows, pending = plan_status(ws, data, year, today)
    if as_json:
        print_data(status_json(rows, pending, year), indent=2)
        return 0
    short = {s.id: (s.short_names[0] if s.short_names else s.name) for s in data.sections}
    table = Table(title=f"{year} 年度检查计划执行情况（{today}）", title_justify="left")
    for column in ("计划事项", "科室", "实施", "抽取/频次", "抽中", "报告/办结/公开"):
        table.add_column(column, no_wrap=column == "计划事项", overflow="fold")
    notes = []
    for r in rows:
        name = r.item + ("（临时）" if r.temporary else "")
        table.add_row(name, short.get(r.section, r.section), _months(r.months), f"{r.draws}/{r.frequency}",
                      str(r.companies), f"{r.reports}/{r.finished}/{r.published}")
        notes += [f"{r.item}：{note}" for note in r.overdue]
    out.print(table)
    for note in notes:
        out.print(f"[red]{note}[/]")
    late = [p for p in pending if p.overdue]
    if pending:
        out.print(f"已办结但未公开的检查结果 {len(pending)} 项，其中已超过公示期限 {len(late)} 项：")
        for p in pending:
            flag = "[red]已逾期[/]" if p.overdue else "未到期"
            note = "；该年法定节假日安排尚未收录，期限按周末估算，请核对" if p.estimated else ""
            out.print(f"  {p.report}：办结 {p.finished_on}，应于 {p.due} 前公开（{flag}{note}）")
    return 0


def _months(months: list[int]) -> str:
    """``全年``, ``6–8月`` or ``4、5、9–12月``."""
    if len(months) == 12:
        return "全年"
    runs: list[list[int]] = []
    for month in months:
        if runs and month == runs[-1][-1] + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    return "、".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else "、".join(map(str, r)) for r in runs) + "月"


@plan_app.command("approve")
def approve_command(
    meeting: Annotated[str, typer.Option("--meeting", help="审批会议，如“2027年第1次局党委班子会议”", show_default=False)],
    approver: Annotated[str, typer.Option("--approver", help="批准人", show_default=False)],
    year: Year = None,
    temporary: Annotated[str | None, typer.Option("--temporary", help="审批临时检查计划：其编号", show_default=False)] = None,
    date: Annotated[str | None, typer.Option("--date", help="批准日期（默认：今天）", show_default=False)] = None,
    operator: Annotated[str | None, typer.Option("--operator", help="操作人（默认：git 用户名）", show_default=False)] = None,
    as_json: JsonOption = False,
) -> int:
    """记录班子会议对年度计划（或临时计划）的审批：写入计划文件和局台账。计划之后若被改动需重新审批。"""
    from shuangsuiji.cli.console import out
    from shuangsuiji.cli.output import finish
    from shuangsuiji.clock import parse_date
    from shuangsuiji.plan.approval import perform_approval
    from shuangsuiji.registry.loading import load_bureau

    ws = workspace()
    approved_on = parse_date(date)
    data = load_bureau(ws)
    today = data.today()
    written = perform_approval(ws, year or today.year, temporary, meeting, approved_on or today, approver, operator)
    return finish(written, as_json, lambda: out.print(f"已审批：摘要 {written.record['digest']}"))

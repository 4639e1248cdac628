"""``ssj check``: validate every file and every cross-reference."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from shuangsuiji.errors import Problem
    from shuangsuiji.registry.loading import Dataset

from shuangsuiji.cli.app import JsonOption, app, workspace
from shuangsuiji.cli.output import print_data


@app.command("check")
def check(
    date: Annotated[str | None, typer.Option("--date", help="按这一天检查执法证有效期等（默认：今天）", show_default=False)] = None,
    as_json: JsonOption = False,
) -> int:
    """检查全部数据文件：格式、必填字段、校验位和相互引用。

    列出所有问题（文件:行号: 说明），有错误时退出码为 1；警告（如执法证过期）只提示，不算失败。
    """
    from shuangsuiji.audit.check import check_all
    from shuangsuiji.cli.console import out, print_problems, progress
    from shuangsuiji.clock import parse_date
    from shuangsuiji.registry.checks import counts_by_section
    from shuangsuiji.registry.loading import load_bureau

    ws = workspace()
    with progress("读取数据", None) as tick:
        data = load_bureau(ws, tick)
    today = parse_date(date) or data.today()
    check_all(ws, data, today)
    problems = sorted(data.problems, key=lambda p: (p.severity != "error", p.path, p.line or 0))
    errors = [p for p in problems if p.severity == "error"]
    summary = counts_by_section(data, today)
    if as_json:
        print_data({
            "ok": not errors,
            "date": today.isoformat(),
            "errors": [_problem_json(p) for p in errors],
            "warnings": [_problem_json(p) for p in problems if p.severity == "warning"],
            "sections": summary,
        }, indent=2)
        raise typer.Exit(1 if errors else 0)
    print_problems(problems)
    if errors:
        out.print(f"[bold red]检查未通过：{len(errors)} 处错误，{len(problems) - len(errors)} 条警告。[/]")
        raise typer.Exit(1)
    _print_summary(summary, data, len(problems))
    return 0


def _problem_json(problem: Problem) -> dict[str, object]:
    return {"file": problem.path, "line": problem.line, "message": problem.message}


def _print_summary(summary: list[dict[str, object]], data: Dataset, warnings: int) -> None:
    from rich.table import Table

    from shuangsuiji.cli.console import out

    table = Table(title="各科室概况", title_justify="left")
    for column in ("科室", "监管对象", "在营", "其中重点", "执法人员", "持有效证件"):
        table.add_column(column, justify="left" if column == "科室" else "right")
    for row in summary:
        table.add_row(str(row["section"]), *(str(row[k]) for k in ("companies", "operating", "key", "inspectors", "certified")))
    out.print(table)
    plans = "、".join(str(y) for y in sorted(data.plans)) or "无"
    out.print(f"[green]检查通过[/]：{len(data.entities)} 个监管对象，{len(data.inspectors)} 名执法人员，"
              f"{len(data.checklist)} 个抽查事项，计划年度 {plans}；{warnings} 条警告。")

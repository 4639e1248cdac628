"""``ssj stats``: the year at a glance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from shuangsuiji.cli.app import JsonOption, app, workspace
from shuangsuiji.cli.output import print_data

if TYPE_CHECKING:
    from shuangsuiji.reports.stats import YearStats

#: companies inspected more than once listed by name (a big county has hundreds; --json has them all)
SHOWN = 20


@app.command("stats")
def stats_command(
    year: Annotated[int | None, typer.Option("--year", help="年度（默认：今年）", show_default=False)] = None,
    as_json: JsonOption = False,
) -> int:
    """年度统计：各科室抽取次数和检查单位数对照计划、检查结果、后续处置、整改闭环率、多次被检查的单位、每名执法人员的检查次数。"""
    from shuangsuiji.errors import SsjError
    from shuangsuiji.registry.loading import load_bureau
    from shuangsuiji.reports.stats import as_json as stats_json
    from shuangsuiji.reports.stats import year_stats

    ws = workspace()
    data = load_bureau(ws)
    today = data.today()
    year = year or today.year
    if year not in data.plans:
        raise SsjError(f"{year} 年没有年度检查计划（plans/{year}.yaml）：统计按年度计划对照，请先写好计划或换一个年度（--year）")
    stats = year_stats(ws, data, year, today)
    if as_json:
        print_data(stats_json(stats), indent=2)
    else:
        _show(stats)
    return 0


def _show(stats: YearStats) -> None:
    from rich.table import Table

    from shuangsuiji.cli.console import out

    def table(title: str, *columns: str, text: int = 1) -> Table:
        """A table whose first ``text`` columns are words and the rest numbers."""
        made = Table(title=title, title_justify="left")
        for n, column in enumerate(columns):
            made.add_column(column, justify="left" if n < text else "right", overflow="fold")
        return made

    sections = table(f"{stats.year} 年度各科室抽查进度（对照年度计划）", "科室", "抽取/计划频次", "作废", "抽中单位", "已检查（办结）", "已公开")
    for s in stats.sections:
        sections.add_row(s.name, f"{s.draws}/{s.planned_draws}", str(s.voided), str(s.companies),
                         f"{s.checked}/{s.companies}", str(s.published))
    results = table(f"检查结果（已办结的报告 {stats.reports} 份）", "检查结果", "数量")
    for name, count in stats.results.items():
        results.add_row(name or "（未填写）", str(count))
    follow_ups = table("后续处置", "后续处置", "数量")
    for kind, count in stats.follow_ups.items():
        follow_ups.add_row(kind, str(count))
    people = table("执法人员检查次数（抽取和非随机检查，回避已替换）", "工号", "姓名", "检查次数", text=2)
    for p in stats.inspectors:
        people.add_row(p.id, p.name, str(p.inspections))
    for made in (sections, results, follow_ups):
        out.print(made)
    if stats.closure_rate is None:
        out.print("整改闭环率：本年度没有责令限期整改")
    else:
        out.print(f"整改闭环率：{round(100 * stats.closure_rate)}%（责令限期整改 {stats.orders} 项，复查已整改 {stats.orders_met} 项）")
    out.print(f"本年度全局检查单位 {stats.companies_inspected} 家，其中被检查两次及以上 {len(stats.repeated)} 家"
              + ("：" if stats.repeated else "。"))
    for r in stats.repeated[:SHOWN]:
        out.print(f"  {r.name or r.entity}（{r.entity}）：{r.inspections} 次（{'、'.join(r.records)}）", markup=False)
    if len(stats.repeated) > SHOWN:
        out.print(f"  ……另有 {len(stats.repeated) - SHOWN} 家（全部见 ssj stats --json）")
    out.print(people)

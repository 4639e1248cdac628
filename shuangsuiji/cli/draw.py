"""``ssj draw`` and ``ssj announce``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from shuangsuiji.draw.random_draw import DrawOptions
    from shuangsuiji.registry.loading import Dataset
    from shuangsuiji.workspace import Workspace

from shuangsuiji.cli.app import JsonOption, app, workspace
from shuangsuiji.cli.output import UsageProblem, finish

Section = Annotated[str | None, typer.Option("--section", "-s", help="科室：简称（二股）、全称或编号", show_default=False)]
Ratio = Annotated[str | None, typer.Option("--ratio", "-r", help="抽查比例下限，如 0.1 或 10%；只会提高、不会降低计划比例", show_default=False)]
PlanItem = Annotated[str | None, typer.Option("--plan-item", help="计划事项编号；科室当天只有一个开放事项时可不写", show_default=False)]
TeamSize = Annotated[int | None, typer.Option("--team-size", help="每组人数（至少 2，默认按计划事项，一般为 2）", show_default=False)]
DrawDate = Annotated[str | None, typer.Option("--date", help="抽取日期，如 2026-12-01（默认：今天）", show_default=False)]
Operator = Annotated[str | None, typer.Option("--operator", help="操作人（默认：git 用户名）", show_default=False)]
AllowDirty = Annotated[bool, typer.Option("--allow-dirty", help="允许基于未提交的数据文件抽取（记录中会注明）")]


def _load(ws: Workspace, options: DrawOptions) -> Dataset:
    """The checked data, with a progress bar on a terminal (a province-scale registry takes a while)."""
    from shuangsuiji.cli.console import progress
    from shuangsuiji.draw.random_draw import load_for_draw

    with progress("读取数据", None) as tick:
        return load_for_draw(ws, options.date, progress=tick)


def _options(**kwargs: Any) -> DrawOptions:
    from shuangsuiji.clock import parse_date
    from shuangsuiji.draw.random_draw import DrawOptions

    return DrawOptions(date=parse_date(kwargs.pop("date")), **kwargs)


@app.command("draw")
def draw_command(
    section: Section = None, ratio: Ratio = None,
    seed: Annotated[str | None, typer.Option("--seed", help="随机种子（不写则由系统生成）", show_default=False)] = None,
    seed_source: Annotated[str | None, typer.Option("--seed-source", help="种子来源说明，如“掷骰子 20 次”", show_default=False)] = None,
    plan_item: PlanItem = None, team_size: TeamSize = None, date: DrawDate = None, operator: Operator = None,
    announcement: Annotated[str | None, typer.Option("--announcement", help="按事先公告抽取：公告编号，如 二股-5", show_default=False)] = None,
    allow_dirty: AllowDirty = False, as_json: JsonOption = False,
) -> int:
    """随机抽取检查对象和检查组，写入科室台账并提交 git。

    例：ssj draw --section 二股 --ratio 0.1
    """
    from shuangsuiji.cli.render import print_draw
    from shuangsuiji.draw.random_draw import perform_draw
    from shuangsuiji.registry.lookup import resolve_section

    if section is None and announcement is None:
        raise UsageProblem("请用 --section 指定科室（如 --section 二股），或用 --announcement 指定公告", "ssj draw")
    options = _options(section=section or "", ratio=ratio, seed=seed, seed_source=seed_source, plan_item=plan_item,
                       team_size=team_size, date=date, operator=operator, announcement=announcement,
                       allow_dirty=allow_dirty)
    ws = workspace()
    data = _load(ws, options)
    written = perform_draw(ws, options, data=data)
    record = written.record
    return finish(written, as_json, lambda: print_draw(record, resolve_section(data.sections, record["section"]), data))


@app.command("announce")
def announce_command(
    section: Section = None, ratio: Ratio = None, plan_item: PlanItem = None, team_size: TeamSize = None,
    date: DrawDate = None, operator: Operator = None,
    seed_source: Annotated[str, typer.Option("--seed-source", help="将来种子的公开来源，如“福彩双色球第2026140期开奖号码”")] = "",
    allow_dirty: Annotated[bool, typer.Option("--allow-dirty", hidden=True, help="公告不允许基于未提交的数据")] = False,
    as_json: JsonOption = False,
) -> int:
    """事先公告一次抽取：在随机种子产生之前公开参数和名单摘要（防止挑选种子）。

    之后用 ssj draw --announcement 编号 --seed 公开的号码 完成抽取。
    """
    from shuangsuiji.cli.console import out
    from shuangsuiji.cli.render import print_announcement
    from shuangsuiji.draw.random_draw import perform_announce
    from shuangsuiji.errors import SsjError
    from shuangsuiji.ledger.addresses import address
    from shuangsuiji.registry.lookup import resolve_section

    if section is None:
        raise SsjError("请用 --section 指定科室，例如 --section 二股")
    options = _options(section=section, ratio=ratio, plan_item=plan_item, team_size=team_size, date=date,
                       operator=operator, allow_dirty=allow_dirty)
    ws = workspace()
    data = _load(ws, options)
    written = perform_announce(ws, options, seed_source, data=data)
    record = written.record

    def show() -> None:
        label = address(resolve_section(data.sections, record["section"]), record["seq"])
        print_announcement(record, resolve_section(data.sections, record["section"]), data)
        out.print(f"请公开本公告（可打印：ssj show {label} --html 公告.html）；种子公布后运行："
                  f"ssj draw --announcement {label} --seed <公布的号码>")

    return finish(written, as_json, show)


@app.command("targeted")
def targeted_command(
    basis: Annotated[str, typer.Option("--basis", help="依据：投诉举报、上级交办、移送线索", show_default=False)],
    reference: Annotated[str, typer.Option("--reference", help="文书编号", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", help="事由（会随台账公开，不要写个人隐私）", show_default=False)],
    entity: Annotated[list[str], typer.Option("--entity", help="被检查单位的统一社会信用代码（可多次）", show_default=False)],
    inspector: Annotated[list[str], typer.Option("--inspector", help="检查人员工号（至少 2 人，可多次）", show_default=False)],
    section: Section = None, date: DrawDate = None, operator: Operator = None, as_json: JsonOption = False,
) -> int:
    """记录非随机的检查（投诉举报、上级交办、移送线索，第七条）：单独记录，绝不伪装成随机抽取。"""
    from shuangsuiji.clock import parse_date
    from shuangsuiji.draw.targeted import perform_targeted
    from shuangsuiji.errors import SsjError

    if section is None:
        raise SsjError("请用 --section 指定科室")
    written = perform_targeted(workspace(), section, basis, reference, reason, entity, inspector, parse_date(date),
                               operator)
    return finish(written, as_json)

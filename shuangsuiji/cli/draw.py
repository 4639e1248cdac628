"""``ssj draw`` and ``ssj announce``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from shuangsuiji.draw.parameters import DrawOptions
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
    from shuangsuiji.draw.parameters import load_for_draw

    with progress("读取数据", None) as tick:
        return load_for_draw(ws, options.date, progress=tick)


def _options(**kwargs: Any) -> DrawOptions:
    from shuangsuiji.clock import parse_date
    from shuangsuiji.draw.parameters import DrawOptions

    return DrawOptions(date=parse_date(kwargs.pop("date")), **kwargs)


def _witnesses(names: list[str]) -> tuple[tuple[str, str], ...]:
    """Each witness types a value, hidden as it is typed (nobody, the operator included, sees it before the draw)."""
    from shuangsuiji.cli.console import err

    entries = []
    for name in names:
        err.print(f"请见证人 {name} 输入一个数（输入时不显示），然后按回车：", markup=False, end="")
        entries.append((name, typer.prompt("", hide_input=True, prompt_suffix="", show_default=False)))
    return tuple(entries)


@app.command("draw")
def draw_command(
    section: Section = None, ratio: Ratio = None,
    seed: Annotated[list[str] | None, typer.Option(
        "--seed", help="随机种子：不写则由系统生成；按公告抽取时写公告指定的开奖号码（每个来源一个 --seed）",
        show_default=False)] = None,
    seed_source: Annotated[str | None, typer.Option("--seed-source", help="人工输入种子时，说明其来源，如“掷骰子 20 次”", show_default=False)] = None,
    witness: Annotated[list[str] | None, typer.Option(
        "--witness", help="现场见证：见证人姓名（至少 2 人，可多次）；每人随后各自秘密输入一个数", show_default=False)] = None,
    plan_item: PlanItem = None, team_size: TeamSize = None, date: DrawDate = None, operator: Operator = None,
    announcement: Annotated[str | None, typer.Option("--announcement", help="按事先公告抽取：公告编号，如 二股-5", show_default=False)] = None,
    again: Annotated[bool, typer.Option("--again", help="同一计划事项 7 天内再次抽取（须同时写 --reason）")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="再次抽取的原因（记入台账并公开）", show_default=False)] = None,
    allow_dirty: AllowDirty = False, as_json: JsonOption = False,
) -> int:
    """随机抽取检查对象和检查组，写入科室台账并提交 git；提交成功后才显示结果。

    例：ssj draw --section 二股 --ratio 0.1
    """
    from shuangsuiji.cli.render import print_draw
    from shuangsuiji.draw.random_draw import DrawFailed, perform_draw
    from shuangsuiji.registry.lookup import resolve_section

    if section is None and announcement is None:
        raise UsageProblem("请用 --section 指定科室（如 --section 二股），或用 --announcement 指定公告", "ssj draw")
    if again and not (reason and reason.strip()):
        raise UsageProblem("--again 必须同时用 --reason 写明再次抽取的原因", "ssj draw")
    options = _options(section=section or "", ratio=ratio, seeds=tuple(seed or ()), seed_source=seed_source,
                       witnesses=_witnesses(witness or []), plan_item=plan_item, team_size=team_size, date=date,
                       operator=operator, announcement=announcement, allow_dirty=allow_dirty,
                       again=reason.strip() if again and reason else None)
    ws = workspace()
    data = _load(ws, options)
    try:
        written = perform_draw(ws, options, data=data)
    except DrawFailed as failure:  # the failed attempt is recorded: say where (or that its commit failed)
        finish(failure.written, as_json)
        raise
    record = written.record
    return finish(written, as_json, lambda: print_draw(record, resolve_section(data.sections, record["section"]), data))


@app.command("announce")
def announce_command(
    section: Section = None, ratio: Ratio = None, plan_item: PlanItem = None, team_size: TeamSize = None,
    date: DrawDate = None, operator: Operator = None,
    source: Annotated[list[str] | None, typer.Option(
        "--source", help="将来的开奖结果：游戏:期号，如 双色球:2026140（可多次；可用 双色球、大乐透、七乐彩、福彩3D、排列三、排列五）",
        show_default=False)] = None,
    not_before: Annotated[str | None, typer.Option(
        "--not-before", help="开奖时间：在此之前号码不存在，如 2026-12-08T21:30", show_default=False)] = None,
    allow_dirty: Annotated[bool, typer.Option("--allow-dirty", hidden=True, help="公告不允许基于未提交的数据")] = False,
    as_json: JsonOption = False,
) -> int:
    """事先公告一次抽取：在开奖之前公开参数和名单，种子取自公告指定的开奖号码（无人能挑选结果）。

    开奖后用 ssj draw --announcement 编号 --seed "开奖号码" 完成抽取。
    """
    from shuangsuiji.cli.console import out
    from shuangsuiji.cli.render import print_announcement
    from shuangsuiji.draw.announcement import perform_announce
    from shuangsuiji.ledger.addresses import address
    from shuangsuiji.registry.lookup import resolve_section

    if section is None:
        raise UsageProblem("请用 --section 指定科室，例如 --section 二股", "ssj announce")
    if not source or not_before is None:
        raise UsageProblem("请用 --source 指定将来的开奖结果（如 双色球:2026140），用 --not-before 写明开奖时间", "ssj announce")
    options = _options(section=section, ratio=ratio, plan_item=plan_item, team_size=team_size, date=date,
                       operator=operator, allow_dirty=allow_dirty)
    ws = workspace()
    data = _load(ws, options)
    written = perform_announce(ws, options, source, not_before, data=data)
    record = written.record

    def show() -> None:
        section_ = resolve_section(data.sections, record["section"])
        label = address(section_, record["seq"])
        print_announcement(record, section_, data)
        seeds = " ".join(f'--seed "{s["game"]}第{s["period"]}期的开奖号码"' for s in record["sources"])
        out.print(f"请公开本公告（可打印：ssj show {label} --html 公告.html）；开奖后运行："
                  f"ssj draw --announcement {label} {seeds}")

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

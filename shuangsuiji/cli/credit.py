"""``ssj credit add / remove / list``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import datetime as dt

    from shuangsuiji.workspace import Workspace

from shuangsuiji.cli.app import JsonOption, app, workspace
from shuangsuiji.cli.committed import NoCommitOption, settle, tell
from shuangsuiji.cli.output import print_data

credit_app = typer.Typer(help="诚信档案：黑名单和失信记录（第二十三条）。", no_args_is_help=True)
app.add_typer(credit_app, name="credit")

Entity = Annotated[str, typer.Argument(metavar="单位", help="单位的统一社会信用代码", show_default=False)]


def _date(text: str | None, ws: Workspace) -> dt.date:
    from shuangsuiji.clock import parse_date
    from shuangsuiji.registry.loading import load_bureau

    return parse_date(text) or load_bureau(ws).today()


@credit_app.command("add")
def add_command(
    entity: Entity,
    reason: Annotated[str, typer.Option("--reason", help="事由（会公开）", show_default=False)],
    source: Annotated[str, typer.Option("--source", help="来源文书，如 汝应急罚〔2026〕12号", show_default=False)],
    kind: Annotated[str, typer.Option("--kind", help="类别：黑名单 或 失信记录")] = "黑名单",
    date: Annotated[str | None, typer.Option("--date", help="列入日期（默认：今天）", show_default=False)] = None,
    until: Annotated[str | None, typer.Option("--until", help="期满日期", show_default=False)] = None,
    no_commit: NoCommitOption = False,
    as_json: JsonOption = False,
) -> int:
    """把单位列入黑名单或记入失信记录（并提交 git）；黑名单单位在抽取时按更高比例抽取。"""
    from shuangsuiji.cli.console import out
    from shuangsuiji.registry.credit import add_entry

    ws = workspace()
    entry, saved = add_entry(ws, entity.strip(), kind, reason, source, _date(date, ws),
                             _date(until, ws) if until else None, commit=not no_commit)
    settle(saved)
    if as_json:
        print_data(entry.model_dump(mode="json"))
    else:
        out.print(f"[green]已记入诚信档案[/]：{entry.entity}（{entry.kind}，{entry.listed_on} 起）。")
    tell(saved, as_json)
    return 0


@credit_app.command("remove")
def remove_command(
    entity: Entity,
    reason: Annotated[str, typer.Option("--reason", help="移出原因，如 信用修复", show_default=False)],
    date: Annotated[str | None, typer.Option("--date", help="移出日期（默认：今天）", show_default=False)] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="只移出某一类别", show_default=False)] = None,
    no_commit: NoCommitOption = False,
    as_json: JsonOption = False,
) -> int:
    """把单位移出黑名单或失信记录（记录保留，注明移出日期和原因），并提交 git。"""
    from shuangsuiji.cli.console import out
    from shuangsuiji.registry.credit import remove_entries

    ws = workspace()
    count, saved = remove_entries(ws, entity.strip(), _date(date, ws), reason, kind, commit=not no_commit)
    settle(saved)
    if as_json:
        print_data({"entity": entity.strip(), "removed": count})
    else:
        out.print(f"[green]已移出[/] {count} 条记录。")
    tell(saved, as_json)
    return 0


@credit_app.command("list")
def list_command(as_json: JsonOption = False) -> int:
    """诚信档案一览（含已移出的历史记录）。"""
    from rich.table import Table

    from shuangsuiji.cli.console import out
    from shuangsuiji.registry.loading import load_bureau

    ws = workspace()
    data = load_bureau(ws)
    today = data.today()
    names = {e.id: e.name for e in data.entities}
    if as_json:
        print_data([{**c.model_dump(mode="json"), "in_force": c.in_force_on(today)} for c in data.credit], indent=2)
        return 0
    table = Table(title="诚信档案", title_justify="left")
    for column in ("单位", "类别", "事由", "列入", "期满", "状态", "来源"):
        table.add_column(column, overflow="fold")
    for c in data.credit:
        state = "生效" if c.in_force_on(today) else (f"已移出（{c.removal_reason}）" if c.removed_on else "未生效/已期满")
        table.add_row(names.get(c.entity, c.entity), c.kind, c.reason, str(c.listed_on), str(c.until or ""), state, c.source)
    out.print(table)
    return 0

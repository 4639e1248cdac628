"""``ssj checklist approve``: record the approval of the 随机抽查事项清单 (第八、十条)."""

from __future__ import annotations

from typing import Annotated

import typer

from shuangsuiji.cli.app import JsonOption, app, workspace

checklist_app = typer.Typer(help="随机抽查事项清单：审批（第八、十条）。", no_args_is_help=True)
app.add_typer(checklist_app, name="checklist")


@checklist_app.command("approve")
def approve_command(
    meeting: Annotated[str, typer.Option("--meeting", help="审定会议或文号，如“2026年第1次局长办公会”", show_default=False)],
    approver: Annotated[str, typer.Option("--approver", help="批准人", show_default=False)],
    date: Annotated[str | None, typer.Option("--date", help="批准日期（默认：今天）", show_default=False)] = None,
    operator: Annotated[str | None, typer.Option("--operator", help="操作人（默认：git 用户名）", show_default=False)] = None,
    as_json: JsonOption = False,
) -> int:
    """把 data/checklist.yaml 当前内容的摘要记入局台账。清单之后若被改动，ssj check 报错、抽取被拒绝，直到重新审批。"""
    from shuangsuiji.cli.console import out
    from shuangsuiji.cli.output import finish
    from shuangsuiji.clock import parse_date
    from shuangsuiji.plan.checklist import perform_checklist_approval

    written = perform_checklist_approval(workspace(), meeting, parse_date(date), approver, operator)
    return finish(written, as_json, lambda: out.print(f"已审批随机抽查事项清单：摘要 {written.record['digest']}"))

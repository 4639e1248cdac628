"""``ssj doc``: a numbered, printable 抽查文书 for one company of one draw (第十八条)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shuangsuiji.cli.app import JsonOption, app, workspace
from shuangsuiji.cli.output import finish


@app.command("doc")
def doc_command(
    kind: Annotated[str, typer.Argument(metavar="种类", help="文书种类（中文名或英文简称，见上）", show_default=False)],
    draw: Annotated[str, typer.Argument(metavar="抽取记录", help="抽取记录编号，如 二股-3", show_default=False)],
    entity: Annotated[str, typer.Argument(metavar="单位", help="被抽中单位的统一社会信用代码", show_default=False)],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="文书文件，默认仓库的 文书/文书编号.html（git 不提交）；不覆盖已有文件", show_default=False)] = None,
    operator: Annotated[str | None, typer.Option("--operator", help="开具人（默认：git 用户名）", show_default=False)] = None,
    as_json: JsonOption = False,
) -> int:
    """开具抽查文书：取下一个文书编号，登记到科室台账并提交 git，再写出可打印的 A4 文书（HTML）。

    文书编号按 data/bureau.yaml 的编号规则，永不重复使用；文书含检查组、执法证号、被检查单位、抽查事项和可扫码核对的二维码。

    文书种类：检查通知书（notice）、现场检查记录（record）、责令限期整改指令书（order）、整改复查意见书（recheck）。

    整改复查意见书须在同一单位的责令限期整改指令书之后开具。本局可在仓库的 templates/ 中放同名模板覆盖自带的格式。

    例：ssj doc 现场检查记录 二股-3 91410482MA4B3MFL8R --out 现场检查记录.html
    """
    from shuangsuiji.cli.console import err
    from shuangsuiji.cli.console import out as console
    from shuangsuiji.documents.issuing import issue_document

    issued = issue_document(workspace(), kind, draw, entity, out, operator)

    def show() -> None:
        console.print(f"[green]已开具[/]{issued.kind} {issued.number}：{issued.path}（用浏览器打开后打印，A4）",
                      markup=True, highlight=False)

    code = finish(issued.written, as_json, show)
    if as_json:
        err.print(f"文书文件：{issued.path}", markup=False, highlight=False)
    return code

"""``ssj init``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shuangsuiji.cli.app import app
from shuangsuiji.cli.output import print_data


@app.command("init")
def init_command(
    directory: Annotated[Path, typer.Argument(metavar="目录", help="新数据仓库的目录（不存在或为空）", show_default=False)],
    name: Annotated[str | None, typer.Option("--name", help="单位名称，如 某某县应急管理局", show_default=False)] = None,
    region: Annotated[str | None, typer.Option("--region", help="行政区划，如 河南省某某县", show_default=False)] = None,
    year: Annotated[int | None, typer.Option("--year", help="第一份年度计划的年份（默认今年）", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出，供脚本使用")] = False,
) -> int:
    """新建一个单位的数据仓库：六个科室、空的名录库、计划模板，并 git init。"""
    from shuangsuiji.cli.console import out
    from shuangsuiji.clock import local_today
    from shuangsuiji.registry.new_bureau import create_bureau, default_year

    notes = create_bureau(directory, name, region, year or default_year(local_today()))
    if as_json:


        print_data({"directory": str(directory), "notes": notes})
        return 0
    out.print(f"[green]已创建[/] {directory}")
    for note in notes:
        out.print(note)
    out.print("下一步：")
    out.print("  1. 编辑 data/bureau.yaml（单位名称等）；用 ssj import entities/inspectors 导入单位和执法人员（见 docs/import.md）；")
    out.print("  2. 填写 data/duties.yaml（职责）、data/checklist.yaml（抽查事项清单）和年度计划 plans/<年>.yaml；")
    out.print("  3. 运行 ssj check 直到通过，然后 git add -A && git commit；")
    out.print("  4. 班子会议审批计划后运行 ssj plan approve --meeting … --approver …；之后就可以 ssj draw 了。")
    return 0

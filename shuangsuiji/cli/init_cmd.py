"""``ssj init``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app


@app.command("init")
def init_command(
    directory: Annotated[Path, typer.Argument(help="新数据仓库的目录（不存在或为空）", show_default=False)],
    name: Annotated[str | None, typer.Option("--name", help="单位名称，如 某某县应急管理局", show_default=False)] = None,
    region: Annotated[str | None, typer.Option("--region", help="行政区划，如 河南省某某县", show_default=False)] = None,
    year: Annotated[int | None, typer.Option("--year", help="第一份年度计划的年份（默认今年）", show_default=False)] = None,
) -> int:
    """新建一个单位的数据仓库：六个科室、空的名录库、计划模板，并 git init。"""
    from ..bootstrap import create_bureau, default_year
    from ..clock import local_today
    from ..console import out

    notes = create_bureau(directory, name, region, year or default_year(local_today()))
    out.print(f"[green]已创建[/] {directory}")
    for note in notes:
        out.print(note)
    out.print("下一步：编辑 data/bureau.yaml；用 ssj import 导入单位和人员；填写职责、抽查事项清单和年度计划；运行 ssj check。")
    return 0

"""``ssj publish``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shuangsuiji.cli.app import JsonOption, app, workspace


@app.command("publish")
def publish_command(
    section: Annotated[list[str] | None, typer.Option("--section", "-s", help="只公开这些科室（可多次）", show_default=False)] = None,
    start: Annotated[str | None, typer.Option("--from", help="检查办结日期起，如 2026-01-01", show_default=False)] = None,
    end: Annotated[str | None, typer.Option("--to", help="检查办结日期止", show_default=False)] = None,
    out: Annotated[Path | None, typer.Option("--out", help="输出目录（默认 publish/公示-日期时间）", show_default=False)] = None,
    operator: Annotated[str | None, typer.Option("--operator", help="操作人（默认：git 用户名）", show_default=False)] = None,
    allow_dirty: Annotated[bool, typer.Option("--allow-dirty", help="允许基于未提交的数据生成")] = False,
    allow_empty: Annotated[bool, typer.Option(
        "--allow-empty", help="没有已办结的检查结果时也生成：只公开计划、清单及其审批记录和全部台账（如年初公开计划）")] = False,
    as_json: JsonOption = False,
) -> int:
    """生成公开材料包：网页、CSV/Excel/JSON 结果、抽查事项清单和计划、完整台账、独立核验程序和文件清单。"""
    from dataclasses import asdict

    from shuangsuiji.cli.console import out as console
    from shuangsuiji.cli.output import finish
    from shuangsuiji.clock import parse_date
    from shuangsuiji.publish.publication import perform_publish

    ws = workspace()
    done = perform_publish(ws, section or [], parse_date(start), parse_date(end), out, operator, allow_dirty,
                           allow_empty=allow_empty)
    d = done.disclosure
    summary = {"folder": str(done.folder), "zip": str(done.archive), "results": len(d.results), "draws": len(d.draws),
               "waiting_review": d.waiting_review, "unpublished": [asdict(p) for p in done.pending],
               "manifest_digest": done.written.record["manifest_digest"]}

    def show() -> None:
        console.print(f"[green]已生成公开材料[/]：{done.folder}（压缩包 {done.archive.name}）")
        if d.results:
            console.print(f"公开 {len(d.results)} 项检查结果，涉及 {len(d.draws)} 次抽取；文件清单摘要 {done.written.record['manifest_digest']}")
        else:
            console.print(f"本公示包没有检查结果：公开计划、清单及其审批记录和全部台账；文件清单摘要 {done.written.record['manifest_digest']}")
        for path in d.waiting_review:
            console.print(f"[yellow]待集中审理，未公开[/]：{path}（第二十条）")
        for p in done.pending:  # computed before the publish record was written: nothing here can fail
            flag = "[red]已超过公示期限[/]" if p.overdue else f"应于 {p.due} 前公开"
            flag += "；该年节假日安排尚未收录，期限为估算" if p.estimated else ""
            console.print(f"尚未公开：{p.report}（办结 {p.finished_on}，{flag}）")
        console.print("在公示包里运行 python verify.py 可独立核验。")

    return finish(done.written, as_json, show, summary)

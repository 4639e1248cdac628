"""``ssj report new / review / evidence / list``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from shuangsuiji.cli.app import JsonOption, app, workspace
from shuangsuiji.cli.committed import NoCommitOption, settle, tell
from shuangsuiji.cli.output import print_data

report_app = typer.Typer(help="检查报告（第十九条）与集中审理（第二十条）。", no_args_is_help=True)
app.add_typer(report_app, name="report")

ReportFile = Annotated[Path, typer.Argument(metavar="报告文件", help="检查报告文件，如 data/reports/ergu/ergu-3-9141….yaml", show_default=False)]


@report_app.command("new")
def new_command(
    draw: Annotated[str, typer.Argument(metavar="抽取记录", help="抽取记录编号，如 二股-3", show_default=False)],
    entity: Annotated[str | None, typer.Argument(metavar="单位", help="被抽中单位的统一社会信用代码", show_default=False)] = None,
    every: Annotated[bool, typer.Option("--all", help="为这次抽取中还没有报告的全部单位各建一份（一次提交）")] = False,
    no_commit: NoCommitOption = False,
    as_json: JsonOption = False,
) -> int:
    """为抽中的单位新建检查报告（并提交 git）：检查组、执法证号和检查内容已按抽取记录预先填好。"""
    from shuangsuiji.cli.console import out
    from shuangsuiji.errors import SsjError
    from shuangsuiji.reports.filing import new_report, new_reports

    if (entity is None) == (not every):
        raise SsjError("请写一家单位的统一社会信用代码，或用 --all 为这次抽取的全部单位新建报告（二者选一）")
    saved = new_reports(workspace(), draw, commit=not no_commit) if every else new_report(workspace(), draw, entity or "",
                                                                                          commit=not no_commit)
    settle(saved)
    rel = saved.paths[0]
    if as_json:
        print_data({"file": rel} if not every else {"files": list(saved.paths)})
    elif every:
        out.print(f"[green]已新建[/] {len(saved.paths)} 份检查报告（{rel} 等）：逐份填写，完成后把 status 改为 已办结，再运行 ssj check。")
    else:
        out.print(f"[green]已新建[/] {rel}：请填写检查情况，完成后把 status 改为 已办结，再运行 ssj check。")
    tell(saved, as_json)
    return 0


@report_app.command("review")
def review_command(
    report: ReportFile,
    decision: Annotated[str, typer.Option("--decision", help="集中审理意见", show_default=False)],
    number: Annotated[str, typer.Option("--number", help="决定文号，如“汝应急罚〔2026〕58号”", show_default=False)],
    cosigned: Annotated[list[str], typer.Option("--cosign", help="会签科室（可写多次），须包括检查科室", show_default=False)],
    signed_by: Annotated[str, typer.Option("--signed-by", help="签发人：data/bureau.yaml 中在任的局领导", show_default=False)],
    penalty: Annotated[str | None, typer.Option("--penalty", help="处罚决定（如有）", show_default=False)] = None,
    date: Annotated[str | None, typer.Option("--date", help="审理日期（默认：今天）", show_default=False)] = None,
    amend: Annotated[bool, typer.Option("--amend", help="更正已有的审理记录（原记录被替换，git 历史中保留）")] = False,
    no_commit: NoCommitOption = False,
    as_json: JsonOption = False,
) -> int:
    """记录重大违法行为的集中审理（第二十条）：会签科室、决定文号、局领导签发；审理前该结果不能公开。"""
    from shuangsuiji.cli.console import out
    from shuangsuiji.clock import parse_date
    from shuangsuiji.registry.loading import load_bureau
    from shuangsuiji.reports.filing import ReviewRequest, record_review

    ws = workspace()
    day = parse_date(date) or load_bureau(ws).today()
    request = ReviewRequest(day, decision, number, tuple(cosigned), signed_by, penalty, amend)
    saved = record_review(ws, report, request, commit=not no_commit)
    settle(saved)
    rel = saved.paths[0]
    if as_json:
        print_data({"file": rel, "date": day.isoformat(), "decision": decision.strip(), "number": number.strip(),
                    "penalty": (penalty or "").strip() or None})
    else:
        out.print(f"[green]已记录集中审理[/]：{rel}")
    tell(saved, as_json)
    return 0


@report_app.command("evidence")
def evidence_command(
    report: ReportFile,
    file: Annotated[Path, typer.Argument(metavar="证据文件", help="证据材料文件（照片、扫描件等）", show_default=False)],
    note: Annotated[str | None, typer.Option("--note", help="说明", show_default=False)] = None,
    no_commit: NoCommitOption = False,
    as_json: JsonOption = False,
) -> int:
    """把证据材料复制到 data/evidence/ 并在报告中登记其 SHA-256（第十八条：留存证据），两者一起提交 git。"""
    from shuangsuiji.cli.console import out
    from shuangsuiji.reports.filing import add_evidence

    stored, digest, saved = add_evidence(workspace(), report, file, note, commit=not no_commit)
    settle(saved)
    if as_json:
        print_data({"path": stored, "sha256": digest})
    else:
        out.print(f"[green]已登记证据[/]：{stored}（SHA-256 {digest[:16]}…）")
    tell(saved, as_json)
    return 0


@report_app.command("list")
def list_command(as_json: JsonOption = False) -> int:
    """检查报告一览：状态、结果、是否待集中审理、是否已公开。"""
    from rich.markup import escape
    from rich.table import Table

    from shuangsuiji.cli.console import out
    from shuangsuiji.ledger.queries import open_index, published_keys
    from shuangsuiji.registry.loading import load_bureau

    ws = workspace()
    data = load_bureau(ws)
    ledgers = open_index(ws)
    try:
        published = published_keys(ledgers)
    finally:
        ledgers.close()
    names = {e.id: e.name for e in data.entities}
    rows: list[dict[str, Any]] = []
    for index, r in enumerate(data.reports):
        waiting = r.status == "已办结" and r.major_violation and r.review is None
        rows.append({"file": data.where[("reports", index)][0], "draw": r.draw, "entity": r.entity,
                     "name": names.get(r.entity), "status": r.status, "result": r.result or "",
                     "review_pending": waiting, "reviewed": r.review is not None,
                     "published": (r.draw_hash, r.entity) in published})
    if as_json:
        print_data(rows, indent=2)
        return 0
    table = Table(title="检查报告", title_justify="left")
    for column in ("文件", "抽取", "单位", "状态", "结果", "集中审理", "公开"):
        table.add_column(column, overflow="fold")
    for row in rows:
        review = "[yellow]待审理[/]" if row["review_pending"] else ("已审理" if row["reviewed"] else "")
        company = f"{escape(row['name'])}\n{row['entity']}" if row["name"] else row["entity"]
        table.add_row(row["file"], escape(row["draw"]), company, row["status"], escape(row["result"]),
                      review, "已公开" if row["published"] else "")
    out.print(table if rows else "还没有检查报告。")
    return 0


@report_app.command("recheck")
def recheck_command(
    report: ReportFile,
    outcome: Annotated[str, typer.Option("--outcome", help="复查结论：已整改、部分整改、未整改", show_default=False)],
    date: Annotated[str | None, typer.Option("--date", help="复查日期（默认：今天）", show_default=False)] = None,
    document: Annotated[str | None, typer.Option("--document", help="整改复查意见书编号", show_default=False)] = None,
    note: Annotated[str | None, typer.Option("--note", help="说明（不公开）", show_default=False)] = None,
    no_commit: NoCommitOption = False,
    as_json: JsonOption = False,
) -> int:
    """记录责令限期整改之后的整改复查；每一份整改指令都要复查后才能结案。"""
    from shuangsuiji.cli.console import out
    from shuangsuiji.clock import parse_date
    from shuangsuiji.errors import SsjError
    from shuangsuiji.registry.loading import load_bureau
    from shuangsuiji.reports.filing import record_recheck

    if outcome not in ("已整改", "部分整改", "未整改"):
        raise SsjError(f"复查结论“{outcome}”无效：应为 已整改、部分整改 或 未整改")
    ws = workspace()
    day = parse_date(date) or load_bureau(ws).today()
    saved = record_recheck(ws, report, day, outcome, document, note, commit=not no_commit)
    settle(saved)
    rel = saved.paths[0]
    if as_json:
        print_data({"file": rel, "date": day.isoformat(), "outcome": outcome, "document": document})
    else:
        out.print(f"[green]已记录整改复查[/]（{day}，{outcome}）：{rel}")
    tell(saved, as_json)
    return 0


@report_app.command("close")
def close_command(
    report: ReportFile,
    date: Annotated[str | None, typer.Option("--date", help="结案日期（默认：今天）", show_default=False)] = None,
    no_commit: NoCommitOption = False,
    as_json: JsonOption = False,
) -> int:
    """结案：报告已办结、整改已复查、重大违法行为已集中审理、书面检查材料已收齐后才能结案。"""
    from shuangsuiji.cli.console import out
    from shuangsuiji.clock import parse_date
    from shuangsuiji.registry.loading import load_bureau
    from shuangsuiji.reports.filing import close_case

    ws = workspace()
    day = parse_date(date) or load_bureau(ws).today()
    saved = close_case(ws, report, day, commit=not no_commit)
    settle(saved)
    rel = saved.paths[0]
    if as_json:
        print_data({"file": rel, "closed": day.isoformat()})
    else:
        out.print(f"[green]已结案[/]（{day}）：{rel}")
    tell(saved, as_json)
    return 0

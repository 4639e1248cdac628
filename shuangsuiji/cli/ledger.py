"""Commands on ledger records: ``void``, ``recuse``, ``log``, ``show`` and ``ledger repair``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from shuangsuiji.registry.models import Section

from shuangsuiji.cli.app import JsonOption, app, workspace
from shuangsuiji.cli.output import finish, print_data

Operator = Annotated[str | None, typer.Option("--operator", help="操作人（默认：git 用户名）", show_default=False)]
DrawAddress = Annotated[str, typer.Argument(metavar="记录", help="记录编号，如 二股-3", show_default=False)]


@app.command("void")
def void_command(
    draw: DrawAddress,
    reason: Annotated[str, typer.Option("--reason", help="作废原因（会公开）", show_default=False)],
    operator: Operator = None, as_json: JsonOption = False,
) -> int:
    """作废一次抽取或一条未使用的抽取公告（写明原因）。记录不会删除，作废和重新抽取对公众都可见。"""
    from shuangsuiji.draw.void import perform_void

    return finish(perform_void(workspace(), draw, reason, operator), as_json)


@app.command("recuse")
def recuse_command(
    draw: DrawAddress,
    inspector: Annotated[str, typer.Option("--inspector", help="需要回避的执法人员：工号，或不重名时的姓名", show_default=False)],
    entity: Annotated[str, typer.Option("--entity", help="检查对象的统一社会信用代码", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", help="回避类别：利害关系回避、因故不能执行检查、其他", show_default=False)],
    from_section: Annotated[str | None, typer.Option(
        "--from-section", help="从另一个科室抽调替补（如 执法大队）：按同一种子在该科室符合条件的人员中排序产生",
        show_default=False)] = None,
    operator: Operator = None, as_json: JsonOption = False,
) -> int:
    """执法人员回避（第十七条）：按公开规则从后备人员（或 --from-section 指定科室的人员）中替换，写入台账。"""
    from rich.markup import escape

    from shuangsuiji.cli.console import out
    from shuangsuiji.draw.recusal import perform_recusal
    from shuangsuiji.registry.loading import load_bureau
    from shuangsuiji.registry.lookup import entity_label, person_label

    ws = workspace()
    written, team = perform_recusal(ws, draw, inspector.strip(), entity.strip(), reason.strip(), operator,
                                    from_section=from_section)
    record = written.record

    def show() -> None:
        data = load_bureau(ws)
        people = {p.id: p for p in data.inspectors}
        companies = {e.id: e for e in data.entities}
        source = f"{record['from_section']} 抽调的" if record["from_section"] else "后备人员"
        out.print(f"{escape(person_label(people, record['inspector']))}回避，由{escape(source)}"
                  f"[bold]{escape(person_label(people, record['replacement']))}[/]替换。")
        out.print(escape(f"单位 {entity_label(companies, record['entity'])}的检查组现为："
                         f"{'、'.join(person_label(people, i) for i in team)}"))

    return finish(written, as_json, show)


@app.command("log")
def log_command(
    section: Annotated[str | None, typer.Option("--section", "-s", help="只看一个科室（局台账：计划和清单的审批、结果公开）",
                                                show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="最多显示多少条（0 表示全部）")] = 50,
    as_json: JsonOption = False,
) -> int:
    """台账记录一览（最新的在前）：抽取、公告、作废、回避等。"""
    from rich.table import Table

    from shuangsuiji.cli.console import out
    from shuangsuiji.core.words import RECORD_TYPES
    from shuangsuiji.ledger.addresses import BUREAU_NAMES, BUREAU_SECTION
    from shuangsuiji.ledger.queries import all_records, open_index
    from shuangsuiji.ledger.summary import describe
    from shuangsuiji.registry.loading import load_bureau
    from shuangsuiji.registry.lookup import resolve_section

    ws = workspace()
    data = load_bureau(ws)
    only = resolve_section(data.sections, section) if section and section.strip() not in BUREAU_NAMES else None
    if section and section.strip() in BUREAU_NAMES:
        only = BUREAU_SECTION
    index = open_index(ws)
    try:
        everything = all_records(index, data)
    finally:
        index.close()
    addresses = {r["hash"]: _label(s, r) for s, r in everything}
    names = {s.id: s.name for s in data.sections}
    chosen = [(s, r) for s, r in everything if only is None or s.id == only.id]
    rows = chosen[:limit] if limit else chosen
    if as_json:
        print_data([{"address": _label(s, r), **_brief(r), "detail": describe(r, addresses, names)} for s, r in rows],
                   indent=2)
        return 0
    if not rows:
        out.print("台账中还没有记录。")
        return 0
    table = Table(title="台账记录（最新在前）", title_justify="left")
    for column in ("编号", "时间", "类型", "操作人", "内容"):
        table.add_column(column, no_wrap=column in ("编号", "时间", "类型"), overflow="fold",
                         ratio=3 if column == "内容" else None)
    for s, r in rows:
        table.add_row(_label(s, r), r["at"][:16].replace("T", " "), RECORD_TYPES.get(r["type"], r["type"]),
                      r["operator"], describe(r, addresses, names))
    out.print(table)
    if len(rows) < len(chosen):
        out.print(f"仅显示最新的 {len(rows)} 条，共 {len(chosen)} 条；--limit 0 显示全部。")
    return 0


def _label(section: Section, record: dict[str, Any]) -> str:
    from shuangsuiji.ledger.addresses import address

    return address(section, record["seq"])


def _brief(record: dict[str, Any]) -> dict[str, Any]:
    keep = ("type", "at", "operator", "date", "section", "plan_item", "fairness", "reason", "hash")
    return {k: record[k] for k in keep if k in record}


@app.command("show")
def show_command(
    record: Annotated[str, typer.Argument(metavar="记录", help="记录编号，如 二股-3", show_default=False)],
    html: Annotated[Path | None, typer.Option(
        "--html", help="另存为可打印的 HTML：抽取记录生成《抽取记录表》，抽取公告生成《抽取公告》，供公示和纸质归档签字",
        show_default=False)] = None,
    as_json: JsonOption = False,
) -> int:
    """显示一条台账记录的全部内容；--html 生成可打印的抽取记录表或抽取公告。"""
    from shuangsuiji.cli.console import out
    from shuangsuiji.cli.render import announcement_status, print_announcement, print_draw, print_record
    from shuangsuiji.core.words import RECORD_TYPES
    from shuangsuiji.errors import SsjError
    from shuangsuiji.ledger.addresses import locate
    from shuangsuiji.ledger.queries import evidence_lines, open_index, population_changes
    from shuangsuiji.registry.loading import load_bureau

    ws = workspace()
    data = load_bureau(ws)
    index = open_index(ws)
    try:
        found = locate(index, data, record, kind=None)
        kind, digest = found.record["type"], found.record["hash"]
        if html is not None and kind not in ("draw", "failed", "announce"):
            raise SsjError(f"{found.label} 是一条“{RECORD_TYPES.get(kind, kind)}”记录：--html 只能为抽取记录（抽取记录表）"
                           "或抽取公告（公告）生成可打印页面")
        recusals, void = index.follows(digest, "recusal"), index.voided(digest)
        status = announcement_status(found.record, found.section, index.follows(digest, "void")
                                     + index.follows(digest, "draw") + index.follows(digest, "failed"))
        target = index.by_hash(found.record.get("draw", "")) if kind in ("void", "recusal", "document") else None
        changes = population_changes(ws, index, found.record, found.section) if kind in ("draw", "failed") else []
        cited = evidence_lines(index, data, found.record) if kind in ("draw", "failed") else []
    finally:
        index.close()
    if as_json:
        print_data(found.record, indent=2)
        return 0
    if kind == "announce":
        print_announcement(found.record, found.section, data, status)
        if html is not None:
            from shuangsuiji.publish.sheet import announcement_sheet

            html.write_text(announcement_sheet(found.record, found.section, status, data), encoding="utf-8")
            out.print(f"已生成抽取公告：{html}（用浏览器打开后打印，或上传到信息公开栏）")
        return 0
    if kind not in ("draw", "failed"):
        print_record(found.record, found.section, target[1] if target else None, data)
        return 0
    print_draw(found.record, found.section, data, recusals, void, [*cited, *changes])
    if html is not None:
        from shuangsuiji.publish.sheet import draw_sheet

        html.write_text(draw_sheet(found.record, found.section, data, recusals, void, changes), encoding="utf-8")
        out.print(f"已生成抽取记录表：{html}（用浏览器打开后打印）")
    return 0


ledger_app = typer.Typer(help="台账维护。", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")


@ledger_app.command("repair")
def repair_command(as_json: JsonOption = False) -> int:
    """修复写入中断留下的不完整末行：保留每一条完整记录，只去掉残缺的最后一行。"""
    from shuangsuiji.cli.console import out
    from shuangsuiji.ledger.store import repair_ledgers

    repaired = repair_ledgers(workspace())
    if as_json:
        print_data([{"file": rel, "kept": kept, "removed_bytes": len(removed)} for rel, kept, removed in repaired])
        return 0
    for rel, kept, removed in repaired:
        out.print(f"{rel}：已去掉不完整的末行（{len(removed)} 字节），保留 {kept} 条完整记录。")
    out.print("请运行 ssj verify-ledger 复核。")
    return 0


@app.command("verify-ledger")
def verify_ledger_command(
    full: Annotated[bool, typer.Option(
        "--full", help="忽略核验点（.ssj/checkpoint.json），从头核验全部记录和全部 git 历史；默认只重算上次核验通过之后的"
                       "新记录（不在 git 仓库中时总是全部核验）")] = False,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", min=0, help="在 git 仓库中用几个进程重算抽取（0 表示按 CPU 核数）；结果与 1 个进程完全相同，"
                                    "每个进程都要读一遍全部台账，内存随之增加")] = 1,
    as_json: JsonOption = False,
) -> int:
    """核验全部台账：哈希链、每次抽取和回避从记录重算；在 git 中还核验历史只增不改、抽取与当时数据一致。

    在 git 仓库中，每次核验通过后在 .ssj/ 记下核验点，下次只重算新增的记录（--full 全部重新核验）。
    """
    from rich.table import Table

    from shuangsuiji.audit.verify import verify
    from shuangsuiji.cli.console import out, print_problems
    from shuangsuiji.core.words import RECORD_TYPES

    ws = workspace()
    with _reading_bar(ws, enabled=not as_json) as advance:
        result = verify(ws, progress=advance, full=full, jobs=jobs)
    if as_json:
        print_data({
            "ok": result.ok, "git": result.in_git, "unverified": result.unverified,
            "checked": {"full": result.since is None, "since": result.since, "records": result.records,
                        "rederived": result.checked, "note": result.note},
            "ledgers": [{"file": s.path, "records": s.records, "types": dict(s.kinds), "problems": s.problems}
                        for s in result.ledgers],
            "problems": [{"file": p.path, "line": p.line, "message": p.message, "severity": p.severity}
                         for p in result.problems],
        }, indent=2)
        return 0 if result.ok else 1
    table = Table(title="台账核验", title_justify="left")
    for column in ("台账文件", "记录数", "内容", "问题"):
        table.add_column(column)
    for s in result.ledgers:
        kinds = "、".join(f"{RECORD_TYPES.get(k, k)} {n}" for k, n in sorted(s.kinds.items()))
        table.add_row(s.path, str(s.records), kinds, f"[red]{s.problems}[/]" if s.problems else "0")
    if result.ledgers:
        out.print(table)
    print_problems(result.problems)
    if result.note:
        out.print(result.note, markup=False)
    if result.since is not None:
        out.print(f"例行核验：上次核验通过（提交 {result.since[:10]}）之后的 {result.checked} 条新记录已全部核验；"
                  f"此前的 {result.records - result.checked} 条上次已核验通过，这次只核对了哈希链和 heads、没有重算，"
                  "git 历史也只核验了那之后的提交。加 --full 可从头全部核验。", markup=False)
    scope = result.scope
    if not result.ledgers:
        out.print("还没有任何台账记录。")
    if result.ok:
        out.print(f"[green]核验通过[/]：{scope}。")
        return 0
    errors = sum(p.severity == "error" for p in result.problems)
    out.print(f"[bold red]核验未通过：{errors} 个问题。[/]")
    raise typer.Exit(1)


@contextmanager
def _reading_bar(ws: Any, enabled: bool) -> Iterator[Callable[[Any], None] | None]:
    """A progress bar on stderr (by bytes of the ledger files read) once a run lasts more than a second; nothing
    when stderr is not a terminal or the output is JSON."""
    import os
    import time

    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    from shuangsuiji.cli.console import err
    from shuangsuiji.core.chain import ledger_files
    from shuangsuiji.workspace import LEDGER_DIR

    if not enabled or not err.is_terminal:
        yield None
        return
    files = [path for years in ledger_files(str(ws.root / LEDGER_DIR)).values() for _, path in years]
    total = sum(os.path.getsize(path) for path in files)
    read: dict[str, int] = {}
    started, shown = time.monotonic(), [0.0]
    bar = Progress(TextColumn("核验台账"), BarColumn(), DownloadColumn(), TimeElapsedColumn(), console=err, transient=True)
    task = bar.add_task("核验台账", total=total)

    def advance(entry: Any) -> None:
        read[entry.path] = entry.offset
        now = time.monotonic()
        if now - started > 1 and now - shown[0] > 0.2:
            if not shown[0]:
                bar.start()
            shown[0] = now
            bar.update(task, completed=sum(read.values()))

    try:
        yield advance
    finally:
        bar.stop()

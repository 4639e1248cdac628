"""Commands on ledger records: ``void``, ``recuse``, ``log``, ``show`` and ``ledger repair``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from ..models import Section

from .app import JsonOption, app, workspace

Operator = Annotated[str | None, typer.Option("--operator", help="操作人（默认：git 用户名）", show_default=False)]
DrawAddress = Annotated[str, typer.Argument(help="记录编号，如 二股-3", show_default=False)]


@app.command("void")
def void_command(
    draw: DrawAddress,
    reason: Annotated[str, typer.Option("--reason", help="作废原因（会公开）", show_default=False)],
    operator: Operator = None, as_json: JsonOption = False,
) -> int:
    """作废一次抽取或一条未使用的抽取公告（写明原因）。记录不会删除，作废和重新抽取对公众都可见。"""
    from ..console import print_json
    from ..followups import perform_void
    from .draw_cmd import _finish

    written = perform_void(workspace(), draw, reason, operator)
    if as_json:
        print_json(json.dumps(written.record, ensure_ascii=False))
    return _finish(written, as_json)


@app.command("recuse")
def recuse_command(
    draw: DrawAddress,
    inspector: Annotated[str, typer.Option("--inspector", help="需要回避的执法人员工号", show_default=False)],
    entity: Annotated[str, typer.Option("--entity", help="检查对象的统一社会信用代码", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", help="回避类别：利害关系回避、因故不能执行检查、其他", show_default=False)],
    operator: Operator = None, as_json: JsonOption = False,
) -> int:
    """执法人员回避（第十七条）：按公开规则从备选人员中替换，写入台账。"""
    from ..console import out, print_json
    from ..followups import perform_recusal
    from .draw_cmd import _finish

    ws = workspace()
    written, team = perform_recusal(ws, draw, inspector.strip(), entity.strip(), reason.strip(), operator)
    record = written.record
    if as_json:
        print_json(json.dumps(record, ensure_ascii=False))
    else:
        data = ws.load()
        people = {p.id: p for p in data.inspectors}
        shown = [f"{people[i].name}（{i}）" if i in people else i for i in team]
        out.print(f"{record['inspector']} 回避，由备选人员 [bold]{record['replacement']}[/] 替换。")
        out.print(f"单位 {record['entity']} 的检查组现为：{'、'.join(shown)}")
    return _finish(written, as_json)


@app.command("log")
def log_command(
    section: Annotated[str | None, typer.Option("--section", "-s", help="只看一个科室", show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="最多显示多少条")] = 50,
    as_json: JsonOption = False,
) -> int:
    """台账记录一览（最新的在前）：抽取、公告、作废、回避等。"""
    from rich.table import Table

    from ..console import out, print_json
    from ..history import all_records
    from ..lookup import resolve_section
    from ..words import RECORD_TYPES, describe

    ws = workspace()
    data = ws.load()
    only = resolve_section(data.sections, section) if section else None
    rows = [(s, r) for s, r in all_records(ws, data) if only is None or s.id == only.id][:limit]
    if as_json:
        print_json(json.dumps([{"address": _label(s, r), **_brief(r)} for s, r in rows], ensure_ascii=False, indent=2))
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
                      r["operator"], describe(r))
    out.print(table)
    return 0


def _label(section: Section, record: dict[str, Any]) -> str:
    from ..lookup import address

    return address(section, record["seq"])


def _brief(record: dict[str, Any]) -> dict[str, Any]:
    keep = ("type", "at", "operator", "date", "section", "plan_item", "fairness", "reason", "hash")
    return {k: record[k] for k in keep if k in record}


@app.command("show")
def show_command(
    record: Annotated[str, typer.Argument(help="记录编号，如 二股-3", show_default=False)],
    html: Annotated[Path | None, typer.Option("--html", help="另存为可打印的《抽取记录表》（HTML），供纸质归档签字", show_default=False)] = None,
    as_json: JsonOption = False,
) -> int:
    """显示一条台账记录的全部内容；--html 生成可打印的抽取记录表。"""
    from ..console import out, print_json
    from ..followups import locate, recusals_of, voided_by
    from .render import print_draw

    ws = workspace()
    data = ws.load()
    found = locate(ws, data, record, kind=None)
    if as_json:
        print_json(json.dumps(found.record, ensure_ascii=False, indent=2))
        return 0
    if found.record["type"] != "draw":
        out.print_json(json.dumps(found.record, ensure_ascii=False))
        return 0
    recusals = recusals_of(found.records, found.record["hash"])
    void = voided_by(found.records, found.record["hash"])
    print_draw(found.record, found.section, data, recusals, void)
    if html is not None:
        from ..sheet import draw_sheet

        html.write_text(draw_sheet(found.record, found.section, data, recusals, void), encoding="utf-8")
        out.print(f"已生成抽取记录表：{html}（用浏览器打开后打印）")
    return 0


ledger_app = typer.Typer(help="台账维护。", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")


@ledger_app.command("repair")
def repair_command(
    section: Annotated[str, typer.Option("--section", "-s", help="要修复的科室台账（或 bureau）", show_default=False)],
) -> int:
    """修复写入中断留下的不完整末行：保留每一条完整记录，只去掉残缺的最后一行。"""
    from ..console import out
    from ..history import repair_ledger

    kept, removed = repair_ledger(workspace(), section)
    if not removed:
        out.print(f"台账完好（{kept} 条完整记录），无需修复。")
    else:
        out.print(f"已去掉不完整的末行（{len(removed)} 字节），保留 {kept} 条完整记录。请运行 ssj verify-ledger 复核并提交 git。")
    return 0


@app.command("verify-ledger")
def verify_ledger_command(as_json: JsonOption = False) -> int:
    """核验全部台账：哈希链、每次抽取和回避从记录重算；在 git 中还核验历史只增不改、抽取与当时数据一致。"""
    from rich.table import Table

    from ..console import out, print_json, print_problems
    from ..verification import verify
    from ..words import RECORD_TYPES

    result = verify(workspace())
    if as_json:
        print_json(json.dumps({
            "ok": result.ok, "git": result.in_git,
            "ledgers": [{"file": s.path, "records": s.records, "types": dict(s.kinds), "problems": s.problems}
                        for s in result.ledgers],
            "problems": [{"file": p.path, "line": p.line, "message": p.message, "severity": p.severity}
                         for p in result.problems],
        }, ensure_ascii=False, indent=2))
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
    scope = "哈希链、重算抽取与回避、git 历史只增不改、抽取与当时数据一致" if result.in_git else \
        "哈希链、重算抽取与回避（不在 git 仓库中，未核验历史）"
    if not result.ledgers:
        out.print("还没有任何台账记录。")
    if result.ok:
        out.print(f"[green]核验通过[/]：{scope}。")
        return 0
    errors = sum(p.severity == "error" for p in result.problems)
    out.print(f"[bold red]核验未通过：{errors} 个问题。[/]")
    raise typer.Exit(1)

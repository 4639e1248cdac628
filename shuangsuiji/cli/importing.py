"""``ssj import entities FILE`` and ``ssj import inspectors FILE``: registries from Excel and CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from shuangsuiji.cli.app import JsonOption, app, workspace
from shuangsuiji.cli.committed import NoCommitOption
from shuangsuiji.cli.output import print_data

if TYPE_CHECKING:
    from shuangsuiji.registry.importing import ImportResult

import_app = typer.Typer(
    help="从 Excel（.xlsx）或 CSV 文件导入监管对象或执法检查人员名录。列名和规则见 docs/import.md。",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(import_app, name="import")

File = Annotated[Path, typer.Argument(metavar="文件", help="要导入的 .xlsx 或 .csv 文件", show_default=False)]
Sheet = Annotated[str | None, typer.Option("--sheet", help="工作表名称（默认：第一个工作表）", show_default=False)]
SkipBad = Annotated[bool, typer.Option("--skip-bad", help="跳过有错误的行，只导入正确的行（错误行全部列出）")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="只检查并显示将会新增、更新多少条，不写入任何文件")]
Mapping = Annotated[Path | None, typer.Option(
    "--mapping", help="列映射文件（YAML）：从平台导出的表格，其列名与 ssj 不同时用它指明哪一列是哪个字段（见 docs/platform.md）",
    show_default=False)]


@import_app.command("entities")
def entities_command(file: File, sheet: Sheet = None, skip_bad: SkipBad = False, dry_run: DryRun = False,
                     mapping: Mapping = None, no_commit: NoCommitOption = False, as_json: JsonOption = False) -> int:
    """导入监管对象（企业）：按统一社会信用代码新增或更新 data/entities/<行业类别>.yaml。

    例：ssj import entities 企业名录.xlsx --dry-run；从省平台导出的表格：ssj import entities 导出.xlsx --mapping 平台列.yaml
    """
    return _run("entities", file, sheet, skip_bad, dry_run, as_json, mapping, no_commit=no_commit)


@import_app.command("inspectors")
def inspectors_command(file: File, sheet: Sheet = None, skip_bad: SkipBad = False, dry_run: DryRun = False,
                       mapping: Mapping = None, no_commit: NoCommitOption = False,
                       as_json: JsonOption = False) -> int:
    """导入执法检查人员：按工号新增或更新 data/inspectors.yaml。

    例：ssj import inspectors 执法人员.csv
    """
    return _run("inspectors", file, sheet, skip_bad, dry_run, as_json, mapping, no_commit=no_commit)


def _run(kind: str, file: Path, sheet: str | None, skip_bad: bool, dry_run: bool, as_json: bool,
         mapping: Path | None = None, no_commit: bool = False) -> int:
    from shuangsuiji.cli.committed import settle, tell
    from shuangsuiji.cli.console import progress
    from shuangsuiji.registry.importing import failed, import_table, prepare_import
    from shuangsuiji.registry.platform_import import prepare_mapped_import, read_import_mapping

    ws = workspace()
    if mapping is None:
        prepared = prepare_import(kind, file, sheet)
    else:
        prepared = prepare_mapped_import(kind, file, sheet, read_import_mapping(kind, mapping))
    with progress(f"导入 {prepared.table.label}", prepared.table.size) as tick:
        result = import_table(ws, prepared, skip_bad=skip_bad, dry_run=dry_run, tick=tick, commit=not no_commit)
    settle(result.saved)  # written but not committed: exit status 3 before anything else
    if as_json:
        print_data(_as_json(result), indent=2)
        tell(result.saved, as_json)
        return 1 if failed(result) else 0
    _print(result)
    tell(result.saved, as_json)
    return 0


def _as_json(result: ImportResult) -> dict[str, Any]:
    from shuangsuiji.registry.importing import failed

    return {
        "kind": result.kind, "file": result.source, "sheet": result.sheet, "encoding": result.encoding,
        "ok": not failed(result), "written": result.written, "dry_run": result.dry_run,
        "ignored_columns": result.ignored_columns, **result.totals, "deleted": result.deleted,
        "files": [{"file": path, **counts} for path, counts in sorted(result.files.items())],
        "errors": [{"row": p.row, "message": p.message} for p in result.problems],
    }


def _print(result: ImportResult) -> None:
    from rich.table import Table

    from shuangsuiji.cli.console import out
    from shuangsuiji.errors import SsjError
    from shuangsuiji.registry.importing import failed

    out.print(f"读取 {result.source}（{result.table}）", markup=False)
    if result.ignored_columns:
        out.print(f"未识别的列已忽略：{'、'.join(result.ignored_columns)}", style="yellow", markup=False)
    if failed(result):
        raise SsjError(_refusal(result), result.problem_list())
    if result.problems:
        out.print(f"以下 {result.bad_rows} 行有错误，已跳过：", style="yellow")
        for problem in result.problem_list():
            out.print(str(problem), style="yellow", markup=False)
    table = Table(title="预演（未写入）" if result.dry_run else "导入结果", title_justify="left")
    for column in ("文件", "新增", "更新", "未变", "移出"):
        table.add_column(column, justify="left" if column == "文件" else "right")
    for path, counts in sorted(result.files.items()):
        table.add_row(path, *(str(counts[k]) for k in ("added", "updated", "unchanged", "moved_out")))
    out.print(table)
    t = result.totals
    out.print(f"合计：新增 {t['added']}、更新 {t['updated']}、未变 {t['unchanged']}、跳过 {t['skipped']}")
    if result.dry_run:
        out.print("这是预演（--dry-run），没有写入任何文件。", style="yellow")
    elif result.written:
        for path in result.deleted:
            out.print(f"已删除 {path}：其中的单位都已移到新的行业类别文件", markup=False)
        out.print("[green]已写入。[/]请运行 ssj check 复查。")
    else:
        out.print("名录已是最新，没有需要写入的变化。")


def _refusal(result: ImportResult) -> str:
    if result.good_rows == 0 and result.bad_rows == 0:
        return f"{result.source}：表中没有数据行，没有导入任何内容"
    if result.good_rows == 0:
        return f"{result.source}：{result.bad_rows} 行全部有错误，没有导入任何内容"
    hint = "可以改正后重新导入，或加 --skip-bad 只导入正确的行"
    return f"{result.source}：{result.bad_rows} 行有错误，没有写入任何文件（{hint}）"

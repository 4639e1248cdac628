"""``ssj heads``: the bureau's chain heads as text and a QR code, for the 信息公开栏 and the county platform."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shuangsuiji.cli.app import JsonOption, app, workspace
from shuangsuiji.cli.output import print_data


@app.command("heads")
def heads_command(
    text_file: Annotated[Path | None, typer.Option("--out", help="把末条记录文本另存为文件（供 verify.py --previous）",
                                                    show_default=False)] = None,
    png: Annotated[Path | None, typer.Option("--png", help="把二维码存为 PNG 图片", show_default=False)] = None,
    svg: Annotated[Path | None, typer.Option("--svg", help="把二维码存为 SVG 图片", show_default=False)] = None,
    no_qr: Annotated[bool, typer.Option("--no-qr", help="不在屏幕上显示二维码")] = False,
    as_json: JsonOption = False,
) -> int:
    """本局每本台账的末条记录（序号和哈希）：公布在信息公开栏，日后任何人都能用 verify.py --previous 证明新台账包含了这些记录。"""
    import segno

    from shuangsuiji.cli.console import out
    from shuangsuiji.ledger.heads import current_heads, heads_text
    from shuangsuiji.registry.loading import load_bureau

    ws = workspace()
    data = load_bureau(ws)
    heads = current_heads(ws, data)
    if as_json:
        print_data({h.ledger: {"seq": h.seq, "hash": h.hash} for h in heads}, indent=2)
        return 0
    text = heads_text(data.bureau.name if data.bureau else "", heads, data.now().isoformat())
    # the QR holds the lines verify.py --previous reads, nothing else, to stay small enough to scan from paper
    qr = segno.make("\n".join(f"{h.ledger} {h.seq} {h.hash}" for h in heads), error="l")
    out.print(text, markup=False, highlight=False, end="")
    for path, kind in ((text_file, "text"), (png, "png"), (svg, "svg")):
        if path is None:
            continue
        if kind == "text":
            path.write_text(text, encoding="utf-8", newline="\n")
        else:
            qr.save(str(path), kind=kind, scale=4, border=4)
        out.print(f"已写入 {path}", highlight=False)
    if not no_qr:
        import shutil

        width = qr.symbol_size(border=2)[0]
        if width <= shutil.get_terminal_size().columns:
            qr.terminal(compact=True, border=2)
        else:
            out.print(f"二维码宽 {width} 列，超过终端宽度：请用 --png 或 --svg 保存后打印", highlight=False)
    return 0

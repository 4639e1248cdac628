"""A self-contained HTML page (no external resources) that reads well on a phone and prints on A4."""

from __future__ import annotations

from html import escape

STYLE = """
:root { color-scheme: light; }
body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
       margin: 0 auto; max-width: 1100px; padding: 12px; line-height: 1.6; color: #111; background: #fff;
       overflow-wrap: anywhere; }
h1 { font-size: 1.5em; margin: .4em 0; } h2 { font-size: 1.2em; margin-top: 1.4em; border-bottom: 2px solid #b22; }
table { border-collapse: collapse; width: 100%; margin: .6em 0; font-size: .92em; }
th, td { border: 1px solid #999; padding: 4px 6px; text-align: left; vertical-align: top; word-break: break-all; }
th { background: #f3e9e9; }
.meta { color: #444; font-size: .92em; }
.note { background: #fff8e1; border-left: 4px solid #e0a800; padding: 6px 10px; }
.void { color: #b00; font-weight: bold; }
.mono { font-family: Consolas, "DejaVu Sans Mono", monospace; font-size: .85em; }
.sign { display: flex; gap: 2em; margin-top: 2.5em; } .sign div { flex: 1; border-top: 1px solid #333; padding-top: 4px; }
.wrap { overflow-x: auto; }
.figure { max-width: 760px; margin: .8em 0; } .figure svg { display: block; height: auto; }
.figure svg text { fill: #111; } .figure svg .chart-note { font-weight: bold; }
@media (max-width: 640px) {
  body { padding: 6px; }
  table.cards thead { display: none; }
  table.cards tr { display: block; border: 1px solid #999; margin-bottom: .8em; }
  table.cards td { display: block; border: none; border-bottom: 1px dotted #ccc; }
  table.cards td::before { content: attr(data-label) "："; font-weight: bold; color: #555; }
}
@media (min-width: 641px) { td[data-label="检查时间"], td[data-label="抽取记录"] { white-space: nowrap; } }
@media print { body { max-width: none; padding: 0; } h2 { page-break-after: avoid; } tr { page-break-inside: avoid; }
               .figure { page-break-inside: avoid; break-inside: avoid; -webkit-print-color-adjust: exact;
                         print-color-adjust: exact; }
               .noprint { display: none; } a { color: inherit; text-decoration: none; } }
"""


def page(title: str, body: str) -> str:
    """A whole HTML document around ``body`` (which must already be escaped)."""
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def table(headers: list[str], rows: list[list[str]], raw: bool = False, table_id: str | None = None) -> str:
    """An HTML table that turns into one card per row on a phone; cells are escaped unless ``raw``."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    cell = (lambda v: v) if raw else escape
    body = "".join(
        "<tr>" + "".join(f"<td data-label=\"{escape(h)}\">{cell(str(v))}</td>" for h, v in zip(headers, row, strict=False)) + "</tr>"
        for row in rows
    )
    name = f" id=\"{escape(table_id)}\"" if table_id else ""
    return f"<div class=\"wrap\"><table class=\"cards\"{name}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"

"""Documents printed by headless Chromium (``--print-to-pdf``): each kind prints on A4 in at most two pages, and a
signature block that does not fit at the bottom of a page moves whole to the next one (``break-inside: avoid``).

Without Chromium the tests are skipped, unless SSJ_REQUIRE_BROWSER=1 (as for the disclosure page)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.documents.test_issuing import COMPANY, issue
from tests.publish.test_page_in_browser import browse

pytestmark = pytest.mark.browser


def pdf_pages(tmp_path: Path, page: Path) -> tuple[int, bytes]:
    pdf = tmp_path / f"{page.stem}.pdf"
    browse(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data)), data


def test_every_kind_prints_on_a4(ssj, drawn, tmp_path):
    root = drawn["root"]
    for kind in ("检查通知书", "现场检查记录", "责令限期整改指令书", "整改复查意见书"):
        _, page = issue(ssj, root, kind)
        pages, data = pdf_pages(tmp_path, page)
        assert 1 <= pages <= 2, (kind, pages)
        box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]", data)
        assert box is not None and (round(float(box.group(1))), round(float(box.group(2)))) == (595, 842)  # A4 in points


# A page holds 251 mm (297 mm less the margins). Filler of 150 mm, then a signature block of about 150 mm, then a
# block of 120 mm that never splits: kept whole, the signature block starts page 2 and pushes the last block to
# page 3; split, its rows share pages 1 and 2 and everything fits in two pages.
TALL_RECORD = """{% extends "base.html" %}
{% from "parts.html" import signatures %}
{% block style %}<style>STYLE</style>{% endblock %}
{% block body %}
<div style="height: 150mm; break-inside: avoid"></div>
{{ signatures(team, ["见证人一", "见证人二", "见证人三", "见证人四", "见证人五", "见证人六", "见证人七", "见证人八",
                     "见证人九", "见证人十", "见证人十一", "见证人十二"]) }}
<div style="height: 120mm; break-inside: avoid"></div>
{% endblock %}
"""


@pytest.mark.parametrize(("style", "pages"), [("", 3), (".signatures { break-inside: auto !important; }", 2)])
def test_a_signature_block_is_never_split(ssj, drawn, tmp_path, style, pages):
    root = drawn["root"]
    (root / "templates").mkdir()
    (root / "templates/record.html").write_text(TALL_RECORD.replace("STYLE", style), encoding="utf-8")
    _, page = issue(ssj, root, "现场检查记录", COMPANY)
    assert pdf_pages(tmp_path, page)[0] == pages

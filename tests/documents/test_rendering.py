"""Templates: the bureau's own ``templates/`` override the package's; a broken template is a Chinese error naming
its file and line, and nothing is written; values are escaped; the QR code holds what the ledger records."""

from __future__ import annotations

import json
import re

from shuangsuiji.core.documents import document_qr_text, parse_document_code
from shuangsuiji.documents.rendering import package_folder, qr_svg
from tests.documents.test_issuing import COMPANY, issue, refused, text_of
from tests.helpers import ledger_records


def test_the_package_ships_every_template():
    names = {p.name for p in package_folder().iterdir()}
    assert {"base.html", "parts.html", "print.css", "notice.html", "record.html", "order.html", "recheck.html"} <= names


def test_a_bureau_template_overrides_the_packages_one(ssj, drawn):
    root = drawn["root"]
    (root / "templates").mkdir()
    (root / "templates/notice.html").write_text(
        '{% extends "base.html" %}{% block body %}<p>河南省格式的检查通知书：{{ company.name }}，{{ number }}</p>{% endblock %}',
        encoding="utf-8")
    (root / "templates/print.css").write_text("body { color: #123456; }\n", encoding="utf-8")
    written, path = issue(ssj, root, "检查通知书")
    html = path.read_text(encoding="utf-8")
    assert f"河南省格式的检查通知书：汝州市安和新材料科技有限公司，{written['number']}" in html
    assert "color: #123456" in html and "@page" not in html  # its print.css replaced the package's
    assert "<h1>检查通知书</h1>" in html  # the package's base.html, which the bureau did not override
    # other kinds still come from the package
    _, record = issue(ssj, root, "现场检查记录")
    assert "执法证件出示情况" in record.read_text(encoding="utf-8")


def test_a_template_with_a_syntax_error_names_its_file_and_line(ssj, drawn):
    root = drawn["root"]
    (root / "templates").mkdir()
    (root / "templates/record.html").write_text('{% extends "base.html" %}\n{% block body %}\n{% if %}\n{% endblock %}\n',
                                                encoding="utf-8")
    message = refused(ssj, root, "现场检查记录", "二股-0", COMPANY)
    assert message.startswith("templates/record.html:3:文书模板语法错误"), message


def test_a_template_with_an_unknown_field_names_its_file_and_line(ssj, drawn):
    root = drawn["root"]
    (root / "templates").mkdir()
    (root / "templates/record.html").write_text(
        '{% extends "base.html" %}\n{% block body %}\n<p>{{ company.name }}</p>\n<p>{{ company.boss }}</p>\n{% endblock %}\n',
        encoding="utf-8")
    message = refused(ssj, root, "现场检查记录", "二股-0", COMPANY)
    assert message.startswith("templates/record.html:4:文书模板无法生成（没有这个字段或变量"), message
    assert "boss" in message


def test_a_missing_include_is_a_clear_error(ssj, drawn):
    root = drawn["root"]
    (root / "templates").mkdir()
    (root / "templates/notice.html").write_text('{% include "省格式.html" %}', encoding="utf-8")
    assert "找不到文书模板省格式.html" in refused(ssj, root, "notice", "二股-0", COMPANY)


def test_values_are_escaped(ssj, drawn):
    root = drawn["root"]
    path = next(p for p in (root / "data/entities").glob("*.yaml") if COMPANY in p.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    start = text.index(COMPANY)
    name_at = text.index("name: ", start)
    end = text.index("\n", name_at)
    path.write_text(text[:name_at] + 'name: "汝州市<script>alert(1)</script>有限公司"' + text[end:], encoding="utf-8")
    _, out = issue(ssj, root, "检查通知书")
    html = out.read_text(encoding="utf-8")
    assert "<script>" not in html and "汝州市&lt;script&gt;alert(1)&lt;/script&gt;有限公司" in html


def test_the_qr_code_holds_the_recorded_number_and_the_draws_address_and_hash(ssj, drawn):
    root = drawn["root"]
    written, path = issue(ssj, root, "现场检查记录")
    html = path.read_text(encoding="utf-8")
    expected = document_qr_text(written["number"], "二股-0", drawn["ergu"]["hash"])
    assert expected == f"编号：汝应急现记〔2026〕二股-001；抽取：二股-0；哈希：{drawn['ergu']['hash']}"
    assert re.search(r'data-qr-text="([^"]*)"', html).group(1) == expected
    # the embedded SVG is segno's picture of exactly that text
    svg = str(qr_svg(expected))
    assert svg.startswith("<svg") and svg in html
    assert parse_document_code(expected) == (written["number"], "二股-0", written["draw"])
    assert ledger_records(root, "ergu")[-1]["number"] == parse_document_code(expected)[0]


def test_json_prints_the_record_as_written(ssj, drawn):
    root = drawn["root"]
    out = root.parent / "通知.html"
    result = ssj(root, "doc", "notice", "二股-0", COMPANY, "--out", str(out), "--json")
    assert result.code == 0
    assert json.loads(result.out) == ledger_records(root, "ergu")[-1]
    assert "文书文件" in result.err and "通知.html" in result.err
    assert "扫码核对" in text_of(out.read_text(encoding="utf-8"))


def test_help_lists_the_kinds_and_their_short_names(ssj, tmp_path):
    result = ssj(tmp_path, "doc", "--help")
    assert result.code == 0
    flat = re.sub(r"[\s│]+", "", result.out)
    for kind, short in (("检查通知书", "notice"), ("现场检查记录", "record"), ("责令限期整改指令书", "order"),
                        ("整改复查意见书", "recheck")):
        assert f"{kind}（{short}）" in flat, kind

"""The disclosure page in a real browser: headless Chromium renders index.html from a bundle, the rendered
text holds what 第二十二条 asks for, and a screenshot is not blank (on a phone and on a desktop).

Without Chromium the tests are skipped, unless SSJ_REQUIRE_BROWSER=1 (CI installs Chromium and sets it).
"""

from __future__ import annotations

import contextlib
import html.parser
import io
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from shuangsuiji.cli import main
from shuangsuiji.core.words import FAIRNESS
from tests.helpers import assigned, copy_example

pytestmark = pytest.mark.browser

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
H2_RULE = (0xBB, 0x22, 0x22)  # the red rule under every h2 (border-bottom: 2px solid #b22)


def chromium() -> str:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("SSJ_REQUIRE_BROWSER") == "1":
        pytest.fail("SSJ_REQUIRE_BROWSER=1 但找不到 Chromium（/usr/bin/chromium 或 PATH 中的 chromium）：请先安装 Chromium")
    pytest.skip("Chromium 未安装（设置 SSJ_REQUIRE_BROWSER=1 时此项为失败）")


def browse(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'chromium-profile'}", *args]
    result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


# -- a published bundle ------------------------------------------------------------------------------------

def run(root: Path, *args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--repo", str(root), *args])
    assert code == 0, out.getvalue() + err.getvalue()
    return out.getvalue()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory, frozen_clock) -> dict:
    """二股 drawn (seed 42), two companies checked, one with a major violation reviewed; published."""
    base = tmp_path_factory.mktemp("browser")
    root = base / "汝州"
    copy_example(root)
    record = json.loads(run(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "42", "--date", "2026-12-01", "--json"))
    companies = [a["entity"] for a in assigned(record)[:2]]
    texts = [("库房内烟花爆竹超量存放约两箱，灭火器压力不足", "发现问题已责令改正", "责令当场清理超量存放的产品并更换灭火器"),
             ("储罐区可燃气体报警装置停用，构成重大事故隐患", "发现问题待后续处理", "责令立即停止储罐区作业，依法立案查处")]
    for n, (entity, (findings, result, handling)) in enumerate(zip(companies, texts, strict=True)):
        run(root, "report", "new", "二股-0", entity)
        path = root / f"data/reports/ergu/ergu-0-{entity}.yaml"
        text = path.read_text(encoding="utf-8")
        for old, new in (("status: 草稿", "status: 已办结"), ("check_dates: []", f"check_dates: [2026-12-0{3 + n}]"),
                         ('findings: ""', f"findings: {json.dumps(findings, ensure_ascii=False)}"),
                         ('result: ""', f"result: {result}"), ('handling: ""', f"handling: {handling}"),
                         ("major_violation: false", f"major_violation: {'true' if n else 'false'}")):
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    run(root, "report", "review", str(root / f"data/reports/ergu/ergu-0-{companies[1]}.yaml"),
        "--decision", "经集中审理，认定构成重大事故隐患", "--penalty", "罚款人民币五万元", "--number", "汝应急罚〔2026〕58号", "--cosign", "二股", "--signed-by", "韩立新",
        "--date", "2026-12-08")
    folder = base / "公示包"
    frozen_clock.set("2026-12-20")  # the checks of 12-03 and 12-04 are done; publish afterwards
    try:
        run(root, "publish", "--out", str(folder))
    finally:
        frozen_clock.set("2026-12-01")
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))["results"]
    assert [r["entity_id"] for r in results] == companies
    return {"folder": folder, "results": results, "texts": texts}


class Text(html.parser.HTMLParser):
    """The text a reader sees (no style)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if not self._skip:
            self.parts.append(data)


def rendered_text(tmp_path: Path, page: Path) -> str:
    dom = browse(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert dom.lstrip().startswith("<!DOCTYPE html>") or dom.lstrip().startswith("<html"), dom[:300]
    parser = Text()
    parser.feed(dom)
    return re.sub(r"\s+", " ", "".join(parser.parts))


def test_rendered_page_holds_the_required_fields(bundle, tmp_path):
    text = rendered_text(tmp_path, bundle["folder"] / "index.html")
    assert "汝州市应急管理局“双随机、一公开”抽查结果公示" in text
    assert "检查时间" in text and "检查情况" in text and "检查结果" in text and "处理意见" in text
    for result, (findings, outcome, handling) in zip(bundle["results"], bundle["texts"], strict=True):
        for value in (result["entity_name"], result["entity_id"], result["address"], result["check_dates"][0],
                      result["checklist_name"], findings, outcome, handling):
            assert value in text, value
    assert "集中审理（2026-12-08）：经集中审理，认定构成重大事故隐患" in text and "罚款人民币五万元" in text
    assert "二股-0" in text  # the draw behind the results
    assert f"公平性：{FAIRNESS['operator']}" in text
    assert "随机种子：42" in text
    # the files section names the bureau's whole ledger and the heads (format 2: every ledger, list files, heads.json)
    assert "ledger/：本局全部台账" in text and "heads.json：" in text


# -- a screenshot that is not blank ------------------------------------------------------------------------

def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB or RGBA, non-interlaced PNG with the standard library: (width, height, rows of RGB(A))."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, idat, header = 8, [], None
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        assert zlib.crc32(kind + body) == struct.unpack(">I", data[at + 8 + length:at + 12 + length])[0], "bad CRC"
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        at += 12 + length
    assert header is not None, "no IHDR"
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"unsupported PNG {header}"
    size = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * size
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(size, stride):
                line[i] = (line[i] + line[i - size]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - size] if i >= size else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - size] if i >= size else 0
                b, c = previous[i], previous[i - size] if i >= size else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        else:
            assert kind == 0, f"bad filter {kind}"
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def colours(width: int, rows: list[bytes]) -> dict[tuple[int, int, int], int]:
    size = len(rows[0]) // width
    counts: dict[tuple[int, int, int], int] = {}
    for row in rows:
        for x in range(0, len(row), size):
            pixel = (row[x], row[x + 1], row[x + 2])
            counts[pixel] = counts.get(pixel, 0) + 1
    return counts


def test_png_decoder_on_a_known_image():
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    lines = [b"\x00" + bytes([255, 255, 255, 187, 34, 34]), b"\x02" + bytes([0, 0, 0, 0, 0, 0]),
             b"\x01" + bytes([10, 20, 30, 1, 1, 1]), b"\x04" + bytes([5, 5, 5, 0, 0, 0])]
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 4, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"".join(lines))) + chunk(b"IEND", b""))
    width, height, rows = png_pixels(png)
    assert (width, height) == (2, 4)
    assert rows == [bytes([255, 255, 255, 187, 34, 34]), bytes([255, 255, 255, 187, 34, 34]),
                    bytes([10, 20, 30, 11, 21, 31]), bytes([15, 25, 35, 15, 25, 35])]  # Paeth picks the left pixel
    assert colours(width, rows) == {(255, 255, 255): 2, (187, 34, 34): 2, (10, 20, 30): 1, (11, 21, 31): 1, (15, 25, 35): 2}


@pytest.mark.parametrize(("width", "height"), [(390, 1400), (1280, 900)])  # a phone and a desktop
def test_screenshot_is_not_blank(bundle, tmp_path, width, height):
    shot = tmp_path / "page.png"
    browse(tmp_path, f"--screenshot={shot}", f"--window-size={width},{height}", "--hide-scrollbars",
           (bundle["folder"] / "index.html").as_uri())
    got_width, got_height, rows = png_pixels(shot.read_bytes())
    assert (got_width, got_height) == (width, height)
    counts = colours(got_width, rows)
    assert len(counts) > 1, "the screenshot is a single colour"
    background = max(counts, key=counts.__getitem__)
    assert background == (255, 255, 255)
    ink = sum(n for colour, n in counts.items() if colour != background)
    assert ink > 0.01 * width * height  # text, rules and charts, not a stray pixel
    assert counts.get(H2_RULE, 0) >= 2 * min(width, 1100) * 0.5  # at least one styled h2 rule drawn across the page


def test_page_prints(bundle, tmp_path):
    pdf = tmp_path / "page.pdf"
    browse(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", (bundle["folder"] / "index.html").as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", data)) >= 1


def test_missing_browser_skips_or_fails_as_ci_asks(monkeypatch):
    monkeypatch.setattr(f"{__name__}.CANDIDATES", ("/nonexistent/chromium-for-ssj-tests",))
    monkeypatch.delenv("SSJ_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium 未安装"):
        chromium()
    monkeypatch.setenv("SSJ_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="SSJ_REQUIRE_BROWSER=1 但找不到 Chromium"):
        chromium()

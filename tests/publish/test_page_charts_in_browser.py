"""The page's pictures in headless Chromium: the bars are drawn to their own panel's scale, on a desktop and on a
phone (the SVG shrinks with the page instead of overflowing it). Skipped without Chromium unless
SSJ_REQUIRE_BROWSER=1, like the other browser tests."""

from __future__ import annotations

import pytest

from shuangsuiji.publish import charts
from tests.publish.test_page_charts import sample_page
from tests.publish.test_page_in_browser import browse, png_pixels

pytestmark = pytest.mark.browser

DONE = (0xB2, 0x22, 0x22)  # a filled bar: what was done
COUNT = (0x15, 0x65, 0xC0)  # a bar of the results and follow-ups


def runs(width: int, rows: list[bytes], colour: tuple[int, int, int]) -> list[int]:
    """The longest run of ``colour`` in each row that has one, top to bottom."""
    size = len(rows[0]) // width
    found = []
    for row in rows:
        longest = current = 0
        for x in range(0, len(row), size):
            current = current + 1 if tuple(row[x:x + 3]) == colour else 0
            longest = max(longest, current)
        if longest:
            found.append(longest)
    return found


def bar_lengths(width: int, rows: list[bytes], colour: tuple[int, int, int]) -> list[int]:
    """The length of each bar of ``colour``: the longest run in each band of consecutive rows."""
    size, bars, band = len(rows[0]) // width, [], []
    for row in rows:
        longest = current = 0
        for x in range(0, len(row), size):
            current = current + 1 if tuple(row[x:x + 3]) == colour else 0
            longest = max(longest, current)
        if longest:
            band.append(longest)
        elif band:
            bars.append(max(band))
            band = []
    return bars + ([max(band)] if band else [])


@pytest.mark.parametrize(("width", "svg_width"), [(1280, 760), (390, 378)])  # the figure's max width; a phone
def test_bars_are_drawn_to_their_panels_scale(tmp_path, width, svg_width):
    page = tmp_path / "index.html"
    page.write_text(sample_page(), encoding="utf-8")
    shot = tmp_path / "page.png"
    browse(tmp_path, f"--screenshot={shot}", f"--window-size={width},2400", "--hide-scrollbars",
           "--force-device-scale-factor=1", page.as_uri())
    got_width, _, rows = png_pixels(shot.read_bytes())
    scale = svg_width / charts.WIDTH
    done = bar_lengths(got_width, rows, DONE)
    # filled bars: draws 3/4 and 1/4 of the draws panel; companies 3/30 of the companies panel (0 is a 1-unit stub)
    expected = [round(charts.BAR_SPACE * 3 / 4), charts.BAR_SPACE // 4, round(charts.BAR_SPACE * 3 / 30)]
    assert len(done) >= 3, done
    for got, want in zip(done[:3], expected, strict=True):
        assert abs(got - want * scale) <= 3, (done, [w * scale for w in expected])
    counted = bar_lengths(got_width, rows, COUNT)
    assert abs(max(counted) - charts.BAR_SPACE * scale) <= 3  # the most frequent result fills its panel

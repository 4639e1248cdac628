"""The page's pictures (issue 13 part 6, SPEC §6): inline SVG, no external resources and no script; draws and
companies against the plan on separate scales; the distribution of results and follow-ups; a text alternative
and the numbers beside the bars; printable."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from shuangsuiji.publish import charts
from shuangsuiji.publish.bundle import FILES
from shuangsuiji.publish.page import index_page
from shuangsuiji.publish.selection import Disclosure, Selection
from shuangsuiji.registry.models import Section

SVG = "{http://www.w3.org/2000/svg}"
CATEGORIES = ["未发现问题", "发现问题已责令改正", "发现问题待后续处理"]


def result(name: str, outcome: str, follow_up: list[str], rechecks: list[dict] | None = None) -> dict:
    return {"entity_name": name, "entity_id": "91410482MA00000000", "result": outcome, "follow_up": follow_up,
            "rechecks": rechecks or [], "section": "安全监管二股", "draw": "二股-1", "draw_date": "2026-12-01",
            "check_dates": ["2026-12-02"], "handling": "处理意见", "inspectors": []}


def sample_page() -> str:
    """A page with two sections (one whose name needs escaping) and three results, one of them rechecked."""
    sections = [Section(id="ergu", name="安全监管二股", specialties=["烟花爆竹"])]
    disclosure = Disclosure("汝州市应急管理局", "2026-12-20T10:00:00+08:00", Selection(sections, None, None),
                            categories=CATEGORIES, year=2026)
    disclosure.per_section = [
        {"section": "安全监管二股", "planned_draws": 4, "draws": 3, "drawn": 30, "checked": 3},
        {"section": "安全监管<一>股", "planned_draws": 2, "draws": 1, "drawn": 6, "checked": 0},
    ]
    disclosure.results = [result("甲", "未发现问题", ["无需处置"]),
                          result("乙", "发现问题已责令改正", ["责令限期整改"], [{"date": "2026-12-10", "outcome": "已整改"}]),
                          result("丙", "发现问题已责令改正", ["责令限期整改", "移送"])]
    return index_page(disclosure, FILES)


@pytest.fixture
def page() -> str:
    return sample_page()


def figures(page: str) -> list[ElementTree.Element]:
    return [ElementTree.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", page, flags=re.S)]


def bars(figure: ElementTree.Element) -> dict[str, list[tuple[str, int]]]:
    """Each panel's title → its (number written beside a bar, the bar's width), in order."""
    found: dict[str, list[tuple[str, int]]] = {}
    for panel in figure.iter(f"{SVG}g"):
        title = panel.find(f"{SVG}text").text
        shapes = panel.findall(f"{SVG}rect")
        texts = panel.findall(f"{SVG}text")
        beside = [t.text for t in texts if any(t.get("y") == str(int(r.get("y")) + 12) for r in shapes)]
        found[title] = list(zip(beside, [int(r.get("width")) for r in shapes], strict=True))
    return found


def test_two_figures_each_with_a_title_and_a_text_alternative(page):
    progress, outcomes = figures(page)
    for figure, name in ((progress, "chart-progress"), (outcomes, "chart-outcomes")):
        assert figure.get("role") == "img"
        assert figure.get("aria-labelledby") == f"{name}-title {name}-desc"
        assert figure.find(f"{SVG}title").get("id") == f"{name}-title"
        assert figure.find(f"{SVG}desc").get("id") == f"{name}-desc"
    assert progress.find(f"{SVG}title").text == "各科室 2026 年度抽查进度（截至 2026-12-20）"
    assert progress.find(f"{SVG}desc").text == (
        "抽取次数：已抽取 / 年度计划频次（本栏单独标尺）：安全监管二股：计划 4 次，已抽取 3 次；安全监管<一>股：计划 2 次，已抽取 1 次。"
        "单位数：已公示检查结果 / 已抽中（本栏单独标尺）：安全监管二股：已抽中 30 家，已公示结果 3 家；"
        "安全监管<一>股：已抽中 6 家，已公示结果 0 家。")
    assert "<script" not in page and "<desc id=\"chart-progress-desc\">" in page
    assert "安全监管&lt;一&gt;股" in page  # the template escapes what it is given


def test_draws_and_companies_are_on_separate_scales(page):
    panels = bars(figures(page)[0])
    full = charts.BAR_SPACE
    # measured on one scale, 4 planned draws would be a stub beside 30 companies; each panel has its own top
    assert panels["抽取次数：已抽取 / 年度计划频次"] == [
        ("计划 4 次", full), ("已抽取 3 次", round(full * 3 / 4)), ("计划 2 次", full // 2), ("已抽取 1 次", full // 4)]
    assert panels["单位数：已公示检查结果 / 已抽中"] == [
        ("已抽中 30 家", full), ("已公示结果 3 家", round(full * 3 / 30)), ("已抽中 6 家", round(full * 6 / 30)),
        ("已公示结果 0 家", 1)]
    scales = [t.text for t in figures(page)[0].iter(f"{SVG}text") if (t.text or "").startswith("本栏标尺")]
    assert scales == ["本栏标尺：虚线处 = 4 次", "本栏标尺：虚线处 = 30 家"]


def test_a_plan_is_an_outline_and_what_was_done_is_filled(page):
    rects = list(figures(page)[0].iter(f"{SVG}rect"))
    assert [r.get("fill") for r in rects[:2]] == ["#fff", "#b22222"]  # tells apart in black and white too
    assert rects[0].get("stroke")


def test_results_and_follow_ups_are_counted_with_their_shares(page):
    outcomes = figures(page)[1]
    panels = bars(outcomes)
    full = charts.BAR_SPACE
    assert panels["检查结果分布（共 3 项）"] == [
        ("1 项（33%）", full // 2), ("2 项（67%）", full), ("0 项（0%）", 1)]
    assert panels["后续处置"] == [("2 项", full), ("0 项", 1), ("1 项", full // 2), ("0 项", 1), ("1 项", full // 2)]
    labels = [t.text for t in outcomes.iter(f"{SVG}text")]
    assert labels.index("责令限期整改") < labels.index("立案查处") < labels.index("移送") < labels.index("无需处置")
    assert "整改闭环：责令限期整改 2 项，复查已整改 1 项（50%）" in labels
    assert outcomes.find(f"{SVG}desc").text.endswith("整改闭环：责令限期整改 2 项，复查已整改 1 项（50%）。")


def test_figures_print_whole():
    from shuangsuiji.publish.html import STYLE

    printing = STYLE[STYLE.index("@media print"):]
    assert ".figure { page-break-inside: avoid; break-inside: avoid;" in printing
    assert "print-color-adjust: exact" in printing


def test_an_empty_year_draws_empty_bars_without_dividing_by_zero():
    figure = charts.outcome_figure(CATEGORIES, {}, ["无需处置"], {}, (0, 0))
    svg = ElementTree.fromstring(charts.render(figure))
    assert [t.text for t in svg.iter(f"{SVG}text") if t.text and t.text.startswith("0")] == ["0 项", "0 项", "0 项", "0 项"]
    assert "整改闭环：责令限期整改 0 项，复查已整改 0 项" in [t.text for t in svg.iter(f"{SVG}text")]

"""The page's pictures (SPEC §6, §9): inline SVG from a Jinja2 template, no external resources, no JavaScript.

Each figure is one ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that says every number in words, and
every bar has its number written next to it, so the picture needs neither colour nor a mouse. A figure has one
panel per kind of count, each on its own scale: draws are never measured against companies (issue 13).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import jinja2

#: how a bar is drawn: a plan is an outline (it prints in black and white), what was done is filled
PLAN, DONE, COUNT = "plan", "done", "count"
WIDTH = 640
BAR_SPACE = 440  # the longest bar; the number is written after it
BAR_HEIGHT, BAR_GAP, LABEL_HEIGHT, PANEL_HEAD, PANEL_GAP = 15, 5, 20, 40, 16


@dataclass
class Bar:
    """One bar: what it counts, how many, and how it is drawn (:data:`PLAN`, :data:`DONE` or :data:`COUNT`)."""

    name: str
    value: int
    style: str = DONE
    #: written after the number, e.g. a share of the total
    after: str = ""

    def text(self, unit: str) -> str:
        return f"{self.name} {self.value} {unit}{self.after}".strip()


@dataclass
class Group:
    """The bars of one section, result category or follow-up, under its label."""

    label: str
    bars: list[Bar]


@dataclass
class Panel:
    """Groups measured on one scale, in one unit (次, 家, 项)."""

    title: str
    unit: str
    groups: list[Group]


@dataclass
class Figure:
    """One picture: its id on the page, its title, and panels that each have their own scale."""

    id: str
    title: str
    panels: list[Panel]
    notes: list[str] = field(default_factory=list)


def progress_figure(rows: list[dict[str, Any]], year: int, day: str) -> Figure:
    """Per section: draws against the plan's frequency, and companies checked against those drawn (two scales)."""
    draws = Panel("抽取次数：已抽取 / 年度计划频次", "次", [
        Group(r["section"], [Bar("计划", r["planned_draws"], PLAN), Bar("已抽取", r["draws"])]) for r in rows])
    companies = Panel("单位数：已公示检查结果 / 已抽中", "家", [
        Group(r["section"], [Bar("已抽中", r["drawn"], PLAN), Bar("已公示结果", r["checked"])]) for r in rows])
    return Figure("chart-progress", f"各科室 {year} 年度抽查进度（截至 {day}）", [draws, companies])


def outcome_figure(categories: list[str], results: dict[str, int], kinds: list[str], follow_ups: dict[str, int],
                   closure: tuple[int, int]) -> Figure:
    """The distribution of results over the bureau's categories, and of the 后续处置 over their kinds."""
    names = categories + [name for name in results if name not in categories]
    total = sum(results.values())
    panels = [Panel(f"检查结果分布（共 {total} 项）", "项",
                    [Group(n, [Bar("", results.get(n, 0), COUNT, _share(results.get(n, 0), total))]) for n in names]),
              Panel("后续处置", "项", [Group(k, [Bar("", follow_ups.get(k, 0), COUNT)]) for k in kinds])]
    passed, orders = closure
    notes = [f"整改闭环：责令限期整改 {orders} 项，复查已整改 {passed} 项" + (f"（{round(100 * passed / orders)}%）" if orders else "")]
    return Figure("chart-outcomes", "检查结果和后续处置", panels, notes)


def _share(value: int, total: int) -> str:
    return f"（{round(100 * value / total)}%）" if total else ""


def describe(figure: Figure) -> str:
    """The text alternative: every number of every panel in one sentence each."""
    sentences = [f"{panel.title}（本栏单独标尺）：" + "；".join(
        f"{group.label}：" + "，".join(bar.text(panel.unit) for bar in group.bars)
        for group in panel.groups) + "。" for panel in figure.panels]
    return "".join(sentences + [f"{note}。" for note in figure.notes])


def layout(figure: Figure) -> dict[str, Any]:
    """Where everything goes: y of every label and bar, x of every number; each panel scaled to its own top."""
    y = 24  # below the figure's title
    panels: list[dict[str, Any]] = []
    for panel in figure.panels:
        top = max((bar.value for group in panel.groups for bar in group.bars), default=0) or 1
        head, groups = y + 22, []
        y += PANEL_HEAD
        for group in panel.groups:
            bars = []
            for n, bar in enumerate(group.bars):
                width = round(BAR_SPACE * bar.value / top)
                bars.append({"y": y + LABEL_HEIGHT + n * (BAR_HEIGHT + BAR_GAP), "width": width, "style": bar.style,
                             "text_x": width + 6, "text": bar.text(panel.unit)})
            groups.append({"label": group.label, "y": y + 14, "bars": bars})
            y += LABEL_HEIGHT + len(group.bars) * (BAR_HEIGHT + BAR_GAP) + 6
        panels.append({"title": panel.title, "y": head, "scale": f"本栏标尺：虚线处 = {top} {panel.unit}",
                       "groups": groups, "axis": {"y1": head + 8, "y2": y}})
        y += PANEL_GAP
    for note in figure.notes:
        panels.append({"note": note, "y": y + 6})
        y += 22
    return {"id": figure.id, "title": figure.title, "description": describe(figure), "width": WIDTH,
            "height": y + 4, "panels": panels, "bar_height": BAR_HEIGHT, "bar_space": BAR_SPACE}


def _environment() -> jinja2.Environment:
    folder = resources.files("shuangsuiji") / "templates" / "page"
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder), encoding="utf-8"), autoescape=True,
                              undefined=jinja2.StrictUndefined, auto_reload=False)


def render(figure: Figure) -> str:
    """The figure as inline SVG."""
    return _environment().get_template("chart.svg").render(layout(figure)).strip()

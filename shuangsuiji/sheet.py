"""The printable one-page 抽取记录表 for the paper file, with signature lines (SPEC §3 ``show``)."""

from __future__ import annotations

from html import escape
from typing import Any

from .draw import teams_after
from .htmlpage import page, table
from .loading import Dataset
from .lookup import address
from .models import Section
from .words import FAIRNESS, FAIRNESS_SHORT


def draw_sheet(record: dict[str, Any], section: Section, data: Dataset,
               recusals: list[dict[str, Any]], void: dict[str, Any] | None) -> str:
    """HTML of one draw: seed and source, population counts, companies with tickets, teams, signatures."""
    entities = {e.id: e for e in data.entities}
    people = {p.id: p for p in data.inspectors}
    label = address(section, record["seq"])
    bureau = data.bureau.name if data.bureau else ""
    parts = [f"<h1>{escape(bureau)}“双随机”抽取记录表</h1>"]
    parts.append(f"<p class=\"meta\">记录编号 {escape(label)}　科室 {escape(section.name)}　抽取日期 {escape(record['date'])}"
                 f"　计划事项 {escape(str(record['plan_item']))}　操作人 {escape(record['operator'])}</p>")
    if void is not None:
        parts.append(f"<p class=\"void\">本次抽取已作废：{escape(void['reason'])}（{escape(void['at'][:10])}）</p>")
    parts.append(f"<p>随机种子：<span class=\"mono\">{escape(record['seed'])}</span>　来源：{escape(record['seed_source'])}</p>")
    parts.append(f"<p class=\"note\">公平性：{FAIRNESS_SHORT[record['fairness']]}——{escape(FAIRNESS[record['fairness']])}</p>")
    parts.append("<h2>分层与抽取数量</h2>")
    parts.append(table(["分层", "比例", "符合条件单位数", "抽取数"],
                       [[s["name"], s["ratio"], str(len(s["population"])), str(s["k"])]
                        for s in record["strata"] if s["population"]]))
    tickets = {sel["id"]: sel["ticket"] for s in record["strata"] for sel in s["selected"]}
    rows = []
    teams = teams_after(record, recusals)
    for n, a in enumerate(record["assignments"], 1):
        team = teams[a["entity"]]
        entity = entities.get(a["entity"])
        rows.append([n, entity.name if entity else a["entity"], a["entity"], a["team"] + 1,
                     "、".join(f"{people[i].name}（{people[i].cert_no}）" if i in people else i for i in team),
                     tickets[a["entity"]]])
    parts.append("<h2>抽中单位与检查组</h2>")
    parts.append(table(["序号", "单位名称", "统一社会信用代码", "检查组", "检查人员（执法证号）", "号签"], rows))
    reserve = "、".join(people[i].name if i in people else i for i in record["inspectors"]["reserve"]) or "无"
    parts.append(f"<p>备选人员（按号签顺序）：{escape(reserve)}</p>")
    for r in recusals:
        parts.append(f"<p>回避：{escape(r['inspector'])} → {escape(r['replacement'])}（{escape(r['entity'])}，{escape(r['reason'])}）</p>")
    parts.append(f"<p class=\"meta mono\">记录哈希 {escape(record['hash'])}</p>")
    parts.append("<div class=\"sign\"><div>操作人签字：</div><div>监督人签字：</div><div>监督人签字：</div><div>日期：</div></div>")
    return page(f"抽取记录表 {label}", "\n".join(parts))

"""Printable one-page sheets for the paper file, with signature lines (SPEC §3 ``show``):
the 抽取记录表 of a draw and the 抽取公告 of an announcement."""

from __future__ import annotations

from html import escape
from typing import Any

from shuangsuiji.core.evidence import evidence_count
from shuangsuiji.core.ratio import percent
from shuangsuiji.core.recusal import apply_recusals
from shuangsuiji.core.words import FAIRNESS, FAIRNESS_SHORT
from shuangsuiji.ledger.addresses import address
from shuangsuiji.ledger.summary import draw_rows, section_name
from shuangsuiji.publish.html import page, table
from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.lookup import entity_label, person_label
from shuangsuiji.registry.models import Section

#: Codes stay on one line (a 统一社会信用代码 broken in two is misread on paper); the 64-digit tickets and the
#: digests are set small and may break anywhere, so that they do not push the other columns aside.
EXTRA_STYLE = (
    "<style>.code { white-space: nowrap; font-family: Consolas, \"DejaVu Sans Mono\", monospace; font-size: .85em; }"
    " .ticket, .digest { font-family: Consolas, \"DejaVu Sans Mono\", monospace; font-size: .75em;"
    " word-break: break-all; overflow-wrap: anywhere; }"
    " .nowrap { white-space: nowrap; }</style>"
)


def _code(text: str) -> str:
    return f"<span class=\"code\">{escape(text)}</span>"


def _fairness(level: str) -> str:
    """The level's words once (they begin with its short name)."""
    words = FAIRNESS[level]
    return escape(words if words.startswith(FAIRNESS_SHORT[level]) else f"{FAIRNESS_SHORT[level]}：{words}")


def _signatures() -> str:
    return "<div class=\"sign\"><div>操作人签字：</div><div>监督人签字：</div><div>监督人签字：</div><div>日期：</div></div>"


def draw_sheet(record: dict[str, Any], section: Section, data: Dataset, recusals: list[dict[str, Any]],
               void: dict[str, Any] | None, changes: list[str] | None = None) -> str:
    """HTML of one draw: seed and source, population counts, companies with tickets, teams, signatures."""
    entities = {e.id: e for e in data.entities}
    people = {p.id: p for p in data.inspectors}
    label = address(section, record["seq"])
    bureau = data.bureau.name if data.bureau else ""
    failed = record["type"] == "failed"
    parts = [EXTRA_STYLE, f"<h1>{escape(bureau)}“双随机”抽取记录表</h1>"]
    parts.append(f"<p class=\"meta\">记录编号 {escape(label)}　科室 {escape(section.name)}　抽取日期 {escape(record['date'])}"
                 f"　计划事项 {escape(str(record['plan_item']))}　操作人 {escape(record['operator'])}</p>")
    if failed:
        parts.append(f"<p class=\"void\">本次抽取未成：{escape(record['reason'])}（这次尝试已记入台账并公开）</p>")
    if void is not None:
        parts.append(f"<p class=\"void\">本次抽取已作废：{escape(void['reason'])}（{escape(void['at'][:10])}）</p>")
    if record.get("dirty"):
        parts.append("<p class=\"void\">本次抽取基于未提交的数据文件（--allow-dirty）</p>")
    parts.append(f"<p>随机种子：<span class=\"mono\">{escape(record['seed'])}</span>　来源：{escape(record['seed_source'])}</p>")
    for witness in record.get("witnesses") or []:
        parts.append(f"<p>见证人 {escape(witness['name'])} 输入：<span class=\"mono\">{escape(witness['value'])}</span></p>")
    parts.append(f"<p class=\"note\">公平性：{_fairness(record['fairness'])}</p>")
    if record.get("again"):
        parts.append(f"<p>再次抽取的原因：{escape(record['again'])}</p>")
    parts.append("<h2>分层与抽取数量</h2>")
    parts.append(table(["分层", "比例", "符合条件单位数", "抽取数"],
                       [[s["name"], percent(s["ratio"]), str(s["count"]), str(s["k"])] for s in record["strata"] if s["count"]]))
    rested = evidence_count(record["rested"])
    if rested:
        parts.append(f"<p>休息期（{record['rest_days']} 天内已被检查）未进入风险层、一般层：{rested} 家</p>")
    if changes:
        parts.append("<h2>名单变化（与同一计划事项的上一次抽取相比）</h2>")
        parts += [f"<p class=\"changes\">{escape(line)}</p>" for line in changes]
    if not failed:
        parts += _company_rows(record, entities, people, recusals, data)
    parts.append(f"<p class=\"meta mono\">记录哈希 {escape(record['hash'])}</p>")
    parts.append(_signatures())
    return page(f"抽取记录表 {label}", "\n".join(parts))


def _company_rows(record: dict[str, Any], entities: dict[str, Any], people: dict[str, Any],
                  recusals: list[dict[str, Any]], data: Dataset) -> list[str]:
    rows = []
    teams = record["inspectors"]["teams"]
    for n, row in enumerate(draw_rows(record), 1):
        team = apply_recusals(teams[row.team], row.entity, recusals)
        entity = entities.get(row.entity)
        members = "<br>".join(escape(f"{people[i].name}（{i}，{people[i].cert_no}）" if i in people else i) for i in team)
        rows.append([str(n), escape(entity.name if entity else row.entity), _code(row.entity),
                     f"<span class=\"nowrap\">{escape(row.stratum)}</span>", str(row.team + 1), members,
                     f"<span class=\"ticket\">{escape(row.ticket)}</span>"])
    parts = ["<h2>抽中单位与检查组</h2>",
             table(["序号", "单位名称", "统一社会信用代码", "分层", "检查组", "检查人员（工号，执法证号）", "号签"], rows, raw=True)]
    reserve = "、".join(f"{people[i].name}（{i}）" if i in people else i for i in record["inspectors"]["reserve"]) or "无"
    parts.append(f"<p>后备人员（按号签顺序）：{escape(reserve)}</p>")
    for r in recusals:
        borrowed = f"，从{section_name(data.sections, r['from_section'])}抽调" if r.get("from_section") else ""
        parts.append(f"<p>回避：{escape(person_label(people, r['inspector']))} → {escape(person_label(people, r['replacement']))}"
                     f"（{escape(entity_label(entities, r['entity']))}，{escape(r['reason'])}{escape(borrowed)}）</p>")
    return parts


def announcement_sheet(record: dict[str, Any], section: Section, status: str, data: Dataset) -> str:
    """HTML of one announcement (抽取公告): what will be drawn, when, from which public results."""
    label = address(section, record["seq"])
    bureau = data.bureau.name if data.bureau else ""
    parts = [EXTRA_STYLE, f"<h1>{escape(bureau)}“双随机”抽取公告</h1>"]
    parts.append(f"<p class=\"meta\">公告编号 {escape(label)}　公告时间 {escape(record['at'][:16].replace('T', ' '))}"
                 f"　操作人 {escape(record['operator'])}</p>")
    sources = "、".join(f"{s['game']}第 {s['period']} 期" for s in record["sources"])
    inspectors = record["inspectors"]
    rows = [
        ["科室", escape(section.name)],
        ["计划事项", escape(record["plan_item"] or "无")],
        ["抽取日期", escape(record["date"])],
        ["抽查比例", escape(f"不低于 {percent(record['ratio'])}，且不低于计划比例" if record["ratio"] else "按计划比例")],
        ["每组人数 / 后备人数", f"{inspectors['team_size']} / {inspectors['reserve_size']}"],
        ["随机种子", escape(f"取自 {sources} 的开奖号码，{record['not_before'][:16].replace('T', ' ')} 之后开奖")],
        ["分层", escape("；".join(f"{s['name']} {s['count']} 家（比例 {percent(s['ratio'])}）" for s in record["strata"] if s["count"]))],
        ["状态", escape(status)],
    ]
    parts.append("<h2>抽取参数</h2>")
    parts.append(table(["项目", "内容"], rows, raw=True))
    parts.append(
        "<p class=\"note\">本公告在开奖之前发布，名单已随台账公开。抽取时以上述开奖号码为种子，按公开算法抽取；"
        "请将抽取记录中的号码与官方公布的开奖号码核对。任何人都可以用公示的台账和核验程序复核。</p>"
    )
    parts.append(f"<p class=\"meta mono\">记录哈希 {escape(record['hash'])}</p>")
    parts.append(_signatures())
    return page(f"抽取公告 {label}", "\n".join(parts))

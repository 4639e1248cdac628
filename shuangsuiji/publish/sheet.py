"""Printable one-page sheets for the paper file, with signature lines (SPEC §3 ``show``):
the 抽取记录表 of a draw and the 抽取公告 of an announcement."""

from __future__ import annotations

from html import escape
from typing import Any

from shuangsuiji.core.recusal import teams_after
from shuangsuiji.core.words import FAIRNESS, FAIRNESS_SHORT
from shuangsuiji.ledger.addresses import address
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


def draw_sheet(record: dict[str, Any], section: Section, data: Dataset,
               recusals: list[dict[str, Any]], void: dict[str, Any] | None) -> str:
    """HTML of one draw: seed and source, population counts, companies with tickets, teams, signatures."""
    entities = {e.id: e for e in data.entities}
    people = {p.id: p for p in data.inspectors}
    label = address(section, record["seq"])
    bureau = data.bureau.name if data.bureau else ""
    parts = [EXTRA_STYLE, f"<h1>{escape(bureau)}“双随机”抽取记录表</h1>"]
    parts.append(f"<p class=\"meta\">记录编号 {escape(label)}　科室 {escape(section.name)}　抽取日期 {escape(record['date'])}"
                 f"　计划事项 {escape(str(record['plan_item']))}　操作人 {escape(record['operator'])}</p>")
    if void is not None:
        parts.append(f"<p class=\"void\">本次抽取已作废：{escape(void['reason'])}（{escape(void['at'][:10])}）</p>")
    parts.append(f"<p>随机种子：<span class=\"mono\">{escape(record['seed'])}</span>　来源：{escape(record['seed_source'])}</p>")
    parts.append(f"<p class=\"note\">公平性：{_fairness(record['fairness'])}</p>")
    parts.append("<h2>分层与抽取数量</h2>")
    parts.append(table(["分层", "比例", "符合条件单位数", "抽取数"],
                       [[s["name"], s["ratio"], str(len(s["population"])), str(s["k"])]
                        for s in record["strata"] if s["population"]]))
    chosen = {sel["id"]: (s["name"], sel["ticket"]) for s in record["strata"] for sel in s["selected"]}
    rows = []
    teams = teams_after(record, recusals)
    for n, a in enumerate(record["assignments"], 1):
        team = teams[a["entity"]]
        entity = entities.get(a["entity"])
        stratum, ticket = chosen[a["entity"]]
        members = "<br>".join(escape(f"{people[i].name}（{i}，{people[i].cert_no}）" if i in people else i) for i in team)
        rows.append([str(n), escape(entity.name if entity else a["entity"]), _code(a["entity"]),
                     f"<span class=\"nowrap\">{escape(stratum)}</span>", str(a["team"] + 1), members,
                     f"<span class=\"ticket\">{escape(ticket)}</span>"])
    parts.append("<h2>抽中单位与检查组</h2>")
    parts.append(table(["序号", "单位名称", "统一社会信用代码", "分层", "检查组", "检查人员（工号，执法证号）", "号签"], rows,
                       raw=True))
    reserve = "、".join(f"{people[i].name}（{i}）" if i in people else i for i in record["inspectors"]["reserve"]) or "无"
    parts.append(f"<p>备选人员（按号签顺序）：{escape(reserve)}</p>")
    for r in recusals:
        parts.append(f"<p>回避：{escape(person_label(people, r['inspector']))} → {escape(person_label(people, r['replacement']))}"
                     f"（{escape(entity_label(entities, r['entity']))}，{escape(r['reason'])}）</p>")
    parts.append(f"<p class=\"meta mono\">记录哈希 {escape(record['hash'])}</p>")
    parts.append(_signatures())
    return page(f"抽取记录表 {label}", "\n".join(parts))


#: The digests an announcement pins down, with what each covers.
_DIGESTS = (
    ("population_digest", "检查对象名单摘要", "全部符合条件的单位的统一社会信用代码"),
    ("pool_digest", "执法人员名单摘要", "全部符合条件的执法人员的工号"),
    ("strata_digest", "分层摘要", "各层名称、比例和名单"),
    ("conflicts_digest", "利害关系申报摘要", "执法人员与单位之间申报的利害关系"),
)


def announcement_sheet(record: dict[str, Any], section: Section, records: list[dict[str, Any]], data: Dataset) -> str:
    """HTML of one announcement (抽取公告): what will be drawn, when, from which public seed, with its digests."""
    label = address(section, record["seq"])
    bureau = data.bureau.name if data.bureau else ""
    parts = [EXTRA_STYLE, f"<h1>{escape(bureau)}“双随机”抽取公告</h1>"]
    parts.append(f"<p class=\"meta\">公告编号 {escape(label)}　公告时间 {escape(record['at'][:16].replace('T', ' '))}"
                 f"　操作人 {escape(record['operator'])}</p>")
    voided = next((r for r in records if r["type"] == "void" and r["draw"] == record["hash"]), None)
    if voided is not None:
        parts.append(f"<p class=\"void\">本公告已作废：{escape(voided['reason'])}（{escape(voided['at'][:10])}）</p>")
    rows = [
        ["科室", escape(section.name)],
        ["计划事项", escape(record["plan_item"] or "无")],
        ["抽取日期", escape(record["date"])],
        ["抽查比例", escape(f"不低于 {record['ratio']}，且不低于计划比例" if record["ratio"] else "按计划比例")],
        ["每组人数", str(record["team_size"])],
        ["随机种子来源", escape(record["seed_source"])],
    ]
    if record.get("seed_rule"):
        rows.append(["种子规则", escape(record["seed_rule"])])
    parts.append("<h2>抽取参数</h2>")
    parts.append(table(["项目", "内容"], rows, raw=True))
    parts.append("<h2>名单摘要（SHA-256）</h2>")
    parts.append(table(["摘要", "涵盖", "值"],
                       [[escape(name), escape(covers), f"<span class=\"digest\">{escape(record[key])}</span>"]
                        for key, name, covers in _DIGESTS if key in record], raw=True))
    parts.append(
        "<p class=\"note\">本公告在随机种子产生之前发布。抽取时以上述公开来源公布的号码为种子，按公开算法抽取；"
        "抽取时的名单必须与上述摘要一致，否则不能按本公告抽取。任何人都可以用公示的台账和核验程序复核。</p>"
    )
    parts.append(f"<p class=\"meta mono\">记录哈希 {escape(record['hash'])}</p>")
    parts.append(_signatures())
    return page(f"抽取公告 {label}", "\n".join(parts))

"""``index.html`` of a disclosure bundle: Chinese, static, no external resources, phone- and print-friendly."""

from __future__ import annotations

from html import escape
from typing import Any, get_args

from shuangsuiji.core.ratio import percent
from shuangsuiji.core.results import PAGE_HEADINGS, closure, page_cells
from shuangsuiji.core.words import FAIRNESS_SHORT
from shuangsuiji.publish import charts
from shuangsuiji.publish.html import page, table
from shuangsuiji.publish.selection import Disclosure
from shuangsuiji.registry.models.report import FollowUpKind


def index_page(d: Disclosure, files: list[tuple[str, str]]) -> str:
    """The whole page."""
    period = _period(d)
    parts = [
        f"<h1>{escape(d.bureau)}“双随机、一公开”抽查结果公示</h1>",
        f"<p class=\"meta\">公示范围：{escape(period)}　科室：{escape('、'.join(s.name for s in d.selection.sections))}"
        f"　生成时间：{escape(d.generated[:16].replace('T', ' '))}</p>",
        "<p class=\"note\">本页公开随机抽查的检查时间、内容、检查情况、结果和处理意见（《细则》第二十二条），"
        "以及每一次随机抽取的完整记录。任何人都可以下载本公示包，在电脑上运行 <code>python verify.py</code>，"
        "独立复核每一次抽取是否按公开规则从随机种子算出、记录是否被改动。</p>",
        "<h2>图表</h2>", _charts(d),
        f"<h2>抽查结果（{len(d.results)} 项）</h2>", _results(d),
        f"<h2>随机抽取记录（{len(d.draws)} 次）</h2>", _draws(d),
        "<h2>检查计划和随机抽查事项清单（含审批记录）</h2>", _plan(d), _checklist(d),
        "<h2>台账全部记录（含作废、公告、回避）</h2>", _events(d),
        f"<h2>黑名单（{len(d.credit)} 家，第二十三条）</h2>", _credit(d),
        "<h2>公示文件</h2>", _files(files),
    ]
    if d.waiting_review:
        parts.insert(4, f"<p class=\"note\">另有 {len(d.waiting_review)} 项发现重大违法行为的检查正在集中审理（第二十条），审理后公开。</p>")
    return page(f"{d.bureau}抽查结果公示", "\n".join(parts))


def _period(d: Disclosure) -> str:
    start = d.selection.start.isoformat() if d.selection.start else "不限"
    end = d.selection.end.isoformat() if d.selection.end else d.generated[:10]
    return f"{start} 至 {end}"


def _charts(d: Disclosure) -> str:
    """Progress against the plan (draws and companies, each on its own scale), then results and follow-ups."""
    progress = charts.progress_figure(d.per_section, d.year, d.generated[:10])
    outcomes = charts.outcome_figure(d.categories, dict(d.result_counts()), list(get_args(FollowUpKind)),
                                     dict(d.follow_up_counts()), closure(d.results))
    return "\n".join(f"<div class=\"figure\">{charts.render(f)}</div>" for f in (progress, outcomes))


def _results(d: Disclosure) -> str:
    """The results table: each cell exactly the lines :func:`~shuangsuiji.core.results.page_cells` gives, which
    ``verify.py`` compares with results.json."""
    if not d.results:
        return "<p>本范围内暂无已办结的检查结果。</p>"
    rows = [["<br>".join(escape(line) for line in cell) for cell in page_cells(r)] for r in d.results]
    return table(PAGE_HEADINGS, rows, raw=True, table_id="results")


def _draws(d: Disclosure) -> str:
    if not d.draws:
        return "<p>无。</p>"
    blocks = []
    for draw in d.draws:
        strata = "；".join(f"{s['name']} {s['k']}/{s['population']}（比例 {percent(s['ratio'])}）" for s in draw["strata"])
        teams = "；".join(f"第{n}组：" + "、".join(f"{p['name']}（{p['cert_no']}）" for p in team)
                         for n, team in enumerate(draw["teams"], 1))
        void = f"<p class=\"void\">已作废：{escape(draw['voided'])}</p>" if draw["voided"] else ""
        if draw.get("dirty"):
            void += "<p class=\"void\">本次抽取基于未提交的数据文件（--allow-dirty），无法从公开材料复核其名单</p>"
        if draw.get("again"):
            void += f"<p class=\"note\">间隔不足规定天数再次抽取，原因：{escape(str(draw['again']))}</p>"
        recusals = "".join(
            f"<li>{escape(r['entity'])}：一名检查人员回避（{escape(r['reason'])}），"
            f"由{escape(r['from_section'] + '抽调的人员' if r.get('from_section') else '备选人员')} {escape(r['replacement']['name'])}"
            f"（{escape(r['replacement']['cert_no'])}）替换；检查组为 "
            + escape("、".join(f"{p['name']}（{p['cert_no']}）" for p in r["team"])) + "</li>"
            for r in draw["recusals"])
        blocks.append(
            f"<h3>{escape(draw['address'])}　{escape(draw['section'])}　{escape(draw['date'])}</h3>{void}"
            f"<p>符合条件 {draw['population']} 家，抽中 {draw['selected']} 家。分层：{escape(strata)}</p>"
            + _changes(draw) +
            f"<p>随机种子：<span class=\"mono\">{escape(draw['seed'])}</span>；来源：{escape(draw['seed_source'])}</p>"
            f"<p class=\"note\"><b>公平性</b>：{escape(draw['fairness_explained'])}</p>"
            f"<p>检查组：{escape(teams)}</p>" + (f"<ul>{recusals}</ul>" if recusals else "")
            + f"<p class=\"meta\">台账 {escape(draw['ledger'])}，记录 {escape(draw['address'])}，记录哈希 <span class=\"mono\">{escape(draw['hash'])}</span></p>"
        )
    return "\n".join(blocks)


def _changes(draw: dict[str, Any]) -> str:
    """What changed in the population since the previous draw of the same plan item (a trimmed registry shows)."""
    changes = draw.get("population_changes")
    lines = changes["summary"] if changes else []
    return "".join(f"<p class=\"changes\">名单变化：{escape(line)}</p>" for line in lines)


def _plan(d: Disclosure) -> str:
    """The plan of the plan year (plan.json) and its approvals recorded in the bureau ledger (第七条)."""
    if d.plan is None:
        parts = [f"<p>{d.year} 年没有年度检查计划（本公示包的 plan.json 为空）。</p>"]
    else:
        items = [(i, None) for i in d.plan["items"]] + [(i, t) for t in d.plan["temporary"] for i in t["items"]]
        rows = [[i["id"] + (f"（{t['name']}）" if t else ""), d.section_names.get(i["section"], i["section"]),
                 i["checklist_item"], percent(i["ratio"]), str(i["frequency"]), _window(i),
                 FAIRNESS_SHORT.get(i["seed"] or "", "不限")] for i, t in items]
        parts = [f"<h3>{escape(d.plan['name'])}（plan.json）</h3>",
                 table(["计划事项", "科室", "抽查事项", "一般抽查比例", "频次（次/年）", "实施时间", "最低公平性等级"], rows)]
    parts.append(_approval_table(d.approvals.get("plan", []), f"局台账中没有 {d.year} 年度检查计划的审批记录。"))
    return "\n".join(parts)


def _window(item: dict[str, Any]) -> str:
    if item.get("quarters"):
        return "第" + "、".join(str(q) for q in item["quarters"]) + "季度"
    if item.get("months"):
        return "、".join(str(m) for m in item["months"]) + "月"
    return "全年"


def _checklist(d: Disclosure) -> str:
    """The 清单 (checklist.json), whether it is the one last approved, and its approvals (第八、十条)."""
    rows = [[c["id"], c["name"], d.section_names.get(c["subject"], c["subject"]), percent(c["ratio"]), str(c["frequency"]),
             "、".join(c["method"])] for c in d.checklist]
    approvals = d.approvals.get("checklist", [])
    state = f"本公示包中的清单（checklist.json）摘要为 <span class=\"mono\">{escape(d.checklist_digest)}</span>"
    if not approvals:
        state = f"<p class=\"void\">{state}；局台账中还没有清单的审批记录。</p>"
    elif approvals[-1]["digest"] == d.checklist_digest:
        state = f"<p>{state}，与局台账 {escape(approvals[-1]['address'])} 记录的最近一次审批一致。</p>"
    else:
        state = (f"<p class=\"void\">{state}，与局台账 {escape(approvals[-1]['address'])} 记录的最近一次审批不一致："
                 "清单在审批后被修改过（第十条）。</p>")
    return "\n".join([f"<h3>随机抽查事项清单（checklist.json，{len(d.checklist)} 项）</h3>",
                      table(["事项编号", "抽查事项", "检查主体", "抽查比例", "频次（次/年）", "检查方式"], rows) if rows else "<p>无。</p>",
                      state, _approval_table(approvals, "局台账中没有清单的审批记录。")])


def _approval_table(approvals: list[dict[str, Any]], empty: str) -> str:
    """Approval records of the bureau ledger: meeting, approver, date and the digest of what was approved."""
    if not approvals:
        return f"<p>{escape(empty)}</p>"
    rows = [[a["address"], a.get("plan") or "随机抽查事项清单", a["meeting"] or "", a["approver"] or "", a["date"] or "",
             a["digest"] or ""] for a in approvals]
    return table(["台账记录", "审批事项", "审批会议", "批准人", "批准日期", "审批内容摘要（SHA-256）"], rows, table_id=None)


def _events(d: Disclosure) -> str:
    rows = [[e["address"], e["at"][:16].replace("T", " "), e["type"], e["detail"]] for e in d.events]
    return table(["编号", "时间", "类型", "内容"], rows, table_id="records") if rows else "<p>无。</p>"


def _credit(d: Disclosure) -> str:
    rows: list[list[Any]] = [[c["entity_name"], c["entity"], c["reason"], c["listed_on"], c["until"] or "", c["source"]]
                             for c in d.credit]
    return table(["单位名称", "统一社会信用代码", "事由", "列入日期", "期满日期", "来源文书"], rows) if rows else "<p>无。</p>"


def _files(files: list[tuple[str, str]]) -> str:
    items = "".join(f"<li><a href=\"{escape(name)}\">{escape(name)}</a>：{escape(what)}</li>" for name, what in files)
    return f"<ul>{items}</ul>"

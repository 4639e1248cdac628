"""The public vocabulary: fairness levels, record types, strata, reasons — in Chinese a citizen understands.

Everything that shows a draw (``show``, the sheet, the page, ``verify.py``) takes its words from here.
"""

from __future__ import annotations

FAIRNESS = {
    "announced": "事先公告（最可信）：抽取的参数和名单在随机种子产生之前就已公告，种子来自公告指定的公开来源（如彩票开奖号码），任何人都无法事先挑选结果",
    "system": "系统随机：种子由电脑在抽取时用安全随机数自动生成，操作员不能指定种子；但外部无法证明没有在别处多次试抽后只提交了满意的一次",
    "operator": "人工输入（可信度最低）：种子由操作员输入且没有事先公告，不能排除事先试抽后挑选结果的可能",
}

FAIRNESS_SHORT = {"announced": "事先公告", "system": "系统随机", "operator": "人工输入"}

RECORD_TYPES = {
    "draw": "随机抽取",
    "announce": "抽取公告",
    "void": "作废",
    "recusal": "回避替换",
    "targeted": "非随机检查",
    "plan_approval": "计划审批",
    "publish": "结果公开",
}

FAIRNESS_LEVELS = tuple(FAIRNESS_SHORT)

FAIRNESS_LEGEND = (
    "公平性说明：“事先公告”＝抽取前已公告参数和名单摘要，种子取自公告写明的公开来源（最可信）；"
    "“系统随机”＝种子由程序在抽取时用操作系统的安全随机数生成；"
    "“人工输入”＝种子由操作员输入、事先没有公告（可信度最低，因为可能事先试算过）。"
)

#: Strata in order of precedence (SPEC §4): a company belongs to the first that applies.
STRATUM_NAMES = ("重点", "黑名单", "问题", "风险A", "风险B", "风险C", "风险D", "一般")

#: The reason categories of a recusal (第十七条); personal details are never recorded.
RECUSAL_REASONS = ("利害关系回避", "因故不能执行检查", "其他")

#: The grounds for an inspection outside the random draw (第七条).
TARGETED_BASES = ("投诉举报", "上级交办", "移送线索")

"""The public vocabulary: fairness levels, record types, strata, reasons — in Chinese a citizen understands.

Everything that shows a draw (``show``, the sheet, the page, ``verify.py``) takes its words from here.
"""

from __future__ import annotations

FAIRNESS = {
    "announced": "事先公告（最可信）：抽取的参数和名单在开奖之前就已公告，种子取自公告指定的公开开奖结果"
                 "（请与官方公布的开奖号码核对），任何人都无法事先挑选结果",
    "witnessed": "现场见证：至少两名见证人（如纪检监督人、企业代表）各自秘密输入一个数，种子由全部输入算出，"
                 "每名见证人都能在公开记录中核对自己的输入；只要有一名见证人的数事先不为人知，就没有人能挑选结果",
    "system": "系统随机：种子由操作人电脑生成，外界无法证实没有多次尝试、只保留了满意的一次",
    "operator": "人工输入：种子由操作人输入，外界无法证实没有多次尝试、只保留了满意的一次",
}

FAIRNESS_SHORT = {"announced": "事先公告", "witnessed": "现场见证", "system": "系统随机", "operator": "人工输入"}

RECORD_TYPES = {
    "draw": "随机抽取",
    "failed": "抽取未成",
    "announce": "抽取公告",
    "void": "作废",
    "recusal": "回避替换",
    "targeted": "非随机检查",
    "plan_approval": "计划审批",
    "checklist_approval": "清单审批",
    "publish": "结果公开",
    "document": "抽查文书",
}

FAIRNESS_LEVELS = tuple(FAIRNESS_SHORT)

FAIRNESS_LEGEND = (
    "公平性说明：“事先公告”＝开奖前已公告参数和名单，种子取自公告指定的开奖结果（请与官方开奖号码核对）；"
    "“现场见证”＝种子由至少两名见证人各自输入的数算出；"
    "“系统随机”“人工输入”＝种子由操作人电脑生成或由操作人输入，外界无法证实没有多次尝试。"
)

#: Strata in order of precedence (SPEC §4): a company belongs to the first that applies.
STRATUM_NAMES = ("重点", "黑名单", "问题", "风险A", "风险B", "风险C", "风险D", "一般")

#: The reason categories of a recusal (第十七条); personal details are never recorded.
RECUSAL_REASONS = ("利害关系回避", "因故不能执行检查", "其他")

#: The grounds for an inspection outside the random draw (第七条).
TARGETED_BASES = ("投诉举报", "上级交办", "移送线索")

"""Words people read: fairness levels and record types, in Chinese a citizen understands."""

from __future__ import annotations

FAIRNESS = {
    "announced": "事先公告（最可信）：抽取的参数和名单在随机种子产生之前就已公告，种子来自公告指定的公开来源（如彩票开奖号码），任何人都无法事先挑选结果",
    "system": "系统随机：种子由电脑在抽取时用安全随机数自动生成，操作员不能选择，但外部无法独立证明这一点",
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

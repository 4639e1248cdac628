"""An inspection report (检查报告, 第十九条) and its central review (集中审理, 第二十条)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from shuangsuiji.registry.models.base import Id, Model, OptionalText, Text, private, public
from shuangsuiji.registry.models.bureau import Method

ReportStatus = Literal["草稿", "已办结"]
#: a decision's 文号, e.g. 汝应急罚〔2026〕58号: an issuer, the year in 〔〕 and a number
DOCUMENT_NUMBER = r"^\S+〔\d{4}〕\d+号$"


class Evidence(Model):
    """A kept piece of evidence, pinned by its SHA-256 (第十八条: documents and evidence kept)."""

    path: Text = private(title="文件路径")
    sha256: str = private(title="SHA-256", pattern=r"^[0-9a-f]{64}$")
    note: OptionalText = private(None, title="说明")


class Review(Model):
    """The central review of a major violation before any penalty decision is signed (第二十条)."""

    date: dt.date = public(title="审理日期")
    decision: Text = public(title="审理意见")
    penalty: OptionalText = public(None, title="处罚决定")
    #: the sections that 会签 the decision (ids), the checking section among them
    cosigned_by: list[Id] = public([], title="会签科室")
    #: the decision's 文号 (checked against DOCUMENT_NUMBER where reviews are checked, with the fix in words)
    number: OptionalText = public(None, title="决定文号")
    #: a 局领导 in office on ``date`` (data/bureau.yaml ``leaders``)
    signed_by: Text = private(title="签发人")


#: what follows a check (后续处置), in the words the platforms use
FollowUpKind = Literal["责令限期整改", "立案查处", "移送", "抄告", "无需处置"]
#: what a 整改复查 found
RecheckOutcome = Literal["已整改", "部分整改", "未整改"]


class Recheck(Model):
    """A 整改复查 after a 责令限期整改 order: when, what it found, and its 整改复查意见书."""

    date: dt.date = public(title="复查日期")
    outcome: RecheckOutcome = public(title="复查结论")
    document: OptionalText = public(None, title="复查意见书编号")
    note: OptionalText = private(None, title="说明")


class Material(Model):
    """A material a 书面检查 asked the company for: by when, and when it arrived (null: not yet)."""

    name: Text = public(title="材料名称")
    due: dt.date = public(title="提交期限")
    received: dt.date | None = public(None, title="收到日期")


class Report(Model):
    """``data/reports/<section id>/<draw>-<company>.yaml``."""

    draw: Text = public(title="抽取记录")
    draw_hash: str = private(title="抽取记录哈希", pattern=r"^[0-9a-f]{64}$")
    section: Id = public(title="科室")
    entity: Id = public(title="检查对象")
    checklist_item: Id | None = public(None, title="抽查事项")
    status: ReportStatus = public("草稿", title="状态")
    check_dates: list[dt.date] = public([], title="检查日期")
    method: Method = public("现场", title="检查方式")
    contents: list[Text] = public([], title="检查内容")
    inspectors: list[Id] = public([], title="检查人员")
    findings: OptionalText = public(None, title="现场检查情况")
    result: OptionalText = public(None, title="检查结果")
    handling: OptionalText = public(None, title="处理意见")
    suggestions: OptionalText = public(None, title="建议")
    rectification_deadline: dt.date | None = public(None, title="整改期限")
    evidence: list[Evidence] = private([], title="证据材料")
    major_violation: bool = public(False, title="重大违法行为", strict=True)
    review: Review | None = public(None, title="集中审理")
    #: 后续处置; 责令限期整改 goes with ``rectification_deadline``
    follow_up: list[FollowUpKind] = public([], title="后续处置")
    #: for 移送 and 抄告: the organ the case went to
    follow_up_to: OptionalText = public(None, title="移送或抄告机关")
    rechecks: list[Recheck] = public([], title="整改复查")
    #: 书面检查: the materials asked for and what arrived when
    materials: list[Material] = public([], title="书面检查材料")
    closed: dt.date | None = public(None, title="结案日期")

    @property
    def finished_on(self) -> dt.date | None:
        """The last check date of a finished report (the disclosure deadline runs from it)."""
        return max(self.check_dates) if self.status == "已办结" and self.check_dates else None


#: What a report must hold before it is 已办结 (第十九条: time, content, findings, handling opinion).
REQUIRED_WHEN_FINISHED = (
    ("check_dates", "检查日期"), ("contents", "检查内容"), ("inspectors", "检查人员"),
    ("findings", "现场检查情况"), ("result", "检查结果"), ("handling", "处理意见"),
)

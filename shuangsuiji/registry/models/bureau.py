"""The bureau itself: its settings, its sections (第十一条), its duties and its spot-check list (第九条)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from shuangsuiji.registry.models.base import Id, Model, OptionalText, RatioValue, Text, public

DeadlineUnit = Literal["工作日", "自然日"]
Method = Literal["现场", "书面"]
DutySource = Literal["权力清单", "责任清单"]


class ResultCategory(Model):
    """One result category of a check, as published (e.g. 发现问题已责令改正)."""

    name: Text = public(title="结果类别")
    problem: bool = public(False, title="属于发现问题", strict=True)
    serious: bool = public(False, title="建议列入诚信档案", strict=True)


DEFAULT_RESULT_CATEGORIES = [
    ResultCategory(name="未发现问题"),
    ResultCategory(name="发现问题已责令改正", problem=True),
    ResultCategory(name="发现问题待后续处理", problem=True),
    ResultCategory(name="未发现开展本次抽查涉及的经营活动"),
    ResultCategory(name="已关闭停业或正在组织清算"),
    ResultCategory(name="不配合检查情节严重", problem=True, serious=True),
]


class DisclosureDeadline(Model):
    """How soon results must be published (第二十二条)."""

    days: int = public(title="公示期限", gt=0, le=366)
    unit: DeadlineUnit = public("工作日", title="期限单位")


class Leader(Model):
    """A 局领导, who alone may sign the decision of a central review (第二十条), while in office."""

    name: Text = public(title="姓名")
    title: Text = public(title="职务")
    since: dt.date = public(title="任职日期")
    until: dt.date | None = public(None, title="离任日期")

    def in_office(self, day: dt.date) -> bool:
        """Whether the leader held office on ``day`` (both ends included)."""
        return self.since <= day and (self.until is None or day <= self.until)


#: the kinds of 抽查文书 (第十八条, SPEC §9); core.documents.DOCUMENT_KINDS gives each its template
DocumentKind = Literal["检查通知书", "现场检查记录", "责令限期整改指令书", "整改复查意见书"]
DocumentPrefix = Annotated[str, Field(min_length=1, pattern=r"^[^\s〔〕；;：:|]+$")]


class DocumentNumbers(Model):
    """How 抽查文书 are numbered: ``前缀〔年份〕科室简称-序号``, one series per prefix, section and year."""

    prefixes: dict[DocumentKind, DocumentPrefix] = public(title="各类文书的编号前缀", min_length=1)
    digits: int = public(3, title="序号位数（不足补 0）", ge=1, le=6)


class Bureau(Model):
    """``data/bureau.yaml``."""

    name: Text = public(title="单位名称")
    region: Text = public(title="行政区划")
    timezone: Text = public("Asia/Shanghai", title="时区")
    disclosure: DisclosureDeadline = public(title="结果公示期限")
    result_categories: list[ResultCategory] = public(
        DEFAULT_RESULT_CATEGORIES, title="检查结果类别", min_length=1
    )
    problem_lookback_days: int = public(365, title="“问题”层回溯天数", gt=0)
    rest_days: int = public(90, title="休息期（天）：此期间内被任何科室检查过的单位不进入风险层和一般层", ge=0, le=365)
    leaders: list[Leader] = public([], title="局领导（集中审理决定的签发人）")
    documents: DocumentNumbers | None = public(None, title="抽查文书编号")


class Section(Model):
    """A section (科室) of 第十一条 and the specialties it supervises."""

    id: Id = public(title="科室编号", pattern=r"^[a-z][a-z0-9_-]*$")
    name: Text = public(title="科室全称")
    short_names: list[Text] = public([], title="简称")
    specialties: list[Text] = public(title="监管行业", min_length=1)
    remit: OptionalText = public(None, title="职责")


class Duty(Model):
    """A supervision duty from the 权力清单 / 责任清单."""

    id: Id = public(title="职责编号")
    name: Text = public(title="职责名称")
    source: DutySource = public(title="清单")
    basis: OptionalText = public(None, title="设定依据")


class Approval(Model):
    """Who approved something, when, and by which document or meeting."""

    by: Text = public(title="批准人")
    date: dt.date = public(title="批准日期")
    document: Text = public(title="文号或会议")


class ChecklistItem(Model):
    """One item of the 随机抽查事项清单, with every field 第九条 asks for."""

    id: Id = public(title="事项编号")
    name: Text = public(title="抽查事项")
    subject: Id = public(title="检查主体")
    basis: list[Text] = public(title="检查依据", min_length=1)
    standard: Text = public(title="检查标准")
    scope: Text = public(title="检查范围")
    contents: list[Text] = public(title="检查内容", min_length=1)
    means: list[Text] = public(title="检查手段", min_length=1)
    ratio: RatioValue = public(title="抽查比例")
    frequency: int = public(title="抽查频次（次/年）", gt=0)
    method: list[Method] = public(["现场"], title="检查方式", min_length=1)
    duties: list[Id] = public(title="对应职责", min_length=1)
    approval: Approval = public(title="审批")


class SectionsFile(Model):
    sections: list[Section] = public(title="科室")


class DutiesFile(Model):
    duties: list[Duty] = public(title="职责")


class ChecklistFile(Model):
    name: OptionalText = public(None, title="清单名称")
    items: list[ChecklistItem] = public(title="抽查事项")

"""集中审理 (第二十条): a major violation's decision is 会签 by the sections concerned, carries its 文号, and is
signed by a 局领导 in office on the review's date. One rule, used by ``ssj report review`` and ``ssj check``."""

from __future__ import annotations

import re
from typing import Any

from shuangsuiji.registry.loading import Dataset
from shuangsuiji.registry.models.report import DOCUMENT_NUMBER, Review

#: (where inside the review, message) of one problem
ReviewProblem = tuple[tuple[Any, ...], str]


def review_problems(data: Dataset, section: str, review: Review) -> list[ReviewProblem]:
    """Why ``review`` of a report of ``section`` is not a valid central review (empty when it is)."""
    return _number(review) + _cosigned(data, section, review) + _signer(data, review)


def _number(review: Review) -> list[ReviewProblem]:
    if review.number is None:
        return [(("number",), "集中审理须写明决定文号（number），如“汝应急罚〔2026〕58号”")]
    if not re.fullmatch(DOCUMENT_NUMBER, review.number.strip()):
        return [(("number",), f"决定文号“{review.number}”格式不对：应写作“汝应急罚〔2026〕58号”这样的形式"
                              "（机关代字、〔年份〕、序号、号）")]
    return []


def _cosigned(data: Dataset, section: str, review: Review) -> list[ReviewProblem]:
    known = {s.id: s for s in data.sections}
    if not review.cosigned_by:
        name = known[section].name if section in known else section
        return [(("cosigned_by",), f"集中审理须写明会签科室（cosigned_by），至少包括检查科室{name}（{section}）")]
    problems: list[ReviewProblem] = [(("cosigned_by", n), f"会签科室“{s}”不是已登记的科室（data/sections.yaml）")
                                     for n, s in enumerate(review.cosigned_by) if s not in known]
    if section not in review.cosigned_by:
        name = known[section].name if section in known else section
        problems.append((("cosigned_by",), f"会签科室中没有检查科室{name}（{section}）"))
    return problems


def _signer(data: Dataset, review: Review) -> list[ReviewProblem]:
    leaders = data.bureau.leaders if data.bureau else []
    if not leaders:
        return [(("signed_by",), "data/bureau.yaml 没有列出局领导（leaders：name、title、since），"
                                 "集中审理决定只能由局领导签发（第二十条）")]
    named = [leader for leader in leaders if leader.name == review.signed_by.strip()]
    if not named:
        names = "、".join(f"{leader.name}（{leader.title}）" for leader in leaders)
        return [(("signed_by",), f"签发人“{review.signed_by}”不是局领导（data/bureau.yaml 的 leaders：{names}）")]
    if not any(leader.in_office(review.date) for leader in named):
        terms = "；".join(f"{leader.since}—{leader.until or '至今'}" for leader in named)
        return [(("signed_by",), f"签发人{review.signed_by}在审理日期 {review.date} 不在局领导任上（任职：{terms}）")]
    return []

"""``ssj check``: every file against its schema and every cross-reference — the registry, the plans and the
reports — collected, never stopping at the first problem (SPEC §3)."""

from __future__ import annotations

import datetime as dt

from shuangsuiji.core.platform import relabelled
from shuangsuiji.errors import DataError, Problem, SsjError
from shuangsuiji.ledger.queries import open_index
from shuangsuiji.plan.checks import check_plans
from shuangsuiji.registry.checks import check_registry
from shuangsuiji.registry.loading import Dataset, Progress, load_bureau
from shuangsuiji.registry.mapping import PLATFORM_YAML, platform_mapping
from shuangsuiji.reports.checks import check_reports
from shuangsuiji.workspace import PLANS_DIR, Workspace, plan_path


def check_all(ws: Workspace, data: Dataset, today: dt.date) -> Dataset:
    """Run every rule; problems are appended to ``data.problems``."""
    check_registry(data, today)
    check_plans(data, today)
    _check_platform_mapping(ws, data)
    index = open_index(ws)
    try:
        check_reports(data, today, index)
    finally:
        index.close()
    return data


def _check_platform_mapping(ws: Workspace, data: Dataset) -> None:
    """The bureau's own column mapping for the 公示系统 (``data/platform.yaml``, SPEC §9), checked as publish reads it."""
    if not (ws.root / PLATFORM_YAML).is_file():
        return
    try:
        mapping = platform_mapping(ws.root)
    except SsjError as exc:
        data.problems.extend(exc.problems or [Problem(PLATFORM_YAML, 1, exc.message)])
        return
    categories = [c.name for c in data.bureau.result_categories] if data.bureau is not None else []
    for heading, word, target in relabelled(mapping.as_json(), [], "", categories):
        data.problems.append(Problem(PLATFORM_YAML, None, f"“{heading}”一栏把“{word}”写成了“{target}”，而“{target}”是本局的"
                                     "另一个检查结果类别：平台表不能改写检查结论"))


def checked(ws: Workspace, data: Dataset, today: dt.date | None = None, plan_years: set[int] | None = None) -> Dataset:
    """``data`` cross-checked; refuses when any error remains.

    With ``plan_years``, problems in the plans of other years are left to ``ssj check``: a draft of next
    year's plan must not stop this year's draws.
    """
    check_all(ws, data, today or data.today())
    ignored = {plan_path(year) for year in _plan_years(data)} - {plan_path(y) for y in plan_years or ()}
    errors = [p for p in data.errors if plan_years is None or p.path not in ignored]
    if errors:
        raise DataError(f"数据有 {len(errors)} 处错误，请先运行 ssj check 并改正", errors)
    return data


def load_checked(ws: Workspace, today: dt.date | None = None, progress: Progress | None = None,
                 plan_years: set[int] | None = None) -> Dataset:
    """Every file of the bureau, validated and cross-checked; refuses when any error remains (see :func:`checked`)."""
    return checked(ws, load_bureau(ws, progress), today, plan_years)


def _plan_years(data: Dataset) -> set[int]:
    """Years of every plan file present, loaded or not."""
    years = set(data.plans)
    for path in data.inputs:
        name = path.removeprefix(PLANS_DIR + "/").removesuffix(".yaml")
        if path.startswith(PLANS_DIR + "/") and name.isdigit():
            years.add(int(name))
    return years
